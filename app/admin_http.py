"""``POST /admin/ingest``: a study folder (zipped) or a study workbook ingested by the running server.

While ``sckg serve`` runs on the embedded store it holds the store's folder, so ``sckg ingest`` sends the data
here instead (:func:`send`) and prints the answer as it prints a run of its own. The request needs an
administrator token as ``Authorization: Bearer``: the server's ``SCKG_TOKEN``, or a token of the tokens file
whose scope is ``*`` (an ingest replaces the study graph and its catalogue record). ``READ_ONLY`` answers 403.

The body is ``application/zip`` (the study's CSV files, at the top of the archive or in one folder) or the
workbook (``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``). ``?files=1`` means the
archive holds single files, the other tables coming from the shipped study (as ``sckg ingest practices.csv``);
``?name=`` is the workbook's file name, for the messages. The server runs the same ingest as the command
(:func:`ingest.pipeline.ingest_paths`) and answers the report as JSON (:func:`app.run_report.report_json`):
200 when it was loaded, 422 when the data has problems (nothing was written), 400 for input it cannot read.
Derived data is refreshed in the background afterwards, as after every write (``/status``).
"""
from __future__ import annotations

import hmac
import io
import json
import tempfile
import threading
import zipfile
from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, current_app, request
from werkzeug.utils import secure_filename

from app import auth, protocol
from app.errors import BadRequest, Forbidden, UnsupportedMediaType
from app.store import get_store
from ingest.errors import InputError, ValidationFailed
from ingest.namespaces import GRAPHS
from ingest.study import SPECS

bp = Blueprint("admin_http", __name__)

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: at most this many times the upload limit once unpacked (an archive that unpacks to more is refused)
UNPACKED_FACTOR = 20
#: one ingest at a time: a second request waits for the first
_running = threading.Lock()


def _administrator() -> str:
    """The name of the administrator the request's bearer token belongs to.

    :raises Forbidden: read-only mode, or a token whose scope is not every graph.
    :raises Unauthorized: no bearer token, or an unknown one.
    """
    if current_app.config.get("READ_ONLY"):
        raise Forbidden("this SCKG is read-only: every write is refused")
    header = request.headers.get("Authorization") or ""
    configured = current_app.config.get("TOKEN")
    if configured and header.startswith("Bearer ") and \
            hmac.compare_digest(header[len("Bearer "):].strip().encode(), str(configured).encode()):
        return "SCKG_TOKEN"
    token = auth.authenticate(header, current_app.config["TOKENS"])
    if not token.covers(None):
        raise Forbidden(f"token {token.name!r} may write only {auth.describe_scope(token.scope)}; an ingest "
                        "replaces the study graph and needs an administrator token (scope '*')")
    auth.authorize(token, {GRAPHS["study"], GRAPHS["meta"]}, default_graph=True)
    return token.name


def unpack(data: bytes, folder: Path, limit: int) -> list[Path]:
    """The study CSV files of a zip archive, written into ``folder``.

    :raises BadRequest: not a zip archive, a path outside the archive, a file that is not a study file,
        two files of the same name, or more than ``limit`` bytes unpacked.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadRequest("the body is not a zip archive of the study folder") from None
    out, total = [], 0
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.name.startswith(".") or "__MACOSX" in name.parts:
                continue
            if name.is_absolute() or ".." in name.parts or len(name.parts) > 2:
                raise BadRequest(f"the archive entry {info.filename!r} is not a study file at the top of the "
                                 "archive or in one folder")
            if name.name not in SPECS:
                if name.suffix.lower() == ".csv":
                    raise BadRequest(f"{name.name}: is not a file of the study layout; the files are: "
                                     f"{', '.join(SPECS)}")
                continue  # a README or notes beside the tables
            target = folder / name.name
            if target.exists():
                raise BadRequest(f"the archive holds {name.name} twice")
            total += info.file_size
            if total > limit:
                raise BadRequest(f"the archive unpacks to more than {limit} bytes")
            with archive.open(info) as src:
                body = src.read(limit + 1)
            if len(body) > info.file_size or total > limit:
                raise BadRequest(f"the archive entry {info.filename!r} is larger than it declares")
            target.write_bytes(body)
            out.append(target)
    if not out:
        raise BadRequest("the archive holds no study CSV file (editions.csv, cities.csv, practices.csv …)")
    return out


def _json(doc: dict, status: int) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json")


@bp.route("/admin/ingest", methods=["POST"])
def admin_ingest():
    """Ingest the study folder (zip) or workbook of the body; answers the report as JSON."""
    from app import run_report
    from ingest.pipeline import ingest_paths
    who = _administrator()
    mt, _params = protocol.media_type()
    if mt not in (ZIP, XLSX):
        raise UnsupportedMediaType(f"send the study folder as {ZIP} or the workbook as {XLSX}, not "
                                   f"{mt or 'a body without type'!r}")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = protocol.read_body(limit, "study")
    with tempfile.TemporaryDirectory(prefix="admin-ingest-") as tmp:
        folder = Path(tmp) / "study"
        folder.mkdir()
        if mt == ZIP:
            files = unpack(data, folder, limit * UNPACKED_FACTOR)
            paths = files if request.args.get("files") == "1" else [folder]
        else:
            name = secure_filename(request.args.get("name") or "") or "study.xlsx"
            if not name.lower().endswith(".xlsx"):
                name += ".xlsx"
            target = folder / name
            target.write_bytes(data)
            paths = [target]
        with _running:
            try:
                report = ingest_paths(paths, get_store(), base=current_app.config.get("BASE_IRI"))
            except ValidationFailed as e:
                doc = run_report.report_json(e.report)
                doc.update(ok=False, status=422, error=f"{len(e.report.violations)} problem(s); nothing was "
                                                      "written")
                return _json(doc, 422)
            except InputError as e:
                raise BadRequest(e.message) from None
    current_app.extensions["sckg.refresher"].request()
    current_app.logger.info("study ingested over HTTP by %s: %s triples", who, report.triples)
    doc = run_report.report_json(report)
    doc.update(ok=True, status=200, refresh="derived data is being refreshed; /status says when it is done")
    resp = _json(doc, 200)
    resp.headers["SCKG-Derived"] = "refreshing"
    resp.headers["Link"] = '</status>; rel="status"'
    return resp


# --- the client: sckg ingest when the store is held by a running server -------------------------------------

def server_url(config) -> str:
    """Where the running server listens: ``SERVER_URL``, else ``http://HOST:PORT``."""
    url = config.get("SERVER_URL")
    if url:
        return str(url).rstrip("/")
    host = config.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{config.get('PORT') or 8080}"


def _zip_paths(paths: list[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in paths:
            z.write(p, p.name)
    return buf.getvalue()


def request_body(paths) -> tuple[bytes, str, dict[str, str]]:
    """(body, media type, query) for study inputs: a folder, study CSV files or one workbook.

    :raises InputError: anything else (RDF files go to a store, not over this route), or a mix.
    """
    from ingest.pipeline import WORKBOOK_SUFFIXES
    given = [Path(p) for p in paths]
    for p in given:
        if not p.exists():
            raise InputError(p, None, "no such file or folder")
    books = [p for p in given if p.suffix.lower() in WORKBOOK_SUFFIXES]
    folders = [p for p in given if p.is_dir()]
    csvs = [p for p in given if p.is_file() and p.suffix.lower() == ".csv"]
    if books:
        if len(given) != 1:
            raise InputError(books[0].name, None, "give the workbook alone to a running server")
        return books[0].read_bytes(), XLSX, {"name": books[0].name}
    if folders and (len(folders) > 1 or csvs):
        raise InputError(folders[-1], None, "give one study folder, or study CSV files, to a running server")
    if folders:
        return _zip_paths(sorted(p for p in folders[0].glob("*.csv") if p.name in SPECS)), ZIP, {}
    if csvs and len(csvs) == len(given):
        from ingest.build import study_files
        files: dict[str, Path] = {}
        for parent in {p.parent for p in csvs}:
            files.update(study_files(parent))
        files.update({p.name: p for p in csvs})
        return _zip_paths(list(files.values())), ZIP, {"files": "1"}
    raise InputError(given[0].name, None, "only a study folder, study CSV files or a study workbook can be sent "
                                          "to a running server; stop it to load RDF files")


def send(paths, config, *, timeout: float = 600.0) -> tuple[int, dict]:
    """Send study inputs to the running server's ``/admin/ingest``; (HTTP status, JSON answer).

    :raises InputError: no administrator token (``SCKG_TOKEN``), or inputs that cannot be sent.
    :raises StoreUnavailable: the server cannot be reached.
    """
    import urllib.error
    import urllib.parse
    import urllib.request

    from ingest.errors import StoreUnavailable
    token = config.get("TOKEN")
    if not token:
        raise InputError("SCKG_TOKEN", None, "the store is held by a running sckg serve; to ingest through it, set "
                                             "SCKG_TOKEN to an administrator token (sckg token add NAME --scope '*')")
    body, media, query = request_body(paths)
    url = server_url(config) + "/admin/ingest" + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": media, "Accept": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"error": text.strip() or e.reason}
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise StoreUnavailable(f"the store is held by another process, and no SCKG answers at "
                               f"{server_url(config)} ({reason}); set SCKG_SERVER_URL to the running server") from None

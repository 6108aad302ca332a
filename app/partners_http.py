"""Partners over HTTP: the ingest endpoint, the datasets and their match reports, and ``/context.jsonld``.

``POST /partners/{partner}/datasets/{dataset}`` (``Authorization: Bearer`` with a scope covering
``…/graph/partner/{partner}/``) takes a workbook, CSV or JSON file (multipart field ``file`` plus
``mapping``, or a raw body with ``?mapping=``) and runs the partner pipeline, or JSON-LD
(``application/ld+json``, SCKG's context) that replaces the partner graph as sent. It answers with the
report. ``GET /partners``, ``GET /partners/{partner}/datasets/{dataset}`` and its ``report.json`` /
``report.csv`` show what was loaded.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.utils import secure_filename

from app import auth, protocol
from app.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from app.store import get_store
from ingest.errors import Abandoned
from ingest.namespaces import graph_iri, partner_graph
from ingest.partners.context import context, parse_jsonld
from ingest.partners.mapping import SLUG, find_mapping, load_mapping
from ingest.partners.pipeline import (
    load_partner_rdf,
    loaded_datasets,
    run_partner,
    stored_report,
)
from ingest.resources import resource_dir

bp = Blueprint("partners_http", __name__)

UPLOAD_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                "text/csv": ".csv", "application/json": ".json", "application/octet-stream": ""}


def partners_dir() -> Path:
    configured = current_app.config.get("PARTNERS_DIR")
    return Path(configured) if configured else resource_dir("data") / "partners"


def _slugs(*names: str) -> None:
    for n in names:
        if not SLUG.match(n):
            raise NotFound(f"{n!r} is not a partner or dataset name (lower-case letters, digits, hyphens)")


def sckg_contexts() -> tuple[str, ...]:
    """The URLs that name SCKG's JSON-LD context: this server's ``/context.jsonld`` and the public one. A
    document naming either gets the context inline; nothing is fetched."""
    return url_for("partners_http.context_jsonld", _external=True), "https://w3id.org/sckg/context.jsonld"


@bp.get("/context.jsonld")
def context_jsonld():
    resp = jsonify(context())
    resp.mimetype = "application/ld+json"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _mappings(partner: str | None = None) -> list[dict]:
    root = partners_dir()
    out = []
    for path in sorted(root.glob(f"{partner or '*'}/*.mapping.json")):
        m = load_mapping(path)
        out.append({"partner": m.partner, "dataset": m.dataset, "mapping": path.name.removesuffix(".mapping.json"),
                    "title": m.title, "formats": list(m.formats)})
    return out


@bp.get("/partners")
def partners_index():
    return jsonify({"mappings": _mappings(), "datasets": loaded_datasets(get_store())})


@bp.get("/partners/<partner>")
def partner_page(partner):
    _slugs(partner)
    loaded = [d for d in loaded_datasets(get_store()) if d["id"].split("/")[0] == partner]
    return jsonify({"partner": partner, "mappings": _mappings(partner), "datasets": loaded})


def _report(partner: str, dataset: str):
    _slugs(partner, dataset)
    report = stored_report(get_store(), partner, dataset)
    if report is None:
        raise NotFound(f"no dataset {partner}/{dataset} has been loaded")
    return report


@bp.get("/partners/<partner>/datasets/<dataset>")
def dataset_page(partner, dataset):
    report = _report(partner, dataset)
    body = report.to_dict()
    body["links"] = {"report.json": url_for(".report_json", partner=partner, dataset=dataset),
                     "report.csv": url_for(".report_csv", partner=partner, dataset=dataset)}
    return jsonify(body)


@bp.get("/partners/<partner>/datasets/<dataset>/report.json")
def report_json(partner, dataset):
    return Response(_report(partner, dataset).to_json(), mimetype="application/json")


@bp.get("/partners/<partner>/datasets/<dataset>/report.csv")
def report_csv(partner, dataset):
    resp = Response(_report(partner, dataset).to_csv(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{partner}-{dataset}-match-report.csv"'
    return resp


def _authorize(partner: str) -> None:
    token = auth.authenticate(request.headers.get("Authorization"), current_app.config["TOKENS"])
    auth.authorize(token, [graph_iri(f"partner/{partner}/")])


def _save_body(limit: int, folder: str) -> tuple[Path, str | None]:
    """The upload written to ``folder`` (never more than ``limit`` bytes read, nor decoded: a body sent with
    ``Content-Encoding: gzip`` and a gzip file are decompressed) and the mapping it names.

    :raises PayloadTooLarge: over the limit. :raises BadRequest: no file, or broken gzip data.
    :raises UnsupportedMediaType: a type or content coding not read here.
    """
    if request.mimetype == "multipart/form-data":
        if protocol.content_coding():
            raise UnsupportedMediaType("a multipart upload is not decoded as a whole; send its file "
                                       "gzip-compressed instead")
        if request.content_length is None:
            raise BadRequest("a multipart upload needs a Content-Length header")
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise BadRequest("the multipart body needs a 'file' field with the workbook, CSV or JSON file")
        dest = Path(folder) / (secure_filename(upload.filename) or "upload")
        upload.save(dest)
        return _gunzipped(dest, limit), request.form.get("mapping")
    if request.mimetype not in UPLOAD_TYPES:
        raise UnsupportedMediaType(f"cannot ingest {request.mimetype or 'a body without Content-Type'}; send "
                                   f"multipart/form-data or one of {', '.join(UPLOAD_TYPES)}")
    dest = Path(folder) / f"upload{UPLOAD_TYPES[request.mimetype]}"
    with open(dest, "wb") as f:
        f.writelines(protocol.body_chunks(limit, "upload"))
    return _gunzipped(dest, limit), request.args.get("mapping")


def _gunzipped(path: Path, limit: int) -> Path:
    """The file itself, or, when it holds gzip data, its decompressed copy (``x.csv.gz`` becomes ``x.csv``),
    at most ``limit`` bytes."""
    with open(path, "rb") as f:
        if f.read(2) != protocol.GZIP_MAGIC:
            return path
    name = path.name[:-3] if path.name.lower().endswith(".gz") and len(path.name) > 3 else path.name
    dest = path.with_name(name) if name != path.name else path.with_name(name + ".decoded")
    with open(path, "rb") as src, open(dest, "wb") as out:
        out.writelines(protocol.gunzip_chunks(iter(lambda: src.read(1 << 16), b""), limit, "upload"))
    if dest.name.endswith(".decoded"):
        dest = dest.replace(path)
    return dest


def still_wanted(started: float):
    """A check for just before the write: raises :class:`Abandoned` when the client has closed its connection
    (the server says so: waitress with ``channel_request_lookahead``; Granian's WSGI does not tell) or when
    ``UPLOAD_DEADLINE_S`` have passed since the request arrived, past which a client has usually given up
    (a commit then would be a write it was never told about)."""
    disconnected = request.environ.get("waitress.client_disconnected")
    deadline = float(current_app.config.get("UPLOAD_DEADLINE_S") or 0)

    def check() -> None:
        if disconnected is not None and disconnected():
            raise Abandoned("the client closed its connection before the write; nothing was written")
        took = time.monotonic() - started
        if deadline and took > deadline:
            raise Abandoned(f"checking and mapping the upload took {took:.0f} s, longer than a client is expected "
                            f"to wait ({deadline:g} s, UPLOAD_DEADLINE_S); nothing was written. Split the file, "
                            "or have the operator load it with 'sckg partner ingest'")
    return check


def _jsonld(partner: str, dataset: str, limit: int, started: float):
    data = protocol.maybe_gunzip(protocol.read_body(limit, "upload"), limit, "upload")
    g = parse_jsonld(data, sckg_contexts(), f"{partner}/{dataset} upload")
    budget = int(current_app.config.get("MAX_UPLOAD_TRIPLES") or 0)
    if budget and len(g) > budget:
        from ingest.partners.records import triple_budget_error
        raise triple_budget_error(len(g), budget, "the JSON-LD upload")
    still_wanted(started)()
    n = load_partner_rdf(get_store(), partner, dataset, g, source_name=f"{partner}-{dataset}.jsonld",
                         digest=hashlib.sha256(data).hexdigest())
    return jsonify({"partner": partner, "dataset": dataset, "graph": partner_graph(partner, dataset),
                    "triples": n})


@bp.post("/partners/<partner>/datasets/<dataset>")
def ingest(partner, dataset):
    started = time.monotonic()
    _slugs(partner, dataset)
    if current_app.config.get("READ_ONLY"):
        raise Forbidden("this SCKG is read-only (READ_ONLY): partner uploads are refused")
    _authorize(partner)
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the upload is {request.content_length} bytes; the limit is {limit} "
                              "(MAX_UPLOAD_BYTES)")
    if request.mimetype == "application/ld+json":
        return _jsonld(partner, dataset, limit, started)
    folder = tempfile.mkdtemp(prefix="sckg-partner-")
    try:
        source, name = _save_body(limit, folder)
        path = find_mapping(partners_dir(), partner, name or dataset)
        mapping = load_mapping(path)
        if (mapping.partner, mapping.dataset) != (partner, dataset):
            raise BadRequest(f"mapping {path.name} describes {mapping.partner}/{mapping.dataset}, "
                             f"not {partner}/{dataset}")
        store = get_store()
        report = run_partner(path, store, source=source, progress=False, base=current_app.config.get("BASE_IRI"),
                             max_triples=int(current_app.config.get("MAX_UPLOAD_TRIPLES") or 0) or None,
                             still_wanted=still_wanted(started))
        _refresh_derived(store)
        return jsonify(report.to_dict())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _refresh_derived(store) -> None:
    current_app.extensions["sckg.refresher"].request()


def init_app(app) -> None:
    """Offer the city pages' ``_indicators.html`` partial its data: ``partner_indicators(city_iri, lang)``."""
    from app.indicators import indicators_for_city

    def partner_indicators(city_iri, lang="en"):
        return indicators_for_city(get_store(), str(city_iri), str(lang))
    app.jinja_env.globals["partner_indicators"] = partner_indicators

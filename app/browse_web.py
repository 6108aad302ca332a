"""What every browse response shares: security headers, the page cache, format twins and vendor assets.

The page cache keeps rendered GET responses keyed by (store, store generation, full URL, language, Accept),
so a write to the store makes every cached page stale at once; their bodies hold at most ``CACHE_MB``, the
least recently used going first.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import threading
from pathlib import Path

from cachetools import LRUCache
from flask import Response, abort, current_app, request, send_file

from app.i18n import current_language
from app.store import get_store

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
       "form-action 'self'")
ROOT = Path(__file__).resolve().parent.parent
#: vendor files the pages may load: public name -> path inside an npm package
#: front-end files from npm: name under /vendor/ → path in node_modules (setup.py copies them at install)
VENDOR: dict[str, str] = json.loads((Path(__file__).resolve().parent / "static" / "vendor.json").read_text())
_lock = threading.Lock()


def byte_budget(config) -> int:
    """The bytes a cache of answers or pages may hold: ``CACHE_MB``."""
    return max(0, int(float(config.get("CACHE_MB", 64)) * 1024 * 1024))


def _page_cache() -> LRUCache:
    """The app's page cache: least recently used pages go first once their bodies pass ``CACHE_MB``."""
    pages = current_app.extensions.get("sckg.pages")
    if pages is None:
        with _lock:
            pages = current_app.extensions.setdefault(
                "sckg.pages", LRUCache(maxsize=byte_budget(current_app.config), getsizeof=lambda entry: len(entry[0])))
    return pages


def security_headers(response: Response) -> Response:
    """CSP (no inline scripts; JSON-LD data blocks are not scripts), nosniff and a referrer policy."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def cached(view):
    """Serve a GET view's 200 responses from memory until the store changes."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or current_app.config.get("PAGE_CACHE") is False:
            return view(*args, **kwargs)
        store = get_store()
        key = (id(store), store.generation, request.full_path, current_language(),
               request.headers.get("Accept", ""))
        pages = _page_cache()
        with _lock:
            hit = pages.get(key)
        if hit is not None:
            body, status, headers = hit
            return Response(body, status=status, headers=headers)
        resp = current_app.make_response(view(*args, **kwargs))
        if resp.status_code == 200 and not resp.direct_passthrough:
            entry = (resp.get_data(), resp.status_code,
                     [(k, v) for k, v in resp.headers.items() if k.lower() != "set-cookie"])
            if len(entry[0]) <= pages.maxsize:  # a page larger than the whole budget is not kept
                with _lock:
                    pages[key] = entry
        return resp
    return wrapper


def wanted_format(default: str = "html") -> str:
    """``html``, ``json`` or ``csv`` from ``?format=`` (or the ``.json``/``.csv`` route suffix)."""
    fmt = (request.view_args or {}).get("ext") or request.args.get("format") or default
    if fmt not in ("html", "json", "csv"):
        from app.errors import BadRequest
        raise BadRequest(f"unknown format {fmt!r}; use html, json or csv")
    return fmt


def json_response(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")


def csv_response(rows: list[dict], columns: list[str], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("; ".join(row[c]) if isinstance(row.get(c), list) else row.get(c, "")) for c in columns})
    resp = Response(out.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return resp


def vendor_path(name: str) -> Path | None:
    """A vendor file from ``app/static/vendor/`` (copied at install) or from ``node_modules/``; None if absent."""
    if name not in VENDOR:
        return None
    for candidate in (Path(__file__).resolve().parent / "static" / "vendor" / name, ROOT / "node_modules" / VENDOR[name]):
        if candidate.is_file():
            return candidate
    return None


def serve_vendor(name: str):
    path = vendor_path(name)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)

"""HTTP-level errors, and the one place where every error becomes a response.

The hierarchy's root, :class:`ingest.errors.KGError`, lives in the lower layer; this module adds the
errors only the web app raises and renders them all: JSON (``{"ok": false, "error": …, "status": …}``) for
API and SPARQL clients, a page for browsers, plain text where the client asked for text.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from ingest.errors import KGError, QuerySyntaxError, StoreError, StoreUnavailable  # noqa: F401 (re-exported)

log = logging.getLogger("sckg")


class BadRequest(KGError):
    status = 400
    title = "Bad request"


class Unauthorized(KGError):
    status = 401
    title = "Authentication required"


class Forbidden(KGError):
    status = 403
    title = "Forbidden"


class NotFound(KGError):
    status = 404
    title = "Not found"


class QueryNotFound(NotFound):
    title = "No such named query"


class ResourceNotFound(NotFound):
    title = "No such resource"


class MethodNotAllowed(KGError):
    status = 405
    title = "Method not allowed"


class NotAcceptable(KGError):
    status = 406
    title = "Not acceptable"


class PayloadTooLarge(KGError):
    status = 413
    title = "Payload too large"


class URITooLong(KGError):
    status = 414
    title = "URI too long"


class UnsupportedMediaType(KGError):
    status = 415
    title = "Unsupported media type"


class TooManyRequests(KGError):
    status = 429
    title = "Too many requests"


class QueryTimeout(KGError):
    status = 503
    title = "Query timeout"


class TokensUnavailable(KGError):
    """The write tokens cannot be read (a malformed or unreadable tokens file): no write can be authorized.

    The server's fault, not the client's; :mod:`app.auth` logs the reason and the file where it raises this."""

    status = 503
    title = "Service unavailable"


class TableUnavailable(KGError):
    """A report table whose query ran out of time or memory."""

    status = 503
    title = "Table unavailable"


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/plain", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def _wants_text() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/plain"])
    return best == "text/plain" and request.accept_mimetypes["text/plain"] > request.accept_mimetypes["application/json"]


def render_error(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    if _wants_html():
        try:
            body = render_template("error.html", status=status, title=title, message=message)
            resp = Response(body, status=status, mimetype="text/html")
        except Exception:  # a missing or broken template must not hide the original error
            resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    elif _wants_text():
        resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    else:
        from flask import json
        resp = Response(json.dumps({"ok": False, "status": status, "title": title, "error": message}),
                        status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register(app: Flask) -> None:
    @app.errorhandler(KGError)
    def _kg_error(e: KGError):
        headers = getattr(e, "headers", None)
        if e.status >= 500 and not isinstance(e, (StoreUnavailable, QueryTimeout, TokensUnavailable)):
            log.error("%s: %s", type(e).__name__, e.message)
        return render_error(e.status, e.title, e.message, headers)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        return render_error(e.code or 500, e.name, e.description or e.name)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render_error(500, "Internal error", "The server failed to answer this request; it was logged.")


class InconsistentData(KGError):
    """The data or the ontology contradicts the ontology's axioms; ``details`` lists the axioms involved."""

    status = 400
    title = "Inconsistent data"

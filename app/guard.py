"""Safety checks run on a SPARQL query or update before the engine sees it.

pyoxigraph offers no parser API to Python, so the checks work on a lexical scan: comments, strings and IRIs
are recognised as whole tokens, so a keyword inside a literal or an IRI never counts. The scan refuses
``SERVICE`` and ``LOAD`` (the engine would fetch any URL; a text that uses them is first parsed, never
evaluated, so a malformed one is a 400 like any other), caps the nesting depth and the number of ``UNION``
branches (deep nesting overflows the evaluator's stack), and lists the graphs an update writes to so
:mod:`app.auth` can check a token's scope.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from app import sparql_text
from app.errors import BadRequest, Forbidden
from app.sparql_text import Token

MAX_DEPTH = 100
MAX_UNIONS = 200

def tokens(text: str) -> list[Token]:
    """The significant tokens of a query (:func:`app.sparql_text.tokens`), each with its nesting depth.

    :raises BadRequest: nesting deeper than ``MAX_DEPTH``.
    """
    try:
        return sparql_text.tokens(text, MAX_DEPTH)
    except sparql_text.TooDeep:
        raise _too_deep() from None


def _too_deep() -> BadRequest:
    return BadRequest(f"the query is nested more than {MAX_DEPTH} levels deep; simplify it")


def _allowed_host(url: str, allowed: set[str]) -> bool:
    """True when ``url`` is http(s) on an allow-listed host that resolves only to public addresses."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in allowed:
        return False
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if (addr.is_loopback or addr.is_private or addr.is_link_local or addr.is_reserved
                or addr.is_multicast or addr.is_unspecified):
            return False
    return bool(infos)


#: a second, coarser look at the raw text, so a quirk of the scan can never let a fetch through
_RAW_REMOTE = re.compile(r"(?<![\w:?$.-])(SERVICE|LOAD)(?:\s|#[^\n]*\n)+(?:SILENT(?:\s|#[^\n]*\n)+)?(?:[<?$]|[A-Za-z_][\w.-]*:|:)",
                         re.IGNORECASE)


#: texts up to this size that would be refused for SERVICE or LOAD are parsed first, so a malformed one is a 400
SYNTAX_CHECK_BYTES = 64 * 1024


def syntax_error(text: str, form: str) -> str | None:
    """What the SPARQL 1.1 grammar finds wrong in ``text`` (a query, or an update when ``form`` is ``update``);
    None when it parses, or when the parser cannot tell (too long, too deep for it).

    The text is only parsed (rdflib's grammar), never evaluated: nothing is fetched or written.
    """
    if len(text.encode()) > SYNTAX_CHECK_BYTES:
        return None
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    try:
        (parseUpdate if form == "update" else parseQuery)(text)
    except ParseBaseException as e:
        return f"line {e.lineno}, column {e.col}: {e.msg}"
    except Exception:  # noqa: BLE001 - a recursion limit or a quirk of the grammar: say nothing, refuse as before
        return None
    return None


def _refuse_remote(word: str, toks: list[Token], text: str) -> Forbidden:
    """The 403 for SERVICE or LOAD; a malformed text is told so first (400), as any other malformed request."""
    form = query_form(toks) or ("update" if word == "LOAD" else "select")
    if text and (problem := syntax_error(text, form)) is not None:
        raise BadRequest(f"the {'update' if form == 'update' else 'query'} does not parse: {problem}")
    return Forbidden(f"{word} is refused: this service does not fetch remote data "
                     "(the operator can allow-list public hosts with ALLOWED_SERVICE_HOSTS)")


def _remote_targets(toks: list[Token], allowed: set[str], text: str = "") -> None:
    m = _RAW_REMOTE.search(text)
    if m and not allowed:
        raise _refuse_remote(m.group(1).upper(), toks, text)
    for i, t in enumerate(toks):
        if t.word not in ("SERVICE", "LOAD"):
            continue
        j = i + 1
        if j < len(toks) and toks[j].word == "SILENT":
            j += 1
        target = toks[j] if j < len(toks) else None
        if not allowed or target is None or target.kind != "iri" or not _allowed_host(target.text[1:-1], allowed):
            raise _refuse_remote(t.word, toks, text)


def check_query(text: str, allowed_hosts: str = "") -> list[Token]:
    """Refuse a query the engine must not evaluate; returns its tokens.

    :raises BadRequest: nesting deeper than ``MAX_DEPTH``, more than ``MAX_UNIONS`` UNION branches, or a text
        with SERVICE or LOAD that does not parse (:func:`syntax_error`).
    :raises Forbidden: a well-formed SERVICE or LOAD to a host that is not allow-listed or resolves to a private address.
    """
    toks = tokens(text)
    unions = sum(1 for t in toks if t.word == "UNION")
    if unions >= MAX_UNIONS:
        raise BadRequest(f"the query has more than {MAX_UNIONS} UNION branches; at most {MAX_UNIONS} are accepted")
    allowed = {h.strip().lower() for h in (allowed_hosts or "").split(",") if h.strip()}
    _remote_targets(toks, allowed, text)
    return toks


def query_form(toks: list[Token]) -> str:
    """``select``, ``construct``, ``describe``, ``ask`` or ``update`` (the first form keyword), else ``""``."""
    for t in toks:
        w = t.word
        if w in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return w.lower()
        if w in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            return "update"
    return ""


# --- what an update writes ------------------------------------------------------------------------

def update_scope(text: str, base: str = "") -> sparql_text.UpdateScope:
    """The graphs an update names (:func:`app.sparql_text.update_scope`), for :mod:`app.auth`.

    :raises BadRequest: an undeclared prefix, a graph name that cannot be read, too deep nesting.
    """
    try:
        return sparql_text.update_scope(text, base, MAX_DEPTH)
    except sparql_text.UnreadableUpdate as e:
        raise BadRequest(str(e)) from None
    except sparql_text.TooDeep:
        raise _too_deep() from None

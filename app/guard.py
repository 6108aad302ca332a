"""Safety checks run on a SPARQL query or update before the engine sees it.

pyoxigraph offers no parser API to Python, so the checks work on a lexical scan: comments, strings and IRIs
are recognised as whole tokens, so a keyword inside a literal or an IRI never counts. The scan refuses
``SERVICE`` and ``LOAD`` (the engine would fetch any URL), caps the nesting depth and the number of ``UNION``
branches (deep nesting overflows the evaluator's stack), and lists the graphs an update writes to so
:mod:`app.auth` can check a token's scope.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

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
        raise BadRequest(f"the query is nested more than {MAX_DEPTH} levels deep; simplify it") from None


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


def _remote_targets(toks: list[Token], allowed: set[str], text: str = "") -> None:
    m = _RAW_REMOTE.search(text)
    if m and not allowed:
        raise Forbidden(f"{m.group(1).upper()} is refused: this service does not fetch remote data "
                        "(the operator can allow-list public hosts with ALLOWED_SERVICE_HOSTS)")
    for i, t in enumerate(toks):
        if t.word not in ("SERVICE", "LOAD"):
            continue
        j = i + 1
        if j < len(toks) and toks[j].word == "SILENT":
            j += 1
        target = toks[j] if j < len(toks) else None
        if not allowed or target is None or target.kind != "iri" or not _allowed_host(target.text[1:-1], allowed):
            raise Forbidden(f"{t.word} is refused: this service does not fetch remote data "
                            "(the operator can allow-list public hosts with ALLOWED_SERVICE_HOSTS)")


def check_query(text: str, allowed_hosts: str = "") -> list[Token]:
    """Refuse a query the engine must not evaluate; returns its tokens.

    :raises BadRequest: nesting deeper than ``MAX_DEPTH`` or more than ``MAX_UNIONS`` UNION branches.
    :raises Forbidden: SERVICE or LOAD to a host that is not allow-listed or resolves to a private address.
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

@dataclass
class UpdateScope:
    """The graphs an update names, and whether it reaches the default graph or all graphs (needs '*')."""

    graphs: set[str] = field(default_factory=set)
    needs_all: bool = False
    has_dataset_clause: bool = False  # USING or WITH somewhere
    where_positions: list[int] = field(default_factory=list)  # where to add USING clauses


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class _Resolver:
    def __init__(self, base: str):
        self.base = base
        self.prefixes: dict[str, str] = {}

    def iri(self, tok: Token) -> str | None:
        if tok.kind == "iri":
            text = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), tok.text[1:-1])
            return urljoin(self.base, text) if self.base else text
        if tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + local.replace("\\", "")
            raise BadRequest(f"the prefix {prefix!r}: is not declared")
        return None


def _template_has_default_triples(toks: list[Token], i: int) -> tuple[bool, int]:
    """Given ``toks[i]`` an opening brace of a quad template, say whether triples sit outside GRAPH blocks."""
    depth0 = toks[i].depth
    j = i + 1
    default = False
    while j < len(toks) and not (toks[j].kind == "close" and toks[j].depth == depth0):
        t = toks[j]
        if t.depth == depth0 + 1:
            if t.word == "GRAPH":
                j += 2  # skip the graph name; its block is deeper
                continue
            if t.kind == "open" and t.text == "{" and j > 0 and toks[j - 2].word == "GRAPH":
                pass
            elif t.kind not in ("open", "close") and t.text != ".":
                default = True
        j += 1
    return default, j


def update_scope(text: str, base: str = "") -> UpdateScope:
    """The graphs an update names (after GRAPH, WITH, USING, INTO, and the graph-management operations).

    :raises BadRequest: an undeclared prefix, too deep nesting.
    """
    toks = tokens(text)
    res = _Resolver(base)
    scope = UpdateScope()
    with_graph = False
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.word
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if w == "PREFIX" and nxt is not None and i + 2 < len(toks):
            res.prefixes[nxt.text[:-1]] = res.iri(toks[i + 2]) or ""
            i += 3
            continue
        if w == "BASE" and nxt is not None and nxt.kind == "iri":
            res.base = urljoin(res.base, nxt.text[1:-1]) if res.base else nxt.text[1:-1]
            i += 2
            continue
        if t.text == ";" and t.depth == 0:
            with_graph = False
        elif w in ("GRAPH", "WITH", "USING", "INTO", "TO") or (w in ("ADD", "MOVE", "COPY")):
            if w in ("WITH", "USING"):
                scope.has_dataset_clause = True
            j = i + 1
            while j < len(toks) and toks[j].word in ("NAMED", "GRAPH", "SILENT"):
                j += 1
            target = toks[j] if j < len(toks) else None
            if target is not None:
                if target.kind == "var" or target.word == "DEFAULT":
                    scope.needs_all = True
                elif target.kind in ("iri", "pname"):
                    scope.graphs.add(res.iri(target))
                elif w != "TO" or target.kind != "word":
                    raise BadRequest(f"cannot tell which graph '{w} {target.text[:50]}' names; write it as <IRI>")
            if w == "WITH":
                with_graph = True
            i = j + 1 if w != "GRAPH" else i + 1
            continue
        elif w in ("DEFAULT", "ALL") or (w == "NAMED" and (i == 0 or toks[i - 1].word != "USING")):
            scope.needs_all = True
        elif w in ("INSERT", "DELETE"):
            j = i + 1
            if j < len(toks) and toks[j].word in ("DATA", "WHERE"):
                j += 1
            if j < len(toks) and toks[j].text == "{":
                default, end = _template_has_default_triples(toks, j)
                if default and not with_graph:
                    scope.needs_all = True
                i = j + 1
                continue
        elif w == "WHERE" and t.depth == 0 and i > 0 and toks[i - 1].word != "DELETE":
            scope.where_positions.append(t.start)
        elif w == "LOAD":
            scope.needs_all = True
        i += 1
    return scope

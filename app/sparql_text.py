"""A small lexer for SPARQL text: enough to find keywords and braces outside comments, strings and IRIs.

Used to bind values into a query as an inline ``VALUES`` block (the same mechanism for the embedded and the
remote store), and by the safety checks that look for keywords such as ``SERVICE``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u00c0-\uffff]+)
  | (?P<bnode>_:[\w.\-\u00b7\u00c0-\uffff]+)
  | (?P<pname>[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*:(?:[\w.\-:%\\\u00b7\u00c0-\uffff]*[\w:%\-\u00b7\u00c0-\uffff])?|:(?:[\w.\-:%\\\u00b7\u00c0-\uffff]*[\w:%\-\u00b7\u00c0-\uffff])?)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # string, iri, var, bnode, pname, word, open, close or other
    text: str
    start: int  # offset in the text
    depth: int  # bracket depth before the token

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


class TooDeep(ValueError):
    """Brackets nested deeper than the caller allows."""


def tokens(text: str, max_depth: int | None = None) -> list[Token]:
    """The significant tokens of a query or update (no spaces, no comments), each with its bracket depth.
    Comments, strings and IRIs are whole tokens, so a keyword or a brace inside them never counts.

    :raises TooDeep: brackets nested deeper than ``max_depth``.
    """
    out: list[Token] = []
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        out.append(Token(kind, m.group(), m.start(), depth))
        if kind == "open":
            depth += 1
            if max_depth is not None and depth > max_depth:
                raise TooDeep(f"nested more than {max_depth} levels deep")
    return out


def _group_start(toks: list[Token]) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group (the first top-level ``{`` when the
    query has no WHERE keyword)."""
    seen_where = False
    first_open = None
    for t in toks:
        if t.word == "WHERE" and t.depth == 0:
            seen_where = True
        elif t.text == "{" and t.depth == 0:
            if seen_where:
                return t.start + 1
            if first_open is None:
                first_open = t.start + 1
    if first_open is None:
        raise ValueError("the query has no group pattern to bind values in")
    return first_open


def _term_text(term) -> str:
    from app.store import to_ox
    return str(to_ox(term))


def bind_values(text: str, bindings: Mapping[str, object]) -> str:
    """Bind each variable to one term with a ``VALUES`` block placed first in the WHERE group.

    Terms are written by pyoxigraph (which validates IRIs and escapes literals), never spliced as raw text.

    >>> from rdflib import Literal
    >>> bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('say "hi"')})
    'SELECT ?s WHERE { VALUES (?o) { ("say \\\\"hi\\\\"") } ?s ?p ?o }'

    :raises ValueError: for an invalid IRI or a query without a group pattern.
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"invalid variable name {name!r}")
    values = " ".join(_term_text(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}"
    toks = tokens(text)
    if _is_short_construct(toks):  # CONSTRUCT WHERE { … }: its group is the template, so bind at the end
        return text + "\n" + block
    at = _group_start(toks)
    return text[:at] + block + text[at:]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword (SELECT when none: the engine reports it).

    >>> query_form("PREFIX ex: <http://e.org/select> CONSTRUCT WHERE { ?s ex:ask 'describe' }")
    'CONSTRUCT'
    """
    for t in tokens(text):
        if t.word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return t.word
    return "SELECT"


def _is_short_construct(toks: list[Token]) -> bool:
    return any(a.word == "CONSTRUCT" and b.word == "WHERE" for a, b in zip(toks, toks[1:]))




_TARGET_AFTER = {"GRAPH", "WITH", "INTO", "TO", "DROP", "CLEAR", "CREATE", "ADD", "MOVE", "COPY"}


def touched_graphs(update: str) -> set[str | None] | None:
    """The graphs a SPARQL Update may change: IRIs, plus ``None`` for the default graph (always included).

    Returns ``None`` when the update may touch any graph (``GRAPH ?g``, ``ALL``, ``NAMED``, a relative or
    unresolvable name). Over-approximates (a ``GRAPH <g>`` read in a WHERE clause counts), never under.

    >>> sorted(touched_graphs("DROP SILENT GRAPH <http://g/1> ; MOVE <http://g/2> TO <http://g/3>"), key=str)
    [None, 'http://g/1', 'http://g/2', 'http://g/3']
    """
    prefixes: dict[str, str] = {}
    out: set[str | None] = {None}
    significant = [(t.kind, t.text) for t in tokens(update)]
    prev = None  # the previous significant word, upper-cased, SILENT skipped
    for i, (kind, tok) in enumerate(significant):
        word = tok.upper() if kind == "word" else None
        if word == "PREFIX" and i + 2 < len(significant) and significant[i + 2][0] == "iri":
            prefixes[significant[i + 1][1].rstrip(":")] = significant[i + 2][1][1:-1]
        elif prev in _TARGET_AFTER:
            if kind == "var" or word in ("ALL", "NAMED"):
                return None
            if kind == "iri":
                iri = tok[1:-1]
                if not re.match(r"^[A-Za-z][\w+.-]*:", iri):
                    return None  # relative: depends on BASE
                out.add(iri)
            elif kind == "pname":
                prefix, local = tok.split(":", 1)
                if prefix not in prefixes:
                    return None
                out.add(prefixes[prefix] + local)
        if word != "SILENT":
            prev = word
    return out

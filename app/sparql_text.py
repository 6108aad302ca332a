"""A small lexer for SPARQL text: enough to find keywords and braces outside comments, strings and IRIs.

Used to bind values into a query as an inline ``VALUES`` block (the same mechanism for the embedded and the
remote store), by the safety checks that look for keywords such as ``SERVICE``, and to read which graphs an
update names: for a token's scope (:mod:`app.guard`) and for the graphs a write persists (:mod:`app.store`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ingest.terms import to_ox


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
    short = _short_construct_group(toks)
    if short is not None:  # CONSTRUCT WHERE { T } → CONSTRUCT { T } WHERE { VALUES … T }: T is the template
        where, start, end = short
        template = text[start:end]
        return text[:where] + "{" + template + "} WHERE {" + block + template + text[end:]
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


def _short_construct_group(toks: list[Token]) -> tuple[int, int, int] | None:
    """For ``CONSTRUCT WHERE { T }``: the offsets of ``WHERE``, and of T's first and last character + 1;
    None for any other query. (T holds only triple patterns: no nested braces.)"""
    for i, (a, b) in enumerate(zip(toks, toks[1:])):
        if a.word == "CONSTRUCT" and b.word == "WHERE":
            rest = toks[i + 2:]
            if not rest or rest[0].text != "{":
                return None
            end = next((t for t in rest[1:] if t.kind == "close" and t.depth == rest[0].depth), None)
            return None if end is None else (b.start, rest[0].start + 1, end.start)
    return None




_ABSOLUTE = re.compile(r"[A-Za-z][\w+.-]*:")


class UnreadableUpdate(ValueError):
    """An update whose graph names cannot be told: an undeclared prefix, a graph name that is not an IRI."""


@dataclass
class UpdateScope:
    """The graphs an update names, and whether it reaches the default graph or any graph.

    ``graphs`` over-approximates the graphs written (a ``USING <g>`` or a ``GRAPH <g>`` read in a WHERE
    clause counts), never under.
    """

    graphs: set[str] = field(default_factory=set)
    any_graph: bool = False  # GRAPH ?g, ALL, NAMED: the graphs cannot be listed
    default: bool = False  # DEFAULT, LOAD, or template triples outside GRAPH blocks without WITH
    has_dataset_clause: bool = False  # USING or WITH somewhere
    where_positions: list[int] = field(default_factory=list)  # where to add USING clauses

    @property
    def needs_all(self) -> bool:
        """Whether the update reaches past named graphs (a token needs the '*' scope)."""
        return self.any_graph or self.default


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
            raise UnreadableUpdate(f"the prefix {prefix!r}: is not declared")
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


def update_scope(text: str, base: str = "", max_depth: int | None = None) -> UpdateScope:
    """The graphs an update names (after GRAPH, WITH, USING, INTO, TO and the graph-management operations),
    relative IRIs resolved against ``base`` and the update's own ``BASE``.

    :raises UnreadableUpdate: an undeclared prefix, a graph name that is not an IRI.
    :raises TooDeep: brackets nested deeper than ``max_depth``.
    """
    toks = tokens(text, max_depth)
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
        elif w in ("GRAPH", "WITH", "USING", "INTO", "TO", "ADD", "MOVE", "COPY"):
            if w in ("WITH", "USING"):
                scope.has_dataset_clause = True
            j = i + 1
            while j < len(toks) and toks[j].word in ("NAMED", "GRAPH", "SILENT"):
                j += 1
            target = toks[j] if j < len(toks) else None
            if target is not None:
                if target.kind == "var":
                    scope.any_graph = True
                elif target.word == "DEFAULT":
                    scope.default = True
                elif target.kind in ("iri", "pname"):
                    scope.graphs.add(res.iri(target))
                elif w != "TO" or target.kind != "word":
                    raise UnreadableUpdate(f"cannot tell which graph '{w} {target.text[:50]}' names; write it "
                                           "as <IRI>")
            if w == "WITH":
                with_graph = True
            i = j + 1 if w != "GRAPH" else i + 1
            continue
        elif w == "DEFAULT":
            scope.default = True
        elif w == "ALL" or (w == "NAMED" and (i == 0 or toks[i - 1].word != "USING")):
            scope.any_graph = True
        elif w in ("INSERT", "DELETE"):
            j = i + 1
            if j < len(toks) and toks[j].word in ("DATA", "WHERE"):
                j += 1
            if j < len(toks) and toks[j].text == "{":
                default, end = _template_has_default_triples(toks, j)
                if default and not with_graph:
                    scope.default = True
                i = j + 1
                continue
        elif w == "WHERE" and t.depth == 0 and i > 0 and toks[i - 1].word != "DELETE":
            scope.where_positions.append(t.start)
        elif w == "LOAD":
            scope.default = True
        i += 1
    return scope


def touched_graphs(update: str) -> set[str | None] | None:
    """The graphs a SPARQL Update may change (:func:`update_scope`): IRIs, plus ``None`` for the default graph
    (always included).

    Returns ``None`` when the update may touch any graph (``GRAPH ?g``, ``ALL``, ``NAMED``) or its graph
    names cannot be read, as an undeclared prefix or a relative IRI without a base (the engine then reports
    the error).

    >>> sorted(touched_graphs("DROP SILENT GRAPH <http://g/1> ; MOVE <http://g/2> TO <http://g/3>"), key=str)
    [None, 'http://g/1', 'http://g/2', 'http://g/3']
    """
    try:
        scope = update_scope(update)
    except UnreadableUpdate:
        return None
    if scope.any_graph or not all(_ABSOLUTE.match(g) for g in scope.graphs):
        return None
    return {None, *scope.graphs}

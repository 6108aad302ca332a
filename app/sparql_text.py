"""A small lexer for SPARQL text: enough to find keywords and braces outside comments, strings and IRIs.

Used to bind values into a query as an inline ``VALUES`` block (the same mechanism for the embedded and the
remote store), and by the safety checks that look for keywords such as ``SERVICE``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping


_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)|\'\'\'(?:[^'\\]|\\.|'(?!''))*(?:\'\'\'|$)
              |"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w]+)
  | (?P<word>[A-Za-z_][\w-]*(?::[\w.-]*)?|:[\w.-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<space>\s+)
  | (?P<other>.)
''', re.S | re.X)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """Yield ``(kind, text, offset)`` for every token; kinds: comment, string, iri, var, word, open, close,
    space, other."""
    for m in _TOKEN.finditer(text):
        yield m.lastgroup or "other", m.group(), m.start()


def _group_start(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group."""
    depth = 0
    seen_where = False
    first_open = None
    for kind, tok, pos in tokens(text):
        if kind == "word" and depth == 0 and tok.upper() == "WHERE":
            seen_where = True
        elif kind == "open" and tok == "{":
            if depth == 0 and seen_where:
                return pos + 1
            if depth == 0 and first_open is None:
                first_open = pos + 1
            depth += 1
        elif kind == "close" and tok == "}":
            depth -= 1
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
    if _is_short_construct(text):  # CONSTRUCT WHERE { … }: its group is the template, so bind at the end
        return text + "\n" + block
    at = _group_start(text)
    return text[:at] + block + text[at:]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword (SELECT when none: the engine reports it).

    >>> query_form("PREFIX ex: <http://e.org/select> CONSTRUCT WHERE { ?s ex:ask 'describe' }")
    'CONSTRUCT'
    """
    for kind, tok, _ in tokens(text):
        if kind == "word" and tok.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok.upper()
    return "SELECT"


def _is_short_construct(text: str) -> bool:
    words = [t.upper() for k, t, _ in tokens(text) if k == "word"]
    return any(a == "CONSTRUCT" and b == "WHERE" for a, b in zip(words, words[1:]))




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
    significant = [(k, t) for k, t, _ in tokens(update) if k not in ("space", "comment")]
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
            elif kind == "word" and ":" in tok:
                prefix, local = tok.split(":", 1)
                if prefix not in prefixes:
                    return None
                out.add(prefixes[prefix] + local)
        if word != "SILENT":
            prev = word
    return out

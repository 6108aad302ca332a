"""Query answers written in the SPARQL result formats and RDF syntaxes, with a row cap.

The engine's own writers cannot stop after N rows, so a capped SELECT answer is written here: the first
``limit`` solutions are taken from the engine's iterator and written as SPARQL 1.1 JSON, XML, CSV or TSV.
Graphs are capped the same way and written by pyoxigraph's serializer.
"""
from __future__ import annotations

import io
import itertools
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
            f"<object>{_xml_term(t.object)}</object></triple>")


def _csv_value(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        v = "_:" + t.value
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        v = t.value
    else:
        v = str(t)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def write_solutions(names: list[str], rows: list[list], fmt: str) -> bytes:
    """Rows of pyoxigraph terms (``None`` for unbound) as SPARQL results in ``fmt``."""
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode()
    out = io.StringIO()
    if fmt == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out.writelines(f"<variable name={quoteattr(n)}/>" for n in names)
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            out.writelines(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                           for n, t in zip(names, row) if t is not None)
            out.write("</result>")
        out.write("</results></sparql>\n")
    elif fmt == "csv":
        out.write(",".join(names) + "\r\n")
        out.writelines(",".join(_csv_value(t) for t in row) + "\r\n" for row in rows)
    else:  # tsv: terms in their N-Triples form
        out.write("\t".join("?" + n for n in names) + "\n")
        out.writelines("\t".join("" if t is None else str(t).replace("\t", "\\t") for t in row) + "\n"
                       for row in rows)
    return out.getvalue().encode()


def capped_solutions(result, fmt: str, limit: int | None) -> tuple[bytes, bool]:
    """Write a SELECT answer; with a ``limit``, only its first ``limit`` rows. Returns (body, truncated)."""
    if limit is None:
        return result.serialize(format=RESULT_FORMATS[fmt]) or b"", False
    names = [v.value for v in result.variables]
    width = range(len(names))
    rows = [[sol[i] for i in width] for sol in itertools.islice(result, limit + 1)]
    truncated = len(rows) > limit
    return write_solutions(names, rows[:limit], fmt), truncated


def capped_graph(result, fmt: ox.RdfFormat, limit: int | None, prefixes: dict | None = None) -> tuple[bytes, bool]:
    """Write a CONSTRUCT/DESCRIBE answer; with a ``limit``, only its first ``limit`` triples."""
    triples = list(result) if limit is None else list(itertools.islice(result, limit + 1))
    truncated = limit is not None and len(triples) > limit
    if truncated:
        triples = triples[:limit]
    if fmt.supports_datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b"", truncated


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def decoded(kind: str, body: bytes):
    """A serialized answer read back as rdflib terms, the shape ``store.query`` returns: rows (a list of dicts
    without the unbound variables) for ``solutions`` in SPARQL results JSON, a bool for ``boolean`` (JSON; a
    one-row table holding 1 or 0, as Virtuoso answers an ASK over POST, reads as that value), and an rdflib
    ``Graph`` for ``graph`` in N-Triples.

    :raises SyntaxError: the body does not parse.
    """
    from rdflib import Graph

    from ingest.terms import to_rdflib
    if kind == "graph":
        g = Graph()
        for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g
    result = results_json(body)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if kind == "boolean":
        return any(sol[v] is not None and sol[v].value in ("1", "true") for sol in result for v in result.variables)
    names = [v.value for v in result.variables]
    return [{n: to_rdflib(sol[n]) for n in names if sol[n] is not None} for sol in result]


def results_json(body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    """A server's SPARQL results JSON, parsed by the engine. Blank nodes are first renamed ``b0``, ``b1`` …
    (the same node, the same name) when there are any: Virtuoso names them ``nodeID://b10006``, which is not
    a blank node label.

    :raises SyntaxError: the body does not parse.
    """
    if b'"bnode"' in body:
        try:
            data = json.loads(body)
            rows = data["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            rows = None  # not results JSON: the engine says why below
        if rows is not None:
            labels: dict[str, str] = {}
            for row in rows:
                for term in row.values():
                    if isinstance(term, dict) and term.get("type") == "bnode":
                        term["value"] = labels.setdefault(term["value"], f"b{len(labels)}")
            body = json.dumps(data).encode()
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

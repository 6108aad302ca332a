"""Parsing query headers and binding parameters (app.queries)."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from app.errors import BadRequest, QueryNotFound
from app.queries import bindings_for, get_query, load_queries, parse_query

TEXT = """# title: Things of a kind
# description: Lists things;
# description: two lines.
# param: kind (IRI) the kind = id:axis/people
# param: n (integer) how many
# param: word (literal) a word = hello world
SELECT ?kind ?n ?word WHERE { ?x a ?kind }
"""


def test_header_is_parsed():
    q = parse_query("things", TEXT)
    assert (q.title, q.description) == ("Things of a kind", "Lists things; two lines.")
    assert [(p.name, p.kind, p.description, p.default) for p in q.params] == [
        ("kind", "IRI", "the kind", "id:axis/people"), ("n", "integer", "how many", None),
        ("word", "literal", "a word", "hello world")]


def test_bindings_fill_defaults_and_expand_prefixes():
    q = parse_query("things", TEXT)
    b = bindings_for(q, {"n": "3"})
    assert b == {"kind": URIRef("https://w3id.org/sckg/id/axis/people"), "n": Literal(3, datatype=XSD.integer),
                 "word": Literal("hello world")}


@pytest.mark.parametrize("params, message", [
    ({}, "needs parameter 'n'"),
    ({"n": "3", "colour": "red"}, "no parameter colour"),
    ({"n": "three"}, "takes an integer"),
    ({"n": "1", "kind": "javascript:alert(1) x"}, "is not an IRI"),
])
def test_bad_parameters(params, message):
    with pytest.raises(BadRequest, match=message):
        bindings_for(parse_query("things", TEXT), params)


def test_malformed_param_line_names_file_and_line():
    with pytest.raises(BadRequest, match=r"x\.rq:2"):
        parse_query("x", "# title: t\n# param: ?bad\nSELECT * {}", "x.rq")


def test_unknown_name():
    with pytest.raises(QueryNotFound, match="no named query 'nope'"):
        get_query(load_queries(), "nope")


def test_file_names_must_be_kebab_case(tmp_path):
    (tmp_path / "Bad_Name.rq").write_text("# title: t\nSELECT * {}")
    with pytest.raises(BadRequest, match="kebab-case"):
        load_queries(tmp_path)

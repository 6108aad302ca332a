"""The lexical checks of app.guard: keywords count only outside strings, comments and IRIs; what an update writes."""
from __future__ import annotations

import pytest

from app.errors import BadRequest, Forbidden
from app.guard import check_query, query_form, update_scope


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "the SERVICE desk" }',
    "SELECT * WHERE { ?s ?p ?o } # no SERVICE here",
    "SELECT * WHERE { ?s <http://e.org/SERVICE> ?o FILTER(?o < 3) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, 'load service')) }",
    "PREFIX service: <http://e.org/> SELECT * WHERE { ?s service:load ?o }",
])
def test_harmless_mentions_pass(text):
    check_query(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://e.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://e.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE # a comment\n <http://e.org/> { ?s ?p ?o } }",
    "LOAD <http://e.org/data.ttl>",
])
def test_remote_access_is_refused(text):
    with pytest.raises(Forbidden):
        check_query(text)


@pytest.mark.parametrize("text", [
    "LOAD <http://e.org/data.ttl> INTO",
    "LOAD <http://e.org/data.ttl> INTO GRAPH",
    "LOAD <http://e.org/a.ttl> ;; CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://e.org/sparql> { ?s ?p } }",
])
def test_malformed_remote_access_is_a_syntax_error_not_a_refusal(text):
    """The text is parsed before SERVICE or LOAD is refused: a malformed request is a 400 like any other."""
    with pytest.raises(BadRequest, match="does not parse"):
        check_query(text)


def test_the_syntax_check_only_parses():
    from app.guard import syntax_error
    assert syntax_error("LOAD SILENT <http://127.0.0.1:9/x> INTO GRAPH <http://e.org/g>", "update") is None
    assert "line 1" in syntax_error("LOAD <http://127.0.0.1:9/x> INTO", "update")


def test_a_second_coarse_look_also_refuses_quoted_service_calls():
    """Beside the token scan, a plain look at the text refuses 'SERVICE <…>' anywhere, so a quirk of the scan
    can never let a fetch through; the price is refusing the rare literal that spells one out."""
    with pytest.raises(Forbidden):
        check_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }')


def test_public_allow_listed_host_needs_a_public_address():
    with pytest.raises(Forbidden):  # 'localhost' resolves to loopback
        check_query("SELECT * { SERVICE <http://localhost/sparql> { ?s ?p ?o } }", "localhost")


def test_depth_and_unions_are_capped():
    check_query("SELECT * WHERE " + "{" * 90 + "}" * 90)
    with pytest.raises(BadRequest):
        check_query("SELECT * WHERE " + "{" * 101 + "}" * 101)
    check_query("SELECT * { " + " UNION ".join(["{?s ?p ?o}"] * 200) + " }")
    with pytest.raises(BadRequest):
        check_query("SELECT * { " + " UNION ".join(["{?s ?p ?o}"] * 201) + " }")


def test_query_form():
    assert query_form(check_query("PREFIX ex: <http://e.org/> CONSTRUCT WHERE { ?s ?p ?o }")) == "construct"
    assert query_form(check_query("# SELECT\nASK {}")) == "ask"
    assert query_form(check_query("INSERT DATA { <a> <b> <c> }")) == "update"


@pytest.mark.parametrize("text,graphs,needs_all", [
    ("INSERT DATA { GRAPH <http://g/1> { <a> <b> <c> } }", {"http://g/1"}, False),
    ("PREFIX g: <http://g/> DELETE DATA { GRAPH g:2 { <a> <b> <c> } }", {"http://g/2"}, False),
    ("INSERT DATA { <a> <b> <c> }", set(), True),
    ("WITH <http://g/1> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", {"http://g/1"}, False),
    ("INSERT { ?s ?p 1 } USING <http://g/3> WHERE { ?s ?p ?o }", {"http://g/3"}, True),
    ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", set(), True),
    ("CLEAR GRAPH <http://g/1> ; DROP SILENT GRAPH <http://g/4>", {"http://g/1", "http://g/4"}, False),
    ("MOVE <http://g/1> TO <http://g/5>", {"http://g/1", "http://g/5"}, False),
    ("COPY DEFAULT TO <http://g/5>", {"http://g/5"}, True),
    ("CLEAR NAMED", set(), True),
    ('INSERT DATA { GRAPH <http://g/1> { <a> <b> "GRAPH <http://g/9>" } }', {"http://g/1"}, False),
])
def test_update_scope(text, graphs, needs_all):
    scope = update_scope(text)
    assert scope.graphs == graphs and scope.needs_all is needs_all


def test_relative_graph_names_resolve_against_the_base():
    assert update_scope("INSERT DATA { GRAPH <g> { <a> <b> <c> } }", "http://h/update").graphs == {"http://h/g"}

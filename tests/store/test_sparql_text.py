"""The one SPARQL lexer (app.sparql_text) and what the stores build on it: the form of a query, binding values
in the right group, and the graphs an update may touch."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from app.sparql_text import TooDeep, bind_values, query_form, tokens, touched_graphs


def test_keywords_and_braces_inside_strings_iris_and_comments_do_not_count():
    text = ('PREFIX ex: <http://e.org/where/select> # WHERE {\n'
            'SELECT ?s WHERE { ?s ex:p "a } WHERE { b" ; ex:q """x\n{ y""" }')
    words = [t.word for t in tokens(text) if t.word]
    assert words == ["PREFIX", "SELECT", "WHERE"]
    kinds = [t.kind for t in tokens(text)]
    assert kinds.count("string") == 2 and kinds.count("iri") == 1 and kinds.count("pname") == 3
    assert [t.depth for t in tokens(text) if t.text in "{}"] == [0, 0]


def test_depths_and_the_cap():
    assert [t.depth for t in tokens("{ ( [ ] ) }")] == [0, 1, 2, 2, 1, 0]
    with pytest.raises(TooDeep):
        tokens("{" * 5 + "}" * 5, max_depth=4)
    assert len(tokens("{" * 4 + "}" * 4, max_depth=4)) == 8


def test_query_form_is_the_first_form_keyword():
    assert query_form("PREFIX ex: <http://e.org/select> CONSTRUCT WHERE { ?s ex:ask 'describe' }") == "CONSTRUCT"
    assert query_form("# SELECT\nASK { ?s ?p ?o }") == "ASK"


def test_values_go_into_the_where_group_not_a_construct_template():
    q = "CONSTRUCT { ?s <http://e.org/p> ?o } WHERE { ?s ?p ?o }"
    out = bind_values(q, {"s": URIRef("http://e.org/a")})
    assert out == ("CONSTRUCT { ?s <http://e.org/p> ?o } WHERE { VALUES (?s) { (<http://e.org/a>) } ?s ?p ?o }")
    out = bind_values("SELECT ?s { ?s ?p ?o }", {"o": Literal('say "}"')})
    assert out == 'SELECT ?s { VALUES (?o) { ("say \\"}\\"") } ?s ?p ?o }'
    # the short form's group is its template: it is written out in full, since some servers (Virtuoso 7)
    # refuse a VALUES block after any query but SELECT
    short = bind_values("CONSTRUCT WHERE { ?s ?p [ ?q ?o ] } LIMIT 3", {"s": URIRef("http://e.org/a")})
    assert short == ("CONSTRUCT { ?s ?p [ ?q ?o ] } WHERE { VALUES (?s) { (<http://e.org/a>) } ?s ?p [ ?q ?o ] }"
                     " LIMIT 3")


@pytest.mark.parametrize("update, graphs", [
    ("DROP SILENT GRAPH <http://g/1> ; MOVE <http://g/2> TO <http://g/3>", {None, "http://g/1", "http://g/2", "http://g/3"}),
    ("PREFIX g: <http://g/> INSERT DATA { GRAPH g:x { <a:s> <a:p> 'GRAPH <http://g/no>' } }", {None, "http://g/x"}),
    ("CLEAR GRAPH ?g", None),
    ("DROP ALL", None),
    ("INSERT DATA { GRAPH <relative> { <a:s> <a:p> <a:o> } }", None),
    ("INSERT DATA { GRAPH undeclared:x { <a:s> <a:p> <a:o> } }", None),
])
def test_touched_graphs(update, graphs):
    assert touched_graphs(update) == graphs


@pytest.mark.parametrize("update, graphs", [
    # the endpoint writes the request's BASE first: relative graph names resolve, and only those graphs persist
    ("BASE <http://h/update>\nINSERT DATA { GRAPH <g> { <a:s> <a:p> <a:o> } }", {None, "http://h/g"}),
    ("LOAD <http://e.org/data> INTO GRAPH <http://g/1>", {None, "http://g/1"}),
    ("WITH <http://g/1> DELETE { ?s ?p ?o } USING <http://g/2> WHERE { ?s ?p ?o }", {None, "http://g/1", "http://g/2"}),
    ("COPY DEFAULT TO <http://g/1>", {None, "http://g/1"}),
    ("CLEAR NAMED", None),
])
def test_touched_graphs_reads_updates_as_the_token_scope_does(update, graphs):
    from app.sparql_text import update_scope
    assert touched_graphs(update) == graphs
    scope = update_scope(update)
    assert (graphs is None) == scope.any_graph
    if graphs is not None:
        assert scope.graphs == graphs - {None}

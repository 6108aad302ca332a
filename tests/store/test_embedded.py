"""The embedded store: the on-disk engine holds every write; the in-memory copy answers reads."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from app.store import OxigraphStore

G = "https://example.org/graph/a"


def _graph(n: int, tag: str) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"https://example.org/s/{i}"), URIRef("https://example.org/p"), Literal(f"{tag}{i}", lang="en")))
    return g


def test_writes_survive_a_reopen_and_the_replica_is_rebuilt_from_disk(tmp_path):
    s = OxigraphStore(tmp_path / "db")
    assert s.replace_graph(G, _graph(5, "a")) == 5
    s.close()
    del s
    again = OxigraphStore(tmp_path / "db")
    assert again.count(G) == 5
    rows = again.query("SELECT ?o WHERE { <https://example.org/s/3> ?p ?o }")
    assert rows == [{"o": Literal("a3", lang="en")}]


def test_replace_graph_replaces_and_counts_and_bumps_the_generation(tmp_path):
    s = OxigraphStore(tmp_path / "db")
    g0 = s.generation
    s.replace_graph(G, _graph(10, "a"))
    s.replace_graph(G, _graph(3, "b"))
    assert s.count(G) == 3
    assert s.generation == g0 + 2
    assert s.graphs() == [G]
    labels = {r["o"] for r in s.query("SELECT ?o WHERE { ?s ?p ?o }")}
    assert labels == {Literal("b0", lang="en"), Literal("b1", lang="en"), Literal("b2", lang="en")}


def test_a_failing_update_writes_nothing_to_disk_or_replica(tmp_path):
    import pytest

    from ingest.errors import QuerySyntaxError
    s = OxigraphStore(tmp_path / "db")
    s.replace_graph(G, _graph(4, "a"))
    with pytest.raises(QuerySyntaxError):
        s.update("DROP GRAPH <https://example.org/graph/a> ; INSERT DATA { this is not sparql }")
    assert s.count(G) == 4
    s.close()
    assert OxigraphStore(tmp_path / "db").count(G) == 4


def test_bindings_are_values_not_query_text(tmp_path):
    s = OxigraphStore(None)
    s.replace_graph(G, _graph(2, "a"))
    hostile = Literal('a0" } ; DROP ALL ; #', lang="en")
    assert s.query("SELECT ?s WHERE { ?s ?p ?label }", bindings={"label": hostile}) == []
    assert s.query("SELECT ?s WHERE { ?s ?p ?label }", bindings={"label": Literal("a0", lang="en")}) == [
        {"s": URIRef("https://example.org/s/0")}]
    assert s.count(G) == 2


def test_serialized_answers_come_from_the_engine_writers():
    s = OxigraphStore(None)
    s.replace_graph(G, _graph(1, "x"))
    kind, body = s.query_serialized("SELECT ?o WHERE { ?s ?p ?o }", "csv")
    assert kind == "solutions" and body.decode().splitlines() == ["o", "x0"]
    kind, body = s.query_serialized("ASK { ?s ?p 'nothing' }", "json")
    assert kind == "boolean" and b"false" in body
    kind, body = s.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples")
    assert kind == "graph" and body.decode().startswith("<https://example.org/s/0>")


def _physical_graphs(path) -> set[str]:
    import pyoxigraph as ox
    disk = ox.Store.read_only(str(path))
    return {g.value for g in disk.named_graphs() if g.value.startswith("urn:sckg:store:g:")}


def test_updates_naming_any_graph_are_durable(tmp_path):
    s = OxigraphStore(tmp_path / "db")
    s.replace_graph(G, _graph(3, "a"))
    s.update("PREFIX ex: <https://example.org/> DELETE { GRAPH ?g { ?s ?p ?o } } "
             "WHERE { GRAPH ?g { ?s ?p ?o FILTER(?s = ex:s\\/0) } }")
    s.update("INSERT DATA { <https://example.org/d> <https://example.org/p> 'default graph' }")
    s.close()
    again = OxigraphStore(tmp_path / "db")
    assert again.count(G) == 2
    assert again.query("ASK { GRAPH ?g { <https://example.org/s/0> ?p ?o } }") is False
    assert again.query("ASK { <https://example.org/d> ?p 'default graph' }") is True


def test_a_changed_file_cannot_smuggle_sparql_into_the_update(tmp_path):
    import pytest

    from ingest.errors import InputError
    s = OxigraphStore(tmp_path / "db")
    (tmp_path / "a.nt").write_text(_graph(3, "a").serialize(format="nt"), encoding="utf-8")
    s.replace_graph(G, tmp_path / "a.nt")
    (tmp_path / "evil.nt").write_text(_graph(3, "a").serialize(format="nt") + '<https://example.org/x> '
                                      '<https://example.org/p> "x" } } ; DROP ALL ; INSERT DATA { GRAPH '
                                      '<https://example.org/g> { <https://example.org/y> <https://example.org/p> '
                                      '"y" .\n', encoding="utf-8")
    with pytest.raises(InputError):
        s.replace_graph(G, tmp_path / "evil.nt")
    assert s.count(G) == 3 and s.graphs() == [G]


def test_a_file_from_elsewhere_is_copied_so_editing_it_later_changes_nothing(tmp_path):
    s = OxigraphStore(tmp_path / "db")
    mine = tmp_path / "mine.nt"
    mine.write_text(_graph(2, "a").serialize(format="nt"), encoding="utf-8")
    s.replace_graph(G, mine)
    with open(mine, "a", encoding="utf-8") as f:  # the owner appends to the file in place afterwards
        f.write('<https://example.org/s/9> <https://example.org/p> "later" .\n')
    s.close()
    assert OxigraphStore(tmp_path / "db").count(G) == 2


def test_a_store_of_the_earlier_layout_is_converted_once_when_it_opens(tmp_path):
    """Earlier versions kept each graph's version in a graph or a file behind a pointer of a catalogue graph;
    the store opens such a folder as plain named graphs."""
    import pyoxigraph as ox
    folder = tmp_path / "db"
    old = ox.Store(str(folder))
    catalog, holds = ox.NamedNode("urn:sckg:store:catalog"), ox.NamedNode("urn:sckg:store:holds")
    in_graph, in_file = ox.NamedNode("urn:sckg:store:g:1"), ox.NamedNode("urn:sckg:store:file:2")
    p = ox.NamedNode("https://example.org/p")
    old.add(ox.Quad(in_graph, holds, ox.NamedNode(G), catalog))
    old.add(ox.Quad(in_file, holds, ox.NamedNode("https://example.org/graph/f"), catalog))
    old.add(ox.Quad(ox.NamedNode("urn:sckg:store:g:3"), holds, ox.NamedNode("urn:sckg:store:default"), catalog))
    old.add(ox.Quad(ox.NamedNode("https://example.org/s"), p, ox.Literal("in a graph"), in_graph))
    old.add(ox.Quad(ox.NamedNode("https://example.org/d"), p, ox.Literal("default"),
                    ox.NamedNode("urn:sckg:store:g:3")))
    old.add(ox.Quad(ox.NamedNode("https://example.org/x"), p, ox.Literal("stale version"),
                    ox.NamedNode("urn:sckg:store:g:9")))
    (folder / "sckg-files").mkdir()
    (folder / "sckg-files" / "2.nt").write_text('<https://example.org/f> <https://example.org/p> "in a file" .\n')
    del old
    s = OxigraphStore(folder)
    try:
        assert s.graphs() == ["https://example.org/graph/a", "https://example.org/graph/f"]
        assert {str(r["o"]) for r in s.query("SELECT ?o WHERE { ?s ?p ?o }")} == {"in a graph", "in a file",
                                                                                 "default"}
        assert s.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:sckg:store:')) }") is False
        assert not (folder / "sckg-files").exists()
    finally:
        s.close()
    again = OxigraphStore(folder)
    assert again.count() == 3
    again.close()

"""A new graph of the embedded store (``OxigraphStore.new_graph``): filled and checked inside the replica,
unseen by readers until committed, shown in one write with its record, and durable as its N-Triples dump."""
from __future__ import annotations

import io
import threading

import pyoxigraph as ox
import pytest
from rdflib import Literal

from app.store import STAGING_PREFIX, OxigraphStore
from ingest.errors import QuerySyntaxError, StoreError

EX = "https://example.org/"
OLD, NEW, META = EX + "graph/old", EX + "graph/new", EX + "graph/meta"
DATA = "".join(f"<{EX}s/{i}> <{EX}p> \"new {i}\" .\n" for i in range(50)).encode()
RECORD = f"INSERT DATA {{ GRAPH <{META}> {{ <{NEW}> <{EX}triples> 50 }} }}"


@pytest.fixture
def store(tmp_path):
    s = OxigraphStore(tmp_path / "db")
    s.replace_graph(OLD, (f"<{EX}s/old> <{EX}p> \"old\" .".encode(), "ntriples"))
    yield s
    s.close()


def _fill(new) -> ox.NamedNode:
    """Load DATA into the new graph and something into a scratch graph beside it; returns the scratch graph."""
    new.engine.load(input=DATA, format=ox.RdfFormat.N_TRIPLES, to_graph=new.graph)
    scratch = new.scratch()
    new.engine.load(input=f"<{EX}c> <{EX}p> <{EX}d> .".encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=scratch)
    return scratch


def _engine_graphs(s: OxigraphStore) -> set[str]:
    return {g.value for g in s.read_store.named_graphs() if isinstance(g, ox.NamedNode)}


def _dumped(s: OxigraphStore) -> bytes:
    out = io.BytesIO()
    s.dump(out)
    return out.getvalue()


def test_readers_see_nothing_of_a_new_graph_until_its_commit_then_it_is_durable(store, tmp_path):
    generation = store.generation
    new = store.new_graph(NEW)
    scratch = _fill(new)
    # while it is filled: not listed, not in the union default graph nor GRAPH ?g, not in a dump of everything
    assert store.graphs() == [OLD]
    assert store.query(f"ASK {{ <{EX}s/1> ?p ?o }}") is False
    assert store.query(f"ASK {{ GRAPH ?g {{ <{EX}c> ?p ?o }} }}") is False
    assert store.query("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": Literal("old")}]
    assert store.query("SELECT ?s WHERE { ?s ?p ?o }", default_graphs=[NEW]) == []  # named, still unseen
    assert store.query("ASK { GRAPH ?g { ?s ?p ?o } }", named_graphs=[NEW, scratch.value]) is False
    assert b"new 1" not in _dumped(store) and b"/c>" not in _dumped(store) and b'"old"' in _dumped(store)
    assert store.write_lock.locked()
    # the caller dumps it (the file kept as its version) and shows it with its record in one write
    path = tmp_path / "new.nt"
    new.engine.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=new.graph)
    new.commit(path, RECORD, [META])
    assert not store.write_lock.locked()
    assert store.generation == generation + 1
    assert store.graphs() == sorted([OLD, NEW, META])
    assert store.count(NEW) == 50
    assert store.query(f"ASK {{ GRAPH <{META}> {{ <{NEW}> ?p 50 }} }}") is True
    assert scratch.value not in _engine_graphs(store)
    assert not any(g.startswith(STAGING_PREFIX) for g in _engine_graphs(store))
    store.close()
    again = OxigraphStore(tmp_path / "db")  # rebuilt from disk: the graph and its record were kept
    assert again.count(NEW) == 50 and again.count(OLD) == 1
    assert again.query(f"ASK {{ GRAPH <{META}> {{ <{NEW}> ?p 50 }} }}") is True
    again.close()


def test_a_new_graph_closed_without_commit_leaves_nothing_and_frees_the_writes(store):
    generation, before = store.generation, _engine_graphs(store)
    with store.new_graph(NEW) as new:
        _fill(new)
        assert store.write_lock.locked()
    assert not store.write_lock.locked()
    assert _engine_graphs(store) == before
    assert store.count(NEW) == 0 and store.generation == generation
    store.replace_graph(NEW, (DATA, "ntriples"))  # writes go on
    assert store.count(NEW) == 50


def test_only_a_graph_without_triples_is_given_as_new(store):
    assert store.new_graph(OLD) is None
    assert not store.write_lock.locked()
    store.update(f"CREATE GRAPH <{NEW}>")  # declared but empty: new, and still declared after a close
    new = store.new_graph(NEW)
    assert new is not None
    _fill(new)
    new.close()
    assert store.read_store.contains_named_graph(ox.NamedNode(NEW))
    assert store.count(NEW) == 0


def test_another_write_waits_for_the_new_graph(store, tmp_path):
    new = store.new_graph(NEW)
    _fill(new)
    done = threading.Event()
    writer = threading.Thread(target=lambda: (store.drop_graph(OLD), done.set()))
    writer.start()
    assert not done.wait(0.3), "a write ran while the new graph held the store"
    path = tmp_path / "new.nt"
    new.engine.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=new.graph)
    new.commit(path)
    writer.join(10)
    assert done.is_set()
    assert store.graphs() == [NEW]


def test_a_disk_failure_at_the_commit_takes_the_new_graph_and_its_record_away(store, tmp_path, monkeypatch):
    new = store.new_graph(NEW)
    _fill(new)
    path = tmp_path / "new.nt"
    new.engine.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=new.graph)

    def broken(plan):
        raise OSError("disk full")
    monkeypatch.setattr(store._catalog, "persist", broken)
    with pytest.raises(StoreError, match="disk full"):
        new.commit(path, RECORD, [META])
    monkeypatch.undo()
    assert not store.write_lock.locked()
    assert store.graphs() == [OLD]
    assert store.count(NEW) == 0 and store.count(META) == 0
    assert not any(g.startswith(STAGING_PREFIX) for g in _engine_graphs(store))


def test_a_record_that_does_not_parse_takes_the_new_graph_away(store, tmp_path):
    new = store.new_graph(NEW)
    _fill(new)
    path = tmp_path / "new.nt"
    new.engine.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=new.graph)
    with pytest.raises(QuerySyntaxError):
        new.commit(path, "INSERT DATA { not sparql }", [META])
    assert not store.write_lock.locked()
    assert store.graphs() == [OLD] and store.count(NEW) == 0
    with pytest.raises(StoreError, match="already closed"):
        new.commit(path)

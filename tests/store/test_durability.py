"""Every acknowledged write is durable and every read after it sees it; a failed write is nowhere.

Regression tests for what outside checks found: graph names the old text reader normalised (``?``, ``#``,
``;`` at the end, upper-case schemes, ``BASE``-relative names, MOVE/COPY/ADD into them) were served but never
saved; a write that failed on a full disk showed up later; readers got answers older than a write's answer;
the catalogue's counts disagreed with the graphs; a full or read-only disk kept the server from starting.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests

from app.store import OxigraphStore
from ingest.errors import StoreFull, StoreReadOnly

ROOT = Path(__file__).resolve().parents[2]
PARTNER = "https://w3id.org/sckg/graph/partner/un-habitat/"
#: updates whose graph names the old text reader turned into other names; each is acknowledged, then kept
UPDATES = [
    'INSERT DATA { GRAPH <https://e.org/g/q1?> { <https://e.org/a> <https://e.org/p> "query" } }',
    'INSERT DATA { GRAPH <https://e.org/g/h#> { <https://e.org/a> <https://e.org/p> "fragment" } }',
    'INSERT DATA { GRAPH <https://e.org/g/s;> { <https://e.org/a> <https://e.org/p> "semicolon" } }',
    'INSERT DATA { GRAPH <HTTPS://e.org/g/upper> { <https://e.org/a> <https://e.org/p> "scheme" } }',
    f'BASE <{PARTNER}> INSERT DATA {{ GRAPH <q1?> {{ <https://e.org/a> <https://e.org/p> "relative" }} }}',
    'INSERT DATA { GRAPH <https://e.org/g7> { <https://e.org/a> <https://e.org/p> "moved" } }',
    'MOVE <https://e.org/g7> TO <https://e.org/g8?>',
    'COPY <https://e.org/g8?> TO <https://e.org/g9#>',
    'ADD <https://e.org/g9#> TO <HTTP://e.org/g10;>',
]
GRAPHS_AFTER = {"https://e.org/g/q1?", "https://e.org/g/h#", "https://e.org/g/s;", "HTTPS://e.org/g/upper",
                PARTNER + "q1?", "https://e.org/g8?", "https://e.org/g9#", "HTTP://e.org/g10;"}


def _graphs(store) -> set[str]:
    return set(store.graphs())


def test_acknowledged_updates_survive_kill_9_whatever_their_graph_names(tmp_path):
    """A child serves the updates through ``/update`` and reports each answer and the graphs it serves; it is
    killed with SIGKILL; the store reopened holds exactly those graphs."""
    store_dir = tmp_path / "store"
    child = textwrap.dedent(f"""
        import json, sys, time
        from app import auth, create_app
        app = create_app({{"TESTING": True, "STORE": {str(store_dir)!r}, "TOKENS": {str(tmp_path / 't.json')!r},
                          "DUMPS_DIR": {str(tmp_path / 'dumps')!r}, "SEARCH_INDEX": {str(tmp_path / 's.db')!r}}})
        token = auth.add(app.config["TOKENS"], "admin", "*")
        client = app.test_client()
        for text in json.loads(sys.argv[1]):
            r = client.post("/update", data={{"update": text}}, headers={{"Authorization": "Bearer " + token}})
            print(json.dumps({{"status": r.status_code}}), flush=True)
        print(json.dumps({{"served": app.extensions["sckg.store"].graphs()}}), flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child, json.dumps(UPDATES)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        answers = [json.loads(proc.stdout.readline()) for _ in range(len(UPDATES) + 1)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert [a["status"] for a in answers[:-1]] == [204] * len(UPDATES), answers
    served = set(answers[-1]["served"]) - {"https://w3id.org/sckg/graph/meta"}
    assert served == GRAPHS_AFTER
    again = OxigraphStore(store_dir)
    try:
        assert _graphs(again) - {"https://w3id.org/sckg/graph/meta"} == GRAPHS_AFTER
        assert again.count("https://e.org/g7") == 0 and again.count("HTTP://e.org/g10;") == 1
    finally:
        again.close()


def test_every_write_kind_survives_kill_9_between_writes(tmp_path):
    """Replacements, additions and drops, each acknowledged, then the process killed: all of them are there."""
    store_dir = tmp_path / "store"
    child = textwrap.dedent(f"""
        import sys, time
        from app.store import OxigraphStore, triples_of
        s = OxigraphStore({str(store_dir)!r})
        def nt(tag, n):
            lines = (b"<https://e.org/%d> <https://e.org/p> \\"%s\\" .\\n" % (i, tag) for i in range(n))
            return b"".join(lines), "ntriples"
        s.replace_graph("https://e.org/a", nt(b"one", 50)); print("ok", flush=True)
        s.replace_graph("https://e.org/a", nt(b"two", 30)); print("ok", flush=True)
        s.add_to_graph("https://e.org/b", list(triples_of(nt(b"b", 5)))); print("ok", flush=True)
        s.replace_graphs({{"https://e.org/c": nt(b"c", 7)}}, "DROP GRAPH <https://e.org/b>"); print("ok", flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert [proc.stdout.readline().strip() for _ in range(4)] == ["ok"] * 4
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    again = OxigraphStore(store_dir)
    try:
        assert _graphs(again) == {"https://e.org/a", "https://e.org/c"}
        assert again.count("https://e.org/a") == 30 and again.count("https://e.org/c") == 7
        assert again.query('ASK { GRAPH <https://e.org/a> { ?s ?p "one" } }') is False
    finally:
        again.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs mounted for the test (as root); skipped where the machine does not allow it."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def _big(n: int) -> tuple[bytes, str]:
    pad = "x" * 200
    return b"".join(f'<https://e.org/b{i}> <https://e.org/p> "{pad} {i}" .\n'.encode() for i in range(n)), "ntriples"


def _fill(disk: Path, leave: int) -> Path:
    """A file that takes all the disk's room but ``leave`` bytes."""
    stat = os.statvfs(disk)
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def test_a_write_that_fills_the_disk_is_507_and_nowhere_before_or_after_a_restart(small_disk, tmp_path):
    from app import auth, create_app
    from tests.conftest import base_config
    app = create_app(base_config(tmp_path, STORE=str(small_disk / "store")))
    client = app.test_client()
    store = app.extensions["sckg.store"]
    store.replace_graph("https://e.org/small", (b'<https://e.org/a> <https://e.org/p> "kept" .\n', "ntriples"))
    token = auth.add(app.config["TOKENS"], "admin", "*")
    assert store.wait_for_copy(60)
    filler = _fill(small_disk, leave=3 * 1024 * 1024)
    r = client.put("/graph-store", query_string={"graph": "https://e.org/big"}, data=_big(50_000)[0],
                   headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"})
    assert r.status_code == 507, r.text
    assert str(small_disk) not in r.text and "/tmp" not in r.text
    assert "https://e.org/big" not in store.graphs()
    r = client.get("/sparql", query_string={"query": "ASK { GRAPH <https://e.org/big> { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.json["boolean"] is False
    app.extensions["sckg.refresher"].wait(60)
    app.extensions["sckg.executor"].close()
    store.close()
    filler.unlink()  # room again: after a restart the next write goes through, the failed one is nowhere
    again = OxigraphStore(small_disk / "store")
    try:
        again.update('INSERT DATA { GRAPH <https://e.org/small> { <https://e.org/b> <https://e.org/p> "next" } }')
        assert "https://e.org/big" not in again.graphs()
        assert again.count("https://e.org/small") == 2
    finally:
        again.close()


def test_a_one_triple_insert_needs_no_room_for_its_graph(small_disk):
    """Small writes are small: with a 20 000-triple graph (5 MB) and 11 MB free, one more triple goes in."""
    s = OxigraphStore(small_disk / "store")
    try:
        s.replace_graph("https://e.org/big", _big(20_000))
        assert s.wait_for_copy(60)  # no copy is being taken while the disk is filled
        _fill(small_disk, leave=11 * 1024 * 1024)
        s.update('INSERT DATA { GRAPH <https://e.org/big> { <https://e.org/one> <https://e.org/p> "more" } }')
        assert s.count("https://e.org/big") == 20_001
    finally:
        s.close()


def test_a_full_or_read_only_disk_opens_read_only_and_serves_reads(small_disk):
    s = OxigraphStore(small_disk / "store")
    s.replace_graph("https://e.org/g", (b'<https://e.org/a> <https://e.org/p> "kept" .\n', "ntriples"))
    s.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    again = OxigraphStore(small_disk / "store")
    try:
        assert again.read_only and "read-only" in again.read_only_reason
        assert again.count("https://e.org/g") == 1
        with pytest.raises(StoreReadOnly) as refused:
            again.update('INSERT DATA { <https://e.org/x> <https://e.org/p> 1 }')
        assert str(small_disk) not in str(refused.value)
    finally:
        again.close()


def test_a_write_refused_for_lack_of_room_leaves_the_store_as_it_was(small_disk):
    s = OxigraphStore(small_disk / "store")
    try:
        s.replace_graph("https://e.org/g", (b'<https://e.org/a> <https://e.org/p> "kept" .\n', "ntriples"))
        _fill(small_disk, leave=3 * 1024 * 1024)
        generation = s.generation
        with pytest.raises(StoreFull):
            s.replace_graph("https://e.org/big", _big(120_000))
        assert s.generation == generation and s.graphs() == ["https://e.org/g"]
        assert s.query("ASK { GRAPH <https://e.org/big> { ?s ?p ?o } }") is False
    finally:
        s.close()


def test_a_read_after_a_write_answer_sees_it_and_counts_never_go_down(make_server):
    """One writer over HTTP, and readers beside it: every read started after a 204 sees that write, and no
    reader ever sees the count fall (which a worker or cached answer of an older state would show)."""
    from app import auth
    s = make_server({})
    token = auth.add(s.app.config["TOKENS"], "admin", "*")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://e.org/fresh> { ?s ?p ?o } }"
    stop, seen_down = threading.Event(), []

    def read_count() -> int:
        r = requests.get(s.url + "/sparql", params={"query": count},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def reader():
        last = 0
        while not stop.is_set():
            n = read_count()
            if n < last:
                seen_down.append((last, n))
            last = n
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        for i in range(40):
            r = requests.post(s.url + "/update", headers={"Authorization": f"Bearer {token}"}, timeout=30,
                              data={"update": f'INSERT DATA {{ GRAPH <https://e.org/fresh> {{ <https://e.org/{i}> '
                                              f'<https://e.org/p> {i} }} }}'})
            assert r.status_code == 204
            assert read_count() == i + 1
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert seen_down == []


def test_an_update_whose_result_varies_rebuilds_the_copy_from_the_engine(tmp_path):
    """``NOW()`` or ``UUID()`` would give the in-memory copy other values than the engine: the copy is then
    taken from the engine, and reads meanwhile come from the engine itself."""
    s = OxigraphStore(tmp_path / "store")
    try:
        assert s.wait_for_copy(30)
        s.update("INSERT { GRAPH <https://e.org/g> { <https://e.org/a> <https://e.org/id> ?u } } "
                 "WHERE { BIND(UUID() AS ?u) }")
        engine_value = next(iter(s._engine.quads_for_pattern(None, None, None, None))).object
        assert s.query("SELECT ?u WHERE { ?a <https://e.org/id> ?u }")[0]["u"].toPython() == engine_value.value
        assert s.wait_for_copy(30) and s.state()["in_memory_copy"] == "exact"
        assert s.read_view() is not s._engine
        copy_value = next(iter(s.read_view().quads_for_pattern(None, None, None, None))).object
        assert copy_value == engine_value
    finally:
        s.close()


def test_the_catalogue_counts_follow_every_write_path(make_server):
    from app import auth
    s = make_server({})
    token = auth.add(s.app.config["TOKENS"], "admin", "*")
    graph = "https://w3id.org/sckg/graph/partner/test/counted"
    body = b"".join(b'<https://e.org/%d> <https://e.org/p> "%d" .\n' % (i, i) for i in range(600))
    r = requests.put(s.url + "/graph-store", params={"graph": graph}, data=body, timeout=60,
                     headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"})
    assert r.status_code == 201 and r.headers["SCKG-Derived"] == "refreshing", r.text
    triples = ("SELECT ?n WHERE { GRAPH <https://w3id.org/sckg/graph/meta> { ?g "
               "<http://rdfs.org/ns/void#triples> ?n } }")

    def recorded() -> int:
        s.settle()
        r = requests.get(s.url + "/sparql", params={"query": triples.replace("?g", f"<{graph}>", 1)},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
        return int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert recorded() == 600
    r = requests.post(s.url + "/update", headers={"Authorization": f"Bearer {token}"}, timeout=30,
                      data={"update": f"DELETE WHERE {{ GRAPH <{graph}> {{ <https://e.org/1> ?p ?o }} }}"})
    assert r.status_code == 204
    assert recorded() == 599
    status = requests.get(s.url + "/status", timeout=10).json()
    assert status["derived"]["state"] == "fresh" and status["store"]["generation"] >= 3
    catalog = requests.get(s.url + "/catalog", headers={"Accept": "application/n-triples"}, timeout=30).text
    assert f'<{s.url}/catalog> <https://w3id.org/sckg/ontology#derivedDataState> "fresh" .' in catalog


def test_start_up_brings_derived_data_and_dumps_up_to_date(tmp_path):
    """A write committed just before a crash (no refresh after it) is in the derived data and the dumps once
    the server has started again; a dump of the earlier state is never served meanwhile."""
    import gzip

    from app import create_app
    from app.loading import start
    from tests.conftest import base_config
    config = base_config(tmp_path)
    first = create_app(config)
    first.extensions["sckg.store"].replace_graph("https://e.org/a", (b'<https://e.org/x> <https://e.org/p> "A" .\n',
                                                                     "ntriples"))
    start(first)
    assert first.extensions["sckg.refresher"].wait(60)
    first.extensions["sckg.store"].replace_graph("https://e.org/a", (b'<https://e.org/x> <https://e.org/p> "B" .\n',
                                                                     "ntriples"))
    (Path(config["DUMPS_DIR"]) / ".dump-leftover").write_bytes(b"half")
    first.extensions["sckg.executor"].close()
    first.extensions["sckg.store"].close()
    again = create_app(config)
    try:
        start(again)
        assert not (Path(config["DUMPS_DIR"]) / ".dump-leftover").exists()
        assert again.extensions["sckg.refresher"].wait(60)
        dump = gzip.decompress((Path(config["DUMPS_DIR"]) / "sckg.nq.gz").read_bytes()).decode()
        assert '"B"' in dump and '"A"' not in dump
    finally:
        again.extensions["sckg.executor"].close()
        again.extensions["sckg.store"].close()


def test_workers_that_read_the_engine_give_way_to_the_copy_once_it_is_in_place(tmp_path, monkeypatch):
    """Right after a reopen, queries are answered from the engine's files; once the in-memory copy is in place,
    the workers that read the files are replaced by workers over the copy."""
    from app.executor import Executor, Job
    from app.store.replica import Replica
    s = OxigraphStore(tmp_path / "store")
    s.replace_graph("https://e.org/g", (b'<https://e.org/a> <https://e.org/p> "x" .\n', "ntriples"))
    s.close()
    gate, build = threading.Event(), Replica._rebuild
    monkeypatch.setattr(Replica, "_rebuild", lambda self: gate.wait(30) and build(self))
    again = OxigraphStore(tmp_path / "store")
    executor = Executor(again, size=1, timeout=20)
    try:
        assert again.state()["in_memory_copy"] == "rebuilding"
        assert b'"x"' in executor.run(Job("SELECT ?o WHERE { ?s ?p ?o }")).body
        assert [w.on_copy for w in executor._live] == [False]
        gate.set()
        assert again.wait_for_copy(30)
        assert b'"x"' in executor.run(Job("SELECT ?o WHERE { ?s ?p ?o } LIMIT 1")).body
        assert [w.on_copy for w in executor._live] == [True]
    finally:
        gate.set()
        executor.close()
        again.close()


def test_a_write_killed_while_it_is_applied_leaves_the_old_graph_and_record_or_the_new_ones(tmp_path):
    """A graph of 60 000 triples and its record replace a small graph and its record, in a child killed with
    SIGKILL at moments spread over the time the write takes: the store reopened holds the old pair or the new
    pair, whole; once acknowledged, the new pair."""
    store_dir = tmp_path / "store"
    child = textwrap.dedent(f"""
        import sys
        from app.store import OxigraphStore
        s = OxigraphStore({str(store_dir)!r}, replica=False)
        def nt(tag, n):
            return b"".join(b'<https://e.org/%d> <https://e.org/p> "%s" .\\n' % (i, tag) for i in range(n)), "ntriples"
        record = 'DELETE WHERE {{ GRAPH <https://e.org/meta> {{ <https://e.org/g> <https://e.org/n> ?n }} }} ; ' \\
                 'INSERT DATA {{ GRAPH <https://e.org/meta> {{ <https://e.org/g> <https://e.org/n> %d }} }}'
        if s.count("https://e.org/g") == 0:
            s.replace_graphs({{"https://e.org/g": nt(b"old", 500)}}, record % 500)
        print("ready", flush=True)
        s.replace_graphs({{"https://e.org/g": nt(b"new", 60000)}}, record % 60000)
        print("done", flush=True)
    """)
    def run(kill_after: float | None) -> float:
        """Start the child, kill it ``kill_after`` seconds into the write (None: once it is acknowledged);
        returns how long the write ran."""
        if store_dir.exists():
            shutil.rmtree(store_dir)
        proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        if kill_after is None:
            assert proc.stdout.readline().strip() == "done"
        else:
            time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return time.monotonic() - t0

    took = run(None)  # how long the write takes here, and that once acknowledged it is kept
    seen = []
    for kill_after in (None, 0.1 * took, 0.5 * took, 0.9 * took):
        if kill_after is not None:
            run(kill_after)
        s = OxigraphStore(store_dir, replica=False)
        try:
            n = s.count("https://e.org/g")
            recorded = s.query("SELECT ?n WHERE { GRAPH <https://e.org/meta> { <https://e.org/g> ?p ?n } }")
            tags = {str(r["o"]) for r in s.query("SELECT DISTINCT ?o WHERE { GRAPH <https://e.org/g> { ?s ?p ?o } }")}
            assert (n, tags) in ((500, {"old"}), (60000, {"new"}))
            assert [int(r["n"]) for r in recorded] == [n]
            seen.append(n)
        finally:
            s.close()
    assert seen[0] == 60000  # the acknowledged write


def test_a_large_new_graph_is_bulk_loaded_unseen_until_its_record_shows_it(tmp_path, monkeypatch):
    """Past BULK_BYTES a new graph goes through the engine's bulk loader: while it loads, no reader (a query,
    the list of graphs, a count, a dump) sees any of it; the graph and its record then show together."""
    import io

    import pyoxigraph as ox

    from app.store import embedded
    s = OxigraphStore(tmp_path / "store")
    seen = {}
    real_bulk = ox.Store.bulk_load

    class Engine:
        """The engine, with a look at what readers see half-way through the bulk load."""

        def __init__(self, engine):
            self._e = engine

        def __getattr__(self, name):
            return getattr(self._e, name)

        def __len__(self):
            return len(self._e)

        def bulk_load(self, **kwargs):
            real_bulk(self._e, **kwargs)
            out = io.BytesIO()
            s.dump(out)
            seen.update(graphs=s.graphs(), count=s.count(), dump=out.getvalue(),
                        ask=s.query("ASK { GRAPH ?g { <https://e.org/b1> ?p ?o } }"))
    try:
        assert s.wait_for_copy(30)
        s.update('INSERT DATA { GRAPH <https://e.org/other> { <https://e.org/x> <https://e.org/p> "x" } }')
        s._replica.store = None  # reads go to the engine, as while the copy is being rebuilt
        s._replica.generation = -1
        monkeypatch.setattr(s, "_engine", Engine(s._engine))
        data = _big(8_000)
        assert len(data[0]) >= embedded.BULK_BYTES
        s.replace_graphs({"https://e.org/big": data},
                         'INSERT DATA { GRAPH <https://e.org/meta> { <https://e.org/big> <https://e.org/n> 8000 } }')
        assert seen["graphs"] == ["https://e.org/other"] and seen["count"] == 1 and seen["ask"] is False
        assert b"e.org/b1>" not in seen["dump"] and b"urn:sckg:store" not in seen["dump"]
        assert s.count("https://e.org/big") == 8000 and "https://e.org/big" in s.graphs()
        assert s.query("ASK { GRAPH <https://e.org/meta> { <https://e.org/big> ?p 8000 } }") is True
        assert s.query("ASK { GRAPH <urn:sckg:store:loading> { ?s ?p ?o } }") is False
    finally:
        monkeypatch.undo()
        s.close()


def test_a_graph_left_half_bulk_loaded_by_a_crash_is_dropped_at_the_next_open(tmp_path):
    import pyoxigraph as ox

    from app.store.embedded import LOADING, LOADS
    engine = ox.Store(str(tmp_path / "store"))
    half = ox.NamedNode("https://e.org/half")
    engine.add(ox.Quad(half, LOADS, half, LOADING))
    engine.bulk_load(input=_big(100)[0], format=ox.RdfFormat.N_TRIPLES, to_graph=half)
    engine.add(ox.Quad(ox.NamedNode("https://e.org/k"), ox.NamedNode("https://e.org/p"), ox.Literal("kept"),
                       ox.NamedNode("https://e.org/kept")))
    del engine
    s = OxigraphStore(tmp_path / "store")
    try:
        assert s.graphs() == ["https://e.org/kept"] and s.count() == 1
        assert not s._engine.contains_named_graph(LOADING) and not s._engine.contains_named_graph(half)
    finally:
        s.close()

"""The query workers' answer writing (engine writers with a row cap) and their priming at start."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from app.executor import Executor, Job, native_capped_solutions
from app.results import capped_solutions
from app.store import OxigraphStore

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: literals that a line-based format could split or mangle
AWKWARD = ["two\nlines", "tab\there", 'quote " and \\ backslash', "carriage\r\nreturn", "é ü 中文", ""]
ROWS = 30


@pytest.fixture(scope="module")
def mem():
    s = ox.Store()
    g = ox.NamedNode(EX + "g")
    for i in range(ROWS):
        subject = ox.NamedNode(f"{EX}s{i:02d}") if i % 5 else ox.BlankNode(f"b{i}")
        if i % 3 == 0:
            obj = ox.Literal(AWKWARD[(i // 3) % len(AWKWARD)])
        elif i % 3 == 1:
            obj = ox.Literal(str(i), datatype=ox.NamedNode(XSD + "integer"))
        else:
            obj = ox.Literal(f"label {i}", language="fr")
        s.add(ox.Quad(subject, ox.NamedNode(EX + "p"), obj, g))
    return s


QUERY = f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}nothing> ?missing }} }} ORDER BY ?o"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("limit", [0, 1, 7, ROWS - 1, ROWS, ROWS + 1, 10_000])
def test_engine_writers_cap_rows_exactly(mem, fmt, limit):
    """The first ``limit`` rows, byte for byte what the engine writes for the same query with ``LIMIT``."""
    body, truncated = native_capped_solutions(mem.query(QUERY, use_default_graph_as_union=True), fmt, limit)
    expected = mem.query(QUERY + f" LIMIT {limit}", use_default_graph_as_union=True).serialize(
        format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert body == expected
    assert truncated is (ROWS > limit)


def test_engine_writers_agree_with_the_python_writers(mem):
    """Same solutions as app.results' writers (the path they replace), AWKWARD literals included."""
    for fmt in ("json", "tsv", "csv"):
        ours, t1 = native_capped_solutions(mem.query(QUERY, use_default_graph_as_union=True), fmt, 12)
        theirs, t2 = capped_solutions(mem.query(QUERY, use_default_graph_as_union=True), fmt, 12)
        assert t1 is t2 is True
        if fmt == "json":
            assert json.loads(ours) == json.loads(theirs)
        elif fmt == "csv":
            assert list(csv.reader(io.StringIO(ours.decode()))) == list(csv.reader(io.StringIO(theirs.decode())))
        else:
            parsed = [list(ox.parse_query_results(b, format=ox.QueryResultsFormat.TSV)) for b in (ours, theirs)]
            assert [str(list(r)) for r in parsed[0]] == [str(list(r)) for r in parsed[1]]
            assert len(parsed[0]) == 12
    values = {b["o"]["value"] for b in json.loads(native_capped_solutions(
        mem.query(QUERY, use_default_graph_as_union=True), "json", 100)[0])["results"]["bindings"]}
    assert set(AWKWARD) <= values


def test_no_variables_and_no_rows(mem):
    body, truncated = native_capped_solutions(mem.query("SELECT * WHERE {}"), "json", 5)
    assert json.loads(body) == {"head": {"vars": []}, "results": {"bindings": [{}]}} and not truncated
    body, truncated = native_capped_solutions(mem.query(f"SELECT ?x WHERE {{ ?x <{EX}none> ?y }}"), "json", 5)
    assert json.loads(body)["results"]["bindings"] == [] and not truncated


def test_workers_are_primed_at_warm_and_answer():
    store = OxigraphStore()
    store.replace_graph(EX + "g", [ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
                                   for i in range(50)])
    ex = Executor(store, 2, 10.0)
    try:
        ex.warm()
        assert ex.primed == 2 and ex.forks == 2
        answer = ex.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", limit=10))
        assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "50"
        ex.warm()  # already full: nothing new is forked or primed
        assert ex.primed == 2 and ex.forks == 2
    finally:
        ex.close()
        store.close()

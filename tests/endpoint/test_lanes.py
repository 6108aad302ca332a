"""The query lanes: a lookup is answered while long queries hold every heavy worker, and texts that ran long
start on the heavy lane next time."""
from __future__ import annotations

import json
import threading
import time

import pyoxigraph as ox
import pytest

from app.errors import QueryTimeout
from app.executor import HEAVY, LIGHT, Executor, Job, lane_key
from app.store import OxigraphStore

EX = "http://example.org/"
#: a cross product over the test data: runs far past any timeout used here
HEAVY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
LOOKUP = f"SELECT ?o WHERE {{ <{EX}s7> ?p ?o }}"


@pytest.fixture
def store():
    s = OxigraphStore()
    s.replace_graph(EX + "g", [ox.Triple(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
                               for i in range(60)])
    yield s
    s.close()


def test_lane_key_ignores_comments_spacing_and_numbers():
    base = lane_key("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert lane_key("SELECT *   WHERE {\n ?s ?p ?o } # a comment\nLIMIT 11") == base
    assert lane_key("SELECT * WHERE { ?s ?p ?o } LIMIT 123456") == base
    assert lane_key("SELECT * WHERE { ?s ?p ?x } LIMIT 10") != base
    assert lane_key(f"SELECT * WHERE {{ <{EX}s1> ?p ?o }}") != lane_key(f"SELECT * WHERE {{ <{EX}s2> ?p ?o }}")
    assert lane_key('SELECT * WHERE { ?s ?p "# 1" }') != lane_key('SELECT * WHERE { ?s ?p "# 2" }')


@pytest.mark.parametrize("clients, stagger", [(4, 0.05), (6, 0.0)])
def test_a_lookup_is_answered_while_heavy_queries_hold_the_heavy_lane(store, clients, stagger):
    """Heavy queries arriving one after another, or all at once with a text not yet known as heavy (those
    waiting for a worker learn it is heavy when the first copy is demoted)."""
    ex = Executor(store, size=2, timeout=4.0, light=1, light_ms=100)
    ex.warm()
    outcomes: list[str] = []

    def heavy(i: int) -> None:
        try:  # a distinct comment each: the lanes key the text without it
            ex.run(Job(HEAVY_QUERY + f"\n# client {i}", limit=10))
            outcomes.append("answered")
        except QueryTimeout:
            outcomes.append("timeout")

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(clients)]
    try:
        for t in threads:
            t.start()
            time.sleep(stagger)
        time.sleep(0.5)  # every heavy query has started or queued; the first one was demoted off the light lane
        assert ex.demoted >= 1
        assert ex.lane_of(lane_key(HEAVY_QUERY)) == HEAVY
        assert ex.lane_of(lane_key(LOOKUP)) == LIGHT
        for _ in range(5):
            answer = ex.run(Job(LOOKUP, limit=10))
            assert json.loads(answer.body)["results"]["bindings"] == [{"o": {"type": "literal", "value": "7"}}]
        # the lookups came back while every heavy query was still running or waiting
        assert outcomes == [] and all(t.is_alive() for t in threads)
    finally:
        for t in threads:
            t.join(timeout=30)
        ex.close()
    assert outcomes == ["timeout"] * clients


def test_one_lane_without_light_workers(store):
    ex = Executor(store, size=1, timeout=2.0, light=0)
    try:
        ex.warm()
        assert ex.forks == 1 and ex.lane_of(lane_key(LOOKUP)) == HEAVY
        assert json.loads(ex.run(Job(LOOKUP, limit=10)).body)["results"]["bindings"]
    finally:
        ex.close()


def test_over_http_a_lookup_is_answered_while_heavy_queries_run(server):
    from tests.endpoint.conftest import CANARY_TRIPLES, sparql
    s = server(QUERY_TIMEOUT_S=4, MAX_QUERIES_PER_CLIENT=16)
    statuses: list[int] = []
    heavy = [threading.Thread(target=lambda i=i: statuses.append(sparql(s, HEAVY_QUERY + f"\n# {i}").status_code))
             for i in range(4)]
    try:
        for t in heavy:
            t.start()
        time.sleep(0.5)
        for _ in range(3):
            r = sparql(s, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/sckg/graph/partner/canary/test> "
                          "{ ?s ?p ?o } }", timeout=30)
            assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == str(CANARY_TRIPLES)
        assert statuses == [] and all(t.is_alive() for t in heavy)
    finally:
        for t in heavy:
            t.join(timeout=30)
    assert statuses == [503] * 4

"""/graph-store beyond the W3C suite: every RDF syntax, malformed uploads, atomic replacement."""
from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
import requests

from tests.endpoint.conftest import CANARY, CANARY_TRIPLES, canary_ntriples, no_leak, total

TARGET = "https://w3id.org/sckg/graph/partner/canary/formats"
TRIPLES = [ox.Triple(ox.NamedNode(f"http://e.org/s{i}"), ox.NamedNode("http://e.org/p"), ox.Literal(f"v{i}",
           language="en")) for i in range(5)]


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML,
                                 ox.RdfFormat.JSON_LD, ox.RdfFormat.N3, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS])
def test_every_syntax_uploads(server, fmt):
    s = server()
    data = TRIPLES if not fmt.supports_datasets else [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                                                      for t in TRIPLES]
    r = requests.put(s.url + "/graph-store", params={"graph": TARGET}, data=ox.serialize(data, format=fmt),
                     headers={"Content-Type": fmt.media_type, "Authorization": f"Bearer {s.partner}"}, timeout=30)
    assert r.status_code == 201, r.text
    r = requests.get(s.url + "/graph-store", params={"graph": TARGET}, headers={"Accept": "application/n-triples"},
                     timeout=30)
    got = {str(t) for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
    assert got == {str(ox.Quad(t.subject, t.predicate, t.object)) for t in TRIPLES}


def test_malformed_upload_names_the_line_and_changes_nothing(server):
    s = server()
    body = canary_ntriples(3) + b"<http://e.org/a> <http://e.org/b> .\n"
    r = requests.put(s.url + "/graph-store", params={"graph": CANARY}, data=body, timeout=30,
                     headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 400 and "line 4" in r.json()["error"]
    no_leak(r)
    r = requests.post(s.url + "/graph-store", params={"graph": CANARY}, data=b"@prefix broken", timeout=30,
                      headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 400
    r = requests.put(s.url + "/graph-store", params={"graph": CANARY}, data=b"x", timeout=30,
                     headers={"Content-Type": "application/x-unknown", "Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 415
    assert total(s) == CANARY_TRIPLES


def test_bad_graph_parameters(server):
    s = server()
    assert requests.get(s.url + "/graph-store", timeout=10).status_code == 400
    assert requests.get(s.url + "/graph-store", params={"graph": "no iri"}, timeout=10).status_code == 400
    assert requests.get(s.url + "/graph-store", params={"graph": CANARY, "default": ""}, timeout=10).status_code == 400
    assert requests.get(s.url + "/graph-store", params={"graph": "http://e.org/none"}, timeout=10).status_code == 404


def test_readers_see_the_old_graph_or_the_new_one(server):
    """While a graph of 2000 triples replaces one of 40, every concurrent count is 40 or 2000, never between."""
    s = server()
    seen, stop = set(), threading.Event()

    def read():
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CANARY}> {{ ?s ?p ?o }} }}"
        while not stop.is_set():
            r = requests.get(s.url + "/sparql", params={"query": q}, timeout=30)
            seen.add(int(r.json()["results"]["bindings"][0]["n"]["value"]))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    r = requests.put(s.url + "/graph-store", params={"graph": CANARY}, data=canary_ntriples(2000), timeout=60,
                     headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 204
    stop.set()
    for t in readers:
        t.join()
    assert seen <= {CANARY_TRIPLES, 2000} and seen
    assert total(s) == 2000


def test_post_creates_a_graph_whose_location_this_server_answers(server):
    s = server()
    admin = {"Authorization": f"Bearer {s.admin}"}
    body = ox.serialize(TRIPLES, format=ox.RdfFormat.N_TRIPLES)
    r = requests.post(s.url + "/graph-store", data=body, timeout=30,
                      headers={"Content-Type": "application/n-triples", **admin})
    assert r.status_code == 201, r.text
    location = r.headers["Location"]
    assert location.startswith(s.url + "/graph-store/uploads/"), location
    for got in (requests.get(location, headers={"Accept": "application/n-triples"}, timeout=30),
                requests.get(s.url + "/graph-store", params={"graph": location}, timeout=30,
                             headers={"Accept": "application/n-triples"})):
        assert got.status_code == 200, got.text
        assert {str(t) for t in ox.parse(got.content, format=ox.RdfFormat.N_TRIPLES)} == \
            {str(ox.Quad(t.subject, t.predicate, t.object)) for t in TRIPLES}

"""/graph-store beyond the W3C suite: every RDF syntax, malformed uploads, atomic replacement."""
from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
import requests

from tests.endpoint.conftest import CANARY, CANARY_TRIPLES, alive, canary_ntriples, no_leak, total

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


def _put(s, body, ctype, **headers):
    return requests.put(s.url + "/graph-store", params={"graph": TARGET}, data=body, timeout=30,
                        headers={"Content-Type": ctype, "Authorization": f"Bearer {s.partner}", **headers})


def _target_triples(s) -> set[str]:
    r = requests.get(s.url + "/graph-store", params={"graph": TARGET}, headers={"Accept": "application/n-triples"},
                     timeout=30)
    return set() if r.status_code == 404 else {str(t) for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}


EXPECTED = {str(ox.Quad(t.subject, t.predicate, t.object)) for t in TRIPLES}


def test_named_graphs_in_a_graph_upload_are_refused(server):
    """Data only in named graphs used to replace the graph with nothing (JSON-LD) or be merged into it (TriG)."""
    import json
    s = server()
    assert _put(s, ox.serialize(TRIPLES, format=ox.RdfFormat.N_TRIPLES), "application/n-triples").status_code == 201
    doc = {"@id": "http://e.org/g", "@graph": [{"@id": "http://e.org/x", "http://e.org/p": "v"}]}
    r = _put(s, json.dumps(doc), "application/ld+json")
    assert r.status_code == 400 and "named graphs are not accepted" in r.json()["error"], r.text
    trig = b"<http://e.org/g> { <http://e.org/x> <http://e.org/p> \"v\" }"
    r = _put(s, trig, "application/trig")
    assert r.status_code == 400 and "named graphs are not accepted" in r.json()["error"], r.text
    no_leak(r)
    assert _target_triples(s) == EXPECTED


def test_jsonld_with_sckg_context_url_uploads_without_fetching(server):
    import json
    s = server()
    for ctx in (s.url + "/context.jsonld", "https://w3id.org/sckg/context.jsonld"):
        doc = {"@context": ctx, "@id": "https://w3id.org/sckg/id/observation/canary/x", "@type": "Observation",
               "value": "12.5", "refArea": "https://w3id.org/sckg/id/city/lisbon"}
        r = _put(s, json.dumps(doc), "application/ld+json")
        assert r.status_code in (201, 204), r.text
        got = _target_triples(s)
        assert len(got) == 3 and any("sdmx/2009/measure#obsValue" in t and "12.5" in t for t in got), got
    r = _put(s, json.dumps({"@context": "http://127.0.0.1:9/other.jsonld", "@id": "http://e.org/a",
                            "http://e.org/p": "v"}), "application/ld+json")
    assert r.status_code == 400 and "not fetched" in r.json()["error"]


def test_gzip_bodies_and_files_are_decoded(server):
    import gzip
    s = server()
    nt = ox.serialize(TRIPLES, format=ox.RdfFormat.N_TRIPLES)
    r = _put(s, gzip.compress(nt), "application/n-triples", **{"Content-Encoding": "gzip"})
    assert r.status_code == 201, r.text
    assert _target_triples(s) == EXPECTED
    requests.delete(s.url + "/graph-store", params={"graph": TARGET}, timeout=30,
                    headers={"Authorization": f"Bearer {s.partner}"})
    ttl = ox.serialize(TRIPLES[:2], format=ox.RdfFormat.TURTLE)
    files = {"a": ("part.nt.gz", gzip.compress(ox.serialize(TRIPLES[2:], format=ox.RdfFormat.N_TRIPLES)),
                   "application/gzip"),
             "b": ("part.ttl.gz", gzip.compress(ttl), "application/octet-stream")}
    r = requests.post(s.url + "/graph-store", params={"graph": TARGET}, files=files, timeout=30,
                      headers={"Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 201, r.text
    assert _target_triples(s) == EXPECTED


def test_gzip_limits_apply_to_the_decoded_bytes(server):
    import gzip
    s = server(MAX_UPLOAD_BYTES=10_000)
    bomb = gzip.compress(b"#" * 5_000_000)  # 5 MB of comment in about 5 KB
    assert len(bomb) < 10_000
    r = _put(s, bomb, "text/turtle", **{"Content-Encoding": "gzip"})
    assert r.status_code == 413, r.text
    r = requests.post(s.url + "/graph-store", params={"graph": TARGET}, timeout=30,
                      files={"f": ("bomb.ttl.gz", bomb, "application/gzip")},
                      headers={"Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 413, r.text
    nt = ox.serialize(TRIPLES, format=ox.RdfFormat.N_TRIPLES)
    r = _put(s, gzip.compress(nt)[:-12], "application/n-triples", **{"Content-Encoding": "gzip"})
    assert r.status_code == 400 and "gzip" in r.json()["error"], r.text
    r = _put(s, nt, "application/n-triples", **{"Content-Encoding": "br"})
    assert r.status_code == 415
    assert _target_triples(s) == set()
    alive(s)


def test_the_decoded_limit_covers_every_part_together(server):
    """Parts that each fit but together decode to more than MAX_UPLOAD_BYTES are refused."""
    import gzip
    s = server(MAX_UPLOAD_BYTES=20_000)
    comment = b"#" * 12_000 + b"\n"
    files = {"a": ("a.ttl", comment, "text/turtle"), "b": ("b.ttl.gz", gzip.compress(comment), "application/gzip"),
             "c": ("c.ttl.gz", gzip.compress(comment), "application/gzip")}
    r = requests.post(s.url + "/graph-store", params={"graph": TARGET}, files=files, timeout=30,
                      headers={"Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 413, r.text
    assert _target_triples(s) == set()

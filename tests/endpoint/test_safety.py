"""One test per safety rule: a hostile input gets the right refusal, the server answers the next query at once,
and no triple is lost (counts before and after)."""
from __future__ import annotations

import socket
import threading
import time

import requests

from tests.endpoint.conftest import CANARY_TRIPLES, alive, no_leak, sparql, total


class Listener:
    """A TCP listener on a loopback port that records whether anything connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


def test_service_is_refused_and_nothing_is_fetched(server):
    s = server()
    listener = Listener()
    try:
        for q in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}",
                  f"select * {{ service#c\n<http://localhost:{listener.port}/> {{ ?s ?p ?o }} }}",
                  f"PREFIX e: <http://127.0.0.1:{listener.port}/> SELECT * {{ SERVICE e:x {{ ?s ?p ?o }} }}",
                  "SELECT * { BIND(<http://169.254.169.254/latest/> AS ?u) SERVICE ?u { ?s ?p ?o } }"):
            r = sparql(s, q)
            assert r.status_code == 403, (q, r.text)
            assert "SERVICE" in r.json()["error"]
            no_leak(r)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_allow_listed_host_resolving_to_loopback_is_still_refused(server):
    s = server(ALLOWED_SERVICE_HOSTS="localhost,127.0.0.1")
    listener = Listener()
    try:
        r = sparql(s, f"SELECT * WHERE {{ SERVICE <http://localhost:{listener.port}/> {{ ?s ?p ?o }} }}")
        assert r.status_code == 403
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()
    alive(s)


def test_load_is_refused_and_nothing_is_fetched(server):
    s = server()
    listener = Listener()
    try:
        for text in (f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>",
                     f"LOAD SILENT <http://127.0.0.1:{listener.port}/d.ttl> INTO GRAPH <http://example.org/g>"):
            r = requests.post(s.url + "/update", data=text, timeout=10, headers={
                "Content-Type": "application/sparql-update", "Authorization": f"Bearer {s.admin}"})
            assert r.status_code == 403, r.text
            no_leak(r)
        for text in (f"LOAD <http://127.0.0.1:{listener.port}/data.ttl> INTO",  # malformed: 400, not 403
                     f"LOAD <http://127.0.0.1:{listener.port}/d.ttl> ; INSERT DATA {{ <http://e.org/a> }}",
                     f"LOAD SILENT <http://127.0.0.1:{listener.port}/d.ttl> INTO GRAPH"):
            r = requests.post(s.url + "/update", data=text, timeout=10, headers={
                "Content-Type": "application/sparql-update", "Authorization": f"Bearer {s.admin}"})
            assert r.status_code == 400 and "does not parse" in r.json()["error"], r.text
            no_leak(r)
        r = sparql(s, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p }} }}")
        assert r.status_code == 400 and "does not parse" in r.json()["error"], r.text
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()
    assert total(s) == CANARY_TRIPLES


def test_runaway_query_is_stopped_and_the_next_is_served(server):
    s = server(QUERY_TIMEOUT_S=2)
    t0 = time.monotonic()
    r = sparql(s, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }")
    elapsed = time.monotonic() - t0
    assert r.status_code == 503, r.text
    assert "2 s" in r.json()["error"]
    assert 1.9 <= elapsed < 3.5
    no_leak(r)
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_deep_nesting_is_refused(server):
    s = server()
    for opener, closer in (("{", "}"), ("(", ")")):
        q = "SELECT * WHERE " + ("{ FILTER" if opener == "(" else "") + opener * 50_000 + "1" + closer * 50_000 + \
            ("}" if opener == "(" else "")
        r = sparql(s, q)
        assert r.status_code == 400, r.text[:200]
        assert "nested" in r.json()["error"]
        no_leak(r)
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_too_many_unions_are_refused(server):
    s = server()
    q = "SELECT * WHERE { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(500)) + " }"
    r = sparql(s, q)
    assert r.status_code == 400 and "UNION" in r.json()["error"]
    alive(s)


def test_oversized_query_body_is_refused(server):
    s = server()
    q = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000
    r = sparql(s, q)
    assert r.status_code == 413
    r = requests.post(s.url + "/update", data=("INSERT DATA { <a> <b> <c> } #" + "x" * 1_100_000).encode(),
                      headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {s.admin}"},
                      timeout=30)
    assert r.status_code == 413
    no_leak(r)
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_oversized_upload_is_refused(server):
    s = server(MAX_UPLOAD_BYTES=10_000)
    body = b"".join(b"<http://e.org/%d> <http://e.org/p> <http://e.org/o> .\n" % i for i in range(1000))
    r = requests.put(s.url + "/graph-store", params={"graph": "https://w3id.org/sckg/graph/partner/canary/test"},
                     data=body, headers={"Content-Type": "application/n-triples",
                                         "Authorization": f"Bearer {s.admin}"}, timeout=30)
    assert r.status_code == 413
    no_leak(r)
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_overlong_url_is_refused(server):
    s = server()
    r = requests.get(s.url + "/sparql", params={"query": "ASK { ?s ?p \"" + "a" * 10_000 + "\" }"}, timeout=10)
    assert r.status_code == 414
    no_leak(r)
    alive(s)


def test_rdfxml_with_entities_is_refused(server):
    s = server()
    lol = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e.org/">
  <rdf:Description rdf:about="http://e.org/s"><e:p>&c;</e:p></rdf:Description>
</rdf:RDF>"""
    r = requests.put(s.url + "/graph-store", params={"graph": "https://w3id.org/sckg/graph/partner/canary/test"},
                     data=lol, headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {s.admin}"},
                     timeout=10)
    assert r.status_code == 400 and "DOCTYPE" in r.json()["error"]
    no_leak(r)
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_result_rows_are_capped_and_the_cap_announced(server):
    s = server(RESULT_LIMIT=7)
    r = sparql(s, "SELECT ?s WHERE { ?s ?p ?o }")
    assert r.status_code == 200
    assert r.headers["SCKG-Result-Limit"] == "7" and r.headers["SCKG-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 7
    r = sparql(s, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", accept="text/csv")
    assert r.headers["SCKG-Truncated"] == "false" and len(r.text.strip().splitlines()) == 4
    r = sparql(s, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert r.headers["SCKG-Truncated"] == "true" and len(r.text.strip().splitlines()) == 7


def test_concurrent_queries_per_client_are_capped(server):
    s = server(MAX_QUERIES_PER_CLIENT=1, QUERY_TIMEOUT_S=3, QUERY_WORKERS=2)
    slow = threading.Thread(target=sparql, args=(s, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
                                                  "?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"))
    slow.start()
    time.sleep(0.5)
    r = sparql(s, "ASK {}")
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    no_leak(r)
    slow.join()
    alive(s)


def test_errors_are_short_and_follow_accept(server):
    s = server()
    r = sparql(s, "SELECT * WHERE {", accept="text/plain, application/sparql-results+json;q=0.5")
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    assert r.text.startswith("400 Malformed query:")
    r = sparql(s, "SELECT * WHERE {")
    assert r.headers["Content-Type"].startswith("application/json") and r.json()["status"] == 400
    no_leak(r)


def test_memory_hungry_query_is_refused(server, caplog, capfd):
    s = server(QUERY_MEMORY_MB=64)
    with caplog.at_level("WARNING", logger="sckg.executor"):
        r = sparql(s, "SELECT (CONCAT(STR(?a), STR(?c), STR(?g), STR(?i)) AS ?x) "
                      "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?x")
    assert r.status_code == 400 and "more memory than a query may use" in r.json()["error"], r.text[:200]
    no_leak(r)
    # the server logs one line; the engine's own abort message does not reach its stderr
    assert [m for m in caplog.messages if "memory cap" in m] == [
        "a query worker ran out of its memory cap (QUERY_MEMORY_MB=64) and was replaced"]
    assert "memory allocation of" not in capfd.readouterr().err
    alive(s)
    assert total(s) == CANARY_TRIPLES


def test_the_query_page_stops_a_runaway_query_too(server):
    """The browser's query page evaluates through the same killable workers as /sparql, not in the server."""
    s = server(QUERY_TIMEOUT_S=2)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
    t0 = time.monotonic()
    r = requests.get(s.url + "/query", params={"query": runaway}, headers={"Accept": "text/html"}, timeout=30)
    elapsed = time.monotonic() - t0
    assert r.status_code == 503 and r.headers["Content-Type"].startswith("text/html"), r.text[:300]
    assert "longer than 2 s" in r.text
    assert 1.9 <= elapsed < 3.5
    no_leak(r)
    r = requests.get(s.url + "/query", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                                "format": "json"}, timeout=30)
    assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]) >= CANARY_TRIPLES
    alive(s)


def test_the_query_page_caps_rows_and_says_so(server):
    s = server(RESULT_LIMIT=5)
    r = requests.get(s.url + "/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                     headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200
    assert "5 rows" in r.text and "the answer stops at the row limit" in r.text
    r = requests.get(s.url + "/query", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"},
                     headers={"Accept": "text/html"}, timeout=30)
    assert "3 rows" in r.text and "row limit" not in r.text

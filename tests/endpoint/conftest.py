"""Fixtures for the endpoint tests: servers over a fresh store holding a canary graph, and small HTTP functions."""
from __future__ import annotations

from pathlib import Path

import time

import pytest
import requests

from app import auth

CANARY = "https://w3id.org/sckg/graph/partner/canary/test"
CANARY_TRIPLES = 40


def canary_ntriples(n: int = CANARY_TRIPLES) -> bytes:
    return "".join(f"<http://example.org/item/{i}> <http://example.org/value> \"{i}\" .\n"
                   for i in range(n)).encode()


def sparql(server, query: str, accept: str = "application/sparql-results+json", **kw):
    return requests.post(server.url + "/sparql", data=query.encode(), timeout=kw.pop("timeout", 30),
                         headers={"Content-Type": "application/sparql-query", "Accept": accept, **kw})


def total(server) -> int:
    """Triples in every graph but the catalogue (which the derived data's refresher writes), asked over HTTP."""
    r = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                       "FILTER(?g != <https://w3id.org/sckg/graph/meta>) }")
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def alive(server) -> None:
    """The server answers a query at once."""
    t0 = time.monotonic()
    r = requests.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert r.status_code == 200 and r.json()["boolean"] is True, r.text
    assert time.monotonic() - t0 < 2.0


def no_leak(resp) -> None:
    """An error answer says what went wrong, and nothing of the server's insides."""
    assert resp.status_code < 500 or resp.status_code == 503, resp.text
    root = str(Path(__file__).resolve().parents[2])
    for secret in ("Traceback", "File \"", root, "site-packages", ".py\""):
        assert secret not in resp.text


@pytest.fixture
def server(make_server):
    """``server(**overrides)``: a live server over a fresh store with the canary graph; ``.admin``, ``.partner``
    hold tokens with scope '*' and scope 'https://w3id.org/sckg/graph/partner/canary/'."""
    made = []

    def _make(**overrides):
        s = make_server(overrides)
        store = s.app.extensions["sckg.store"]
        if not overrides.get("READ_ONLY"):  # a read-only store holds what was written before it opened
            store.replace_graph(CANARY, (canary_ntriples(), "ntriples"))
        tokens = s.app.config["TOKENS"]
        s.admin = auth.add(tokens, "admin", "*")
        s.partner = auth.add(tokens, "canary", "https://w3id.org/sckg/graph/partner/canary/")
        made.append(s)
        return s

    yield _make
    time.sleep(0.1)  # let the last response finish before the servers close their sockets
    for s in made:  # free the workers and the store's files now, not when the test run ends
        executor = s.app.extensions.get("sckg.executor")
        if executor is not None:
            executor.close()
        s.app.extensions["sckg.store"].close()

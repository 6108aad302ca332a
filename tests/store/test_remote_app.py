"""The whole SCKG path on a remote store: ``load_all`` (ingest + derived data) and the app's /sparql
answering over a RemoteStore that talks to a real Oxigraph server, and to a real Virtuoso 7."""
from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from app.loading import load_all
from app.store.remote import RemoteStore
from ingest.namespaces import GRAPH_BASE, GRAPHS
from ingest.resources import study_dir
from tests.conftest import base_config
from tests.sparql_servers import OxigraphServer, VirtuosoServer, oxigraph_binary

PRACTICES = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def loaded_remote(request, tmp_path_factory):
    """A fresh server, loaded through SCKG's own path (``load_all``) over a RemoteStore."""
    if request.param == "oxigraph" and oxigraph_binary() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    if request.param == "virtuoso" and VirtuosoServer.binaries() is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin; scripts/test does)")
    tmp = tmp_path_factory.mktemp(f"remote-app-{request.param}")
    server = (OxigraphServer if request.param == "oxigraph" else VirtuosoServer)(tmp / "db").start()
    config = base_config(tmp, **server.config())
    store = RemoteStore.from_config(config)
    store.progress = False
    load_all(store, config, progress=False)
    yield server, store, config
    store.close()
    server.stop()


def _csv_rows(name: str) -> int:
    with open(study_dir() / name, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


def _graph(store, graph: str) -> Graph:
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=graph)
    return Graph().parse(data=out.getvalue().decode("utf-8"), format="nt")


def test_load_all_over_a_remote_store_loads_every_practice(loaded_remote):
    _, remote, _ = loaded_remote
    assert int(remote.query(PRACTICES)[0]["n"]) == _csv_rows("practices.csv")
    assert {GRAPHS[g] for g in ("study", "ontology", "vocab", "inferred", "meta")} <= set(remote.graphs())


def test_the_remote_and_the_embedded_store_hold_the_same_graphs(loaded_remote, store):
    _, remote, _ = loaded_remote
    assert [g for g in remote.graphs() if g.startswith(GRAPH_BASE)] == store.graphs()  # Virtuoso has its own too
    for graph in ("study", "ontology", "vocab", "inferred"):
        assert isomorphic(_graph(remote, GRAPHS[graph]), _graph(store, GRAPHS[graph])), graph
    assert remote.count(GRAPHS["meta"]) == store.count(GRAPHS["meta"])


def test_the_app_endpoint_answers_over_the_remote_store(loaded_remote, make_server):
    server, remote, config = loaded_remote
    app = make_server(server.config(), store=remote)
    r = requests.get(app.url + "/sparql", params={"query": PRACTICES},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200
    n = json.loads(r.text)["results"]["bindings"][0]["n"]["value"]
    assert int(n) == _csv_rows("practices.csv")


@pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")
def test_the_app_answers_503_in_one_line_when_the_remote_is_down(tmp_path, make_server):
    server = OxigraphServer(tmp_path / "gone").start()
    config = server.config()
    server.stop()
    dead = RemoteStore(config["STORE"], config["SPARQL_UPDATE_URL"], retries=1, backoff=0.01, progress=False)
    app = make_server(config, store=dead)
    r = requests.get(app.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                     headers={"Accept": "application/json"}, timeout=30)
    assert r.status_code == 503
    body = r.json()
    assert body["ok"] is False and "unreachable" in body["error"] and "\n" not in body["error"]


@pytest.mark.parametrize("path, text", [
    ("/practices", "Bilbao"),
    ("/practices?lang=fr", "Bilbao"),
    ("/id/city/bilbao", "Bilbao"),
    ("/search?q=mobility", "mobility"),
    ("/reports/2021", "2021"),
    ("/.well-known/void", "void"),
])
def test_the_pages_answer_over_the_remote_store(loaded_remote, make_server, path, text):
    _, remote, config = loaded_remote
    app = make_server(config, store=remote)  # with the search index load_all built
    r = requests.get(app.url + path, timeout=60)
    assert r.status_code == 200, r.text[:500]
    assert text.lower() in r.text.lower()

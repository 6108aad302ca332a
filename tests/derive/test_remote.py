"""Derived data on a remote store (a real Oxigraph server process): the same related practices and index;
no ``sckg:textMatch`` there, since custom functions exist only in the embedded engine."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import related, search
from tests.sparql_servers import OxigraphServer, oxigraph_binary

HERE = Path(__file__).resolve().parent
P = "https://w3id.org/sckg/id/practice/"

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")


@pytest.fixture
def remote(tmp_path):
    from app.store.remote import RemoteStore
    with OxigraphServer(tmp_path / "db") as server:
        store = RemoteStore(server.query_url, server.update_url, server.store_url, progress=False)
        store.replace_graph("https://w3id.org/sckg/graph/study", ((HERE / "data" / "small.ttl").read_bytes(),
                                                                  "turtle"))
        yield store


def test_related_and_search_work_on_a_remote_store(remote, tmp_path):
    related.refresh(remote, {})
    got = related.related_for(remote, P + "a")
    assert [r["iri"] for r in got] == [P + "b", P + "c", P + "d"]
    assert got[0]["reasons"][0] == "also faced: Lack of funding"
    cfg = {"INDEX_PATH": str(tmp_path / "search.sqlite")}
    assert search.refresh(remote, cfg)["sparql_function"] is False
    assert not remote.custom_functions
    assert [h["iri"] for h in search.search(cfg, "financement")["hits"]] == ["https://w3id.org/sckg/id/barrier/funding"]


def test_text_match_on_a_remote_store_is_a_clear_error(remote):
    from ingest.errors import KGError
    with pytest.raises(KGError, match="textMatch"):
        remote.query("SELECT ?s ?score WHERE { ?s ?p ?o BIND(<https://w3id.org/sckg/ontology#textMatch>(?s, 'x') "
                     "AS ?score) }")

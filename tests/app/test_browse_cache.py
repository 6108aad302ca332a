"""Cached pages and the facet index follow the store: a write makes them stale at once."""
from __future__ import annotations

from pathlib import Path

from app import browse_index, create_app

MINI = Path(__file__).resolve().parent / "data" / "mini.ttl"
NEW = b"""<https://w3id.org/sckg/id/practice/new-one> a <https://w3id.org/sckg/ontology#Practice> ;
  <http://purl.org/dc/terms/title> "A new practice"@en ;
  <https://w3id.org/sckg/ontology#axis> <https://w3id.org/sckg/id/axis/mobility> ."""


def make(empty_store, tmp_path):
    empty_store.replace_graph("https://w3id.org/sckg/graph/study", (MINI.read_bytes(), "turtle"))
    config = {"TESTING": True, "STORE": str(tmp_path / "store"), "INDEX_PATH": str(tmp_path / "search.sqlite")}
    return create_app(config, store=empty_store).test_client()


def test_a_write_refreshes_lists_facets_and_pages(empty_store, tmp_path):
    client = make(empty_store, tmp_path)
    assert client.get("/practices.json").get_json()["total"] == 2
    html = client.get("/practices?axis=mobility", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "A new practice" not in html
    empty_store.add_to_graph("https://w3id.org/sckg/graph/study", (NEW, "turtle"))
    assert client.get("/practices.json").get_json()["total"] == 3
    assert client.get("/practices.json").get_json()["facets"]["axis"]["https://w3id.org/sckg/id/axis/mobility"] == 2
    html = client.get("/practices?axis=mobility", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "A new practice" in html
    assert client.get("/id/practice/new-one", headers={"Accept": "text/html"}).status_code == 200


def test_refresh_builds_the_index_ahead_of_visitors(empty_store, tmp_path):
    make(empty_store, tmp_path)
    assert browse_index.refresh(empty_store) == {"practices": 2}
    index = browse_index.current(empty_store)
    assert index.all_counts["city"] == {"https://w3id.org/sckg/id/city/bilbao": 2}
    assert index.all_counts["region"] == {"https://w3id.org/sckg/id/region/europe": 2}
    # "bilbao open data" sorts before "bilbaoaccess" (a space before a letter)
    assert index.page(None, "title", 0, 10) == ["https://w3id.org/sckg/id/practice/bilbao-data",
                                                "https://w3id.org/sckg/id/practice/bilbao-access"]

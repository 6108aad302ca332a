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


def test_bitset_counts_equal_counting_the_matching_practices():
    import random
    from collections import Counter

    from app.browse_index import FacetIndex, _bitset
    rnd = random.Random(5)
    n = 5000
    values = {"axis": [f"a{i}" for i in range(6)], "city": [f"c{i}" for i in range(900)]}
    index = FacetIndex(iris=[f"p{i}" for i in range(n)])
    for name, vs in values.items():
        per = [tuple(rnd.sample(vs, rnd.choice([1, 1, 2]))) for _ in range(n)]
        postings: dict[str, set[int]] = {}
        for i, held in enumerate(per):
            for v in held:
                postings.setdefault(v, set()).add(i)
        index.postings[name], index.values_of[name] = postings, per
        if len(postings) <= 256:
            index.masks[name] = {v: _bitset(ps, n) for v, ps in postings.items()}
    for filters in ({"axis": ["a1"]}, {"axis": ["a1", "a4"]}, {"city": ["c7", "c8"]}, {"axis": ["a2"], "city": ["c3"]}):
        ids = index.matching(filters)
        expected = Counter(v for i in ids for v in index.values_of["axis"][i])
        assert index.counts_given("axis", filters) == dict(expected)
        mask = index.matching_mask(filters)
        assert mask is None if "city" in filters else {i for i in range(n) if mask >> i & 1} == ids

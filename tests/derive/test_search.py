"""The full-text index: accents, stemming, ranking, snippets, hostile input, freshness, SPARQL function."""
from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from app import search
from ingest.errors import StoreUnavailable

STUDY = Path(__file__).resolve().parent.parent.parent / "data" / "study"
ID = "https://w3id.org/sckg/id/"
STUDY_GRAPH = "https://w3id.org/sckg/graph/study"


def _csv(name):
    with open(STUDY / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


# --- the study data (the session store's index, built by load_all) ---------------------------------------

def test_unaccented_mobilite_finds_the_mobility_axis_through_its_french_label(config, store):
    french = [r["original_label"] for r in _csv("axis_labels.csv") if r["language"] == "fr" and r["axis"] == "mobility"]
    assert "Mobilité et transport" in french
    res = search.search(config, "mobilite", lang="fr")
    hit = next(h for h in res["hits"] if h["iri"] == ID + "axis/mobility")
    assert hit["kind"] == "axis"
    matched = [text for text, is_match in hit["snippet"] if is_match]
    assert matched and all(_plain(t) == "mobilite" for t in matched)
    assert "".join(text for text, _ in hit["snippet"]).count("Mobilité") >= 1


def test_open_data_finds_the_practices_titled_with_it(config, store):
    titled = {ID + "practice/" + r["practice_id"] for r in _csv("practices.csv") if "open data" in r["title"].lower()}
    assert ID + "practice/porto-alegre-datapoa" in titled
    res = search.search(config, "open data", kinds=["practice"])
    iris = [h["iri"] for h in res["hits"]]
    assert titled <= set(iris[:len(titled)]), "practices with the words in their title come first"
    assert res["total"] >= len(titled) and all(h["kind"] == "practice" for h in res["hits"])
    first = res["hits"][0]
    assert any(is_match for _, is_match in first["snippet"])
    assert all(isinstance(t, str) and isinstance(m, bool) for t, m in first["snippet"])


def test_title_matches_rank_above_description_matches(config, store):
    rows = _csv("practices.csv")
    word = re.compile(r"\bliteracy\b", re.IGNORECASE)
    in_title = {ID + "practice/" + r["practice_id"] for r in rows if word.search(r["title"])}
    in_summary_only = {ID + "practice/" + r["practice_id"] for r in rows
                       if word.search(r["summary"]) and not word.search(r["title"])}
    assert in_title and in_summary_only
    iris = [h["iri"] for h in search.search(config, "literacy", kinds=["practice"])["hits"]]
    assert set(iris[:len(in_title)]) == in_title
    assert in_summary_only <= set(iris)


def test_kinds_of_hits_come_from_rdf_type(config, store):
    res = search.search(config, "bilbao", limit=50)
    kinds = {h["iri"]: h["kind"] for h in res["hits"]}
    assert kinds[ID + "city/bilbao"] == "city"
    assert kinds[ID + "practice/bilbao-data-government"] == "practice"
    spain = search.search(config, "Spain", kinds=["country"])["hits"]
    assert [h["iri"] for h in spain] == [ID + "country/es"]
    assert search.search(config, "Spain", kinds=["no-such-kind"]) == {"total": 0, "hits": []}


def test_labels_follow_the_language_asked_for(config, store):
    es = search.search(config, "mobility", lang="es", kinds=["axis"])["hits"][0]
    en = search.search(config, "mobility", lang="en", kinds=["axis"])["hits"][0]
    assert (en["label"], es["label"]) == ("Mobility", "Movilidad")


def test_suggestions_complete_a_prefix(config, store):
    got = search.suggest(config, "mobil")
    assert ID + "axis/mobility" in [s["iri"] for s in got]
    assert any(s["iri"] == ID + "practice/porto-alegre-datapoa" for s in search.suggest(config, "datap"))
    assert search.suggest(config, "") == [] and search.suggest(config, '"*') == []


def test_paging_is_stable(config, store):
    whole = search.search(config, "city", limit=10)
    page2 = search.search(config, "city", limit=5, offset=5)
    assert [h["iri"] for h in page2["hits"]] == [h["iri"] for h in whole["hits"][5:10]]
    assert page2["total"] == whole["total"] > 10


@pytest.mark.parametrize("q", ['"', "*", "NEAR(", "AND OR", "AND (", "title:", "-x", "a\"b OR (c", "^", "x" * 10_000,
                               "data " * 3000, "\x00\x02", "", "   "])
def test_hostile_input_never_raises(config, store, q):
    res = search.search(config, q)
    assert isinstance(res["total"], int) and isinstance(res["hits"], list)
    assert isinstance(search.suggest(config, q), list)


def test_text_match_works_in_sparql_on_the_embedded_store(store):
    rows = store.query("""PREFIX sckg: <https://w3id.org/sckg/ontology#>
        SELECT ?axis ?score WHERE { ?axis a sckg:Axis BIND(sckg:textMatch(?axis, ?q) AS ?score) FILTER(BOUND(?score)) }
        ORDER BY DESC(?score)""", {"q": __import__("rdflib").Literal("mobilite")})
    assert [str(r["axis"]) for r in rows] == [ID + "axis/mobility"]
    assert str(rows[0]["score"].datatype).endswith("#double") and float(rows[0]["score"]) > 0


# --- a small hand-built graph -------------------------------------------------------------------------

TTL = """@prefix sckg: <https://w3id.org/sckg/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/sckg/id/practice/x> a sckg:Practice ; rdfs:label "Water sensors"@en ; dct:title "Water sensors"@en ;
  dct:description "A network of meters in the old town."@en .
<https://w3id.org/sckg/id/practice/y> a sckg:Practice ; rdfs:label "City platform"@en ;
  dct:description "Collects water sensors, water meters and water quality data from water sensors."@en .
<https://w3id.org/sckg/id/practice/z> a sckg:Practice ; rdfs:label "Plateformes numériques"@fr ;
  dct:description "Des capteurs connectés dans les quartiers."@fr .
"""


@pytest.fixture
def small(empty_store, tmp_path):
    empty_store.replace_graph(STUDY_GRAPH, (TTL.encode(), "turtle"))
    cfg = {"INDEX_PATH": str(tmp_path / "idx" / "search.sqlite")}
    search.refresh(empty_store, cfg)
    return empty_store, cfg


def test_label_match_outranks_repeated_body_matches(small):
    _, cfg = small
    hits = search.search(cfg, "water sensors")["hits"]
    assert [h["iri"] for h in hits] == [ID + "practice/x", ID + "practice/y"]
    assert hits[0]["score"] > hits[1]["score"] > 0


def test_stemming_in_english_and_french(small):
    _, cfg = small
    assert [h["iri"] for h in search.search(cfg, "platforms")["hits"]] == [ID + "practice/y"]
    assert [h["iri"] for h in search.search(cfg, "sensor")["hits"]][:1] == [ID + "practice/x"]
    assert [h["iri"] for h in search.search(cfg, "plateforme")["hits"]] == [ID + "practice/z"]
    assert [h["iri"] for h in search.search(cfg, "capteur connecte")["hits"]] == [ID + "practice/z"]


def test_the_index_follows_the_store_after_each_refresh(small):
    store, cfg = small
    assert search.search(cfg, "meters")["total"] == 2
    store.replace_graph(STUDY_GRAPH, (TTL.replace("meters", "gauges").encode(), "turtle"))
    search.refresh(store, cfg)
    assert search.search(cfg, "meters")["total"] == 0
    assert search.search(cfg, "gauges")["total"] == 2
    assert not list(Path(cfg["INDEX_PATH"]).parent.glob("*.tmp")), "no temporary file is left behind"


def test_an_in_memory_index_works_and_a_missing_one_is_a_clear_error(small, tmp_path):
    store, _ = small
    search.refresh(store, {"INDEX_PATH": ":memory:"})
    assert search.search({"INDEX_PATH": ":memory:"}, "water")["total"] == 2
    with pytest.raises(StoreUnavailable, match="not built"):
        search.search({"INDEX_PATH": str(tmp_path / "none.sqlite")}, "water")


def test_match_expressions_quote_every_word():
    expr = search.match_expression('open "data" AND (NEAR')
    assert expr.count("{title body} : ") == 4 and "NEAR(" not in expr
    assert search.match_expression('"*^()') is None


def test_text_match_works_through_the_sparql_endpoint(client):
    q = ('PREFIX sckg: <https://w3id.org/sckg/ontology#> SELECT ?a ?s WHERE { ?a a sckg:Axis '
         'BIND(sckg:textMatch(?a, "mobilite") AS ?s) FILTER(BOUND(?s)) }')
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    rows = r.get_json()["results"]["bindings"]
    assert [row["a"]["value"] for row in rows] == [ID + "axis/mobility"]

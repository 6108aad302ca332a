"""Topics: the matcher over texts in every language, and the suggestions kept apart from stated topics."""
from __future__ import annotations

import csv
from pathlib import Path

from app import topics

STUDY = Path(__file__).resolve().parent.parent.parent / "data" / "study"
ID = "https://w3id.org/sckg/id/"
T = ID + "topic/"
P = ID + "practice/"
PREFIX = "PREFIX sckg: <https://w3id.org/sckg/ontology#>\n"


def _practices() -> list[dict]:
    with open(STUDY / "practices.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_matcher_folds_accents_and_stems_in_the_text_language():
    m = topics.Matcher({T + "open-data": [("Open data", "en"), ("Données ouvertes", "fr"), ("Datos abiertos", "es")],
                        T + "health": [("public-health services", "en")]})
    got = m.match([("Il publie des DONNEES OUVERTES.", "fr", False), ("Publica dato abierto", "es", True),
                   ("Public health service directory", "en", False), ("open data", "fr", False)])
    assert got[T + "open-data"] == (3, [("DONNEES OUVERTES", "fr"), ("dato abierto", "es")])
    assert got[T + "health"] == (1, [("Public health service", "en")])  # plural and hyphen do not matter
    assert m.match([("Open datasets and data platforms", "en", False)]) == {}  # whole words only


def test_suggestions_need_enough_evidence_and_never_repeat_a_stated_topic():
    m = topics.Matcher({T + "energy": [("energy", "en")], T + "health": [("health", "en")]})
    ps = topics.Practices()
    for kind, value, lang in (("title", "Energy plan", "en"), ("summary", "health once", "en"),
                              ("topic", T + "energy", ""), ("summary", "no more", "en")):
        ps.add(P + "a", kind, value, lang)
    ((_, found, sdgs),) = list(topics.suggest(ps, m, {T + "energy": {"sdg7"}, T + "health": {"sdg3"}}))
    assert found == {} and sdgs == {"sdg7"}  # energy is stated; health has one plain match only
    ps.add(P + "a", "sdg", "sdg13")
    assert next(topics.suggest(ps, m, {T + "energy": {"sdg7"}}))[2] == set()  # stated SDGs win


def test_the_study_suggestions_are_recorded_apart_and_queryable(store):
    stated = {(P + r["practice_id"], T + t) for r in _practices() for t in r["topics"].split(";")}
    rows = store.query(PREFIX + "SELECT ?p ?t WHERE { ?p sckg:topic ?t }")
    assert {(str(r["p"]), str(r["t"])) for r in rows} == stated
    suggested = store.query(PREFIX + """SELECT ?p ?t ?w WHERE {
      GRAPH <https://w3id.org/sckg/graph/inferred/topics> { ?p sckg:suggestedTopic ?t .
        ?n a sckg:TopicSuggestion ; sckg:suggestionFor ?p ; sckg:suggests ?t ; sckg:matchedText ?w } }""")
    pairs = {(str(r["p"]), str(r["t"])) for r in suggested}
    assert pairs and not pairs & stated
    words = {(str(r["t"]), str(r["w"]), r["w"].language) for r in suggested
             if str(r["p"]) == P + "porto-alegre-datapoa"}
    assert (T + "data-governance", "data policy", "en") in words
    assert (T + "data-governance", "Política de datos", "es") in words
    in_study = store.query(PREFIX + """ASK { GRAPH <https://w3id.org/sckg/graph/study> {
      { ?p sckg:suggestedTopic ?t } UNION { ?p sckg:suggestedSDG ?g } } }""")
    assert in_study is False


def test_sdgs_are_suggested_from_stated_topics_only_where_none_is_stated(store):
    rows = store.query(PREFIX + """SELECT ?g WHERE {
      <https://w3id.org/sckg/id/practice/limoges-digital-schools-plan> sckg:suggestedSDG ?g }""")
    assert {str(r["g"]) for r in rows} == {"http://metadata.un.org/sdg/4"}  # education serves SDG 4
    both = store.query(PREFIX + "ASK { ?p sckg:sdg ?g ; sckg:suggestedSDG ?h }")
    assert both is False


def test_refresh_reports_and_is_stable(store):
    before = store.count(topics.GRAPH)
    result = topics.refresh(store, {})
    assert result["practices"] == len(_practices()) and result["triples"] == before

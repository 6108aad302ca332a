"""Related practices: a hand-worked ranking, the materialised graph, and the study data."""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import XSD

from app import related, related_graph

HERE = Path(__file__).resolve().parent
STUDY = HERE.parent.parent / "data" / "study"
ID = "https://w3id.org/sckg/id/"
P = ID + "practice/"
SCKG = "https://w3id.org/sckg/ontology#"


@pytest.fixture
def small(empty_store):
    empty_store.replace_graph("https://w3id.org/sckg/graph/study", ((HERE / "data" / "small.ttl").read_bytes(),
                                                                    "turtle"))
    related.refresh(empty_store, {})
    return empty_store


# Worked by hand for data/small.ttl: N = 5 practices; weight = kind weight × ln(1 + N / df). The kind weights
# (app.related.KINDS) put what practices are about above where they are: barrier and enabler 1.0, axis 0.3,
# country 0.15, region 0.08. The practices have no texts, so no text similarity adds to these.
W_FUNDING = 1.0 * math.log(1 + 5 / 2)     # barrier held by a, b
W_PPP = 1.0 * math.log(1 + 5 / 3)         # enabler held by a, b, c
W_GOV = 0.3 * math.log(1 + 5 / 3)         # axis held by a, b, d
W_MOB = 0.3 * math.log(1 + 5 / 2)         # axis held by c, e
W_SPAIN = 0.15 * math.log(1 + 5 / 2)       # country of a, b
W_EUROPE = 0.08 * math.log(1 + 5 / 3)      # region of a, b, c


def test_ranking_and_scores_follow_the_shared_features(small):
    got = related.related_for(small, P + "a")
    assert [r["iri"] for r in got] == [P + "b", P + "c", P + "d"]  # e shares nothing with a
    expected = [W_FUNDING + W_PPP + W_GOV + W_SPAIN + W_EUROPE, W_PPP + W_EUROPE, W_GOV]
    assert [r["score"] for r in got] == pytest.approx(expected, abs=1e-3)
    assert [r["label"] for r in got] == ["Practice B", "Practice C", "Practice D"]


def test_reasons_name_the_shared_items_in_each_language(small):
    best = related.related_for(small, P + "a", "en")[0]
    assert best["reasons"] == ["also faced: Lack of funding", "also used: Public–private partnership",
                               "same axis: Governance", "same country: Spain"]
    fr = related.related_for(small, P + "a", "fr")[0]
    assert fr["label"] == "Pratique B"
    assert fr["reasons"] == ["a aussi rencontré : Manque de financement",
                             "a aussi mobilisé : Public–private partnership",  # no French label: English
                             "même axe : Gouvernance", "même pays : Espagne"]
    es = related.related_for(small, P + "c", "es")
    assert es[-1]["iri"] == P + "e" and es[-1]["reasons"] == ["mismo eje: Movilidad"]
    assert related.related_for(small, P + "c", "es")[0]["reasons"] == ["también usó: Public–private partnership",
                                                                      "misma región: Europe"]


def test_the_relation_is_materialised_in_its_own_inferred_graph(small):
    rows = small.query("""PREFIX sckg: <https://w3id.org/sckg/ontology#>
        SELECT ?r ?score ?shared WHERE { GRAPH <https://w3id.org/sckg/graph/inferred/related> {
          ?from sckg:relatedPractice ?to . ?r a sckg:Relatedness ; sckg:from ?from ; sckg:to ?to ;
             sckg:score ?score ; sckg:sharedFeature ?shared } }""",
                       {"from": URIRef(P + "a"), "to": URIRef(P + "b")})
    assert {str(r["r"]) for r in rows} == {ID + "relatedness/a--b"}
    assert {r["score"].datatype for r in rows} == {XSD.decimal}
    assert [float(r["score"]) for r in rows][:1] == pytest.approx([W_FUNDING + W_PPP + W_GOV + W_SPAIN + W_EUROPE],
                                                                  abs=1e-4)
    # the reasons are the shared items, of the places only the most specific (the country, not the region)
    assert {str(r["shared"]) for r in rows} == {ID + "barrier/funding", ID + "enabler/ppp", ID + "axis/governance",
                                                ID + "country/es"}
    assert related.GRAPH in small.graphs()
    assert "https://w3id.org/sckg/graph/study" in small.graphs()  # the source graph is untouched


def test_the_written_triples_are_what_the_engine_reads_back(small):
    # written in the engine's own form, so re-deriving unchanged data compares equal line by line
    with io.StringIO() as out:
        practices, held, kinds_iris = related.read_features(small)
        ranking = related.rank(held, [k for k, _ in kinds_iris])
        _, n = related_graph.write_ntriples(out, practices, held, kinds_iris, enumerate(ranking))
        written = set(out.getvalue().encode("utf-8").splitlines())
    dumped = io.BytesIO()
    small.dump(dumped, "ntriples", related.GRAPH)
    assert written == set(dumped.getvalue().splitlines()) and len(written) == n == small.count(related.GRAPH)


def test_forked_slices_write_the_same_file_as_one_process(tmp_path):
    # 3000 practices over a few hundred features; three processes must write exactly what one writes
    kinds_iris = [("city", f"{ID}city/c{c}") for c in range(60)] + [("barrier", f"{ID}barrier/b{b}") for b in range(9)]
    held = [{i % 60, 60 + (i * 7) % 9} for i in range(3000)]
    practices = [f"{P}p{i}" for i in range(3000)]
    one, three = tmp_path / "one.nt", tmp_path / "three.nt"
    index = related.Index(held, [k for k, _ in kinds_iris])
    counts = related_graph.write_graph(one, practices, held, kinds_iris, index, workers=1)
    assert related_graph.write_graph(three, practices, held, kinds_iris, index, workers=3) == counts
    assert one.read_bytes() == three.read_bytes() and counts[0] == 30000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.nt", "three.nt"]  # no parts left behind


def test_a_changed_source_changes_only_what_it_must(small):
    before = {(r["iri"], r["score"]) for r in related.related_for(small, P + "e")}
    small.update("""PREFIX sckg: <https://w3id.org/sckg/ontology#>
        INSERT DATA { GRAPH <https://w3id.org/sckg/graph/study> {
          <https://w3id.org/sckg/id/practice/e> sckg:barrier <https://w3id.org/sckg/id/barrier/funding> } }""")
    related.refresh(small, {})
    after = related.related_for(small, P + "e")
    assert before != {(r["iri"], r["score"]) for r in after}
    assert after[0]["iri"] in (P + "a", P + "b") and "also faced: Lack of funding" in after[0]["reasons"]
    assert {r["iri"] for r in related.related_for(small, P + "a")} >= {P + "b", P + "e"}


def test_rerun_gives_the_same_graph(small):
    def dump():
        out = io.BytesIO()
        small.dump(out, "ntriples", related.GRAPH)
        return set(out.getvalue().splitlines())
    before = dump()
    related.refresh(small, {})
    assert dump() == before and len(before) > 50


def test_common_features_do_not_generate_candidates_but_still_score():
    # 400 practices share one region (100 % of them): no candidates from it. 0 and 1 also share a rare barrier.
    held = [{0} for _ in range(400)]
    held[0].add(1)
    held[1].add(1)
    kinds = ["region", "barrier"]
    ranking = related.rank(held, kinds)
    assert [j for _, j in ranking[0]] == [1]
    assert ranking[0][0][0] == pytest.approx(1.0 * math.log(1 + 400 / 2) + 0.08 * math.log(1 + 400 / 400))
    assert ranking[5] == []


def test_rank_bounds_the_candidates_of_a_crowded_feature():
    # 3000 practices in groups of 50 sharing a city: each gets exactly its top 10, all from its own group
    held = [{i // 50} for i in range(3000)]
    ranking = related.rank(held, ["city"] * 60)
    assert all(len(top) == 10 and all(j // 50 == i // 50 and j != i for _, j in top) for i, top in enumerate(ranking))


# --- the study data -----------------------------------------------------------------------------------

def _csv(name):
    with open(STUDY / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_practices_sharing_an_enabler_are_related_with_that_reason(store):
    labels = {r["id"]: r["label"] for r in _csv("enablers.csv")}
    enablers = {r["practice_id"]: {e for e in r["enablers"].split(";") if e} for r in _csv("practices.csv")}
    holders = defaultdict(set)
    for p, es in enablers.items():
        for e in es:
            holders[e].add(p)
    pairs = {(p, q) for ps in holders.values() for p in ps for q in ps if p != q}
    assert pairs, "the study data has practices that share an enabler"
    for p, q in pairs:
        got = {r["iri"]: r for r in related.related_for(store, P + p)}
        assert P + q in got, f"{q} should be related to {p}"
        reason = next(t for t in got[P + q]["reasons"] if t.startswith("also used: "))
        assert sorted(reason[len("also used: "):].split(", ")) == sorted(labels[e] for e in enablers[p] & enablers[q])


def test_study_relations_are_in_the_related_graph_and_symmetric_in_score(store):
    rows = store.query("""PREFIX sckg: <https://w3id.org/sckg/ontology#>
        SELECT ?a ?b ?s WHERE { GRAPH <https://w3id.org/sckg/graph/inferred/related> {
          ?r sckg:from ?a ; sckg:to ?b ; sckg:score ?s } }""")
    assert rows
    score = {(str(r["a"]), str(r["b"])): float(r["s"]) for r in rows}
    for (a, b), s in score.items():
        if (b, a) in score:
            assert score[(b, a)] == pytest.approx(s)


def test_reasons_name_only_the_most_specific_shared_place_and_every_other_kind():
    kinds = ["region", "country", "city", "event", "partner", "partner", "sdg"]
    names = ["Europe", "Spain", "Bilbao", "Oslo workshop", "Beta", "Acme", "Sustainable cities"]
    assert related.reasons(range(7), kinds, names, "en") == [
        "same SDGs: Sustainable cities", "same partners: Acme, Beta", "presented at the same event: Oslo workshop",
        "same city: Bilbao"]
    assert related.reasons([0, 1, 6], kinds, names, "fr") == ["mêmes ODD : Sustainable cities", "même pays : Spain"]
    assert sorted(f for fs in related.named(set(range(7)), kinds).values() for f in fs) == [2, 3, 4, 5, 6]


# --- topics and texts ---------------------------------------------------------------------------------

def test_text_similarity_is_a_cosine_over_every_language_and_names_the_readers_words():
    docs = [[("Open data portal of the city", "en", True), ("Portail de données ouvertes", "fr", False)],
            [("The open data portal relaunched", "en", False), ("Portail des données ouvertes relancé", "fr", False)],
            [("Street lighting contract", "en", True), ("Contrat d'éclairage public", "fr", False)],
            [("Lighting and data for the street", "en", False)]]
    texts = related.Texts(docs)
    assert texts.similarity(0, 1) == pytest.approx(texts.similarity(1, 0)) and texts.similarity(0, 1) > 0.3
    assert texts.similarity(0, 2) == 0.0
    words = texts.shared_words(0, 1)
    assert ("portal", "en") in words and ("portail", "fr") in words and ("of", "en") not in words
    assert related.reasons([], [], [], "fr", words)[0].startswith("mots communs : ")
    assert "portail" in related.reasons([], [], [], "fr", words)[0]
    assert "portal" in related.reasons([], [], [], "es", words)[0]  # no Spanish words: the English ones
    ranking = related.rank([set(), set(), set(), set()], [], texts=texts)
    assert ranking[0][0][1] == 1 and 2 not in [j for _, j in ranking[0]]


def test_reasons_come_from_the_catalogues():
    kinds, names = ["topic", "enabler"], ["Open data", "Leadership"]
    assert related.reasons(range(2), kinds, names, "en") == ["same topics: Open data", "also used: Leadership"]
    assert related.reasons(range(2), kinds, names, "es") == ["mismos temas: Open data", "también usó: Leadership"]
    from babel.messages.pofile import read_po

    from app.i18n import SOURCE_DIR
    for lang in ("fr", "es"):
        with (SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalogue = read_po(f)
        for _, message in related.KINDS.values():
            assert catalogue.get(message) is not None and catalogue.get(message).string, (lang, message)


def test_datapoa_is_related_first_to_montevideos_open_data_practices(store):
    got = related.related_for(store, P + "porto-alegre-datapoa", "en")
    first = [r["iri"] for r in got[:3]]
    assert P + "montevideo-montevidata" in first or P + "montevideo-data-strategy" in first
    best = got[0]
    assert best["iri"].startswith(P + "montevideo-")
    assert best["reasons"][0].startswith("same topics: ") and "Open data" in best["reasons"][0]
    assert any(r.startswith("similar wording: ") and "data" in r for r in best["reasons"])
    fr = related.related_for(store, P + "porto-alegre-datapoa", "fr")[0]
    assert fr["reasons"][0].startswith("mêmes thèmes : ") and "Données ouvertes" in fr["reasons"][0]
    assert any(r.startswith("mots communs : ") and "donnée" in r for r in fr["reasons"]), fr["reasons"]


def test_what_practices_are_about_ranks_above_where_they_are(store):
    # a practice sharing a stated topic outranks one that only shares the city, for every practice
    for p in ("bilbao-data-government", "taipei-free-internet-training"):
        got = related.related_for(store, P + p, "en")
        kinds = [r["reasons"][0].split(":")[0] for r in got]
        places = [i for i, k in enumerate(kinds) if k in ("same city", "same country", "same region")]
        about = [i for i, k in enumerate(kinds) if k in ("same topics", "similar wording")]
        assert about and (not places or min(about) < min(places)), (p, kinds)

"""One test per entailment kind the inferred graph holds, the fixpoint, and the refusal of inconsistent data."""
from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from app.errors import InconsistentData
from app.reasoning import INFERRED, materialise, source_graphs

SCKG = "https://w3id.org/sckg/ontology#"
ID = "https://w3id.org/sckg/id/"


def inferred(store, s, p, o) -> bool:
    return store.query("ASK { GRAPH ?g { ?s ?p ?o } }",
                       bindings={"g": URIRef(INFERRED), "s": URIRef(s), "p": URIRef(p), "o": URIRef(o)})


@pytest.fixture
def reasoned(entailment_store):
    info = materialise(entailment_store, {})
    entailment_store.info = info
    return entailment_store


def test_inverses(reasoned):
    assert inferred(reasoned, ID + "city/alpha", SCKG + "hasPractice", ID + "practice/alpha-open-data")
    assert inferred(reasoned, ID + "edition/2021", SCKG + "hasParticipant", ID + "city/alpha")
    assert inferred(reasoned, ID + "practice/alpha-open-data", SCKG + "featuredAt", ID + "event/meeting")


def test_practice_country_through_its_city(reasoned):
    assert inferred(reasoned, ID + "practice/alpha-open-data", SCKG + "country", ID + "country/es")


def test_practice_region_through_its_city(reasoned):
    assert inferred(reasoned, ID + "practice/alpha-open-data", SCKG + "region", ID + "region/europe")


def test_sdg_goal_from_target(reasoned):
    assert inferred(reasoned, ID + "practice/alpha-open-data", SCKG + "sdg", "http://metadata.un.org/sdg/11")
    assert not inferred(reasoned, ID + "practice/alpha-open-data", SCKG + "sdg", "http://metadata.un.org/sdg/11.7")


def test_transitive_broader(reasoned):
    assert inferred(reasoned, ID + "barrier/narrow", str(SKOS.broader), ID + "barrier/wide")
    assert not inferred(reasoned, ID + "barrier/narrow", str(SKOS.broader), ID + "barrier/middle")  # asserted


def test_type_from_subclass_axioms(reasoned):
    assert inferred(reasoned, ID + "city/alpha", str(RDF.type), "https://schema.org/City")
    assert inferred(reasoned, ID + "city/alpha", str(RDF.type), "https://schema.org/Place")


def test_symmetric_collaboration(reasoned):
    assert inferred(reasoned, ID + "org/two", SCKG + "collaboratesWith", ID + "org/one")


def test_fixpoint_chains_rules(reasoned):
    # beta-pilot is a Practice only by a subclass axiom (round 1); then its country and region follow
    # (round 2), then its membership of the class defined by the region (3), then of the equivalent class (4);
    # round 5 finds nothing new
    assert inferred(reasoned, ID + "practice/beta-pilot", str(RDF.type), SCKG + "Practice")
    assert inferred(reasoned, ID + "practice/beta-pilot", SCKG + "country", ID + "country/es")
    assert inferred(reasoned, ID + "practice/beta-pilot", str(RDF.type), "http://example.org/CityOfEurope")
    assert reasoned.info["rounds"] == 5
    assert reasoned.info["triples"] == reasoned.count(INFERRED)


def test_rerun_drops_facts_whose_premise_is_gone(reasoned):
    reasoned.update("DELETE DATA { GRAPH <https://w3id.org/sckg/graph/study> { "
                    "<https://w3id.org/sckg/id/org/one> <https://w3id.org/sckg/ontology#collaboratesWith> "
                    "<https://w3id.org/sckg/id/org/two> } }")
    materialise(reasoned, {})
    assert not inferred(reasoned, ID + "org/two", SCKG + "collaboratesWith", ID + "org/one")


def test_inferred_graphs_are_not_read_by_the_rules(reasoned):
    reasoned.replace_graph(INFERRED + "/related", (
        b"<https://w3id.org/sckg/id/org/x> <https://w3id.org/sckg/ontology#collaboratesWith> "
        b"<https://w3id.org/sckg/id/org/y> .", "ntriples"))
    assert INFERRED + "/related" not in source_graphs(reasoned)
    materialise(reasoned, {})
    assert not inferred(reasoned, ID + "org/y", SCKG + "collaboratesWith", ID + "org/x")
    assert reasoned.count(INFERRED + "/related") == 1  # another step's graph is left alone


def test_inconsistent_data_is_reported_with_the_axiom_and_not_written(reasoned):
    before = reasoned.count(INFERRED)
    reasoned.add_to_graph("https://w3id.org/sckg/graph/study", (
        b"<https://w3id.org/sckg/ontology#City> <http://www.w3.org/2002/07/owl#disjointWith> "
        b"<https://w3id.org/sckg/ontology#Practice> .\n"
        b"<https://w3id.org/sckg/id/city/alpha> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<https://w3id.org/sckg/ontology#Practice> .", "ntriples"))
    with pytest.raises(InconsistentData) as err:
        materialise(reasoned, {})
    assert "owl:disjointWith" in err.value.message and "city/alpha" in err.value.message
    assert reasoned.count(INFERRED) == before


def test_type_from_class_definitions(reasoned):
    # hasValue restriction: alpha lies in region:europe, and so does the practice (its region is inferred)
    assert inferred(reasoned, ID + "city/alpha", str(RDF.type), "http://example.org/EuropeanCity")
    assert inferred(reasoned, ID + "practice/alpha-open-data", str(RDF.type), "http://example.org/EuropeanCity")
    # and an equivalent named class
    assert inferred(reasoned, ID + "city/alpha", str(RDF.type), "http://example.org/CityOfEurope")

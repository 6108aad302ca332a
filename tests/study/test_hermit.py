"""HermiT (owlready2) on the shipped ontology and on small broken ones; skipped where Java is missing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from app.reasoning import classify, ontology_graph

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT runs on Java, which is missing")

HEAD = """@prefix : <http://example.org/o#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/o> a owl:Ontology .
:B a owl:Class . :C a owl:Class . :B owl:disjointWith :C .
"""


def test_shipped_ontology_is_consistent_and_coherent():
    result = classify(ontology_graph(paths=sorted((ROOT / "ontology").glob("*.ttl"))))
    assert result["consistent"] and result["coherent"], result


def test_unsatisfiable_class_is_named_with_its_axioms():
    g = Graph().parse(data=HEAD + ":A a owl:Class ; rdfs:subClassOf :B , :C .", format="turtle")
    result = classify(g)
    assert result["consistent"] and not result["coherent"]
    assert result["unsatisfiable"] == ["http://example.org/o#A"]
    assert any("http://example.org/o#B" in a for a in result["axioms"])


def test_individual_in_disjoint_classes_is_inconsistent():
    g = Graph().parse(data=HEAD + ":x a owl:NamedIndividual , :B , :C .", format="turtle")
    result = classify(g)
    assert not result["consistent"]
    assert result["axioms"] == ["<http://example.org/o#B> owl:disjointWith <http://example.org/o#C>"]

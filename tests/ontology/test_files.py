"""Every Turtle file of ontology/ and of the shape cases parses, and the ontology has a full header."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from tests.ontology.shapes_support import ONTOLOGY

HERE = Path(__file__).resolve().parent
TURTLE = sorted(ONTOLOGY.rglob("*.ttl")) + sorted((HERE / "cases").glob("*.ttl"))
ONTOLOGY_IRI = URIRef("https://w3id.org/sckg/ontology")


def test_the_expected_files_exist():
    names = {p.relative_to(ONTOLOGY).as_posix() for p in ONTOLOGY.rglob("*.ttl")}
    expected = {"sckg.ttl", "external.ttl", "shapes/core.shapes.ttl", "shapes/recommended.shapes.ttl",
                "shapes/links.shapes.ttl"} | {f"vocab/{n}.ttl" for n in
                                              ("axes", "regions", "org-kinds", "sdgs", "barriers", "enablers")}
    assert expected <= names
    assert len(list((ONTOLOGY / "examples").glob("*.ttl"))) >= 4


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: p.relative_to(HERE.parents[1]).as_posix())
def test_turtle_file_parses(path):
    g = Graph().parse(path, format="turtle")
    assert len(g) > 0


def test_ontology_header_is_complete():
    g = Graph().parse(ONTOLOGY / "sckg.ttl")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/sckg/ontology/1.0.0")
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("1.0.0")
    assert g.value(ONTOLOGY_IRI, DCTERMS.created).datatype == XSD.date
    assert g.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(g.value(ONTOLOGY_IRI, DCTERMS.creator)) == "UCLG Digital Cities Community of Practice"
    langs = {d.language for d in g.objects(ONTOLOGY_IRI, DCTERMS.description)}
    assert langs == {"en", "fr", "es"}


def test_only_the_ontology_file_declares_an_ontology():
    declaring = [p.name for p in ONTOLOGY.rglob("*.ttl")
                 if any(Graph().parse(p).subjects(RDF.type, OWL.Ontology))]
    assert declaring == ["sckg.ttl"]


def test_sparql_examples_in_the_overview_parse():
    import re

    from rdflib.plugins.sparql import prepareQuery
    text = (ONTOLOGY.parent / "docs" / "ontology.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", text, re.S)
    assert len(queries) >= 2
    for q in queries:
        prepareQuery(q)

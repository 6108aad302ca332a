"""Every term of sckg.ttl is documented in three languages, every term of docs/model.md is defined, and
every external term the ontology files use is declared in external.ttl."""
from __future__ import annotations

import re

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from tests.ontology.shapes_support import ONTOLOGY, ROOT, parse

SCKG = "https://w3id.org/sckg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/sckg/ontology")
SCKG_GRAPH = Graph().parse(ONTOLOGY / "sckg.ttl")
TERMS = sorted(s for s in set(SCKG_GRAPH.subjects(RDF.type, None)) if str(s).startswith(SCKG))
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def test_there_are_terms():
    assert len(TERMS) > 60


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t)[len(SCKG):])
def test_term_has_label_and_definition_in_three_languages(term):
    for prop in (RDFS.label, SKOS.definition):
        langs = sorted(v.language for v in SCKG_GRAPH.objects(term, prop))
        assert langs == ["en", "es", "fr"], f"{term} {prop}: {langs}"
    assert SCKG_GRAPH.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t)[len(SCKG):])
def test_property_has_domain_and_range(term):
    kinds = set(SCKG_GRAPH.objects(term, RDF.type))
    if kinds & {OWL.Class, OWL.NamedIndividual}:
        return
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}
    assert SCKG_GRAPH.value(term, RDFS.domain) is not None
    assert SCKG_GRAPH.value(term, RDFS.range) is not None


def test_text_properties_never_have_an_xsd_string_range():
    assert not list(SCKG_GRAPH.subjects(RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#string")))


def test_every_term_of_the_model_is_defined():
    named = set(re.findall(r"sckg:([A-Za-z][A-Za-z0-9]*)", MODEL))
    defined = {str(t)[len(SCKG):] for t in TERMS}
    assert named - defined == set()


def test_every_class_of_the_model_has_its_superclass():
    expected = {"City": "https://schema.org/City", "StudyEdition": "http://www.w3.org/ns/dcat#Dataset",
                "LearningEvent": "https://schema.org/Event"}
    for name in ("Barrier", "Enabler", "Axis", "Region", "OrganisationKind", "SDG"):
        expected[name] = str(SKOS.Concept)
    for name, parent in expected.items():
        assert (URIRef(SCKG + name), RDFS.subClassOf, URIRef(parent)) in SCKG_GRAPH, name


def test_derived_properties_are_axiomatised():
    s = lambda n: URIRef(SCKG + n)  # noqa: E731
    chain = SCKG_GRAPH.value(s("country"), OWL.propertyChainAxiom)
    assert list(SCKG_GRAPH.items(chain)) == [s("city"), s("country")]
    assert (s("hasParticipant"), OWL.inverseOf, s("participatedIn")) in SCKG_GRAPH
    assert (s("featuredAt"), OWL.inverseOf, s("featuresPractice")) in SCKG_GRAPH
    for name in ("relatedPractice", "collaboratesWith"):
        assert (s(name), RDF.type, OWL.SymmetricProperty) in SCKG_GRAPH
    for name in ("situation", "opportunities"):
        assert SCKG_GRAPH.value(s(name), RDFS.domain) == s("Assessment")


def _external_terms_used() -> set[URIRef]:
    """IRIs used as class, property or datatype in sckg.ttl, the vocabularies, shapes targets and paths, and examples."""
    used = set()
    skip = (SCKG, str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/ns/shacl#")
    sckg = SCKG_GRAPH
    for s, p, o in sckg:
        used.add(p)
        if p in (RDFS.domain, RDFS.range, RDFS.subClassOf, RDF.type) and isinstance(o, URIRef):
            used.add(o)
    for s, p, o in sckg.triples((None, OWL.unionOf, None)):
        used.update(sckg.items(o))
    data = parse(*sorted((ONTOLOGY / "vocab").glob("*.ttl")), *sorted((ONTOLOGY / "examples").glob("*.ttl")))
    for s, p, o in data:
        used.add(p)
        if p == RDF.type:
            used.add(o)
    shapes = parse(*sorted((ONTOLOGY / "shapes").glob("*.ttl")))
    sh = "http://www.w3.org/ns/shacl#"
    for p in (URIRef(sh + "path"), URIRef(sh + "targetClass"), URIRef(sh + "class")):
        used.update(o for o in shapes.objects(None, p) if not isinstance(o, BNode))
    return {u for u in used if isinstance(u, URIRef) and not str(u).startswith(skip)}


def test_every_external_term_used_is_declared_with_a_label():
    external = Graph().parse(ONTOLOGY / "external.ttl")
    missing = sorted(t for t in _external_terms_used()
                     if external.value(t, RDF.type) is None or external.value(t, RDFS.label) is None)
    assert missing == []


PREFIXES = {
    "schema": "https://schema.org/", "dcat": "http://www.w3.org/ns/dcat#", "org": "http://www.w3.org/ns/org#",
    "skos": str(SKOS), "dct": "http://purl.org/dc/terms/", "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "foaf": "http://xmlns.com/foaf/0.1/", "prov": "http://www.w3.org/ns/prov#", "qb": "http://purl.org/linked-data/cube#",
    "void": "http://rdfs.org/ns/void#", "spdx": "http://spdx.org/rdf/terms#",
}
# Declared for data other files write: partner observations (issue 5), concept mappings and provenance links.
FOR_PARTNER_DATA = {URIRef(PREFIXES["skos"] + n) for n in ("exactMatch", "closeMatch", "narrower", "hasTopConcept")} | {
    URIRef(PREFIXES["prov"] + "wasAttributedTo")}


def test_external_declares_no_sckg_term_and_no_unused_term():
    external = Graph().parse(ONTOLOGY / "external.ttl")
    declared = set(external.subjects(RDF.type, None))
    assert not [t for t in declared if str(t).startswith(SCKG)]
    mentioned = re.findall(r"\b(" + "|".join(PREFIXES) + r"):([A-Za-z]+)", MODEL)
    in_model = {URIRef(PREFIXES[p] + n) for p, n in mentioned}
    in_header = set(SCKG_GRAPH.predicates(ONTOLOGY_IRI, None))
    unused = declared - _external_terms_used() - in_model - in_header - FOR_PARTNER_DATA
    assert sorted(t for t in unused if not str(t).startswith(PREFIXES["qb"])) == []


def test_every_term_the_partner_ingest_writes_is_declared():
    """The partner pipeline (ingest/partners/) writes only sckg: terms sckg.ttl declares."""
    used = set()
    for path in sorted((ROOT / "ingest" / "partners").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bSCKG\.([A-Za-z][A-Za-z0-9]*)", text))
        used |= set(re.findall(r"\bsckg:([A-Za-z][A-Za-z0-9]*)", text))
    assert {"Indicator", "place", "matchStatus", "matchReport"} <= used  # the scan sees the pipeline's terms
    defined = {str(t)[len(SCKG):] for t in TERMS}
    assert used - defined == set()

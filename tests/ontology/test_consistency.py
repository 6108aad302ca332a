"""OWL consistency with owlready2 and HermiT: the ontology with its external declarations and vocabularies is
consistent and classifies as stated; a SHACL-invalid instance graph with language-tagged text stays consistent
(text ranges are rdfs:Literal), while the same data under an xsd:string range does not."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from tests.ontology.shapes_support import ontology_graph, parse, results, shapes_graph, vocab_graph

pytestmark = pytest.mark.skipif(shutil.which("java") is None,
                                reason="owlready2 runs HermiT on Java, and no `java` is on the PATH")

SCKG = "https://w3id.org/sckg/ontology#"
HERE = Path(__file__).resolve().parent

INSTANCES = """
@base <https://w3id.org/sckg/id/> .
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# No sckg:city: invalid for the shapes, yet nothing here contradicts the ontology.
<practice/p1> a sckg:Practice ;
    dct:title "Données ouvertes"@fr ;
    rdfs:label "Open data"@en ;
    sckg:axisLabel "Smart governance"@en ;
    sckg:sdg <http://metadata.un.org/sdg/11> .

<edition/2023> a sckg:StudyEdition ;
    sckg:theme "Good practices under six axes"@en .

<practice/p2> sckg:enabler <enabler/leadership> ;
    sckg:startYear "2019"^^xsd:gYear ;
    sckg:city <city/bilbao> .
<city/bilbao> sckg:country <country/es> ;
    sckg:hasPractice <practice/p3> .
"""


# Datatypes SCKG data uses that are outside the OWL 2 datatype map: HermiT refuses any literal of them, so
# they are left out of the OWL check (the shapes check them instead).
OUTSIDE_OWL2 = {XSD.gYear, XSD.gYearMonth, XSD.date, RDF.JSON}


def owl2_literals_only(graph: Graph) -> Graph:
    """A copy of ``graph`` without the triples whose object is a literal HermiT cannot read."""
    out = Graph()
    for t in graph:
        if not (isinstance(t[2], Literal) and t[2].datatype in OUTSIDE_OWL2):
            out.add(t)
    return out


def reason(graph: Graph, tmp_path: Path, *, infer_property_values: bool = False):
    """Load ``graph`` into a fresh owlready2 World through N-Triples and run HermiT; the World.

    :raises owlready2.OwlReadyInconsistentOntologyError: if HermiT finds the graph inconsistent.
    """
    from owlready2 import World, sync_reasoner
    path = tmp_path / "ontology.nt"
    owl2_literals_only(graph).serialize(destination=str(path), format="nt", encoding="utf-8")
    world = World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        sync_reasoner(world, infer_property_values=infer_property_values, debug=0)
    return world


def parents(world, name: str) -> set[str]:
    return {getattr(c, "iri", str(c)) for c in world[SCKG + name].ancestors()}


def test_ontology_and_vocabularies_are_consistent_and_classified(tmp_path):
    world = reason(ontology_graph() + vocab_graph(), tmp_path)
    assert "https://schema.org/City" in parents(world, "City")
    assert "http://www.w3.org/ns/dcat#Dataset" in parents(world, "StudyEdition")
    assert "https://schema.org/Event" in parents(world, "LearningEvent")
    for name in ("Barrier", "Enabler", "Axis", "Region", "OrganisationKind", "SDG"):
        assert "http://www.w3.org/2004/02/skos/core#Concept" in parents(world, name)
    goal = world["http://metadata.un.org/sdg/11"]
    assert world[SCKG + "SDG"] in goal.is_a


def test_language_tagged_text_in_invalid_instances_stays_consistent(tmp_path):
    instances = Graph().parse(data=INSTANCES, format="turtle")
    assert results(instances, shapes_graph(), ontology_graph() + vocab_graph()), "the instances should break a shape"
    world = reason(ontology_graph() + vocab_graph() + instances, tmp_path)
    # domains classify the untyped practice
    assert world[SCKG + "Practice"] in world["https://w3id.org/sckg/id/practice/p2"].is_a


def test_an_xsd_string_range_would_make_the_same_instances_inconsistent(tmp_path):
    from owlready2 import OwlReadyInconsistentOntologyError
    onto = ontology_graph()
    prop = URIRef(SCKG + "axisLabel")
    onto.set((prop, RDFS.range, XSD.string))
    instances = Graph().parse(data=INSTANCES, format="turtle")
    with pytest.raises(OwlReadyInconsistentOntologyError):
        reason(onto + vocab_graph() + instances, tmp_path)


def test_property_axioms_entail_country_and_city_of_a_practice(tmp_path):
    instances = Graph().parse(data=INSTANCES, format="turtle")
    world = reason(ontology_graph() + vocab_graph() + instances, tmp_path, infer_property_values=True)
    practice = world["https://w3id.org/sckg/id/practice/p2"]
    countries = [c.iri for c in getattr(practice, "country")]
    assert countries == ["https://w3id.org/sckg/id/country/es"]
    # hasPractice is a sub-property of the inverse of city: the practice gets its city back
    assert [c.iri for c in getattr(world["https://w3id.org/sckg/id/practice/p3"], "city")] == [
        "https://w3id.org/sckg/id/city/bilbao"]


def test_only_literals_outside_the_owl2_datatype_map_are_left_out():
    g = Graph().parse(data=INSTANCES, format="turtle")
    removed = g - owl2_literals_only(g)
    assert [str(o) for o in removed.objects()] == ["2019"]


def test_every_example_is_consistent_with_the_ontology(tmp_path):
    examples = parse(*sorted((HERE.parents[1] / "ontology" / "examples").glob("*.ttl")))
    reason(ontology_graph() + vocab_graph() + examples, tmp_path)


PARTNER = """
@base <https://w3id.org/sckg/id/> .
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix schema: <https://schema.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/sckg/graph/partner/un-habitat/green-areas> a qb:DataSet , dcat:Dataset ;
    sckg:rows 659 ; sckg:sourceLastUpdate "August 2024" ;
    sckg:matchReport "{\\"rows\\": 659}"^^rdf:JSON .
<indicator/un-habitat/green-area-share> a sckg:Indicator ; rdfs:label "Green area share"@en ;
    sckg:sdg <http://metadata.un.org/sdg/11> .
<place/un-habitat/es-bilbao> a schema:Place ; rdfs:label "Bilbao" ; sckg:country <country/es> ;
    sckg:matchStatus "matched" ; sckg:matchReason "same GeoNames city"@en .
<place/un-habitat/xx-springfield> a schema:Place ; sckg:matchStatus "ambiguous" ;
    sckg:matchCandidate <city/springfield-il> , <city/springfield-ma> .
<observation/un-habitat/green-areas/es-bilbao--green-area-share--2020> a qb:Observation ;
    sckg:city <city/bilbao> ; sckg:place <place/un-habitat/es-bilbao> ;
    sckg:indicator <indicator/un-habitat/green-area-share> .
"""


def test_partner_data_is_consistent_and_classified(tmp_path):
    instances = Graph().parse(data=PARTNER, format="turtle")
    world = reason(ontology_graph() + vocab_graph() + instances, tmp_path)
    indicator = world["https://w3id.org/sckg/id/indicator/un-habitat/green-area-share"]
    assert "http://www.w3.org/2004/02/skos/core#Concept" in {c.iri for c in indicator.is_a[0].ancestors()}
    # the domains added for partner data do not turn an indicator into a practice, nor a place into a city
    assert world[SCKG + "Practice"] not in indicator.INDIRECT_is_a
    place = world["https://w3id.org/sckg/id/place/un-habitat/es-bilbao"]
    assert world[SCKG + "City"] not in place.INDIRECT_is_a
    assert world[SCKG + "City"] in world["https://w3id.org/sckg/id/city/springfield-il"].INDIRECT_is_a

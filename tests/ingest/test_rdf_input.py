"""RDF files through ``sckg ingest``: parsed by the engine (errors with file and line), checked by pySHACL
or, for large files, by the shapes compiled to SPARQL, and written as one graph replacement."""
from __future__ import annotations

import pytest
from rdflib import URIRef

from ingest import rdf_input
from ingest.errors import InputError, ValidationFailed
from ingest.pipeline import _check_rdf, ingest_paths, validate_paths

GRAPH = "https://w3id.org/sckg/graph/partner/test/rdf"

# Data that breaks many kinds of SHACL constraints of ontology/shapes/: counts, classes, datatypes,
# patterns, sh:in, sh:languageIn, sh:hasValue, sh:or, sh:not, qualified counts, node-level sh:in.
BAD = """@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix id: <https://w3id.org/sckg/id/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
id:practice\\/t1 a sckg:Practice ; sckg:city id:city\\/t1 , id:city\\/t2 ; sckg:startYear "20x9"^^xsd:gYear ;
    sckg:edition id:edition\\/2012 .
id:practice\\/t2 a sckg:Practice ; dct:title "Two" ; sckg:city id:org\\/t1 ; sckg:startYear 2019 ;
    sckg:edition id:edition\\/2012 .
id:city\\/t1 a sckg:City ; rdfs:label "One"@en ; sckg:population -5 ; owl:sameAs <https://www.geonames.org/123> .
id:city\\/t2 a sckg:City ; rdfs:label "Two"@en ; owl:sameAs <https://sws.geonames.org/42/> ;
    geo:lat "1.0"^^xsd:decimal .
id:event\\/t1 a sckg:LearningEvent ; dct:title "E" ; schema:startDate "2023-05" .
id:ep\\/t1 a sckg:EventPractice ; sckg:event id:event\\/t1 ; sckg:practice id:practice\\/t2 ; sckg:relation "keynote" .
id:al\\/t1 a sckg:AxisLabel ; sckg:axis id:axis\\/economy ; sckg:edition id:edition\\/2012 ;
    rdfs:label "Wirtschaft"@de .
<http://metadata.un.org/sdg/99> a sckg:SDG ; skos:inScheme id:scheme\\/barriers .
"""

# Partner-style data no shape targets: two files with the same blank node label, which must stay apart.
GOOD_NT = ('_:b0 <http://purl.org/dc/terms/source> <https://example.org/src> .\n'
           '_:b0 <http://www.w3.org/2000/01/rdf-schema#label> "one"@en .\n'
           '<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
GOOD_NQ = ('_:b0 <http://purl.org/dc/terms/source> <https://example.org/src> <https://example.org/g1> .\n'
           '<https://example.org/y> <http://www.w3.org/2000/01/rdf-schema#label> "y" <https://example.org/g2> .\n'
           '<https://example.org/z> <http://www.w3.org/2000/01/rdf-schema#label> "z" .\n')


def test_engine_checks_find_exactly_what_pyshacl_finds(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    by_pyshacl = _check_rdf([bad], pyshacl_max=10**9)[1]
    by_engine = _check_rdf([bad], pyshacl_max=0)[1]
    assert any("checked by the engine" in n for n in by_engine.notes)
    rules = {p.rule for p in by_pyshacl.problems}
    # the data really exercises the constraint kinds the compiler covers
    for rule in ("Practice_Property_dct_title", "Practice_Property_sckg_city", "Practice_Property_sckg_startYear",
                 "EventPractice_Property_sckg_relation", "AxisLabel_Property_rdfs_label", "SdgRestriction",
                 "SDG_Property_skos_inScheme", "LearningEvent_Property_schema_startDate", "City_Property_owl_sameAs",
                 "City_Property_sckg_population"):
        assert rule in rules
    assert set(by_engine.problems) == set(by_pyshacl.problems)
    assert not by_engine.conforms


def test_a_syntax_error_names_file_and_line_and_nothing_is_written(empty_store, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n\n"
                   "<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.ttl:3"):
        validate_paths([bad])
    with pytest.raises(InputError, match=r"broken\.ttl:3"):
        ingest_paths([bad], empty_store, graph=GRAPH)
    assert GRAPH not in empty_store.graphs()


@pytest.mark.parametrize("limit", [0, 10**9], ids=["engine", "pyshacl"])
def test_invalid_rdf_is_refused_and_the_old_graph_stays(empty_store, tmp_path, monkeypatch, limit):
    monkeypatch.setattr(rdf_input, "PYSHACL_MAX_TRIPLES", limit)
    good = tmp_path / "good.nt"
    good.write_text(GOOD_NT, encoding="utf-8")
    ingest_paths([good], empty_store, graph=GRAPH)
    before = empty_store.count(GRAPH)
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(ValidationFailed, match="bad.ttl"):
        ingest_paths([bad], empty_store, graph=GRAPH)
    assert empty_store.count(GRAPH) == before == len(GOOD_NT.splitlines())


@pytest.mark.parametrize("limit", [0, 10**9], ids=["engine", "pyshacl"])
def test_files_replace_the_graph_with_blank_nodes_apart_and_quads_flattened(empty_store, tmp_path, monkeypatch,
                                                                            limit):
    monkeypatch.setattr(rdf_input, "PYSHACL_MAX_TRIPLES", limit)
    a, b, q = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nq"
    a.write_text(GOOD_NT, encoding="utf-8")
    b.write_text(GOOD_NT, encoding="utf-8")
    q.write_text(GOOD_NQ, encoding="utf-8")
    report = ingest_paths([a, b, q], empty_store, graph=GRAPH)
    # a.nt and b.nt share one IRI triple; their blank nodes are different nodes; the quads' graphs are dropped
    expected = 2 * 2 + 1 + len(GOOD_NQ.splitlines())
    assert report.loaded and report.triples == expected
    assert empty_store.count(GRAPH) == expected
    subjects = empty_store.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/source> ?o } }",
                                 {"g": URIRef(GRAPH)})
    assert len(subjects) == 3
    record = empty_store.query("SELECT ?p ?o WHERE { GRAPH <https://w3id.org/sckg/graph/meta> { ?g ?p ?o } }",
                               {"g": URIRef(GRAPH)})
    assert record, "the catalogue record of the graph is written"


def test_shapes_the_engine_cannot_check_are_named_not_passed():
    import pyoxigraph as ox
    from rdflib import Graph

    from ingest.validate import engine_validate
    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:EqualShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:a ; sh:equals ex:b ] .
ex:NodeTarget a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:a ; sh:minCount 1 ] .
ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ;
    sh:property [ sh:path ex:c ; sh:minCount 1 ] .
ex:Named a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:d ; sh:minCount 1 ] .
""", format="turtle")
    store = ox.Store()
    data = ox.NamedNode("urn:test:data")
    store.load(input=b"<https://example.org/t> a <https://example.org/Thing> .", format=ox.RdfFormat.TURTLE,
               to_graph=data)
    report = engine_validate(store, shapes, data)
    (note,) = report.notes
    assert "sh:equals" in note and "targetNode" in note
    # the deactivated shape is not applied; the active one is
    assert [p.column for p in report.problems] == ["d"]


def test_an_invalid_graph_iri_is_refused_before_the_files_are_read(empty_store, tmp_path):
    from ingest.errors import InputError
    from ingest.pipeline import ingest_paths
    missing = tmp_path / "not-read.nt"  # never opened: the IRI is checked first
    with pytest.raises(InputError, match="is not a valid graph IRI") as e:
        ingest_paths([missing], empty_store, graph="https://example.org/g h>")
    assert "https://example.org/g h>" in str(e.value)
    assert empty_store.query("ASK { GRAPH ?g { ?s ?p ?o } }") is False


@pytest.mark.parametrize("pyshacl_max", [10**9, 0], ids=["pyshacl", "engine"])
def test_problems_of_rdf_input_name_properties_not_csv_columns(tmp_path, pyshacl_max):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    problems = {p.rule: p.message for p in _check_rdf([bad], pyshacl_max=pyshacl_max)[1].problems
                if "practice/t2" not in p.message}
    assert not [m for m in problems.values() if ".csv" in m]
    # each message is the property and what its shape asks, read from the shape's constraints
    assert problems["Practice_Property_dct_title"].endswith(
        'dct:title: at least 1 value; each a literal; with a language tag among "en", "fr", "es"; at most one value '
        'per language; at least 1 value that is: with a language tag among "en"')
    assert problems["Practice_Property_sckg_startYear"] == (
        "https://w3id.org/sckg/id/practice/t1: sckg:startYear: at most 1 value; each written as xsd:gYear; "
        "matching the pattern ^[0-9]{4}$ (value: 20x9)")
    assert "sckg:city: exactly 1 value; each a sckg:City" in problems["Practice_Property_sckg_city"]
    assert "sckg:relation: at most 1 value; one of \"presented\", \"case-study\"" in \
        problems["EventPractice_Property_sckg_relation"]
    # a shape's own sh:description is used when it has one
    assert "a sckg:SDG: One of the 17 goal IRIs" in problems["SdgRestriction"]


def test_shape_text_tells_every_constraint_kind_the_shapes_use():
    from rdflib import Graph, URIRef

    from ingest.shape_text import describe, rdf_message
    g = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:Range sh:path skos:notation ; sh:maxInclusive 17 ; sh:minInclusive 1 ; sh:datatype xsd:integer .
ex:Choice sh:path skos:note ; sh:or ( [ sh:datatype xsd:date ] ex:Named ) ; sh:not [ sh:pattern "x" ; sh:flags "i" ] .
ex:Named sh:name "a named form"@en , "une forme"@fr ; sh:nodeKind sh:IRI .
ex:Qualified sh:path skos:exactMatch ; sh:qualifiedValueShape ex:Named ; sh:qualifiedMinCount 2 .
ex:Long sh:path skos:notation ; sh:in ( 1 2 3 4 5 6 7 8 9 10 11 12 ) ; sh:languageIn ( "en" ) .
ex:Node sh:targetClass skos:Concept ; sh:hasValue ex:x .
""", format="turtle")
    ex = "https://example.org/"
    assert describe(g, URIRef(ex + "Range")) == "each written as xsd:integer; each ≥ 1; each ≤ 17"
    assert describe(g, URIRef(ex + "Choice")) == \
        "either (each written as xsd:date) or (a named form); not (matching the pattern x (flags i))"
    assert describe(g, URIRef(ex + "Qualified")) == "at least 2 values that are: a named form"
    assert describe(g, URIRef(ex + "Long")) == \
        'one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (12 in all); with a language tag among "en"'
    assert rdf_message(g, URIRef(ex + "Node")) == "a skos:Concept: including https://example.org/x"


def _engine_graphs(store) -> set[str]:
    import pyoxigraph as ox
    return {g.value for g in store.read_view().named_graphs() if isinstance(g, ox.NamedNode)}


def test_an_ingest_writes_the_graph_and_its_record_in_one_write(empty_store, tmp_path):
    """Into a new graph and over an old one, the graph and its catalogue record change in one write (one step
    of the store's generation); both records list the data's sources."""
    sources = ("SELECT ?o WHERE { GRAPH <https://w3id.org/sckg/graph/meta> "
               "{ ?g <http://purl.org/dc/terms/source> ?o } }")
    first = tmp_path / "a.nt"
    first.write_text(GOOD_NT, encoding="utf-8")
    generation = empty_store.generation
    report = ingest_paths([first], empty_store, graph=GRAPH)
    assert report.loaded and empty_store.generation == generation + 1
    assert empty_store.count(GRAPH) == len(GOOD_NT.splitlines())
    assert empty_store.query(sources, {"g": URIRef(GRAPH)}) == [{"o": URIRef("https://example.org/src")}]
    second = tmp_path / "b.nt"
    second.write_text(GOOD_NT.replace("https://example.org/src", "https://example.org/other"), encoding="utf-8")
    ingest_paths([second], empty_store, graph=GRAPH)
    assert empty_store.generation == generation + 2
    assert empty_store.query(sources, {"g": URIRef(GRAPH)}) == [{"o": URIRef("https://example.org/other")}]


@pytest.mark.parametrize("limit", [0, 10**9], ids=["engine", "pyshacl"])
def test_files_refused_leave_nothing_in_the_store(empty_store, tmp_path, monkeypatch, limit):
    monkeypatch.setattr(rdf_input, "PYSHACL_MAX_TRIPLES", limit)
    before, generation = _engine_graphs(empty_store), empty_store.generation
    good, bad, broken = tmp_path / "good.nt", tmp_path / "bad.ttl", tmp_path / "broken.nt"
    good.write_text(GOOD_NT, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    broken.write_text("<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="bad.ttl"):
        ingest_paths([good, bad], empty_store, graph=GRAPH)
    with pytest.raises(InputError, match=r"broken\.nt:1"):  # after good.nt was parsed into the graph
        ingest_paths([good, broken], empty_store, graph=GRAPH)
    assert _engine_graphs(empty_store) == before
    assert empty_store.generation == generation
    assert ingest_paths([good], empty_store, graph=GRAPH).loaded

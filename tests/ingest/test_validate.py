"""SHACL validation: each result becomes a problem at file:row:column with the shape's name as the rule."""
from __future__ import annotations

import dataclasses

import pytest
from rdflib import Graph

from ingest.map import map_study
from ingest.read import read_csv
from ingest.report import VIOLATION, WARNING
from ingest.study import SPECS
from ingest.validate import shapes_graph, validate
from tests.ingest.conftest import ROOT, STUDY

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix : <https://example.org/shapes#> .
:Practice_Shape a sh:NodeShape ; sh:targetClass sckg:Practice ;
    sh:property :Practice_Property_dct_description , :Practice_Property_foaf_homepage .
:Practice_Property_dct_description a sh:PropertyShape ; sh:path dct:description ; sh:minCount 1 ;
    sh:message "practices.csv column `summary`: write one to three sentences."@en .
:Practice_Property_foaf_homepage a sh:PropertyShape ; sh:path foaf:homepage ; sh:minCount 1 ;
    sh:severity sh:Warning ; sh:message "give the practice's web site"@en .
"""


@pytest.fixture(scope="module")
def tables():
    return {name: read_csv(STUDY / name, spec) for name, spec in SPECS.items() if (STUDY / name).is_file()}


def test_results_are_located_at_file_row_column(tables):
    practices = tables["practices.csv"]
    blanked = dataclasses.replace(practices[3], values={**practices[3].values, "summary": "", "summary_es": "",
                                                        "summary_fr": ""})
    graph, origins = map_study({**tables, "practices.csv": practices[:3] + [blanked] + practices[4:]})
    report = validate(graph, Graph().parse(data=SHAPES, format="turtle"), origins)
    (violation,) = report.violations
    assert violation.where == f"practices.csv:{blanked.line}:summary"
    assert violation.rule == "Practice_Property_dct_description"
    assert violation.severity == VIOLATION
    assert "write one to three sentences" in violation.message
    without_site = [r for r in practices if not r["website"]]
    assert len(report.warnings) == len(without_site)
    assert {p.line for p in report.warnings} == {r.line for r in without_site}
    assert all(p.severity == WARNING and p.column == "website" for p in report.warnings)
    assert not report.conforms


def test_no_shapes_means_only_cell_checks(tables):
    graph, origins = map_study(tables)
    report = validate(graph, Graph(), origins)
    assert report.conforms and "no SHACL shapes" in report.notes[0]


@pytest.mark.skipif(not list((ROOT / "ontology" / "shapes").glob("*.ttl")), reason="no shapes yet")
def test_the_study_conforms_to_the_project_shapes(store):
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/sckg/graph/study> { ?s ?p ?o } }")
    assert int(rows[0]["n"]) > 0  # load_default validated it: a violation would have stopped the load
    assert len(shapes_graph(ROOT / "ontology")) > 0


NESTED_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Thing_Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:part ; sh:node ex:Part_Shape ; sh:message "every part needs a name"@en ] .
ex:Part_Shape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] , [ sh:path ex:size ; sh:minCount 1 ] .
"""

NESTED_DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:Thing ; ex:part ex:p1 , ex:p2 .
ex:b a ex:Thing ; ex:part ex:p1 .
"""


def test_nested_detail_results_are_not_extra_problems():
    import pyshacl
    shapes = Graph().parse(data=NESTED_SHAPES, format="turtle")
    data = Graph().parse(data=NESTED_DATA, format="turtle")
    _c, results, _t = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    from rdflib.namespace import RDF, SH
    everything = set(results.subjects(RDF.type, SH.ValidationResult))
    # the expectation: one top-level result per (thing, part) pair without a name: a-p1, a-p2, b-p1
    report = validate(data, shapes)
    assert len(report.violations) == 3
    assert sorted(p.message.split(": ")[0] for p in report.violations) == [
        "https://example.org/a", "https://example.org/a", "https://example.org/b"]
    assert all("every part needs a name" in p.message for p in report.violations)
    # pySHACL does nest the details (two missing values per part), which must not be counted
    assert len(everything) > 3

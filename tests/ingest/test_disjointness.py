"""No resource in two disjoint classes reaches the store: queries/disjoint-types-violation.rq is run over the
new data and the ontology before anything is written.

From the study CSV files alone such a resource cannot be made: every class is given to an IRI minted in its
own namespace (``id:practice/…``, ``id:city/…``), and the one IRI a file names freely (``sdgs.csv`` column
``iri``) must be one of the 17 goals by the shapes. So the check is tested directly on small graphs, and end to
end with an ontology that declares a class disjoint with a class the study data must use.
"""
from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

from ingest.disjointness import disjoint_problems, disjoint_types
from ingest.errors import ValidationFailed
from ingest.namespaces import GRAPHS
from ingest.pipeline import run_study, validate_paths
from tests.ingest.conftest import ROOT, STUDY, csv_rows

ONTOLOGY = """
@prefix : <https://example.org/o#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:Place a owl:Class . :Person a owl:Class . :Town a owl:Class ; rdfs:subClassOf :Place .
:Place owl:disjointWith :Person .
"""
DATA = """
@prefix : <https://example.org/o#> .
<https://example.org/x> a :Town , :Person .
<https://example.org/y> a :Town .
<https://example.org/z> a :Person .
"""
EX = "https://example.org/o#"


def test_a_resource_in_two_disjoint_classes_is_found_through_subclasses():
    rows = disjoint_types(Graph().parse(data=DATA, format="turtle"), Graph().parse(data=ONTOLOGY, format="turtle"))
    assert [(str(r), {str(a), str(b)}) for r, a, b, _d, _w in rows] == [
        ("https://example.org/x", {EX + "Town", EX + "Person"})]
    (_r, _a, _b, disjoint, other) = rows[0]
    assert {str(disjoint), str(other)} == {EX + "Place", EX + "Person"}


def test_the_problem_names_the_resource_the_classes_and_the_axiom():
    (problem,) = disjoint_problems(Graph().parse(data=DATA, format="turtle"),
                                   Graph().parse(data=ONTOLOGY, format="turtle"))
    assert problem.rule == "disjoint-types" and problem.severity == "violation"
    for text in ("https://example.org/x", "o#Town", "o#Person", "owl:disjointWith", "o#Place"):
        assert text in problem.message


def test_without_disjointness_axioms_nothing_is_found():
    ontology = Graph().parse(data=ONTOLOGY.replace(":Place owl:disjointWith :Person .", ""), format="turtle")
    assert disjoint_types(Graph().parse(data=DATA, format="turtle"), ontology) == []


@pytest.fixture
def strict_ontology(tmp_path):
    """The shipped ontology folder plus one axiom the study data breaks: barriers are not SKOS concepts."""
    folder = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", folder)
    with open(folder / "sckg.ttl", "a", encoding="utf-8") as f:
        f.write("\nsckg:Barrier owl:disjointWith skos:Concept .\n")
    return folder


def test_run_study_refuses_the_data_and_writes_nothing(strict_ontology):
    from app.store import OxigraphStore
    store = OxigraphStore(None)
    try:
        with pytest.raises(ValidationFailed) as failed:
            run_study(STUDY, store, progress=False, ontology_dir=strict_ontology)
        problems = [p for p in failed.value.report.violations if p.rule == "disjoint-types"]
        barriers = csv_rows("barriers.csv")
        # one problem per barrier, at its row of barriers.csv (line 1 is the header)
        assert sorted((p.file, p.line) for p in problems) == [("barriers.csv", n) for n in
                                                             range(2, len(barriers) + 2)]
        assert all("sckg:Barrier" in p.message and "skos:Concept" in p.message for p in problems)
        assert store.count(GRAPHS["study"]) == 0 and GRAPHS["study"] not in store.graphs()
    finally:
        store.close()


def test_the_shipped_study_and_ontology_have_no_such_resource():
    report = validate_paths([STUDY])
    assert not [p for p in report.problems if p.rule == "disjoint-types"] and report.conforms


def test_rdf_files_in_two_disjoint_classes_are_refused(tmp_path, strict_ontology, monkeypatch):
    from ingest import resources
    real = resources.resource_dir
    monkeypatch.setattr(resources, "resource_dir",
                        lambda name: strict_ontology if name == "ontology" else real(name))
    data = tmp_path / "concepts.ttl"
    data.write_text("@prefix sckg: <https://w3id.org/sckg/ontology#> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    "<https://w3id.org/sckg/id/barrier/x> a sckg:Barrier ; skos:prefLabel \"x\"@en .\n",
                    encoding="utf-8")
    report = validate_paths([data])
    (problem,) = [p for p in report.violations if p.rule == "disjoint-types"]
    assert problem.file == "data" and "<https://w3id.org/sckg/id/barrier/x>" in problem.message

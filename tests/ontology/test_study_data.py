"""The shipped study data, as the ingest maps and links it, meets every must-hold shape and is consistent
with the ontology under HermiT: the ontology fits the data it was written for."""
from __future__ import annotations

import shutil

import pytest
from rdflib.namespace import SH

from tests.ontology.shapes_support import ontology_graph, results, shape_name, shapes_graph, vocab_graph


@pytest.fixture(scope="module")
def study():
    from ingest.pipeline import build_study, study_files
    from ingest.resources import study_dir
    graph, _report = build_study(study_files(study_dir()))
    return graph


def test_study_data_has_no_violation(study):
    found = results(study, shapes_graph(), ontology_graph() + vocab_graph())
    violations = [f"{shape_name(r['shape'])} {r['focus']}" for r in found if r["severity"] == SH.Violation]
    assert violations == []
    assert len(study) > 2000


@pytest.mark.skipif(shutil.which("java") is None, reason="owlready2 runs HermiT on Java, and no `java` is on the PATH")
def test_study_data_is_consistent_with_the_ontology(study, tmp_path):
    from tests.ontology.test_consistency import reason
    world = reason(ontology_graph() + vocab_graph() + study, tmp_path)
    assert world["https://w3id.org/sckg/id/city/bilbao"] is not None

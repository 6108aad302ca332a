"""Fixtures of the study-team tests: a small graph with one premise per entailment kind, the CSV reading."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app.store import OxigraphStore

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("study_csv_for_study", HERE.parent / "queries" / "study_csv.py")
study_csv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(study_csv)


@pytest.fixture
def entailment_store():
    """An in-memory store holding data/entailments.ttl in the study graph."""
    s = OxigraphStore(None)
    s.replace_graph("https://w3id.org/sckg/graph/study", ((HERE / "data" / "entailments.ttl").read_bytes(), "turtle"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def csvdata():
    return study_csv.StudyCSV()

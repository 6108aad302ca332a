"""Fixtures of the named-query tests: the CSV reading of the study and the shipped queries."""
from __future__ import annotations

import pytest

from app.queries import load_queries, run_named
from tests.queries.study_csv import StudyCSV


@pytest.fixture(scope="session")
def csvdata() -> StudyCSV:
    return StudyCSV()


@pytest.fixture(scope="session")
def named():
    return load_queries()


@pytest.fixture(scope="session")
def ask(store, named):
    """``ask("name", param="value")`` → rows with every value as a plain string."""
    def _ask(name: str, **params):
        rows = run_named(store, named[name], params)
        return [{k: str(v) for k, v in row.items()} for row in rows]
    return _ask

"""Every named query parses, has a title and a description, declares its parameters and runs on the study."""
from __future__ import annotations

import re

import pytest
from rdflib.plugins.sparql import prepareQuery

from app.queries import load_queries, run_named

QUERIES = load_queries()
NAMES = sorted(QUERIES)


def test_at_least_twelve_competency_questions():
    plain = [n for n, q in QUERIES.items() if not (q.is_violation or q.is_construct or n.startswith("report-"))]
    assert len(plain) >= 12, plain


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_and_has_header(name):
    q = QUERIES[name]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    assert q.title and q.description, f"{name}.rq needs '# title:' and '# description:'"
    prepareQuery(q.text)  # a second, independent SPARQL parser


@pytest.mark.parametrize("name", NAMES)
def test_every_variable_parameter_is_declared_and_projected(name):
    q = QUERIES[name]
    head = q.text.split("WHERE", 1)[0]
    for p in q.params:
        assert f"?{p.name}" in q.text, f"{name}: parameter {p.name} is not used"
        assert re.search(rf"\?{p.name}\b", head), f"{name}: parameter {p.name} must be projected by SELECT"
        assert p.default, f"{name}: parameter {p.name} needs a default"
    if name.startswith("report-"):
        assert [p.name for p in q.params] == ["edition"], f"{name}: report queries take the edition"


@pytest.mark.parametrize("name", NAMES)
def test_query_runs_on_the_study_store(store, name):
    result = run_named(store, QUERIES[name], {})
    assert isinstance(result, list) or hasattr(result, "__len__")


@pytest.mark.parametrize("name", [n for n in NAMES if QUERIES[n].is_violation])
def test_violation_check_finds_nothing(store, name):
    rows = run_named(store, QUERIES[name], {})
    assert rows == [], f"{name}: {rows[:5]}"


def test_violation_check_does_find_a_practice_without_city(empty_store):
    empty_store.replace_graph("https://w3id.org/sckg/graph/study", (
        b"<https://w3id.org/sckg/id/practice/x> a <https://w3id.org/sckg/ontology#Practice> .", "turtle"))
    rows = run_named(empty_store, QUERIES["practice-without-city-violation"], {})
    assert [str(r["practice"]) for r in rows] == ["https://w3id.org/sckg/id/practice/x"]
    rows = run_named(empty_store, QUERIES["missing-label-violation"], {})
    assert [str(r["resource"]) for r in rows] == ["https://w3id.org/sckg/id/practice/x"]


def test_every_query_is_documented():
    from pathlib import Path
    docs = Path(__file__).resolve().parents[2] / "docs"
    text = "".join(p.read_text(encoding="utf-8") for p in docs.glob("*.md"))
    missing = [n for n in NAMES if f"`{n}`" not in text]
    assert not missing, f"docs/ (queries.md for the study queries) does not list {missing}"

"""Queries over practice-level barriers, enablers and SDGs, on a small graph whose answers are worked out by hand
(the shipped study has none of these links yet; see data/barriers-and-sdgs.ttl)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.queries import load_queries, run_named
from app.store import OxigraphStore

ID = "https://w3id.org/sckg/id/"
Q = load_queries()


@pytest.fixture(scope="module")
def small():
    s = OxigraphStore(None)
    s.replace_graph("https://w3id.org/sckg/graph/study",
                    ((Path(__file__).parent / "data" / "barriers-and-sdgs.ttl").read_bytes(), "turtle"))
    yield s
    s.close()


def ask(store, name, **params):
    return [{k: str(v) for k, v in r.items()} for r in run_named(store, Q[name], params)]


def test_practices_by_sdg(small):
    assert {r["practice"] for r in ask(small, "practices-by-sdg", goal="http://metadata.un.org/sdg/11")} == \
        {ID + "practice/n1", ID + "practice/s1"}
    assert {r["practice"] for r in ask(small, "practices-by-sdg", goal="http://metadata.un.org/sdg/4")} == \
        {ID + "practice/n1"}


def test_cities_sharing_a_barrier(small):
    # funding: north (practice, assessment), south; skills: north (assessment), east
    rows = ask(small, "cities-sharing-a-barrier")
    assert {r["barrier"]: int(r["cities"]) for r in rows} == {ID + "barrier/funding": 2, ID + "barrier/skills": 2}


def test_enablers_with_barrier(small):
    # funding: n1 (leadership), s1 (leadership, partners), north-2030 (partners)
    rows = ask(small, "enablers-with-barrier", barrier=ID + "barrier/funding")
    assert {r["enabler"]: int(r["together"]) for r in rows} == {ID + "enabler/leadership": 2,
                                                               ID + "enabler/partners": 2}


def test_transferable_practices(small):
    # north reports funding and skills: s1 (south, funding) and e1 (east, skills) are transferable
    rows = ask(small, "transferable-practices", city=ID + "city/north")
    assert {(r["barrier"], r["practice"]) for r in rows} == {(ID + "barrier/funding", ID + "practice/s1"),
                                                            (ID + "barrier/skills", ID + "practice/e1")}
    rows = ask(small, "report-transferable-practices", edition=ID + "edition/2030")
    assert {(r["city"], r["practice"]) for r in rows} == {(ID + "city/north", ID + "practice/s1"),
                                                         (ID + "city/north", ID + "practice/e1"),
                                                         (ID + "city/south", ID + "practice/n1")}


def test_report_top_barriers_and_enablers(small):
    rows = ask(small, "report-top-barriers", edition=ID + "edition/2030")
    assert [(r["barrier"], int(r["citations"])) for r in rows] == [(ID + "barrier/funding", 3),
                                                                   (ID + "barrier/skills", 1)]
    rows = ask(small, "report-top-enablers", edition=ID + "edition/2030")
    assert {r["enabler"]: int(r["citations"]) for r in rows} == {ID + "enabler/leadership": 2,
                                                                ID + "enabler/partners": 2}


def test_report_barriers_by_axis_and_region(small):
    rows = ask(small, "report-barriers-by-axis-region", edition=ID + "edition/2030")
    got = {(r["barrier"], r.get("axis", "")): int(r["citations"]) for r in rows}
    assert got == {(ID + "barrier/funding", ID + "axis/people"): 1, (ID + "barrier/funding", ID + "axis/living"): 1,
                   (ID + "barrier/funding", ""): 1, (ID + "barrier/skills", ""): 1}


def test_report_axis_sdg_matrix(small):
    rows = ask(small, "report-axis-sdg-matrix", edition=ID + "edition/2030")
    got = {(r["axis"], r["goal"]): int(r["practices"]) for r in rows}
    assert got == {(ID + "axis/people", "http://metadata.un.org/sdg/4"): 1,
                   (ID + "axis/people", "http://metadata.un.org/sdg/11"): 1,
                   (ID + "axis/living", "http://metadata.un.org/sdg/11"): 1}

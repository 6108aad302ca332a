"""The study team's workflow of docs/study-team.md end to end: fill assessments.csv, ``sckg validate``,
``sckg ingest``, then the assessment queries and ``sckg report`` see the new rows."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.queries import load_queries, run_named
from app.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/sckg/id/"
ROWS = [
    ["bilbao", "2021", "governance", "A municipal data office since 2020.", "Data for mobility planning.",
     "weak-strategic-planning", "data-governance-model;political-leadership", "https://example.org/2021/bilbao"],
    ["barcelona", "2021", "people", "Digital skills centres in every district.", "",
     "weak-strategic-planning;digital-exclusion-of-vulnerable-groups", "", "https://example.org/2021/barcelona"],
]


@pytest.fixture
def workspace(tmp_path, monkeypatch, csvdata):
    study = tmp_path / "study"
    shutil.copytree(ROOT / "data" / "study", study)
    with (study / "assessments.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(ROWS)
    for name, value in (("STORE", tmp_path / "store"), ("INDEX_PATH", tmp_path / "search.sqlite"),
                        ("DUMPS_DIR", tmp_path / "dumps")):
        monkeypatch.setenv("SCKG_" + name, str(value))
    return study, type(csvdata)(study)


def test_assessments_flow_from_csv_to_report(workspace, tmp_path):
    study, expected = workspace
    run = CliRunner().invoke
    r = run(cli, ["validate", str(study)])
    assert r.exit_code == 0, r.output
    r = run(cli, ["ingest", "--no-progress", str(study)])
    assert r.exit_code == 0, r.output

    store = OxigraphStore(tmp_path / "store")
    try:
        q = load_queries()
        rows = run_named(store, q["assessments-by-city"], {"city": ID + "city/bilbao"})
        got = {(str(r["year"]), str(r.get("axis", "")).rsplit("/", 1)[-1]): str(r.get("situation", "")) for r in rows}
        assert got[("2021", "governance")] == ROWS[0][3]
        assert {k for k in got} == {(ed, axis) for (c, ed, axis) in expected.assessments if c == "bilbao"}
        cited = expected.citations("barrier", "2021")
        assert cited == {"weak-strategic-planning": 2, "digital-exclusion-of-vulnerable-groups": 1}
        top = run_named(store, q["report-top-barriers"], {"edition": ID + "edition/2021"})
        assert {str(r["barrier"]).rsplit("/", 1)[-1]: int(r["citations"]) for r in top} == cited
    finally:
        store.close()

    r = run(cli, ["report", "--edition", "2021", "--format", "csv", "--table", "top-enablers"])
    assert r.exit_code == 0, r.output
    assert {row["enabler"].rsplit("/", 1)[-1]: int(row["citations"]) for row in csv.DictReader(io.StringIO(r.output))} \
        == expected.citations("enabler", "2021")

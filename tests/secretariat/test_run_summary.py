"""Readable runs: one summary line per file and per derived step; --report-dir writes the full report."""
from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from app.cli import cli
from app.run_report import (
    derived_line,
    file_lines,
    from_json,
    report_csv,
    report_html,
    report_json,
    summary,
)
from ingest.report import WARNING, Problem, Report
from tests.ingest.conftest import STUDY


def a_report() -> Report:
    r = Report(source="Smart Cities Study", graph="https://w3id.org/sckg/graph/study", loaded=True, triples=12,
               rows={"practices.csv": 30, "cities.csv": 48, "editions.csv": 5})
    r.problems = [Problem("practices.csv", 5, "axis", "Practice_Property_sckg_axis_present", "say the axis", WARNING),
                  Problem("practices.csv", 9, "axis", "Practice_Property_sckg_axis_present", "say the axis", WARNING),
                  Problem("cities.csv", 3, "name", "x", "<script>alert(1)</script>", WARNING)]
    r.unplaced = ["IMDEC Region (imdec-region, cities.csv:24): no country_iso2 and no coordinates; fill latitude"]
    return r


def test_one_line_per_file():
    assert file_lines(a_report()) == ["cities.csv: 48 rows, 1 warning, 1 not placed", "editions.csv: 5 rows",
                                      "practices.csv: 30 rows, 2 warnings"]


def test_derived_results_are_one_readable_line_each():
    line = derived_line("related", {"practices": 29, "pairs": 253, "seconds": 0.098})
    assert line == "derived related: practices 29, pairs 253 (0.1 s)"
    assert "{" not in derived_line("inferred", {"triples": 268, "rules": {"a": 1, "b": 2}, "seconds": 1})


def test_the_summary_has_no_raw_dicts_and_says_where_the_details_are():
    text = summary(a_report(), {"related": {"pairs": 3, "seconds": 0.1}})
    assert "{" not in text and "practices.csv: 30 rows, 2 warnings" in text
    assert "not placed: IMDEC Region" in text and "--report-dir DIR" in text


def test_the_html_report_is_escaped_and_the_csv_has_every_row():
    r = a_report()
    page = report_html(r)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    rows = list(csv.DictReader(io.StringIO(report_csv(r))))
    assert [(x["file"], x["row"], x["column"], x["rule"]) for x in rows[:3]] == [
        ("practices.csv", "5", "axis", "Practice_Property_sckg_axis_present"),
        ("practices.csv", "9", "axis", "Practice_Property_sckg_axis_present"), ("cities.csv", "3", "name", "x")]
    assert rows[3]["rule"] == "not-placed"


def test_the_json_report_round_trips():
    r = a_report()
    back, derived = from_json(report_json(r, {"related": {"pairs": 1}}))
    assert file_lines(back) == file_lines(r) and back.unplaced == r.unplaced and derived == {"related": {"pairs": 1}}


def test_ingest_ends_with_the_summary_and_writes_the_report_dir(tmp_path):
    env = {"SCKG_STORE": str(tmp_path / "store"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", "--report-dir", str(out), str(STUDY)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("practices.csv: ") and " rows, " in line and "warning" in line for line in lines)
    assert any(line.startswith("cities.csv: 48 rows") for line in lines)
    assert any(line.startswith("derived related: practices ") for line in lines)
    assert "{'" not in result.output
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Practice_Property_sckg_axis_present" in (out / "report.csv").read_text(encoding="utf-8")


def test_a_refused_ingest_prints_problems_and_the_file_lines(tmp_path):
    import shutil
    folder = tmp_path / "study"
    shutil.copytree(STUDY, folder)
    text = (folder / "practices.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("https://", "htps://", 1)
    (folder / "practices.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    env = {"SCKG_STORE": str(tmp_path / "store"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", "--report-dir", str(tmp_path / "r"), str(folder)],
                                env=env)
    assert result.exit_code == 1
    assert "practices.csv:2:" in result.output and "iri-format" in result.output
    assert "nothing was written" in result.output
    assert "iri-format" in (tmp_path / "r" / "report.csv").read_text(encoding="utf-8")

"""The study workbook: generated from the column spec, filled with openpyxl, validated and ingested like the
CSV folder, with sheet, row and cell in every message."""
from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from app.cli import cli
from ingest.pipeline import validate_paths
from ingest.study import SPECS
from ingest.workbook import INSTRUCTIONS, sheet_name, write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("wb") / "study.xlsx"
    result = CliRunner().invoke(cli, ["template", "--format", "xlsx", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_one_sheet_per_study_file_from_the_column_spec(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTIONS] + [sheet_name(n) for n in SPECS]
    for name, spec in SPECS.items():
        ws = wb[sheet_name(name)]
        assert [c.value for c in ws[1]] == spec.names
        assert str(ws.cell(2, 1).value).startswith("e.g. "), name
        assert ws.cell(1, 1).comment is not None
    practices = [c.value for c in wb["practices"][1]]
    assert {"title_es", "title_fr", "summary_es", "summary_fr", "translation"} <= set(practices)


def test_drop_down_lists_for_axes_cities_barriers_enablers_and_sdgs(template):
    ws = openpyxl.load_workbook(template)["practices"]
    names = [c.value for c in ws[1]]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            lists[names[rng.min_col - 1]] = dv.formula1
    assert lists["axis"] == '"economy,mobility,environment,people,living,governance"'
    assert lists["city_id"] == "'cities'!$A$3:$A$2000"
    assert lists["barriers"] == "'barriers'!$A$3:$A$2000" and lists["enablers"] == "'enablers'!$A$3:$A$2000"
    assert lists["sdgs"].startswith('"1,2,3') and lists["sdgs"].endswith(',17"')


def fill(template, path, sheet, *rows: dict):
    wb = openpyxl.load_workbook(template)
    ws = wb[sheet]
    names = [c.value for c in ws[1]]
    for i, row in enumerate(rows):
        for k, v in row.items():
            ws.cell(3 + i, names.index(k) + 1, v)
    wb.save(path)
    return path


ASSESSMENT = {"city_id": "bilbao", "edition": 2023, "axis": "governance", "situation": "A data office since 2022.",
              "barriers": "weak-strategic-planning", "source_url": "https://example.org/study-2023/bilbao"}


def test_round_trip_template_fill_validate_ingest(template, tmp_path):
    book = fill(template, tmp_path / "filled.xlsx", "assessments", ASSESSMENT)
    report = validate_paths([book])
    assert report.conforms, [str(p) for p in report.violations]
    assert report.rows["filled.xlsx[assessments]"] == 1
    env = {"SCKG_STORE": str(tmp_path / "store"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", str(book)], env=env)
    assert result.exit_code == 0, result.output
    assert "filled.xlsx[assessments]: 1 row" in result.output
    from app.store import OxigraphStore
    s = OxigraphStore(tmp_path / "store")
    try:
        rows = s.query("ASK { GRAPH <https://w3id.org/sckg/graph/study> { "
                       "<https://w3id.org/sckg/id/assessment/bilbao-2023-governance> ?p ?o } }")
        assert rows is True or bool(rows)
    finally:
        s.close()


def test_messages_name_sheet_row_and_cell(template, tmp_path):
    bad = {**ASSESSMENT, "axis": "culture", "source_url": "https://example.org/a b"}
    book = fill(template, tmp_path / "bad.xlsx", "assessments", ASSESSMENT, bad)
    report = validate_paths([book])
    found = {(p.file, p.line, p.column, p.rule) for p in report.violations}
    assert ("bad.xlsx[assessments]", 4, "axis (C4)", "allowed-values") in found
    assert ("bad.xlsx[assessments]", 4, "source_url (H4)", "iri-format") in found
    (url,) = [p for p in report.violations if p.rule == "iri-format"]
    assert str(url).startswith("bad.xlsx[assessments]:4:source_url (H4): ") and "contains a space" in url.message
    result = CliRunner().invoke(cli, ["validate", str(book)])
    assert result.exit_code == 1 and "bad.xlsx[assessments]:4:axis (C4)" in result.output


def test_a_workbook_without_data_rows_or_with_a_foreign_sheet_is_refused(template, tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(template)])
    assert result.exit_code == 2 and "no data rows" in result.output
    wb = openpyxl.load_workbook(template)
    wb.create_sheet("Notes")
    wb.save(tmp_path / "notes.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "notes.xlsx")])
    assert result.exit_code == 2 and "the sheet 'Notes' is not a study table" in result.output


def test_the_template_can_carry_a_study_folders_rows(tmp_path):
    from tests.ingest.conftest import STUDY, csv_rows
    path = write_template(tmp_path / "full.xlsx", rows_from=STUDY)
    ws = openpyxl.load_workbook(path)["practices"]
    assert ws.max_row == 2 + len(csv_rows("practices.csv"))


def test_a_shared_geonames_place_names_both_rows_of_the_sheet(tmp_path):
    from tests.ingest.conftest import STUDY
    path = write_template(tmp_path / "cities.xlsx", rows_from=STUDY)
    wb = openpyxl.load_workbook(path)
    ws = wb["cities"]
    names = [c.value for c in ws[1]]
    row = ws.max_row + 1
    for k, v in {"city_id": "bizkaia", "name": "Bilbao", "country_iso2": "ES", "region": "Europe",
                 "source_url": "https://example.org/bizkaia"}.items():
        ws.cell(row, names.index(k) + 1, v)
    wb.save(path)
    report = validate_paths([path])
    (p,) = [p for p in report.warnings if p.rule == "duplicate-geonames"]
    assert (p.file, p.line, p.column) == ("cities.xlsx[cities]", row, f"geonames_id (M{row})")
    assert "Bilbao (bilbao, row 3)" in p.message

"""``sckg partner ingest|list|report`` on an on-disk store named by SCKG_STORE."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.store import OxigraphStore
from ingest.namespaces import partner_graph
from tests.partners.conftest import MAPPING, load_cities
from tests.partners.workbooks import ROWS, observations_in, write_workbook


@pytest.fixture
def env(tmp_path):
    store_dir = tmp_path / "store"
    s = OxigraphStore(store_dir)
    load_cities(s)
    s.close()
    return {"SCKG_STORE": str(store_dir), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
            "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite"), "SCKG_TOKENS": str(tmp_path / "tokens.json")}


def test_ingest_list_and_report(env, tmp_path):
    runner = CliRunner()
    src = write_workbook(tmp_path / "wb.xlsx")
    res = runner.invoke(cli, ["partner", "ingest", str(MAPPING), "--source", str(src),
                              "--report-dir", str(tmp_path / "reports")], env=env)
    assert res.exit_code == 0, res.output
    assert f"{observations_in(ROWS)} observations" in res.output
    assert "matched   Lisboa (Lisbon) (PT) → Lisbon [sameAs]" in res.output
    files = json.loads((tmp_path / "reports" / "un-habitat" / "green-areas" / "match-report.json").read_text())
    assert files["counts"]["unmatched"] >= 1
    res = runner.invoke(cli, ["partner", "list"], env=env)
    assert res.exit_code == 0 and "un-habitat/green-areas" in res.output
    assert partner_graph("un-habitat", "green-areas") in res.output
    res = runner.invoke(cli, ["partner", "report", "un-habitat/green-areas", "--format", "csv"], env=env)
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 + sum(1 for r in ROWS if r[1])
    assert any(line.startswith("unmatched,,") and "KE_NAKURU" in line for line in lines)


def test_bad_workbook_is_one_line_and_exit_2(env, tmp_path):
    src = write_workbook(tmp_path / "wb.xlsx", data_sheet="Sheet1")
    res = CliRunner().invoke(cli, ["partner", "ingest", str(MAPPING), "--source", str(src)], env=env)
    assert res.exit_code == 2
    assert "no sheet 'Data'" in res.output and "Traceback" not in res.output


def test_report_of_unknown_dataset_is_a_usage_error(env):
    res = CliRunner().invoke(cli, ["partner", "report", "un-habitat/nothing"], env=env)
    assert res.exit_code == 2 and "no dataset un-habitat/nothing" in res.output


def test_mapping_by_partner_and_name(env, tmp_path):
    src = write_workbook(tmp_path / "wb.xlsx")
    res = CliRunner().invoke(cli, ["partner", "ingest", "un-habitat/green-areas", "--source", str(src)], env=env)
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["partner", "ingest", "un-habitat/nothing-like-it"], env=env)
    assert res.exit_code == 2 and "has no mapping named 'nothing-like-it'" in res.output

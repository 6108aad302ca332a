"""Edition reports: pages for 2012 and 2021 from the shipped data, their CSV and XLSX exports against the named
queries, escaping, errors, and ``sckg report`` (HTML, CSV, XLSX, PDF) on a small store."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from app.cli import cli
from app.queries import load_queries, run_named
from app.report_data import SECTIONS
from app.store import OxigraphStore

ID = "https://w3id.org/sckg/id/"
Q = load_queries()
HTML = {"Accept": "text/html"}


@pytest.mark.parametrize("year", ["2012", "2021"])
def test_report_page_renders_with_charts(client, csvdata, year):
    r = client.get(f"/reports/{year}", headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert page.count("<svg") >= 1
    assert 'aria-label="Participating cities and countries by UCLG region"' in page
    for key, query, title, empty in SECTIONS:
        assert f'id="{key}"' in page and f'href="/query?name={query}"' in page
    for city in csvdata.participation[year]:
        assert f'href="/id/city/{city}"' in page
    assert f'href="/id/edition/{year}"' in page


def test_2012_is_the_first_edition_and_2021_compares_with_2019(client):
    page = client.get("/reports/2012", headers=HTML).get_data(as_text=True)
    assert "none (first edition)" in page and "There is no previous edition to compare with." in page
    page = client.get("/reports/2021", headers=HTML).get_data(as_text=True)
    assert 'href="/reports/2019"' in page


@pytest.mark.parametrize("year", ["2012", "2021"])
@pytest.mark.parametrize("key, query", [(k, q) for k, q, _t, _e in SECTIONS])
def test_csv_export_matches_the_named_query(client, store, year, key, query):
    expected = [{k: str(v) for k, v in row.items()} for row in
                run_named(store, Q[query], {"edition": f"{ID}edition/{year}"})]
    r = client.get(f"/reports/{year}?format=csv&table={key}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [{k: v for k, v in row.items() if v != ""} for row in rows] == expected


@pytest.mark.parametrize("year", ["2012", "2021"])
def test_xlsx_export_matches_the_named_queries(client, store, year):
    r = client.get(f"/reports/{year}?format=xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data), read_only=True)
    for key, query, _t, _e in SECTIONS:
        sheet = list(wb[key[:31]].iter_rows(values_only=True))
        header, body = sheet[0], sheet[1:]
        got = [{h: str(v) for h, v in zip(header, row) if v not in (None, "")} for row in body]
        expected = [{k: str(v) for k, v in row.items()} for row in
                    run_named(store, Q[query], {"edition": f"{ID}edition/{year}"})]
        assert got == expected, key
    summary = dict(list(wb["summary"].iter_rows(values_only=True))[1:])
    assert str(summary["year"]) == year


def test_index_lists_the_editions(client, csvdata):
    page = client.get("/reports/", headers=HTML).get_data(as_text=True)
    for year in csvdata.editions:
        assert f'href="/reports/{year}"' in page


@pytest.mark.parametrize("url, status, words", [
    ("/reports/1999", 404, "no study edition 1999"),
    ("/reports/20x3", 400, "four-digit year"),
    ("/reports/2012?format=csv", 400, "table=KEY"),
    ("/reports/2012?format=csv&table=nope", 400, "no table 'nope'"),
    ("/reports/2012?format=doc", 400, "unknown format"),
])
def test_bad_requests(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status and words in r.get_json()["error"]


@pytest.fixture
def small_app(tmp_path):
    from app import create_app
    s = OxigraphStore(None)
    data = (Path(__file__).parents[1] / "queries" / "data" / "barriers-and-sdgs.ttl").read_bytes()
    data = data.replace(b'rdfs:label "North"', b'rdfs:label "<script>alert(1)</script>"')
    s.replace_graph("https://w3id.org/sckg/graph/study", (data, "turtle"))
    app = create_app({"TESTING": True, "STORE": "memory", "INDEX_PATH": str(tmp_path / "i.sqlite"),
                      "DUMPS_DIR": str(tmp_path / "dumps")}, store=s)
    return app


def test_labels_are_escaped_in_tables_and_charts(small_app):
    page = small_app.test_client().get("/reports/2030", headers=HTML).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") >= 4  # practices per axis, barriers, enablers, axis × SDG


@pytest.fixture
def small_store_dir(tmp_path, monkeypatch):
    path = tmp_path / "store"
    s = OxigraphStore(path)
    s.replace_graph("https://w3id.org/sckg/graph/study",
                    ((Path(__file__).parents[1] / "queries" / "data" / "barriers-and-sdgs.ttl").read_bytes(), "turtle"))
    s.close()
    monkeypatch.setenv("SCKG_STORE", str(path))
    return path


def test_cli_report_formats(small_store_dir, tmp_path):
    run = CliRunner().invoke
    r = run(cli, ["report", "--edition", "2030", "--format", "csv", "--table", "top-barriers"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [(row["barrier"], row["citations"]) for row in rows] == [(ID + "barrier/funding", "3"),
                                                                   (ID + "barrier/skills", "1")]
    r = run(cli, ["report", "--edition", "2030", "--format", "csv"])
    long = list(csv.DictReader(io.StringIO(r.output)))
    assert {"table": "top-barriers", "row": "1", "column": "citations", "value": "3"} in long
    out = tmp_path / "r.xlsx"
    assert run(cli, ["report", "--edition", "2030", "--format", "xlsx", "--out", str(out)]).exit_code == 0
    assert load_workbook(out)["top-enablers"].max_row == 3
    out = tmp_path / "r.html"
    assert run(cli, ["report", "--edition", "2030", "--out", str(out)]).exit_code == 0
    assert "<svg" in out.read_text() and "<style>" in out.read_text()
    r = run(cli, ["report", "--edition", "1999"])
    assert r.exit_code == 2 and "no study edition 1999" in r.output
    r = run(cli, ["report", "--edition", "2030", "--format", "pdf"])
    assert r.exit_code == 2 and "--out" in r.output


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
                    reason="PDF output needs Chromium")
def test_cli_report_pdf(small_store_dir, tmp_path):
    out = tmp_path / "r.pdf"
    r = CliRunner().invoke(cli, ["report", "--edition", "2030", "--format", "pdf", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF-") and out.stat().st_size > 5000


def test_comparison_with_an_undocumented_previous_edition_is_flagged(client, csvdata):
    # 2019 has no documented participant in the CSV files, so 2021's "new cities" must carry the caveat
    assert not csvdata.participation.get("2019")
    page = client.get("/reports/2021", headers=HTML).get_data(as_text=True)
    assert "The dataset documents no participating city for 2019" in page


def test_report_queries_run_through_the_guarded_path(client, monkeypatch):
    """Report tables are evaluated like /sparql queries (killable worker, timeout, memory cap), so their
    answers land in the endpoint's answer cache."""
    from app import reports
    from app.sparql import AnswerCache
    answers = AnswerCache()
    monkeypatch.setitem(client.application.extensions, "sckg.answers", answers)
    monkeypatch.setattr(reports, "_cache", {})
    assert client.get("/reports/2012?format=xlsx").status_code == 200
    texts = [key[1].text for key in answers._items]
    assert any("Edition report: practices transferable" in t for t in texts)


def test_a_table_out_of_time_is_marked_and_the_rest_of_the_report_served(client, monkeypatch):
    from app import reports
    from app.errors import QueryTimeout
    real = reports._guarded

    def slow_transferable(nq, params):
        if nq.name == "report-transferable-practices":
            raise QueryTimeout("the query ran longer than 20 s and was stopped")
        return real(nq, params)

    monkeypatch.setattr(reports, "_guarded", slow_transferable)
    monkeypatch.setattr(reports, "_cache", {})
    r = client.get("/reports/2021", headers=HTML)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    section = page[page.index('id="transferable-practices"'):]
    section = section[:section.index("</section>")]
    assert "This table could not be computed: the query ran longer than 20 s" in section
    assert 'id="participating-cities"' in page and 'href="/id/city/bilbao"' in page
    r = client.get("/reports/2021?format=csv&table=transferable-practices")
    assert r.status_code == 503 and "could not be computed" in r.get_data(as_text=True)
    wb = load_workbook(io.BytesIO(client.get("/reports/2021?format=xlsx").data))
    assert wb["transferable-practices"]["A1"].value.startswith("This table could not be computed")
    monkeypatch.setattr(reports, "_guarded", real)  # a failed report is not kept: the next request computes it
    page = client.get("/reports/2021", headers=HTML).get_data(as_text=True)
    section = page[page.index('id="transferable-practices"'):]
    assert "could not be computed" not in section[:section.index("</section>")]


def test_a_table_cut_at_the_row_limit_says_so(client, csvdata, monkeypatch):
    from app import reports
    monkeypatch.setitem(client.application.config, "RESULT_LIMIT", 3)
    monkeypatch.setattr(reports, "_cache", {})
    assert len(csvdata.participation["2021"]) > 3
    page = client.get("/reports/2021", headers=HTML).get_data(as_text=True)
    section = page[page.index('id="participating-cities"'):]
    section = section[:section.index("</section>")]
    assert "The first 3 rows: the answer stops at the row limit." in section
    assert section.count('href="/id/city/') == 3
    r = client.get("/reports/2021?format=csv&table=participating-cities")
    assert r.headers["SCKG-Truncated"] == "true" and len(r.get_data(as_text=True).strip().splitlines()) == 4
    monkeypatch.setitem(client.application.config, "RESULT_LIMIT", 10000)
    monkeypatch.setattr(reports, "_cache", {})
    r = client.get("/reports/2021?format=csv&table=participating-cities")
    assert r.headers["SCKG-Truncated"] == "false"
    assert len(r.get_data(as_text=True).strip().splitlines()) == len(csvdata.participation["2021"]) + 1


def test_a_table_out_of_memory_is_kept_with_its_report(client, monkeypatch):
    """Out of memory fails again on the same data: the report is kept for this version of the store instead of
    running the failing query on every request."""
    from app import reports
    from app.errors import BadRequest
    real, calls = reports._guarded, []

    def hungry_transferable(nq, params):
        if nq.name == "report-transferable-practices":
            calls.append(nq.name)
            raise BadRequest("the query needed more memory than a query may use")
        return real(nq, params)

    monkeypatch.setattr(reports, "_guarded", hungry_transferable)
    monkeypatch.setattr(reports, "_cache", {})
    for _ in range(2):
        page = client.get("/reports/2021", headers=HTML).get_data(as_text=True)
        assert "This table could not be computed: the query needed more memory" in page
    assert calls == ["report-transferable-practices"]

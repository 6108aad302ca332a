"""sckg ingest while sckg serve holds the store: the study goes to the server's POST /admin/ingest, which
runs the same ingest and answers the same report; the command prints it with the same exit codes."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from app import auth
from app.cli import cli
from tests.ingest.conftest import STUDY

SCKG = Path(sys.executable).with_name("sckg")
ASSESSMENT = "bilbao,2023,governance,A data office since 2022.,,weak-strategic-planning,,https://example.org/s/bilbao\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real ``sckg serve`` on a free 127.0.0.1 port over a temporary store (loaded on start)."""
    tmp = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {**os.environ, "SCKG_STORE": str(tmp / "store"), "SCKG_TOKENS": str(tmp / "tokens.json"),
           "SCKG_DUMPS_DIR": str(tmp / "dumps"), "SCKG_INDEX_PATH": str(tmp / "search.sqlite"),
           "SCKG_HOST": "127.0.0.1", "SCKG_PORT": str(port), "SCKG_QUERY_WORKERS": "1", "SCKG_MALLOC": "none"}
    env.pop("SCKG_TOKEN", None)
    admin = auth.add(env["SCKG_TOKENS"], "secretariat", "*")
    partner = auth.add(env["SCKG_TOKENS"], "partner", "https://w3id.org/sckg/graph/partner/x/")
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115 (open while the server runs; closed at the end)
    proc = subprocess.Popen([str(SCKG), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp / "serve.log").read_text()
        try:
            urllib.request.urlopen(url + "/status", timeout=2).read()
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("sckg serve did not start: " + (tmp / "serve.log").read_text())
    env["SCKG_SERVER_URL"] = url
    yield {"env": env, "url": url, "admin": admin, "partner": partner, "tmp": tmp}
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def ingest(server, *args, token="admin"):
    env = {k: v for k, v in server["env"].items() if k.startswith("SCKG_")}
    if token:
        env["SCKG_TOKEN"] = server[token]
    return CliRunner().invoke(cli, ["ingest", "--no-progress", *[str(a) for a in args]], env=env)


def ask(server, query: str) -> bool:
    url = server["url"] + "/sparql?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    return json.loads(urllib.request.urlopen(req, timeout=30).read())["boolean"]


HAS_ASSESSMENT = ("ASK { GRAPH <https://w3id.org/sckg/graph/study> { "
                  "<https://w3id.org/sckg/id/assessment/bilbao-2023-governance> a ?c } }")


def study_with_assessment(tmp_path) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(STUDY, folder)
    with open(folder / "assessments.csv", "a", encoding="utf-8") as f:
        f.write(ASSESSMENT)
    return folder


def test_the_store_is_held_and_a_folder_goes_through_the_server(server, tmp_path):
    assert not ask(server, HAS_ASSESSMENT)
    result = ingest(server, study_with_assessment(tmp_path))
    assert result.exit_code == 0, result.output
    assert "sending the study to it" in result.output
    assert "assessments.csv: 1 row" in result.output and "practices.csv: " in result.output
    assert "derived data: refreshing on the server" in result.output
    assert ask(server, HAS_ASSESSMENT)


def test_problems_come_back_with_exit_code_1_and_nothing_is_written(server, tmp_path):
    folder = study_with_assessment(tmp_path)
    (folder / "assessments.csv").write_text(
        (folder / "assessments.csv").read_text(encoding="utf-8").replace("governance,A data", "culture,A data"),
        encoding="utf-8")
    result = ingest(server, folder, "--report-dir", tmp_path / "report")
    assert result.exit_code == 1, result.output
    assert "assessments.csv:2:axis: axis 'culture' is not allowed" in result.output
    assert "nothing was written" in result.output
    assert "allowed-values" in (tmp_path / "report" / "report.csv").read_text(encoding="utf-8")


def test_a_workbook_goes_through_the_server_with_its_sheet_names(server, tmp_path):
    from ingest.workbook import write_template
    book = write_template(tmp_path / "edition.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["assessments"]
    for i, v in enumerate(["bilbao", 2023, "economy", "", "", "", "", "https://example.org/s/b"], start=1):
        ws.cell(3, i, v or None)
    wb.save(book)
    result = ingest(server, book)
    assert result.exit_code == 0, result.output
    assert "edition.xlsx[assessments]: 1 row" in result.output
    assert ask(server, HAS_ASSESSMENT.replace("governance", "economy"))


def test_without_an_administrator_token_the_command_says_what_to_do(server, tmp_path):
    result = ingest(server, STUDY, token=None)
    assert result.exit_code == 2 and "set SCKG_TOKEN to an administrator token" in result.output
    result = ingest(server, STUDY, token="partner")
    assert result.exit_code == 2 and "(403)" in result.output and "scope '*'" in result.output


def test_the_route_takes_bearer_tokens_only(server):
    req = urllib.request.Request(server["url"] + "/admin/ingest", data=b"PK", method="POST",
                                 headers={"Content-Type": "application/zip", "Accept": "application/json",
                                          "Cookie": f"token={server['admin']}"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 401

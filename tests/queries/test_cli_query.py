"""``sckg query`` and ``sckg export`` through click's CliRunner on the real command group and an on-disk store."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from app.cli import cli
from app.store import OxigraphStore

ID = "https://w3id.org/sckg/id/"
STUDY = "https://w3id.org/sckg/graph/study"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store"
    s = OxigraphStore(path)
    s.replace_graph(STUDY, ((Path(__file__).parent / "data" / "barriers-and-sdgs.ttl").read_bytes(), "turtle"))
    s.close()
    return path


@pytest.fixture
def sckg(store_dir, monkeypatch):
    monkeypatch.setenv("SCKG_STORE", str(store_dir))

    def _run(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return _run


def test_json_output(sckg):
    r = sckg("query", "practices-by-sdg", "--param", "goal=http://metadata.un.org/sdg/11", "--format", "json")
    assert r.exit_code == 0, r.output
    assert {row["practice"] for row in json.loads(r.output)} == {ID + "practice/n1", ID + "practice/s1"}


def test_csv_output_with_prefixed_iri(sckg):
    r = sckg("query", "enablers-with-barrier", "-p", "barrier=id:barrier/funding", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {row["enabler"]: row["together"] for row in rows} == {ID + "enabler/leadership": "2",
                                                                ID + "enabler/partners": "2"}


def test_table_output(sckg):
    r = sckg("query", "most-cited-barriers")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["barrier", "label", "citations"]
    assert lines[-1] == "(2 rows)"
    assert "Funding" in lines[2] and lines[2].split()[-1] == "3"  # n1, s1 and the north assessment


def test_query_from_a_file(sckg, tmp_path):
    f = tmp_path / "count.rq"
    f.write_text("# title: count practices\nSELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }\n")
    r = sckg("query", str(f), "--format", "csv")
    assert r.output.splitlines() == ["n", "3"]


def test_construct_as_turtle(sckg):
    r = sckg("query", "construct-has-practice", "--format", "ttl")
    assert r.exit_code == 0, r.output
    g = Graph().parse(data=r.output, format="turtle")
    assert len(g) == 3


def test_list_prints_titles_and_parameters(sckg):
    r = sckg("query", "--list")
    assert r.exit_code == 0
    assert "practices-by-sdg: Good practices by SDG goal" in r.output
    assert "--param goal=<IRI>" in r.output


def test_unknown_name_is_one_line_and_exit_2(sckg):
    r = CliRunner().invoke(cli, ["query", "no-such-query"])
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and "no-such-query" in r.output


@pytest.mark.parametrize("args, words", [
    (["--param", "nope=1"], "no parameter nope"),
    (["--param", "goal=not an iri"], "is not an IRI"),
    (["--format", "ttl"], "CONSTRUCT"),
])
def test_bad_parameters_are_one_line_and_exit_2(sckg, args, words):
    r = CliRunner().invoke(cli, ["query", "practices-by-sdg", *args])
    assert r.exit_code == 2, r.output
    assert words in r.output and r.output.strip().count("\n") == 0


def test_export_nquads_and_turtle(sckg, tmp_path):
    out = tmp_path / "all.nq"
    assert sckg("export", str(out)).exit_code == 0
    ds = Dataset()
    ds.parse(out, format="nquads")
    assert len(ds.graph(STUDY)) > 30
    ttl = tmp_path / "study.ttl"
    assert sckg("export", "--graph", STUDY, "--format", "turtle", str(ttl)).exit_code == 0
    assert len(Graph().parse(ttl, format="turtle")) == len(ds.graph(STUDY))
    r = CliRunner().invoke(cli, ["export", "--format", "turtle", str(ttl)])
    assert r.exit_code == 2 and "--graph" in r.output

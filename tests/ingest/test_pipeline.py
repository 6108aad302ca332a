"""The whole pipeline: the default load, idempotence, re-ingests, RDF files and the two commands."""
from __future__ import annotations

import io
import shutil

import pytest
from click.testing import CliRunner

from app.cli import cli
from ingest.errors import InputError
from ingest.namespaces import GRAPHS
from ingest.pipeline import ingest_paths, load_default, validate_paths
from tests.ingest.conftest import STUDY, csv_rows

COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }"


def count(store, cls: str) -> int:
    from rdflib import URIRef
    return int(store.query(COUNT, {"class": URIRef(cls)})[0]["n"])


SCKG = "https://w3id.org/sckg/ontology#"


@pytest.mark.parametrize("cls,file", [
    (SCKG + "Practice", "practices.csv"), (SCKG + "City", "cities.csv"), (SCKG + "StudyEdition", "editions.csv"),
    (SCKG + "Barrier", "barriers.csv"), (SCKG + "Enabler", "enablers.csv"), (SCKG + "SDG", "sdgs.csv"),
    (SCKG + "LearningEvent", "events.csv"), ("http://www.w3.org/ns/org#Organization", "organisations.csv"),
    (SCKG + "Participation", "city_participation.csv"), (SCKG + "AxisLabel", "axis_labels.csv"),
    (SCKG + "EventPractice", "event_practices.csv"), (SCKG + "EventCity", "event_cities.csv"),
    (SCKG + "Collaboration", "org_collaborations.csv"),
])
def test_default_load_has_one_instance_per_row(store, cls, file):
    assert count(store, cls) == len(csv_rows(file))


def test_no_fact_is_stated_twice_across_graphs(store):
    """The union default graph counts a triple once per graph; the study graph must not repeat the vocabularies."""
    rows = store.query("""SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH <https://w3id.org/sckg/graph/study> { ?s ?p ?o }
        GRAPH <https://w3id.org/sckg/graph/vocab> { ?s ?p ?o } }""")
    assert int(rows[0]["n"]) == 0


def graph_dump(store, name):
    """The graph as a canonical rdflib graph: equal when isomorphic (blank nodes are relabelled on each load)."""
    from rdflib import Graph
    from rdflib.compare import to_isomorphic
    out = io.BytesIO()
    store.dump(out, "ntriples", name)
    return to_isomorphic(Graph().parse(data=out.getvalue(), format="nt"))


def test_load_default_is_idempotent(empty_store):
    first = load_default(empty_store, progress=False)
    dumps = {g: graph_dump(empty_store, GRAPHS[g]) for g in ("study", "ontology", "vocab")}
    second = load_default(empty_store, progress=False)
    assert {g: graph_dump(empty_store, GRAPHS[g]) for g in dumps} == dumps
    assert first.triples == second.triples == len(dumps["study"]) == empty_store.count(GRAPHS["study"])
    meta = empty_store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/sckg/graph/meta> "
                             "{ ?g a <http://www.w3.org/ns/dcat#Dataset> } }")
    assert int(meta[0]["n"]) == 3
    text = str(second)
    assert f"sckg:Practice {len(csv_rows('practices.csv'))}" in text and "not linked: IMDEC Region: no country" in text


def test_reingesting_a_changed_folder_replaces_the_study_graph(empty_store, tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(STUDY, folder)
    lines = (folder / "event_practices.csv").read_text(encoding="utf-8").splitlines()
    (folder / "event_practices.csv").write_text(lines[0] + "\n", encoding="utf-8")
    load_default(empty_store, progress=False)
    report = ingest_paths([folder], empty_store)
    assert report.loaded and report.rows["event_practices.csv"] == 0
    assert count(empty_store, SCKG + "EventPractice") == 0
    assert count(empty_store, SCKG + "Practice") == len(csv_rows("practices.csv"))


def test_rdf_files_go_to_the_named_graph(empty_store, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("<https://example.org/a> <http://purl.org/dc/terms/source> <https://example.org/src> .\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="--graph"):
        ingest_paths([ttl], empty_store)
    report = ingest_paths([ttl], empty_store, graph="https://w3id.org/sckg/graph/partner/test/extra")
    assert report.loaded
    assert empty_store.count("https://w3id.org/sckg/graph/partner/test/extra") == 1
    assert empty_store.query("ASK { GRAPH <https://w3id.org/sckg/graph/meta> { "
                             "<https://w3id.org/sckg/graph/partner/test/extra> ?p ?o } }")


def test_bad_rdf_is_reported_with_its_file(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.ttl"):
        validate_paths([bad])


def test_validate_command_accepts_the_study(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(STUDY)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_ingest_command_loads_and_refreshes_derived_data(tmp_path):
    env = {"SCKG_STORE": str(tmp_path / "store"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", str(STUDY)], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded Smart Cities Study" in result.output and "derived inferred" in result.output
    from app.store import OxigraphStore
    s = OxigraphStore(tmp_path / "store")
    try:
        assert count(s, SCKG + "Practice") == len(csv_rows("practices.csv"))
    finally:
        s.close()


def test_progress_bars_go_to_stderr_only_when_asked(capsys):
    from ingest.build import build_study, study_files
    build_study(study_files(STUDY), progress=False)
    assert capsys.readouterr().err == ""
    build_study(study_files(STUDY), progress=True)
    err = capsys.readouterr().err
    assert "link" in err and "validate" in err

"""The inferred graph of the session store (the shipped study) against what the CSV files imply, and
``sckg reason`` on a small store."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.reasoning import INFERRED
from app.store import OxigraphStore

SCKG = "https://w3id.org/sckg/ontology#"
ID = "https://w3id.org/sckg/id/"
HERE = Path(__file__).resolve().parent


def inferred_pairs(store, prop: str) -> set[tuple[str, str]]:
    rows = store.query("SELECT ?s ?o WHERE { GRAPH <" + INFERRED + "> { ?s <" + SCKG + prop + "> ?o } }")
    return {(str(r["s"]), str(r["o"])) for r in rows}


def test_practice_country_region_and_inverse_on_the_study(store, csvdata):
    practices = [p for p in csvdata.practices if p["city_id"]]
    assert inferred_pairs(store, "country") >= {
        (ID + "practice/" + p["practice_id"], csvdata.country_of(p["city_id"]))
        for p in practices if csvdata.country_of(p["city_id"])}
    assert inferred_pairs(store, "region") >= {
        (ID + "practice/" + p["practice_id"], csvdata.region_of(p["city_id"]))
        for p in practices if csvdata.region_of(p["city_id"])}
    assert inferred_pairs(store, "hasPractice") == {
        (ID + "city/" + p["city_id"], ID + "practice/" + p["practice_id"]) for p in practices}


def test_participants_and_featured_practices_on_the_study(store, csvdata):
    assert inferred_pairs(store, "hasParticipant") == {
        (ID + "edition/" + year, ID + "city/" + c) for year, cities in csvdata.participation.items() for c in cities}
    assert inferred_pairs(store, "featuredAt") == {
        (ID + "practice/" + r["practice_id"], ID + "event/" + r["event_id"])
        for r in csvdata.rows("event_practices.csv")}


def test_collaboration_is_symmetric_on_the_study(store, csvdata):
    # whichever way the study graph states a collaboration, study + inferred hold it both ways
    pairs = {(ID + "org/" + r["org_id"], ID + "org/" + r["partner_org_id"])
             for r in csvdata.rows("org_collaborations.csv")}
    rows = store.query("SELECT ?s ?o WHERE { ?s <" + SCKG + "collaboratesWith> ?o }",
                       default_graphs=["https://w3id.org/sckg/graph/study", INFERRED])
    assert {(str(r["s"]), str(r["o"])) for r in rows} == pairs | {(b, a) for a, b in pairs}


def test_every_city_is_a_schema_city(store, csvdata):
    rows = store.query("SELECT ?c WHERE { GRAPH <" + INFERRED + "> { ?c a <https://schema.org/City> } }")
    assert {str(r["c"]) for r in rows} == {ID + "city/" + c for c in csvdata.cities}


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = tmp_path / "store"
    s = OxigraphStore(path)
    s.replace_graph("https://w3id.org/sckg/graph/study", ((HERE / "data" / "entailments.ttl").read_bytes(), "turtle"))
    s.close()
    monkeypatch.setenv("SCKG_STORE", str(path))
    return path


def test_reason_command_materialises(store_dir):
    r = CliRunner().invoke(cli, ["reason", "--skip-hermit"])
    assert r.exit_code == 0, r.output
    assert f"inferred graph <{INFERRED}>" in r.output and "construct-practice-country: 2" in r.output
    s = OxigraphStore(store_dir)
    try:
        assert s.count(INFERRED) > 10
    finally:
        s.close()


@pytest.mark.skipif(__import__("shutil").which("java") is None, reason="HermiT needs Java")
def test_reason_command_refuses_an_incoherent_ontology(store_dir, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://example.org/o#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                   "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<http://example.org/o> a owl:Ontology .\n"
                   ":B a owl:Class . :C a owl:Class . :B owl:disjointWith :C . :A a owl:Class ; rdfs:subClassOf :B , :C .\n")
    r = CliRunner().invoke(cli, ["reason", "--ontology", str(bad)])
    assert r.exit_code == 1
    assert "unsatisfiable class: <http://example.org/o#A>" in r.output
    assert "axiom involved: <http://example.org/o#A>" in r.output


def test_reason_without_java_says_so_and_still_materialises(store_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no java on it
    r = CliRunner().invoke(cli, ["reason"])
    assert r.exit_code == 0, r.output
    assert "HermiT skipped: HermiT needs Java" in r.output
    assert f"inferred graph <{INFERRED}>" in r.output

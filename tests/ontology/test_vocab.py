"""The SKOS vocabularies: one scheme per file, every concept labelled in en/fr/es and in its scheme, and the
concepts match what docs/model.md and the study CSV files expect (computed from those files here)."""
from __future__ import annotations

import csv
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from tests.ontology.shapes_support import ONTOLOGY, ROOT

SCKG = "https://w3id.org/sckg/ontology#"
ID = "https://w3id.org/sckg/id/"
VOCAB = sorted((ONTOLOGY / "vocab").glob("*.ttl"))
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
STUDY = ROOT / "data" / "study"


def load(name: str) -> Graph:
    return Graph().parse(ONTOLOGY / "vocab" / f"{name}.ttl")


def rows(name: str) -> list[dict]:
    with open(STUDY / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def concepts(g: Graph) -> set:
    return set(g.subjects(RDF.type, SKOS.Concept))


@pytest.mark.parametrize("path", VOCAB, ids=lambda p: p.name)
def test_one_scheme_per_file_with_labels_in_three_languages(path):
    g = Graph().parse(path)
    schemes = list(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == [URIRef(ID + "scheme/" + path.stem)]
    assert sorted(v.language for v in g.objects(schemes[0], SKOS.prefLabel)) == ["en", "es", "fr"]


@pytest.mark.parametrize("path", VOCAB, ids=lambda p: p.name)
def test_every_concept_is_complete(path):
    g = Graph().parse(path)
    scheme = URIRef(ID + "scheme/" + path.stem)
    for c in concepts(g):
        assert (c, SKOS.inScheme, scheme) in g, c
        assert sorted(v.language for v in g.objects(c, SKOS.prefLabel)) == ["en", "es", "fr"], c
        assert g.value(c, SKOS.notation) is not None, c
        assert "en" in {v.language for v in g.objects(c, SKOS.definition)}, c
        assert len(set(g.objects(c, RDF.type)) - {SKOS.Concept}) == 1, c


def test_axes_are_the_six_of_the_model_with_its_labels():
    g = load("axes")
    found = {str(c)[len(ID + "axis/"):]: {v.language: str(v) for v in g.objects(c, SKOS.prefLabel)} for c in concepts(g)}
    # docs/model.md: "Axes carry our own `skos:prefLabel` in en/fr/es (Economy/Économie/Economía, ...)"
    text = re.search(r"in en/fr/es \((.+?)\)", MODEL, re.S).group(1)
    listed = {tuple(part.strip().split("/")) for part in text.replace("\n", " ").split(",")}
    assert len(listed) == 6
    assert set(found) == {"economy", "mobility", "environment", "people", "living", "governance"}
    assert {(f["en"], f["fr"], f["es"]) for f in found.values()} == listed
    assert {r["axis"] for r in rows("axis_labels.csv")} <= set(found)
    assert all((c, RDF.type, URIRef(SCKG + "Axis")) in g for c in concepts(g))


def test_regions_are_the_seven_of_the_model_and_cover_cities_csv():
    g = load("regions")
    slugs = {str(c)[len(ID + "region/"):] for c in concepts(g)}
    listed = re.search(r"`id:region/\{slug\}`: (.+?) \|", MODEL).group(1)
    assert slugs == set(re.findall(r"`([a-z-]+)`", listed))
    english = {str(v) for c in concepts(g) for v in g.objects(c, SKOS.prefLabel) if v.language == "en"}
    assert {r["region"] for r in rows("cities.csv")} <= english


def test_organisation_kinds_match_organisations_csv():
    g = load("org-kinds")
    notations = {str(g.value(c, SKOS.notation)) for c in concepts(g)}
    assert notations == {r["kind"] for r in rows("organisations.csv")}
    assert {str(c) for c in concepts(g)} == {ID + "org-kind/" + n for n in notations}


def test_sdgs_are_the_seventeen_goals_of_sdgs_csv():
    g = load("sdgs")
    expected = {URIRef(r["iri"]): (int(r["number"]), r["short_title"]) for r in rows("sdgs.csv")}
    assert concepts(g) == set(expected)
    for iri, (number, title) in expected.items():
        assert g.value(iri, SKOS.notation) == Literal(number, datatype=XSD.integer)
        assert Literal(title, lang="en") in set(g.objects(iri, SKOS.prefLabel))
        assert (iri, RDF.type, URIRef(SCKG + "SDG")) in g


@pytest.mark.parametrize("name", ["barriers", "enablers"])
def test_barrier_and_enabler_files_hold_only_their_scheme(name):
    g = load(name)
    assert concepts(g) == set()
    assert set(g.subjects()) == {URIRef(ID + "scheme/" + name)}

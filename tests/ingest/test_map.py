"""Mapping: every file and column of data/study becomes the triples docs/model.md describes."""
from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ingest.errors import InputProblems
from ingest.map import map_study
from ingest.namespaces import DEFAULT_BASE, SCHEMA, SCKG
from ingest.read import Record, read_csv
from ingest.study import SPECS
from tests.ingest.conftest import STUDY, csv_rows

ID = DEFAULT_BASE


@pytest.fixture(scope="module")
def tables():
    return {name: read_csv(STUDY / name, spec) for name, spec in SPECS.items() if (STUDY / name).is_file()}


@pytest.fixture(scope="module")
def mapped(tables):
    return map_study(tables)


def test_every_study_file_and_column_is_in_the_mapping_spec():
    for path in STUDY.glob("*.csv"):
        assert path.name in SPECS, f"{path.name} has no mapping spec"
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == SPECS[path.name].names, path.name
    assert {p.name for p in STUDY.glob("*.csv")} == set(SPECS)


def _blank(tables, name, column):
    out = dict(tables)
    out[name] = [dataclasses.replace(r, values={**r.values, column: ""}) for r in tables[name]]
    return out


def test_no_column_is_dropped_silently(tables, mapped):
    """Blanking any optional column that has data changes the graph; required ones appear in it."""
    graph, _ = mapped
    terms = {str(t) for triple in graph for t in triple}
    for name, spec in SPECS.items():
        for col in spec.columns:
            values = [r[col.name] for r in tables.get(name, []) if r[col.name]]
            if not values:
                continue
            if col.required:
                assert any(v in t for t in terms for v in values[:1]), f"{name}:{col.name} not in the graph"
            else:
                blanked, _ = map_study(_blank(tables, name, col.name))
                assert set(graph) != set(blanked), f"{name}:{col.name} is not mapped"


def test_one_practice_per_row_with_its_columns(mapped):
    graph, origins = mapped
    rows = csv_rows("practices.csv")
    assert len(set(graph.subjects(RDF.type, SCKG.Practice))) == len(rows)
    for line, row in enumerate(rows, start=2):
        p = URIRef(f"{ID}practice/{row['practice_id']}")
        assert (p, DCTERMS.title, Literal(row["title"], lang="en")) in graph
        assert (p, RDFS.label, Literal(row["title"], lang="en")) in graph
        assert (p, DCTERMS.identifier, Literal(row["practice_id"])) in graph
        assert (p, SCKG.city, URIRef(f"{ID}city/{row['city_id']}")) in graph
        assert (p, DCTERMS.source, URIRef(row["source_url"])) in graph
        assert set(graph.objects(p, SCKG.enabler)) == {URIRef(f"{ID}enabler/{e}") for e in row["enablers"].split(";")
                                                       if e}
        assert set(graph.objects(p, SCKG.partner)) == {URIRef(f"{ID}org/{e}") for e in row["partners"].split(";") if e}
        if row["edition"]:
            assert (p, SCKG.edition, URIRef(f"{ID}edition/{row['edition']}")) in graph
        if row["start_year"]:
            assert (p, SCKG.startYear, Literal(row["start_year"], datatype=XSD.gYear)) in graph
        if row["website"]:
            assert (p, FOAF.homepage, URIRef(row["website"])) in graph
        assert origins.rows[p] == ("practices.csv", line)


def test_class_counts_follow_the_rows(mapped):
    graph, _ = mapped
    counts = Counter(graph.objects(None, RDF.type))
    for cls, name in [(SCKG.City, "cities.csv"), (SCKG.StudyEdition, "editions.csv"), (SCKG.Barrier, "barriers.csv"),
                      (SCKG.Enabler, "enablers.csv"), (SCKG.LearningEvent, "events.csv"), (SCKG.SDG, "sdgs.csv"),
                      (SCKG.AxisLabel, "axis_labels.csv"), (SCKG.Participation, "city_participation.csv"),
                      (SCKG.EventPractice, "event_practices.csv"), (SCKG.EventCity, "event_cities.csv"),
                      (SCKG.Collaboration, "org_collaborations.csv"),
                      (URIRef("http://www.w3.org/ns/org#Organization"), "organisations.csv")]:
        assert counts[cls] == len(csv_rows(name)), name
    countries = {r["country_iso2"] for r in csv_rows("cities.csv") + csv_rows("events.csv") if r["country_iso2"]}
    assert counts[SCHEMA.Country] == len(countries)
    assessments = {(r["city_id"], r["edition"]) for r in csv_rows("city_barriers.csv") + csv_rows("city_enablers.csv")}
    assert counts[SCKG.Assessment] == len(assessments)


def test_repeated_collaborations_get_a_numbered_suffix(mapped):
    graph, _ = mapped
    keys = Counter((r["org_id"], r["partner_org_id"], r["year"]) for r in csv_rows("org_collaborations.csv"))
    (a, b, y), n = keys.most_common(1)[0]
    assert n > 1
    assert (URIRef(f"{ID}collaboration/{a}--{b}--{y}-2"), RDF.type, SCKG.Collaboration) in graph
    assert (URIRef(f"{ID}org/{a}"), SCKG.collaboratesWith, URIRef(f"{ID}org/{b}")) in graph
    assert (URIRef(f"{ID}org/{b}"), SCKG.collaboratesWith, URIRef(f"{ID}org/{a}")) in graph


def test_event_dates_keep_their_precision(mapped):
    graph, _ = mapped
    for r in csv_rows("events.csv"):
        e = URIRef(f"{ID}event/{r['event_id']}")
        for col, prop in (("start_date", SCHEMA.startDate), ("end_date", SCHEMA.endDate)):
            v = r[col]
            want = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(v))
            assert [o.datatype for o in graph.objects(e, prop)] == ([want] if v else [])


def test_axis_labels_and_sdgs(mapped):
    graph, _ = mapped
    for n, r in enumerate(csv_rows("axis_labels.csv"), start=1):
        s = URIRef(f"{ID}axis-label/{r['edition']}-{r['language']}-{n}")
        label = Literal(r["original_label"], lang=r["language"])
        assert (s, RDFS.label, label) in graph
        assert (URIRef(f"{ID}axis/{r['axis']}"), SKOS.altLabel, label) in graph
    for r in csv_rows("sdgs.csv"):
        s = URIRef(r["iri"])
        assert (s, SKOS.notation, Literal(int(r["number"]), datatype=XSD.integer)) in graph
        assert {o.language for o in graph.objects(s, SKOS.prefLabel)} == {"en", "fr", "es"}


def test_assessment_template_row():
    rec = Record("assessments.csv", 2, {"city_id": "bilbao", "edition": "2023", "axis": "governance",
                                        "situation": "Open data is published.", "opportunities": "Reuse.",
                                        "barriers": "", "enablers": "political-leadership",
                                        "source_url": "https://example.org/a"})
    tables = {"cities.csv": [Record("cities.csv", 2, {"city_id": "bilbao", "name": "Bilbao", "country_iso2": "ES",
                                                      "country_name": "Spain", "region": "", "population": "",
                                                      "population_year": "", "editions": "",
                                                      "population_source_url": "", "source_url": "https://e.org"})],
              "editions.csv": [Record("editions.csv", 2, {"year": "2023", "title": "S", "theme": "",
                                                          "number_of_cities": "", "number_of_countries": "",
                                                          "source_url": "https://e.org"})],
              "enablers.csv": [Record("enablers.csv", 2, {"id": "political-leadership", "label": "P",
                                                          "definition": "", "source_url": "https://e.org"})],
              "assessments.csv": [rec]}
    graph, _ = map_study(tables)
    a = URIRef(f"{ID}assessment/bilbao-2023-governance")
    assert (a, RDF.type, SCKG.Assessment) in graph
    assert (a, SCKG.axis, URIRef(f"{ID}axis/governance")) in graph
    assert (a, SCKG.situation, Literal("Open data is published.", lang="en")) in graph
    assert (a, SCKG.opportunities, Literal("Reuse.", lang="en")) in graph
    assert (a, SCKG.reportsEnabler, URIRef(f"{ID}enabler/political-leadership")) in graph


def test_unknown_reference_names_file_row_column(tables):
    broken = dict(tables)
    first = tables["practices.csv"][0]
    broken["practices.csv"] = [dataclasses.replace(first, values={**first.values, "partners": "uclg;nobody"})]
    with pytest.raises(InputProblems) as e:
        map_study(broken)
    (p,) = [p for p in e.value.problems if p.file == "practices.csv"]
    assert (p.line, p.column, p.rule) == (first.line, "partners", "unknown-reference")
    assert "'nobody' is not in organisations.csv" in p.message


def test_base_iri_is_configurable(tables):
    graph, _ = map_study(tables, "http://example.org/kg/")
    assert (URIRef("http://example.org/kg/city/bilbao"), RDF.type, SCKG.City) in graph
    assert not any(str(s).startswith(ID) for s in graph.subjects())


def test_cited_concepts_missing_from_the_vocabularies_get_a_minimal_description():
    from rdflib import Graph

    from ingest.concepts import complete_concepts
    data = Graph()
    city, region = URIRef(f"{ID}city/x"), URIRef(f"{ID}region/latin-america")
    axis = URIRef(f"{ID}axis/people")
    data.add((city, SCKG.region, region))
    data.add((URIRef(f"{ID}practice/p"), SCKG.axis, axis))
    out, warnings = complete_concepts(data, Graph(), ID)
    assert (region, RDF.type, SCKG.Region) in out
    assert (region, SKOS.prefLabel, Literal("Latin America", lang="en")) in out
    assert (axis, SKOS.prefLabel, Literal("Ciudadanía", lang="es")) in out
    assert (axis, SKOS.inScheme, URIRef(f"{ID}scheme/axes")) in out
    assert [w.rule for w in warnings] == ["missing-concept", "missing-concept"]
    vocab = Graph()
    vocab.add((region, RDF.type, SCKG.Region))
    vocab.add((axis, RDF.type, SCKG.Axis))
    out, warnings = complete_concepts(data, vocab, ID)
    assert len(out) == 0 and warnings == []

"""The report queries for 2012 and 2021 (and every edition) against answers computed from the CSV files."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from rdflib import URIRef

from tests.queries.study_csv import iri, split

EDITIONS = ["2012", "2017", "2019", "2021", "2023"]


@pytest.mark.parametrize("year", EDITIONS)
def test_summary(ask, csvdata, year):
    cities = csvdata.participation.get(year, set())
    edition = next(r for r in csvdata.rows("editions.csv") if r["year"] == year)
    [row] = ask("report-summary", edition=iri("edition", year))
    assert int(row["cities"]) == len(cities)
    assert int(row["countries"]) == len({csvdata.country_of(c) for c in cities} - {None})
    assert int(row["practices"]) == sum(p["edition"] == year for p in csvdata.practices)
    assert row.get("statedCities", "") == edition["number_of_cities"]


@pytest.mark.parametrize("year", EDITIONS)
def test_previous_edition(ask, csvdata, year):
    rows = ask("report-previous-edition", edition=iri("edition", year))
    prev = csvdata.previous_edition(year)
    assert [r["previousYear"] for r in rows] == ([prev] if prev else [])


@pytest.mark.parametrize("year", EDITIONS)
def test_participating_cities_and_regions(ask, csvdata, year):
    cities = csvdata.participation.get(year, set())
    rows = ask("report-participating-cities", edition=iri("edition", year))
    assert {r["city"] for r in rows} == {iri("city", c) for c in cities}
    by_region = defaultdict(set)
    countries = defaultdict(set)
    for c in cities:
        by_region[csvdata.region_of(c) or ""].add(c)
        if csvdata.country_of(c):
            countries[csvdata.region_of(c) or ""].add(csvdata.country_of(c))
    rows = ask("report-cities-by-region", edition=iri("edition", year))
    assert {r.get("region", ""): (int(r["cities"]), int(r["countries"])) for r in rows} == \
        {r: (len(c), len(countries[r])) for r, c in by_region.items()}


@pytest.mark.parametrize("year", EDITIONS)
def test_practices_per_axis(ask, csvdata, year):
    expected = Counter(iri("axis", p["axis"]) if p["axis"] else "" for p in csvdata.practices if p["edition"] == year)
    rows = ask("report-practices-by-axis", edition=iri("edition", year))
    assert {r.get("axis", ""): int(r["practices"]) for r in rows} == dict(expected)


@pytest.mark.parametrize("year", EDITIONS)
def test_most_cited(ask, csvdata, year):
    for kind in ("barrier", "enabler"):
        expected = {iri(kind, k): n for k, n in csvdata.citations(kind, year).items()}
        rows = ask(f"report-top-{kind}s", edition=iri("edition", year))
        assert {r[kind]: int(r["citations"]) for r in rows} == expected
        rows = ask(f"report-{kind}s-by-axis-region", edition=iri("edition", year))
        total = Counter()
        for r in rows:
            total[r[kind]] += int(r["citations"])
        assert dict(total) == expected  # one axis and one region per citing practice or assessment here


@pytest.mark.parametrize("year", EDITIONS)
def test_axis_sdg_matrix(ask, csvdata, store, year):
    expected = Counter((iri("axis", p["axis"]), f"http://metadata.un.org/sdg/{g}")
                       for p in csvdata.practices if p["edition"] == year and p["axis"] for g in split(p["sdgs"]))
    rows = ask("report-axis-sdg-matrix", edition=iri("edition", year))
    assert {(r["axis"], r["goal"]): int(r["practices"]) for r in rows if int(r["practices"])} == dict(expected)
    # the goals suggested from the practices' topics are counted apart (sckg:suggestedSDG, app.topics)
    suggested = ask_suggested(store, year)
    assert {(r["axis"], r["goal"]): int(r["suggestedPractices"]) for r in rows
            if int(r["suggestedPractices"])} == suggested


@pytest.mark.parametrize("year", EDITIONS)
def test_new_cities_and_axis_change(ask, csvdata, year):
    prev = csvdata.previous_edition(year)
    now = csvdata.participation.get(year, set())
    before = csvdata.participation.get(prev, set()) if prev else set()
    rows = ask("report-new-cities", edition=iri("edition", year))
    assert {r["city"] for r in rows} == ({iri("city", c) for c in now - before} if prev else set())
    rows = ask("report-axis-change", edition=iri("edition", year))
    if prev is None:
        assert rows == []
        return
    count_now = Counter(p["axis"] for p in csvdata.practices if p["edition"] == year and p["axis"])
    count_before = Counter(p["axis"] for p in csvdata.practices if p["edition"] == prev and p["axis"])
    axes = ["economy", "mobility", "environment", "people", "living", "governance"]
    assert {r["axis"]: (int(r["current"]), int(r["previousPractices"]), int(r["change"])) for r in rows} == \
        {iri("axis", a): (count_now[a], count_before[a], count_now[a] - count_before[a]) for a in axes}


@pytest.mark.parametrize("year", EDITIONS)
def test_transferable_practices_for_participants(ask, csvdata, year):
    expected = set()
    for city in csvdata.participation.get(year, set()):
        barriers = {b for p in csvdata.practices if p["city_id"] == city and p["edition"] == year
                    for b in split(p["barriers"])}
        barriers |= {b for (c, e, _a), f in csvdata.assessments.items() if c == city and e == year
                     for b in f["barriers"]}
        expected |= {(iri("city", city), iri("practice", p["practice_id"])) for p in csvdata.practices
                     if p["city_id"] != city and set(split(p["barriers"])) & barriers}
    rows = ask("report-transferable-practices", edition=iri("edition", year))
    assert {(r["city"], r["practice"]) for r in rows} == expected



def ask_suggested(store, year: str) -> dict:
    """(axis, goal) → practices of the edition for which the goal is suggested, from the suggestions themselves."""
    rows = store.query("""PREFIX sckg: <https://w3id.org/sckg/ontology#>
        SELECT ?p ?axis ?goal WHERE { ?p a sckg:Practice ; sckg:edition ?e ; sckg:axis ?axis ;
          sckg:suggestedSDG ?goal }""", {"e": URIRef(iri("edition", year))})
    return dict(Counter((str(r["axis"]), str(r["goal"])) for r in rows))


def test_the_2012_matrix_shows_the_goals_suggested_for_its_education_practices(ask):
    rows = ask("report-axis-sdg-matrix", edition=iri("edition", "2012"))
    people4 = [r for r in rows if r["axis"] == iri("axis", "people") and r["goal"] == "http://metadata.un.org/sdg/4"]
    assert people4 and int(people4[0]["suggestedPractices"]) >= 5 and int(people4[0]["practices"]) == 0

"""Each competency question's answer on the study store equals the answer computed from the CSV files."""
from __future__ import annotations

from collections import Counter, defaultdict

from tests.queries.study_csv import iri, split

BILBAO = iri("city", "bilbao")


def test_practices_by_axis_and_region(ask, csvdata):
    expected = Counter((iri("axis", p["axis"]), csvdata.region_of(p["city_id"]))
                       for p in csvdata.practices if p["axis"] and csvdata.region_of(p["city_id"]))
    got = {(r["axis"], r["region"]): int(r["practices"]) for r in ask("practices-by-axis-and-region")}
    assert got == dict(expected)


def test_cities_sharing_a_barrier(ask, csvdata):
    cities = defaultdict(set)
    for p in csvdata.practices:
        for b in split(p["barriers"]):
            cities[b].add(p["city_id"])
    for (city, _ed, _axis), found in csvdata.assessments.items():
        for b in found["barriers"]:
            cities[b].add(city)
    expected = {iri("barrier", b): len(c) for b, c in cities.items() if len(c) >= 2}
    assert {r["barrier"]: int(r["cities"]) for r in ask("cities-sharing-a-barrier")} == expected


def test_enablers_with_barrier(ask, csvdata, named):
    barrier = named["enablers-with-barrier"].param("barrier").default.rsplit("/", 1)[1]
    together = Counter()
    for p in csvdata.practices:
        if barrier in split(p["barriers"]):
            together.update(set(split(p["enablers"])))
    for found in csvdata.assessments.values():
        if barrier in found["barriers"]:
            together.update(found["enablers"])
    expected = {iri("enabler", e): n for e, n in together.items()}
    assert {r["enabler"]: int(r["together"]) for r in ask("enablers-with-barrier")} == expected


def test_practices_by_sdg(ask, csvdata):
    for goal in ("11", "4", "9"):
        expected = {iri("practice", p["practice_id"]) for p in csvdata.practices if goal in split(p["sdgs"])}
        rows = ask("practices-by-sdg", goal=f"http://metadata.un.org/sdg/{goal}")
        assert {r["practice"] for r in rows} == expected


def test_city_participation(ask, csvdata):
    for city in ("bilbao", "barcelona", "lappeenranta"):
        years = {y for y, cities in csvdata.participation.items() if city in cities}
        practices = Counter(p["edition"] for p in csvdata.practices if p["city_id"] == city and p["edition"])
        rows = ask("city-participation", city=iri("city", city))
        assert {r["year"]: int(r["practices"]) for r in rows} == {y: practices.get(y, 0) for y in years}
        assert [r["year"] for r in rows] == sorted(years)


def test_organisation_involvement(ask, csvdata):
    practices, events = Counter(), Counter()
    for p in csvdata.practices:
        practices.update(set(split(p["partners"])))
    for e in csvdata.rows("events.csv"):
        events.update(set(split(e["organisers"])))
    expected = {iri("org", o): (practices[o], events[o]) for o in set(practices) | set(events)}
    got = {r["org"]: (int(r["practices"]), int(r["events"])) for r in ask("organisation-involvement")}
    assert got == expected


def test_learning_meetings(ask, csvdata):
    cities, practices = defaultdict(set), defaultdict(set)
    for r in csvdata.rows("event_cities.csv"):
        cities[r["event_id"]].add(r["city_id"])
    for r in csvdata.rows("event_practices.csv"):
        practices[r["event_id"]].add(r["practice_id"])
    expected = {iri("event", e["event_id"]): (len(cities[e["event_id"]]), len(practices[e["event_id"]]))
                for e in csvdata.rows("events.csv")}
    got = {r["event"]: (int(r["cities"]), int(r["practices"])) for r in ask("learning-meetings")}
    assert got == expected


def test_event_practices_and_participants(ask, csvdata):
    for event in {r["event_id"] for r in csvdata.rows("event_practices.csv")}:
        expected = {(iri("practice", r["practice_id"]), r["relation"])
                    for r in csvdata.rows("event_practices.csv") if r["event_id"] == event}
        rows = ask("event-practices", event=iri("event", event))
        assert {(r["practice"], r.get("relation")) for r in rows} == expected
    for event in {r["event_id"] for r in csvdata.rows("event_cities.csv")}:
        expected = {iri("city", r["city_id"]) for r in csvdata.rows("event_cities.csv") if r["event_id"] == event}
        assert {r["city"] for r in ask("event-participants", event=iri("event", event))} == expected


def test_cities_by_edition_and_region(ask, csvdata):
    expected = Counter()
    for year, cities in csvdata.participation.items():
        for c in cities:
            expected[(year, csvdata.region_of(c) or "")] += 1
    got = {(r["year"], r.get("region", "")): int(r["cities"]) for r in ask("cities-by-edition-and-region")}
    assert got == dict(expected)


def test_collaborations_by_year(ask, csvdata):
    org = "uclg-digital-cities"
    expected = set()
    for r in csvdata.rows("org_collaborations.csv"):
        if r["org_id"] == org:
            expected.add((r["year"], iri("org", r["partner_org_id"])))
        if r["partner_org_id"] == org:
            expected.add((r["year"], iri("org", r["org_id"])))
    assert {(r["year"], r["partner"]) for r in ask("collaborations-by-year")} == expected
    wego = {(r["year"], r["partner"]) for r in ask("collaborations-by-year", org=iri("org", "wego"))}
    assert (("2016", iri("org", "uclg-digital-cities")) in wego) and ("2016", iri("org", "krihs")) in wego


def test_practices_by_edition_and_axis(ask, csvdata):
    expected = Counter((p["edition"], iri("axis", p["axis"]) if p["axis"] else "")
                       for p in csvdata.practices if p["edition"])
    got = {(r["year"], r.get("axis", "")): int(r["practices"]) for r in ask("practices-by-edition-and-axis")}
    assert got == dict(expected)


def test_events_per_city(ask, csvdata):
    events = defaultdict(set)
    for r in csvdata.rows("event_cities.csv"):
        events[r["city_id"]].add(r["event_id"])
    expected = {iri("city", c): len(e) for c, e in events.items()}
    assert {r["city"]: int(r["events"]) for r in ask("events-per-city")} == expected


def test_most_cited_barriers_and_enablers(ask, csvdata):
    for kind, file in (("barrier", "barriers.csv"), ("enabler", "enablers.csv")):
        cited = csvdata.citations(kind)
        expected = {iri(kind, r["id"]): cited.get(r["id"], 0) for r in csvdata.rows(file)}
        rows = ask(f"most-cited-{kind}s")
        assert {r[kind]: int(r["citations"]) for r in rows} == expected
        counts = [int(r["citations"]) for r in rows]
        assert counts == sorted(counts, reverse=True)


def test_assessments_by_city(ask, csvdata):
    labels = csvdata.labels("enablers.csv")
    for city in ("bilbao", "montevideo"):
        expected = {(ed, axis): {labels[e] for e in found["enablers"]}
                    for (c, ed, axis), found in csvdata.assessments.items() if c == city}
        rows = ask("assessments-by-city", city=iri("city", city))
        got = {(r["year"], r.get("axis", "").rsplit("/", 1)[-1]): set(split(r.get("enablers", "").replace("; ", ";")))
               for r in rows}
        assert got == expected


def test_transferable_practices(ask, csvdata):
    for city in ("bilbao", "taipei"):
        barriers = {b for p in csvdata.practices if p["city_id"] == city for b in split(p["barriers"])}
        barriers |= {b for (c, _e, _a), f in csvdata.assessments.items() if c == city for b in f["barriers"]}
        expected = {(iri("barrier", b), iri("practice", p["practice_id"])) for p in csvdata.practices
                    for b in split(p["barriers"]) if b in barriers and p["city_id"] != city}
        rows = ask("transferable-practices", city=iri("city", city))
        assert {(r["barrier"], r["practice"]) for r in rows} == expected


def test_study_editions(ask, csvdata):
    expected = {r["year"]: (len(csvdata.participation.get(r["year"], ())),
                            sum(p["edition"] == r["year"] for p in csvdata.practices), r["number_of_cities"])
                for r in csvdata.rows("editions.csv")}
    rows = ask("study-editions")
    assert {r["year"]: (int(r["cities"]), int(r["practices"]), r.get("statedCities", "")) for r in rows} == expected
    assert [r["year"] for r in rows] == sorted(expected)


def test_class_examples(ask, csvdata):
    rows = ask("class-examples", **{"class": "https://w3id.org/sckg/ontology#City"})
    assert len(rows) == 3 and len({r["instance"] for r in rows}) == 3
    for r in rows:  # three cities of the CSV, each with its name
        slug = r["instance"].rsplit("/", 1)[1]
        assert r["instance"] == iri("city", slug) and slug in csvdata.cities
        assert r["label"] == csvdata.cities[slug]["name"]

"""Placing cities by hand: latitude, longitude, geonames_id and wikidata_qid in cities.csv override the link
step; two cities on one GeoNames place get a warning naming both; unplaced cities are listed with a fix."""
from __future__ import annotations

import csv
import shutil

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, XSD

from ingest.build import build_study, study_files
from ingest.namespaces import GEO, WIKIDATA
from ingest.read import parse_csv
from ingest.study import SPECS
from tests.ingest.conftest import STUDY

CITY = "https://w3id.org/sckg/id/city/"
PLACE = ["latitude", "longitude", "geonames_id", "wikidata_qid"]


def study_with(tmp_path, *cities: dict):
    """A copy of the shipped study whose cities.csv has the place columns and the extra ``cities``."""
    folder = tmp_path / "study"
    shutil.copytree(STUDY, folder)
    with open(STUDY / "cities.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0]) + [c for c in PLACE if c not in rows[0]]
    with open(folder / "cities.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        for r in rows:
            w.writerow({**dict.fromkeys(header, ""), **r})
        for extra in cities:
            w.writerow({**dict.fromkeys(header, ""), "source_url": "https://example.org/city", "region": "Europe",
                        **extra})
    return folder, len(rows) + 2  # the folder, the line of the first extra city (header = line 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder, first = study_with(
        tmp_path_factory.mktemp("place"),
        {"city_id": "bizkaia", "name": "Bilbao", "country_iso2": "ES"},
        {"city_id": "metro-region", "name": "Metropolitan Region of Nowhere", "country_iso2": "ES",
         "latitude": "40.5", "longitude": "-3.7", "wikidata_qid": "Q8692"},
        {"city_id": "villa-de-madrid", "name": "Villa de Madrid", "country_iso2": "ES", "geonames_id": "3117735"},
        {"city_id": "somewhere", "name": "Somewhere District", "country_iso2": "ES"},
    )
    graph, report = build_study(study_files(folder))
    return graph, report, first


def test_latitude_and_longitude_place_a_city_that_geonames_does_not_know(built):
    graph, report, _ = built
    city = URIRef(CITY + "metro-region")
    assert list(graph.objects(city, GEO.lat)) == [Literal("40.5", datatype=XSD.decimal)]
    assert list(graph.objects(city, GEO.long)) == [Literal("-3.7", datatype=XSD.decimal)]
    assert (city, OWL.sameAs, WIKIDATA["Q8692"]) in graph
    assert report.conforms
    assert "Metropolitan Region of Nowhere: no GeoNames city with that name in ES (placed by its latitude and " \
           "longitude)" in report.unlinked
    assert not any("metro-region" in u for u in report.unplaced)


def test_a_geonames_id_wins_over_the_name_and_brings_the_coordinates(built):
    graph, _report, _ = built
    city = URIRef(CITY + "villa-de-madrid")
    assert list(graph.objects(city, OWL.sameAs)) == [URIRef("https://sws.geonames.org/3117735/")]
    assert 40 < float(graph.value(city, GEO.lat)) < 41


def test_two_cities_on_one_geonames_place_get_a_warning_naming_both(built):
    _graph, report, first = built
    (p,) = [p for p in report.warnings if p.rule == "duplicate-geonames"]
    assert (p.file, p.line, p.column) == ("cities.csv", first, "geonames_id")
    assert "Bilbao (bizkaia) and Bilbao (bilbao, line 2)" in p.message
    assert "https://sws.geonames.org/3128026/" in p.message
    assert str(p).startswith(f"cities.csv:{first}:geonames_id: warning: ")


def test_a_city_that_cannot_be_placed_is_listed_with_what_to_fill_in(built):
    _graph, report, first = built
    (line,) = [u for u in report.unplaced if "somewhere" in u]
    assert line.startswith(f"Somewhere District (somewhere, cities.csv:{first + 3}): ")
    assert "fill latitude and longitude" in line and "geonames_id" in line
    assert f"not placed: {line}" in str(report)


def test_the_shipped_cities_stay_valid_without_the_place_columns():
    assert {"latitude", "longitude", "geonames_id", "wikidata_qid"} <= set(SPECS["cities.csv"].names)
    assert not set(PLACE) & set(SPECS["cities.csv"].header_columns)


def cities_row(**cells) -> bytes:
    spec = SPECS["cities.csv"]
    values = {**dict.fromkeys(spec.names, ""), "city_id": "x", "name": "X", "source_url": "https://example.org/"}
    values.update(cells)
    return (",".join(spec.names) + "\n" + ",".join(f'"{values[n]}"' for n in spec.names) + "\n").encode()


@pytest.mark.parametrize("cells, column, rule, words", [
    ({"latitude": "41,38", "longitude": "2.1"}, "latitude", "number-format", "decimal point, not a comma: 41.38"),
    ({"latitude": "41.3", "longitude": "200"}, "longitude", "number-format", "between -180 and 180"),
    ({"latitude": "41°N", "longitude": "2.1"}, "latitude", "number-format", "decimal degrees"),
    ({"latitude": "41.3"}, "longitude", "coordinates-pair", "latitude is filled, so longitude is needed"),
    ({"geonames_id": "https://www.geonames.org/3128026/"}, "geonames_id", "number-format", "only the number"),
    ({"wikidata_qid": "8692"}, "wikidata_qid", "number-format", "Q and digits"),
])
def test_bad_place_cells_name_file_row_column_and_why(cells, column, rule, words):
    _records, problems = parse_csv("cities.csv", cities_row(**cells), SPECS["cities.csv"])
    (p,) = problems
    assert (p.file, p.line, p.column, p.rule) == ("cities.csv", 2, column, rule)
    assert words in p.message

"""Partner places match by GeoNames identity first, then by name; country codes are checked (ISO 3166
alpha-2 and alpha-3, numeric M49 converted, anything else refused with file, row and column)."""
from __future__ import annotations

import json

import pytest

from ingest.errors import InputError
from ingest.partners.codes import country_code, geonames_iri
from ingest.partners.pipeline import run_partner
from ingest.partners.reconcile import City, Reconciler
from ingest.partners.records import Place
from tests.partners.conftest import ROOT, load_cities

GUATEMALA = "https://sws.geonames.org/3598132/"
MAPPING = ROOT / "data" / "partners" / "geonames" / "city-population.mapping.json"
CSV = (ROOT / "data" / "partners" / "geonames" / "city-population.csv").read_text(encoding="utf-8")


def reconciler(*cities: City) -> Reconciler:
    return Reconciler(list(cities), [], lambda key: f"https://w3id.org/sckg/id/place/test/{key}")


def test_a_place_named_otherwise_matches_the_city_with_its_geonames_id():
    city = City("https://w3id.org/sckg/id/city/guatemala-city", "Guatemala", "GT", {"guatemala"},
                geonames={GUATEMALA})
    m = reconciler(city).match(Place("gt-x", "Ciudad de Guatemala (Guatemala City)", None, "Guatemala", "GT", 2))
    assert (m.status, m.link, m.city.iri) == ("matched", "sameAs", city.iri)
    assert GUATEMALA in m.reason


def test_the_places_own_geonames_id_wins_over_its_name():
    city = City("https://w3id.org/sckg/id/city/guatemala-city", "Guatemala", "GT", {"guatemala"},
                geonames={GUATEMALA})
    place = Place("gt-y", "Municipalidad Capital", None, None, "GT", 3, geonames=GUATEMALA)
    m = reconciler(city).match(place)
    assert m.status == "matched" and "own GeoNames id" in m.reason


def test_without_a_geonames_identity_the_name_still_matches():
    city = City("https://w3id.org/sckg/id/city/valencia", "Valencia", "ES", {"valencia"})
    m = reconciler(city).match(Place("es-v", "Valencia", None, None, "ES", 2))
    assert m.status == "matched" and m.city.iri == city.iri


@pytest.mark.parametrize("value, code, note", [
    ("ES", "ES", None), ("es", "ES", None), ("ESP", "ES", "ESP → ES"), ("724", "ES", "M49 724 → ES"),
    ("4", "AF", "M49 004 → AF"), ("724.0", "ES", "M49 724 → ES"),
])
def test_country_codes_alpha2_alpha3_and_m49(value, code, note):
    assert country_code(value) == (code, note)


@pytest.mark.parametrize("value, words", [
    ("419", "not the M49 code of a country"), ("XX", "not an ISO 3166-1 alpha-2"),
    ("XXX", "not an ISO 3166-1 alpha-3"), ("Spain", "role 'country'"),
])
def test_other_country_codes_are_refused_with_the_reason(value, words):
    with pytest.raises(ValueError, match=words):
        country_code(value)


def test_geonames_ids_as_numbers_or_addresses():
    assert geonames_iri(3598132) == GUATEMALA
    assert geonames_iri("https://www.geonames.org/3598132/guatemala-city.html") == GUATEMALA
    with pytest.raises(ValueError):
        geonames_iri("Guatemala")


def partner_with_codes(tmp_path, codes: dict[str, str]):
    """The GeoNames population mapping over its CSV with some country codes replaced."""
    lines = CSV.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[2] = codes.get(cells[2], cells[2])
        out.append(",".join(cells))
    source = tmp_path / "city-population.csv"
    source.write_text("\n".join(out) + "\n", encoding="utf-8")
    doc = json.loads(MAPPING.read_text(encoding="utf-8"))
    doc["url"] = str(source)
    mapping = tmp_path / "city-population.mapping.json"
    mapping.write_text(json.dumps(doc), encoding="utf-8")
    return mapping


def test_m49_codes_in_a_country_code_column_are_converted_with_a_warning(tmp_path, empty_store):
    load_cities(empty_store)
    report = run_partner(partner_with_codes(tmp_path, {"ES": "724", "PT": "620"}), empty_store, progress=False)
    matched = {m["name"] for m in report.by_status("matched")}
    assert {"Bilbao", "Lisbon"} <= matched
    assert any("numeric M49" in w and "724 → ES" in w for w in report.warnings)


def test_an_m49_region_code_is_refused_naming_file_row_and_column(tmp_path, empty_store):
    load_cities(empty_store)
    with pytest.raises(InputError) as e:
        run_partner(partner_with_codes(tmp_path, {"PT": "419"}), empty_store, progress=False)
    assert e.value.line == 3 and e.value.column == "country_code"
    assert "not the M49 code of a country" in e.value.message

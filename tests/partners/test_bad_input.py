"""Bad partner input: each gives a clear error or a reported warning, and never half-writes a graph."""
from __future__ import annotations

import pytest

from ingest.errors import InputError, UndeclaredFormat
from ingest.namespaces import GRAPHS, partner_graph
from ingest.partners.pipeline import linkset_graph, run_partner
from tests.partners.conftest import MAPPING, load_cities
from tests.partners.workbooks import HEADER, ROWS, observations_in, write_workbook

G = partner_graph("un-habitat", "green-areas")


@pytest.fixture
def loaded(cities_store, tmp_path):
    """A store with a first good load, and the counts every failed load must leave as they are."""
    run_partner(MAPPING, cities_store, source=write_workbook(tmp_path / "good.xlsx"), progress=False)

    def counts():
        return tuple(cities_store.count(g) for g in (G, linkset_graph("un-habitat", "green-areas"), GRAPHS["meta"]))
    before = counts()
    assert before[0] > 0
    yield cities_store, tmp_path
    assert counts() == before, "a failed load changed the store"


def _fails(store, src, error=InputError):
    with pytest.raises(error) as e:
        run_partner(MAPPING, store, source=src, progress=False)
    return e.value


def test_renamed_column_names_the_column_and_the_likely_new_title(loaded):
    store, tmp = loaded
    header = list(HEADER)
    header[2] = "City Name (English)"
    err = _fails(store, write_workbook(tmp / "renamed.xlsx", header=header))
    assert "'City Name'" in err.message and "City Name (English)" in err.message
    assert err.line == 1 and "bad.xlsx" not in err.message and "renamed.xlsx[Data]" in err.message


def test_missing_column(loaded):
    store, tmp = loaded
    header = [h for h in HEADER if h != "City Code"]
    rows = [r[:1] + r[2:] for r in ROWS]
    err = _fails(store, write_workbook(tmp / "missing.xlsx", header=header, rows=rows))
    assert "no column titled 'City Code'" in err.message


def test_missing_year_columns(loaded):
    store, tmp = loaded
    header = [h for h in HEADER if not h.startswith("Green area per capita")]
    rows = [r[:9] + r[13:] for r in ROWS]
    err = _fails(store, write_workbook(tmp / "no-years.xlsx", header=header, rows=rows))
    assert "green-area-per-capita" in err.message


def test_missing_sheet(loaded):
    store, tmp = loaded
    err = _fails(store, write_workbook(tmp / "sheet.xlsx", data_sheet="Daten"))
    assert "no sheet 'Data'" in err.message and "Daten" in err.message


def test_year_column_title_with_text(loaded):
    store, tmp = loaded
    header = list(HEADER)
    header[10] = "Green area per capita year 2000 (m2/person)"
    err = _fails(store, write_workbook(tmp / "year-text.xlsx", header=header))
    assert err.column == header[10] and "not a four-digit year" in err.message


def test_text_in_a_year_column(loaded):
    store, tmp = loaded
    rows = [list(r) for r in ROWS]
    rows[1][7] = "about 12"
    err = _fails(store, write_workbook(tmp / "cell-text.xlsx", rows=rows))
    assert err.line == 3 and err.column == HEADER[7] and "'about 12' is not a number" in err.message


def test_na_value_is_reported_and_skipped(cities_store, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][8] = "n/a"
    report = run_partner(MAPPING, cities_store, source=write_workbook(tmp_path / "na.xlsx", rows=rows),
                         progress=False)
    assert report.observations == observations_in(rows) == observations_in(ROWS) - 1
    assert report.skipped_cells == 1
    assert any("row 2" in w and HEADER[8] in w and "'n/a'" in w for w in report.warnings)


def test_city_matching_two_sckg_cities_is_ambiguous(tmp_path):
    from app.store import OxigraphStore
    store = OxigraphStore(tmp_path / "store")
    load_cities(store, """
<https://w3id.org/sckg/id/city/valencia-2> a <https://w3id.org/sckg/ontology#City> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "València" ;
  <https://w3id.org/sckg/ontology#country> <https://w3id.org/sckg/id/country/es> .
""")
    # no coordinates on either side to pick one: drop Valencia's coordinates from the fixture city
    store.update("DELETE WHERE { GRAPH ?g { <https://w3id.org/sckg/id/city/valencia> "
                 "<http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?a ; <http://www.w3.org/2003/01/geo/wgs84_pos#long> ?b } }")
    report = run_partner(MAPPING, store, source=write_workbook(tmp_path / "amb.xlsx"), progress=False)
    amb = report.by_status("ambiguous")
    assert [m["code"] for m in amb] == ["ES_VALENCIA"]
    assert sorted(amb[0]["candidates"]) == ["https://w3id.org/sckg/id/city/valencia",
                                            "https://w3id.org/sckg/id/city/valencia-2"]
    # its observations stay on the partner-only place, none is attributed to either city
    q = "ASK { ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> <https://w3id.org/sckg/id/place/un-habitat/es-valencia> }"
    assert store.query(q)
    store.close()


def test_format_the_mapping_does_not_declare(loaded):
    store, tmp = loaded
    src = tmp / "data.csv"
    src.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    err = _fails(store, src, UndeclaredFormat)
    assert err.status == 415 and "declares only xlsx" in err.message


def test_a_file_that_is_not_a_workbook(loaded):
    store, tmp = loaded
    src = tmp / "broken.xlsx"
    src.write_bytes(b"PK\x03\x04 not really a zip")
    err = _fails(store, src)
    assert "not a readable Excel workbook" in err.message


def test_legacy_xls_is_an_undeclared_format(loaded):
    store, tmp = loaded
    src = tmp / "old.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    err = _fails(store, src, UndeclaredFormat)
    assert "old.xls is xls" in err.message

"""Loading partner datasets: the real UN-Habitat workbook, small workbooks, the catalogue record."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
from rdflib import XSD, Literal, URIRef

from ingest.namespaces import GRAPHS, partner_graph
from ingest.partners.pipeline import linkset_graph, run_partner, stored_report
from tests.partners.conftest import MAPPING, WORKBOOK
from tests.partners.workbooks import ROWS, observations_in, write_workbook

G = partner_graph("un-habitat", "green-areas")
LS = linkset_graph("un-habitat", "green-areas")


def _workbook_counts():
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True)
    rows = list(wb["Data"].iter_rows(values_only=True))[1:]
    wb.close()
    cities = [r for r in rows if r[1]]
    return cities, observations_in(rows)


def test_real_workbook_loads_every_city_and_value(full):
    cities_store, report = full
    cities, n_obs = _workbook_counts()
    assert report.rows == len(cities)
    assert report.observations == n_obs
    assert len(report.skipped_rows) == 8  # the regional and global averages at the end
    q = "SELECT (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?o a <http://purl.org/linked-data/cube#Observation> } }"
    assert int(cities_store.query(q, {"g": URIRef(G)})[0]["n"]) == n_obs
    lisboa = next(r for r in cities if r[1] == "PT_LISBOA")
    q = """PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
    PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
    PREFIX sckg: <https://w3id.org/sckg/ontology#>
    SELECT ?v WHERE { ?o sdmx-dimension:refArea ?city ; sckg:indicator ?ind ; sdmx-dimension:refPeriod ?y ;
                         sdmx-measure:obsValue ?v }"""
    rows = cities_store.query(q, {"city": URIRef("https://w3id.org/sckg/id/city/lisbon"),
                                  "ind": URIRef("https://w3id.org/sckg/id/indicator/un-habitat/green-area-per-capita"),
                                  "y": Literal("2020", datatype=XSD.gYear)})
    assert len(rows) == 1
    assert Decimal(str(rows[0]["v"])) == Decimal(repr(lisboa[12]))


def test_real_workbook_matches_study_cities(full):
    cities_store, report = full
    by_code = {m["code"]: m for m in report.matches}
    assert by_code["PT_LISBOA"]["city"].endswith("/city/lisbon")
    assert by_code["PT_LISBOA"]["link"] == "sameAs"  # same GeoNames city as the SCKG record
    assert by_code["ES_VALENCIA"]["link"] == "sameAs"
    assert by_code["BR_PORTO_ALEGRE"]["city"].endswith("/city/porto-alegre")  # "Pôrto Alegre", accent folded
    assert by_code["IT_MILANO"]["city"].endswith("/city/milan")  # "Milano (Milan)"
    assert by_code["BR_SAO_PAULO"]["link"] in ("sameAs", "closeMatch")
    assert by_code["ES_MADRID"]["status"] == "unmatched"
    assert by_code["ES_MADRID"]["geonames"] == "https://sws.geonames.org/3117735/"
    same = cities_store.query("SELECT ?p WHERE { GRAPH ?g { ?p <http://www.w3.org/2002/07/owl#sameAs> ?c } }",
                              {"g": URIRef(LS), "c": URIRef("https://w3id.org/sckg/id/city/lisbon")})
    assert [str(r["p"]) for r in same] == ["https://w3id.org/sckg/id/place/un-habitat/pt-lisboa"]
    # an unmatched place keeps its observations on the partner-only place
    q = "ASK { ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?p }"
    assert cities_store.query(q, {"p": URIRef("https://w3id.org/sckg/id/place/un-habitat/es-madrid")})


def test_catalogue_record_describes_the_load(cities_store, tmp_path):
    src = write_workbook(tmp_path / "small.xlsx")
    run_partner(MAPPING, cities_store, source=src, progress=False)
    import hashlib
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    q = """PREFIX dct: <http://purl.org/dc/terms/> PREFIX spdx: <http://spdx.org/rdf/terms#>
    PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?pub ?cit ?desc ?sum ?note WHERE { GRAPH ?meta { ?g dct:publisher ?pub ; dct:bibliographicCitation ?cit ;
      dct:description ?desc ; skos:scopeNote ?note ; prov:wasDerivedFrom/spdx:checksum/spdx:checksumValue ?sum } }"""
    rows = cities_store.query(q, {"g": URIRef(G), "meta": URIRef(GRAPHS["meta"])})
    assert rows and str(rows[0]["pub"]) == "https://w3id.org/sckg/id/org/un-habitat"
    assert str(rows[0]["cit"]) == "Test citation"  # from the workbook's Metadata sheet
    assert "A test description." in str(rows[0]["desc"])
    assert str(rows[0]["sum"]) == digest
    assert any("Degree of Urbanisation" in str(r["note"]) for r in rows)
    assert stored_report(cities_store, "un-habitat", "green-areas").observations == observations_in(ROWS)


def test_reload_replaces_instead_of_adding(cities_store, tmp_path):
    src = write_workbook(tmp_path / "small.xlsx")
    run_partner(MAPPING, cities_store, source=src, progress=False)
    first = (cities_store.count(G), cities_store.count(LS), cities_store.count(GRAPHS["meta"]))
    run_partner(MAPPING, cities_store, source=src, progress=False)
    assert (cities_store.count(G), cities_store.count(LS), cities_store.count(GRAPHS["meta"])) == first
    assert cities_store.count(GRAPHS["study"]) > 0  # other graphs untouched


def test_second_dataset_in_long_format_needs_only_its_mapping(cities_store):
    import csv

    from tests.partners.conftest import ROOT
    mapping = ROOT / "data" / "partners" / "geonames" / "city-population.mapping.json"
    with open(mapping.parent / "city-population.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    report = run_partner(mapping, cities_store, progress=False)
    assert report.observations == len(rows)
    by_code = {m["code"]: m for m in report.matches}
    # coordinates in the file confirm matches even where the SCKG city has no GeoNames link
    assert by_code["2509954"]["city"].endswith("/city/valencia") and by_code["2509954"]["link"] == "sameAs"
    assert by_code["3128026"]["link"] == "sameAs"  # Bilbao: same GeoNames id
    assert by_code["3173435"]["link"] == "closeMatch"  # Milan: no coordinates in SCKG to confirm
    lisbon = next(r for r in rows if r["name"] == "Lisbon")
    q = """SELECT ?v WHERE { GRAPH ?g { ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?c ;
           <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v } }"""
    got = cities_store.query(q, {"g": URIRef(partner_graph("geonames", "city-population")),
                                 "c": URIRef("https://w3id.org/sckg/id/city/lisbon")})
    assert [int(r["v"]) for r in got] == [int(lisbon["value"])]


def test_same_long_dataset_as_json_records(cities_store, tmp_path):
    import csv
    import json

    from tests.partners.conftest import ROOT
    mapping = ROOT / "data" / "partners" / "geonames" / "city-population.mapping.json"
    with open(mapping.parent / "city-population.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    src = tmp_path / "population.json"
    src.write_text(json.dumps(rows), encoding="utf-8")
    report = run_partner(mapping, cities_store, source=src, progress=False)
    assert report.observations == len(rows) and report.rows == len(rows)


def test_linkset_holds_only_identity_links_and_is_described_in_meta(full):
    store, report = full
    preds = {str(r["p"]) for r in store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(LS)})}
    assert preds <= {"http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#closeMatch"}
    q = """PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?n ?target WHERE { GRAPH ?meta { ?ls a void:Linkset ; void:triples ?n ; void:subjectsTarget ?target } }"""
    rows = store.query(q, {"ls": URIRef(LS), "meta": URIRef(GRAPHS["meta"])})
    assert int(rows[0]["n"]) == store.count(LS) == report.links and str(rows[0]["target"]) == G


def test_sckg_city_only_for_matched_places(full):
    store, report = full
    q = """SELECT (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?o <https://w3id.org/sckg/ontology#city> ?c } }"""
    n = int(store.query(q, {"g": URIRef(G)})[0]["n"])
    per_place = report.observations / report.places  # every place has all 8 values in this workbook
    assert n == len(report.by_status("matched")) * per_place

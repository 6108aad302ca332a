"""The shipped study data with UN-Habitat's workbook: named queries, the city page, the researchers' client."""
from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata
from decimal import Decimal

import openpyxl
from rdflib import Literal, URIRef

from app.queries import load_queries
from tests.partners.conftest import ROOT, WORKBOOK

PER_CAPITA = "https://w3id.org/sckg/id/indicator/un-habitat/green-area-per-capita"


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower().strip()


def _workbook_by_study_city() -> dict[str, tuple]:
    """Study city id → its workbook row, by plain or bracketed name and the ISO code opening the City Code."""
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True)
    rows = [r for r in list(wb["Data"].iter_rows(values_only=True))[1:] if r[1]]
    wb.close()
    out = {}
    for c in csv.DictReader(open(ROOT / "data" / "study" / "cities.csv", encoding="utf-8")):
        for r in rows:
            names = {_fold(r[2])} | {_fold(p) for p in r[2].replace(")", "").split(" (")}
            if _fold(c["name"]) in names and r[1][:2] == c["country_iso2"]:
                out[c["city_id"]] = r
    return out


def test_every_study_city_in_the_workbook_is_linked(full):
    store, report = full
    expected = {f"https://w3id.org/sckg/id/city/{cid}" for cid in _workbook_by_study_city()}
    matched = {m["city"] for m in report.by_status("matched")}
    assert len(expected) >= 15
    assert expected <= matched
    assert not report.by_status("ambiguous")


def test_green_area_fell_query(full):
    store, _ = full
    q = load_queries(ROOT / "queries")["partner-green-area-fell"]
    rows = store.query(q.text, {"axis": URIRef("https://w3id.org/sckg/id/axis/living"),
                                "indicator": URIRef(PER_CAPITA), "start": Literal("2000"), "end": Literal("2020")})
    by_city = _workbook_by_study_city()
    practices = [p for p in csv.DictReader(open(ROOT / "data" / "study" / "practices.csv", encoding="utf-8"))
                 if p["axis"] == "living" and p["city_id"] in by_city and by_city[p["city_id"]][12] < by_city[p["city_id"]][10]]
    assert sorted(str(r["practice"]).rsplit("/", 1)[1] for r in rows) == sorted(p["practice_id"] for p in practices)
    for r in rows:
        w = by_city[str(r["city"]).rsplit("/", 1)[1]]
        assert Decimal(str(r["startValue"])) == Decimal(repr(w[10])) and Decimal(str(r["endValue"])) == Decimal(repr(w[12]))


def test_indicator_by_region_query(full):
    store, _ = full
    q = load_queries(ROOT / "queries")["partner-indicator-by-region"]
    rows = store.query(q.text, {"indicator": URIRef("https://w3id.org/sckg/id/indicator/un-habitat/green-area-share")})
    cities = {c["city_id"]: c for c in csv.DictReader(open(ROOT / "data" / "study" / "cities.csv", encoding="utf-8"))}
    europe = [cid for cid in _workbook_by_study_city() if cities[cid]["region"] == "Europe"]
    got = {str(r["period"]): r for r in rows if str(r["region"]).endswith("/region/europe")}
    assert int(got["2020"]["cities"]) == len(europe)
    by_city = _workbook_by_study_city()
    mean = sum(Decimal(repr(by_city[c][8])) for c in europe) / len(europe)
    assert abs(Decimal(str(got["2020"]["average"])) - mean) < Decimal("1e-9")


def test_city_page_shows_indicators_chart_source_and_caveat(full, make_server):
    import requests
    store, _ = full
    srv = make_server({}, store=store)
    html = requests.get(srv.url + "/id/city/lisbon", headers={"Accept": "text/html"}, timeout=30).text
    assert "<svg" in html and "<polyline" in html
    assert "Green area per capita" in html and "Degree of Urbanisation" in html
    assert "Lisboa (Lisbon)" in html
    w = _workbook_by_study_city()["lisbon"]
    assert f"{w[12]:.2f}" in html


def test_researchers_client_writes_the_join(full, make_server, tmp_path):
    store, _ = full
    srv = make_server({}, store=store)
    out = tmp_path / "joined.csv"
    script = ROOT / "examples" / "join_practices_indicators.py"
    done = subprocess.run([sys.executable, str(script), "--endpoint", srv.url + "/sparql", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    by_city = _workbook_by_study_city()
    practices = [p for p in csv.DictReader(open(ROOT / "data" / "study" / "practices.csv", encoding="utf-8"))
                 if p["city_id"] in by_city]
    assert len(rows) == 8 * len(practices)  # 2 indicators × 4 years for each practice of a city in the workbook
    lisbon_like = [r for r in rows if r["indicator"] == PER_CAPITA and r["period"] == "2020"
                   and r["city"].endswith("/city/barcelona")]
    assert lisbon_like and Decimal(lisbon_like[0]["value"]) == Decimal(repr(by_city["barcelona"][12]))


def test_catalog_with_the_partner_dataset_has_no_dcat_ap_violation(full, make_server):
    """The partner's record (publisher, rights, citation, the workbook with its checksum and media type, the
    linkset) and its source page come out of /catalog as DCAT-AP without a violation."""
    import requests
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    from ingest.namespaces import partner_graph
    from tests.dcat_ap import SH, lines, results_by_severity
    store, _ = full
    srv = make_server({}, store=store)
    r = requests.get(srv.url + "/catalog", headers={"Accept": "text/turtle"}, timeout=60)
    g = Graph().parse(data=r.content, format="turtle")
    ds = URIRef(partner_graph("un-habitat", "green-areas"))
    assert (ds, RDF.type, DCAT.Dataset) in g and g.value(ds, DCTERMS.description) is not None
    assert (ds, FOAF.page, URIRef("https://data.unhabitat.org/")) in g
    publisher = g.value(ds, DCTERMS.publisher)
    assert g.value(publisher, FOAF.name) is not None
    period = g.value(ds, DCTERMS.temporal)  # the observations' years, and the box of the cities they are about
    assert (str(g.value(period, DCAT.startDate)), str(g.value(period, DCAT.endDate))) == ("1990", "2020")
    assert "POLYGON" in str(g.value(g.value(ds, DCTERMS.spatial), DCAT.bbox))
    violations = results_by_severity(g)[SH.Violation]
    assert violations == [], lines(violations)

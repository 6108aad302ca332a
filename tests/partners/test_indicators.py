"""The city page's partner indicators: data from app.indicators, and escaping in _indicators.html."""
from __future__ import annotations

import json
from decimal import Decimal

import requests

from app.indicators import chart, indicators_for_city
from ingest.partners.pipeline import run_partner
from tests.partners.conftest import MAPPING
from tests.partners.workbooks import ROWS, write_workbook

LISBON = "https://w3id.org/sckg/id/city/lisbon"


def test_series_per_indicator_oldest_first(cities_store, tmp_path):
    run_partner(MAPPING, cities_store, source=write_workbook(tmp_path / "wb.xlsx"), progress=False)
    series = indicators_for_city(cities_store, LISBON, "en")
    assert [s.label for s in series] == ["Average share of green area in city/urban area", "Green area per capita"]
    row = ROWS[0]
    assert series[1].points == [(str(y), Decimal(repr(v))) for y, v in zip((1990, 2000, 2010, 2020), row[9:13])]
    assert series[1].unit == "m²/person" and series[1].sdg_indicator == "11.7.1"
    assert series[1].place_label == "Lisboa (Lisbon)" and series[1].citation == "Test citation"
    assert any("Degree of Urbanisation" in c for c in series[1].caveats)
    assert indicators_for_city(cities_store, "https://w3id.org/sckg/id/city/bilbao", "en") == []


def test_chart_scales_into_the_box():
    c = chart([("1990", Decimal("10")), ("2020", Decimal("20"))])
    xs = [d["x"] for d in c["dots"]]
    ys = [d["y"] for d in c["dots"]]
    assert xs[0] < xs[1] and ys[0] > ys[1]  # later and higher: right and up
    assert all(0 <= x <= c["width"] for x in xs) and all(0 <= y <= c["height"] for y in ys)


def test_partner_text_is_escaped_on_the_city_page(cities_store, tmp_path, make_server):
    doc = json.loads(MAPPING.read_text(encoding="utf-8"))
    doc["caveats"] = ["<script>alert('caveat')</script>"]
    doc["source"] = "javascript:alert(1)"
    doc["indicators"]["green-area-per-capita"]["label"] = "<b>per capita</b>"
    doc["url"] = str(write_workbook(tmp_path / "wb.xlsx"))
    doc["sssom"] = str(MAPPING.parent / "mappings.sssom.tsv")
    mapping = tmp_path / "x.mapping.json"
    mapping.write_text(json.dumps(doc), encoding="utf-8")
    run_partner(mapping, cities_store, progress=False)
    srv = make_server({}, store=cities_store)
    html = requests.get(srv.url + "/id/city/lisbon", headers={"Accept": "text/html"}, timeout=30).text
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
    assert "&lt;b&gt;per capita&lt;/b&gt;" in html
    assert "javascript:alert" not in html

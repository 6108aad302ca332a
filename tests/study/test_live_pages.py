"""The study pages over real HTTP (waitress): a report, its exports, the query each figure names, the ontology."""
from __future__ import annotations

import csv
import io
import re

import requests
from rdflib import Graph


def test_report_links_resolve_over_http(live_server, csvdata):
    page = requests.get(live_server.url + "/reports/2021", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "<svg" in page.text
    query_link = re.search(r'href="(/query\?name=report-cities-by-region)"', page.text).group(1)
    r = requests.get(live_server.url + query_link, headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and "report-cities-by-region" in r.text
    city_link = re.search(r'href="(/id/city/[a-z-]+)"', page.text).group(1)
    assert requests.get(live_server.url + city_link, headers={"Accept": "text/html"}, timeout=30).status_code == 200
    r = requests.get(live_server.url + "/reports/2021?format=csv&table=cities-by-region", timeout=30)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sum(int(row["cities"]) for row in rows) == len(csvdata.participation["2021"])


def test_ontology_turtle_over_http(live_server):
    r = requests.get(live_server.url + "/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=r.text, format="turtle")) > 500

"""The query page: named examples with parameters, free queries, chart, map, downloads and refusals."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from tests.app.study_csv import practices_where, rows

HTML = {"Accept": "text/html"}
PER_AXIS = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
SELECT ?axis (COUNT(?p) AS ?n) WHERE { ?p a sckg:Practice ; sckg:axis ?axis } GROUP BY ?axis"""
COORDS = """PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?city ?lat ?long WHERE { ?city geo:lat ?lat ; geo:long ?long }"""


def test_library_lists_every_named_query(client):
    from app.queries import load_queries
    body = client.get("/query", headers=HTML).get_data(as_text=True)
    for name in load_queries():
        assert f'href="/query?name={name}"' in body


def test_named_query_with_parameter_is_bound_and_shareable(client):
    city = "https://w3id.org/sckg/id/city/bilbao"
    url = "/query?" + urlencode({"name": "city-participation", "p_city": city})
    body = client.get(url, headers=HTML).get_data(as_text=True)
    assert 'id="p_city"' in body and 'value="https://w3id.org/sckg/id/city/bilbao"' in body
    assert 'class="results"' in body


def test_two_column_numeric_answer_gets_a_bar_chart_and_csv(client):
    url = "/query?" + urlencode({"query": PER_AXIS})
    body = client.get(url, headers=HTML).get_data(as_text=True)
    assert body.count('class="bar"><title>') == len({p["axis"] for p in rows("practices") if p["axis"]})
    assert 'href="/id/axis/people"' in body
    table = list(csv.DictReader(io.StringIO(client.get(url + "&format=csv").get_data(as_text=True))))
    counts = {r["axis"].rsplit("/", 1)[-1]: int(r["n"]) for r in table}
    assert counts["people"] == len(practices_where(axis="people"))
    data = client.get(url + "&format=json").get_json()
    assert data["head"]["vars"] == ["axis", "n"]


def test_answer_with_coordinates_gets_a_map(client):
    body = client.get("/query?" + urlencode({"query": COORDS}), headers=HTML).get_data(as_text=True)
    assert 'class="big-map"' in body and body.count('class="city"') > 30


def test_bad_and_refused_queries_are_clear_errors(client):
    r = client.get("/query?" + urlencode({"query": "SELECT * WHERE {"}), headers={"Accept": "application/json"})
    assert r.status_code == 400
    r = client.get("/query?" + urlencode({"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}),
                   headers={"Accept": "application/json"})
    assert r.status_code in (400, 403)
    r = client.get("/query?name=no-such-query", headers={"Accept": "application/json"})
    assert r.status_code == 400

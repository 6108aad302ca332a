"""Route tests of the browse UI over the study data: home, the practice list with facets, list pages and
their JSON/CSV twins, entity pages of every kind, search, map, query page, languages and headers."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.app.study_csv import city_region, practices_where, rows

HTML = {"Accept": "text/html"}


def get(client, url, **headers):
    return client.get(url, headers={**HTML, **headers})


def test_home_shows_counts_and_entry_points(client):
    r = get(client, "/")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert '<html lang="en">' in body
    assert f"<strong>{len(rows('practices'))}</strong>" in body
    assert f"<strong>{len(rows('cities'))}</strong>" in body
    regions = {v for v in city_region().values()}
    assert any(f"/practices?region={slug}" in body for slug in regions)
    assert "/practices?edition=2023" in body


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/practices.json", "/id/city/bilbao", "/id/city/bilbao.ttl", "/nope-nope"):
        r = get(client, url)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"]


def test_no_inline_script_in_pages(client):
    for url in ("/", "/practices", "/id/practice/bilbao-bilbaoaccess", "/query", "/map"):
        body = get(client, url).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag or 'type="application/ld+json"' in tag, tag


def test_practice_list_counts_and_pages(client):
    total = len(rows("practices"))
    data = client.get("/practices.json").get_json()
    assert data["total"] == total and len(data["items"]) == total
    first = client.get("/practices.json?page=1").get_json()
    assert len(first["items"]) == min(20, total)
    second = client.get("/practices.json?page=2").get_json()
    assert len(second["items"]) == total - 20
    assert not {i["iri"] for i in first["items"]} & {i["iri"] for i in second["items"]}
    body = get(client, "/practices?page=2").get_data(as_text=True)
    assert 'rel="prev"' in body and f"<strong>{total}</strong>" in body


@pytest.mark.parametrize("criteria", [
    {"axis": "people"}, {"region": "europe"}, {"axis": "people", "region": "europe"},
    {"edition": "2023"}, {"city": "bilbao"}, {"enabler": "political-leadership"},
    {"axis": "living", "city": "mexico-city"},
])
def test_facets_filter_like_the_csv_says(client, criteria):
    expected = {p["practice_id"] for p in practices_where(**criteria)}
    query = "&".join(f"{k}={v}" for k, v in criteria.items())
    data = client.get("/practices.json?" + query).get_json()
    assert data["total"] == len(expected)
    assert {i["iri"].rsplit("/", 1)[-1] for i in data["items"]} == expected
    html = get(client, "/practices?" + query).get_data(as_text=True)
    assert f'<strong>{len(expected)}</strong> practices match' in html


def test_every_facet_value_count_matches_its_filter(client):
    facets = client.get("/practices.json").get_json()["facets"]
    assert set(facets) == {"axis", "region", "country", "city", "edition", "sdg", "barrier", "enabler",
                           "partner", "event", "topic"}
    checked = 0
    for name, values in facets.items():
        for iri, count in list(values.items())[:2]:
            slug = iri.rsplit("/", 1)[-1]
            assert client.get(f"/practices.json?{name}={slug}").get_json()["total"] == count, (name, slug)
            checked += 1
    assert checked >= 8


def test_values_of_one_facet_are_ored(client):
    a = len(practices_where(axis="people"))
    b = len(practices_where(axis="living"))
    assert client.get("/practices.json?axis=people&axis=living").get_json()["total"] == a + b


def test_facet_csv_twin(client):
    r = client.get("/practices.csv?region=europe")
    assert r.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(table) == len(practices_where(region="europe"))
    assert {"iri", "title", "city"} <= set(table[0])
    assert client.get("/practices?format=csv&region=europe").get_data() == r.get_data()


def test_sort_by_edition(client):
    items = client.get("/practices.json?sort=edition").get_json()["items"]
    editions = [i["edition"] for i in items if i["edition"]]
    assert editions == sorted(editions, reverse=True)


def test_bad_facet_value_is_a_clear_400(client):
    r = client.get("/practices?axis=%3Cscript%3E", headers={"Accept": "application/json"})
    assert r.status_code == 400
    assert "axis" in r.get_json()["error"]


@pytest.mark.parametrize("plural,csv_name,key", [
    ("cities", "cities", "city_id"), ("barriers", "barriers", "id"), ("enablers", "enablers", "id"),
    ("organisations", "organisations", "org_id"), ("events", "events", "event_id"),
    ("editions", "editions", "year"), ("sdgs", "sdgs", "number"),
])
def test_list_pages_and_twins(client, plural, csv_name, key):
    expected = {r[key] for r in rows(csv_name)}
    data = client.get(f"/{plural}.json").get_json()
    assert {i["iri"].rstrip("/").rsplit("/", 1)[-1] for i in data["items"]} == expected
    r = client.get(f"/{plural}?format=csv")
    assert len(list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))) == len(expected)
    html = get(client, f"/{plural}").get_data(as_text=True)
    assert html.count("<tr>") == len(expected) + 1


def test_city_practice_counts_in_list(client):
    items = {i["slug"]: i["practices"] for i in client.get("/cities.json").get_json()["items"]}
    assert items["bilbao"] == len(practices_where(city="bilbao"))


@pytest.mark.parametrize("url,text", [
    ("/id/practice/bilbao-bilbaoaccess", "BilbaoAccess"),
    ("/id/city/bilbao", "Bilbao"),
    ("/id/country/es", "Spain"),
    ("/id/region/europe", "Europe"),
    ("/id/axis/people", "People"),
    ("/id/edition/2023", "2023"),
    ("/id/barrier/" + rows("barriers")[0]["id"], rows("barriers")[0]["label"]),
    ("/id/enabler/political-leadership", [r["label"] for r in rows("enablers") if r["id"] == "political-leadership"][0]),
    ("/id/org/uclg", "United Cities and Local Governments"),
    ("/id/event/" + rows("events")[0]["event_id"], rows("events")[0]["title"]),
    ("/resource?iri=http://metadata.un.org/sdg/11", "Sustainable cities"),
])
def test_entity_pages(client, url, text):
    r = get(client, url)
    assert r.status_code == 200, r.get_data(as_text=True)[-500:]
    body = r.get_data(as_text=True)
    from markupsafe import escape
    assert str(escape(text)) in body
    assert 'rel="alternate" type="text/turtle"' in body
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert ld and json.loads(ld.group(1))["name"]
    assert 'rel="alternate"' in r.headers["Link"]


def test_city_page_has_map_assessments_and_practices(client):
    body = get(client, "/id/city/bilbao").get_data(as_text=True)
    assert 'class="small-map"' in body and "<circle" in body
    for p in practices_where(city="bilbao"):
        assert f"/id/practice/{p['practice_id']}" in body
    reported = [r["enabler_id"] for r in rows("city_enablers") if r["city_id"] == "bilbao"]
    for e in reported:
        assert f"/id/enabler/{e}" in body
    assert "sws.geonames.org" in body


def test_practice_page_lists_related_practices_with_reasons(client):
    body = get(client, "/id/practice/bilbao-bilbaoaccess").get_data(as_text=True)
    section = body.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert "/id/practice/bilbao-data-government" in section
    assert "also used" in section


def test_enabler_page_lists_practices_and_cities(client):
    body = get(client, "/id/enabler/political-leadership").get_data(as_text=True)
    for p in practices_where(enabler="political-leadership"):
        assert f"/id/practice/{p['practice_id']}" in body


@pytest.mark.parametrize("accept,suffix,media", [
    ("text/turtle", "ttl", "text/turtle"), ("application/ld+json", "jsonld", "application/ld+json"),
    ("application/rdf+xml", "rdf", "application/rdf+xml"), ("application/n-triples", "nt", "application/n-triples"),
])
def test_content_negotiation_and_suffixes(client, accept, suffix, media):
    from rdflib import Graph, URIRef
    iri = URIRef("https://w3id.org/sckg/id/city/bilbao")
    by_accept = client.get("/id/city/bilbao", headers={"Accept": accept})
    by_suffix = client.get(f"/id/city/bilbao.{suffix}")
    by_param = client.get(f"/resource?iri={iri}&format={suffix}")
    for r in (by_accept, by_suffix, by_param):
        assert r.status_code == 200 and r.mimetype == media
        g = Graph().parse(data=r.get_data(), format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml",
                                                       "nt": "nt"}[suffix])
        assert (iri, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in g
    assert "Accept" in by_accept.headers["Vary"]


def test_json_clients_get_json_ld_and_unknown_types_a_406(client):
    r = client.get("/id/city/bilbao", headers={"Accept": "application/json"})
    assert r.mimetype == "application/ld+json" and r.get_json()
    assert client.get("/id/city/bilbao", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_resources_are_404(client):
    r = get(client, "/id/practice/no-such-practice")
    assert r.status_code == 404 and "<h1>404" in r.get_data(as_text=True)
    assert client.get("/id/practice/no-such-practice.ttl").status_code == 404
    assert get(client, "/resource?iri=https://example.org/nothing").status_code == 404
    assert client.get("/resource?iri=javascript:alert(1)", headers={"Accept": "application/json"}).status_code == 400


def test_search_finds_practices_and_french_labels(client):
    data = client.get("/search.json?q=open+data").get_json()
    assert data["total"] > 0 and any(h["kind"] == "practice" for h in data["hits"])
    body = get(client, "/search?q=open+data").get_data(as_text=True)
    assert "<mark>" in body
    hits = client.get("/search.json?q=mobilite").get_json()["hits"]
    assert any(h["iri"].endswith("/axis/mobility") for h in hits)
    suggestions = client.get("/search/suggest?q=bilb").get_json()
    assert any(s["url"] == "/id/city/bilbao" for s in suggestions)
    french = client.get("/search/suggest?q=bilb&lang=fr").get_json()
    assert {"url": "/id/city/bilbao", "kind": "Ville", "label": "Bilbao"} in french


def test_map_has_one_dot_per_city_with_coordinates(client):
    data = client.get("/map.json").get_json()
    body = get(client, "/map").get_data(as_text=True)
    assert body.count('class="city"') == data["total"] > 30
    svg = client.get("/map/land.svg")
    assert svg.mimetype == "image/svg+xml" and b"<path" in svg.data


def test_languages_from_header_param_and_cookie(app):
    client = app.test_client()
    fr = get(client, "/axes", **{"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in fr and "Mobilité" in fr
    r = get(client, "/?lang=es")
    assert '<html lang="es">' in r.get_data(as_text=True)
    assert "sckg_lang=es" in r.headers["Set-Cookie"]
    again = get(client, "/axes").get_data(as_text=True)
    assert '<html lang="es">' in again and "Movilidad" in again


def test_ui_strings_are_translated(client):
    fr = get(client, "/practices?lang=fr").get_data(as_text=True)
    es = get(client, "/practices?lang=es").get_data(as_text=True)
    assert "Bonnes pratiques" in fr and "Buenas prácticas" in es


def test_catalogues_translate_every_string():
    from babel.messages.pofile import read_po

    from app.i18n import SOURCE_DIR
    for lang in ("fr", "es"):
        with (SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f)
        untranslated = [m.id for m in catalog if m.id and not m.string]
        assert not untranslated, (lang, untranslated)


@pytest.mark.parametrize("url,column", [("/search.csv?q=open+data", "kind"), ("/map.csv", "lat"),
                                        ("/search?q=open+data&format=csv", "label"), ("/map?format=csv", "long")])
def test_search_and_map_csv_twins(client, url, column):
    r = client.get(url)
    assert r.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert table and column in table[0]


def test_home_json_twin(client):
    data = client.get("/?format=json").get_json()
    assert data["counts"]["practice"] == len(rows("practices"))
    assert {p["slug"] for p in data["points"]["region"]} == set(city_region()[p["city_id"]]
                                                                 for p in rows("practices") if p["city_id"] in city_region())

"""A practice titled ``<script>alert(1)</script>`` renders as text everywhere it appears: the practice list,
its own page (and its JSON-LD block), search results, the related-practices list of another practice, the
query results table, and the CSV/JSON twins stay data."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app import related, search

MINI = Path(__file__).resolve().parent / "data" / "mini.ttl"
EVIL = "<script>alert(1)</script>"
EXTRA = """
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/sckg/id/practice/evil> a sckg:Practice ;
  dct:title "<script>alert(1)</script>"@en ; rdfs:label "<script>alert(1)</script>"@en ;
  dct:description "A summary with </script><img src=x onerror=alert(2)> inside, about open data."@en ;
  sckg:city <https://w3id.org/sckg/id/city/bilbao> ; sckg:edition <https://w3id.org/sckg/id/edition/2023> ;
  sckg:axis <https://w3id.org/sckg/id/axis/governance> ;
  sckg:barrier <https://w3id.org/sckg/id/barrier/lack-of-funding> .
"""


@pytest.fixture
def evil_client(empty_store, tmp_path):
    empty_store.replace_graph("https://w3id.org/sckg/graph/study", (MINI.read_bytes() + EXTRA.encode(), "turtle"))
    config = {"TESTING": True, "STORE": str(tmp_path / "store"), "INDEX_PATH": str(tmp_path / "search.sqlite"),
              "TOKENS": str(tmp_path / "tokens.json"), "DUMPS_DIR": str(tmp_path / "dumps")}
    related.refresh(empty_store, config)
    search.refresh(empty_store, config)
    return create_app(config, store=empty_store).test_client()


def page(client, url):
    r = client.get(url, headers={"Accept": "text/html"})
    assert r.status_code == 200, url
    return r.get_data(as_text=True)


def assert_escaped(body: str, url: str):
    assert EVIL not in body, url
    assert "<img src=x" not in body, url
    assert "alert(1)" in body, url  # it is shown, as text


def test_list_page_escapes_titles(evil_client):
    body = page(evil_client, "/practices")
    assert_escaped(body, "/practices")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_practice_page_and_its_json_ld_escape_titles(evil_client):
    body = page(evil_client, "/id/practice/evil")
    assert_escaped(body, "/id/practice/evil")
    block = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and "\\u003cscript\\u003e" in block


def test_search_results_escape_titles_and_snippets(evil_client):
    body = page(evil_client, "/search?q=alert")
    assert "/id/practice/evil" in body
    assert_escaped(body, "/search")
    body = page(evil_client, "/search?q=open+data")
    assert "<img src=x" not in body and "/id/practice/evil" in body


def test_related_list_escapes_titles(evil_client):
    body = page(evil_client, "/id/practice/bilbao-data")
    section = body.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert "/id/practice/evil" in section
    assert_escaped(section, "related")


def test_other_pages_that_mention_it_escape_it(evil_client):
    for url in ("/id/city/bilbao", "/id/barrier/lack-of-funding", "/id/axis/governance",
                "/query?query=SELECT+%3Ft+WHERE+%7B+%3Fp+%3Chttp%3A%2F%2Fpurl.org%2Fdc%2Fterms%2Ftitle%3E+%3Ft+%7D"):
        assert_escaped(page(evil_client, url), url)


def test_twins_carry_the_title_as_data(evil_client):
    data = evil_client.get("/practices.json").get_json()
    assert EVIL in [i["title"] for i in data["items"]]
    assert EVIL in evil_client.get("/practices.csv").get_data(as_text=True)

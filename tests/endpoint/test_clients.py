"""Real SPARQL clients against the live server: SPARQLWrapper and rdflib's SPARQLStore (read-only)."""
from __future__ import annotations

import csv
from pathlib import Path

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from tests.endpoint.conftest import CANARY_TRIPLES

ROOT = Path(__file__).resolve().parents[2]
PRACTICES = [r["practice_id"] for r in csv.DictReader(open(ROOT / "data/study/practices.csv", encoding="utf-8"))]
PRACTICE = URIRef("https://w3id.org/sckg/ontology#Practice")
COUNT = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }"


def test_sparqlwrapper(live_server):
    sw = SPARQLWrapper(live_server.url + "/sparql")
    sw.setQuery(COUNT)
    sw.setReturnFormat(JSON)
    assert int(sw.query().convert()["results"]["bindings"][0]["n"]["value"]) == len(PRACTICES)
    sw.setMethod(POST)
    sw.setReturnFormat(XML)
    assert sw.query().convert().getElementsByTagName("literal")[0].firstChild.data == str(len(PRACTICES))
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().split() == ["n", str(len(PRACTICES))]
    sw.setQuery("ASK { ?p a <https://w3id.org/sckg/ontology#Practice> }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery("CONSTRUCT WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    slugs = {str(s).rsplit("/", 1)[1] for s in g.subjects(RDF.type, PRACTICE)}
    assert slugs == set(PRACTICES)


def test_rdflib_sparqlstore(live_server):
    store = SPARQLStore(live_server.url + "/sparql", returnFormat="json")
    g = Graph(store=store)
    practices = set(g.subjects(RDF.type, PRACTICE))
    assert {str(p).rsplit("/", 1)[1] for p in practices} == set(PRACTICES)
    rows = list(g.query("SELECT ?p WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }"))
    assert len(rows) == len(PRACTICES)
    store.close()


# --- the clients' defaults, for every query form, against a fresh server holding the canary graph --------

ITEM = "http://example.org/item/"
CANARY_FORMS = {
    "SELECT": "SELECT ?s WHERE { ?s <http://example.org/value> ?v }",
    "ASK": "ASK { ?s <http://example.org/value> ?v }",
    "CONSTRUCT": "CONSTRUCT WHERE { ?s <http://example.org/value> ?v }",
    "DESCRIBE": "DESCRIBE <http://example.org/item/7>",
}


def _check_answer(form: str, result) -> None:
    if form == "SELECT":
        assert len(result) == CANARY_TRIPLES
    elif form == "ASK":
        assert result is True
    elif form == "CONSTRUCT":
        assert len(result) == CANARY_TRIPLES
    else:
        assert set(result.subjects()) == {URIRef(ITEM + "7")}


def test_sparqlwrapper_default_format_for_every_form(server):
    """SPARQLWrapper's default return format (XML) adds ``format=xml`` to the URL: RDF/XML for a graph."""
    s = server()
    for method in ("GET", "POST"):
        for form, text in CANARY_FORMS.items():
            sw = SPARQLWrapper(s.url + "/sparql")
            sw.setMethod(method)
            sw.setQuery(text)
            result = sw.query().convert()
            if form == "SELECT":
                result = result.getElementsByTagName("result")
            elif form == "ASK":
                result = result.getElementsByTagName("boolean")[0].firstChild.data == "true"
            _check_answer(form, result)


def test_sparqlwrapper_rdfxml_n3_and_json_ld_for_graphs(server):
    s = server()
    for fmt in (RDFXML, N3, JSONLD, TURTLE):
        sw = SPARQLWrapper(s.url + "/sparql")
        sw.setQuery(CANARY_FORMS["CONSTRUCT"])
        sw.setReturnFormat(fmt)
        result = sw.query().convert()
        graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
        assert len(graph) == CANARY_TRIPLES, fmt


def test_rdflib_sparqlstore_every_form_and_return_format(server):
    """rdflib's SPARQLStore sends one Accept (results only) for every form: a graph comes back in Turtle."""
    s = server()
    for fmt in ("json", "xml", "csv"):
        store = SPARQLStore(s.url + "/sparql", returnFormat=fmt)
        try:
            g = Graph(store=store)
            for form, text in CANARY_FORMS.items():
                if fmt == "csv" and form in ("ASK",):
                    continue  # rdflib reads no boolean from CSV
                result = g.query(text)
                if form == "SELECT":
                    _check_answer(form, list(result))
                elif form == "ASK":
                    _check_answer(form, result.askAnswer)
                else:
                    _check_answer(form, result.graph)
        finally:
            store.close()


def test_one_family_only_falls_back_to_the_default_of_the_other(server):
    s = server()
    url = s.url + "/sparql"
    r = requests.get(url, params={"query": CANARY_FORMS["CONSTRUCT"]},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    r = requests.get(url, params={"query": CANARY_FORMS["SELECT"]}, headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/sparql-results+json")
    r = requests.get(url, params={"query": CANARY_FORMS["SELECT"], "format": "rdf+xml"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/sparql-results+json")
    r = requests.get(url, params={"query": CANARY_FORMS["SELECT"], "format": "xml"}, timeout=30)
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    for fmt, media in (("xml", "application/rdf+xml"), ("rdf+xml", "application/rdf+xml"), ("n3", "text/turtle"),
                       ("json", "application/ld+json"), ("csv", "text/turtle")):
        r = requests.get(url, params={"query": CANARY_FORMS["DESCRIBE"], "format": fmt}, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media), fmt
    for query in (CANARY_FORMS["SELECT"], CANARY_FORMS["CONSTRUCT"]):  # neither family: still 406
        assert requests.get(url, params={"query": query}, headers={"Accept": "image/png"}, timeout=30).status_code == 406
        assert requests.get(url, params={"query": query, "format": "png"}, timeout=30).status_code == 406

"""Real SPARQL clients against the live server: SPARQLWrapper and rdflib's SPARQLStore (read-only)."""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

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

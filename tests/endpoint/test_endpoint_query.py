"""/sparql over the study data: answers checked against the CSV files, content negotiation, status codes,
CORS, the Service Description."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[2]
PRACTICES = sum(1 for _ in csv.DictReader(open(ROOT / "data/study/practices.csv", encoding="utf-8")))
CITIES = sum(1 for _ in csv.DictReader(open(ROOT / "data/study/cities.csv", encoding="utf-8")))
COUNT = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def get(server, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url + "/sparql", params={"query": query, **params}, headers=headers, timeout=30)


def test_practice_count_matches_the_csv_in_every_result_format(live_server):
    r = get(live_server, COUNT)
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == PRACTICES
    r = get(live_server, COUNT, "application/sparql-results+xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert int(ElementTree.fromstring(r.content).find(f".//{ns}literal").text) == PRACTICES
    r = get(live_server, COUNT, "text/csv")
    assert r.headers["Content-Type"].startswith("text/csv") and r.text.splitlines() == ["n", str(PRACTICES)]
    r = get(live_server, COUNT, "text/tab-separated-values")
    assert r.text.splitlines()[0] == "?n" and str(PRACTICES) in r.text.splitlines()[1]
    r = get(live_server, COUNT, format="csv")
    assert r.headers["Content-Type"].startswith("text/csv")


def test_post_forms_give_the_same_answer(live_server):
    direct = requests.post(live_server.url + "/sparql", data=COUNT.encode(), timeout=30,
                           headers={"Content-Type": "application/sparql-query"})
    form = requests.post(live_server.url + "/sparql", data={"query": COUNT}, timeout=30)
    assert direct.json() == form.json() == get(live_server, COUNT).json()


def test_capped_writers_agree_with_the_engine(live_server, store):
    """The row-capped writers of app.results give the same solutions as pyoxigraph's own serializers."""
    q = "SELECT ?c ?name ?lat WHERE { ?c a <https://w3id.org/sckg/ontology#City> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name OPTIONAL { ?c <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat } } ORDER BY ?c"
    for fmt, media in (("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                       ("csv", "text/csv"), ("tsv", "text/tab-separated-values")):
        ours = get(live_server, q, media).content
        engine = store.read_view().query(q, use_default_graph_as_union=True).serialize(
            format=getattr(ox.QueryResultsFormat, fmt.upper()))
        if fmt == "csv":  # lossy, so compared as a table
            assert list(csv.reader(io.StringIO(ours.decode()))) == list(csv.reader(io.StringIO(engine.decode())))
            continue
        a = list(ox.parse_query_results(ours, format=getattr(ox.QueryResultsFormat, fmt.upper())))
        b = list(ox.parse_query_results(engine, format=getattr(ox.QueryResultsFormat, fmt.upper())))
        assert [str(list(x)) for x in a] == [str(list(x)) for x in b] and len(a) == CITIES


def test_graph_results_negotiate(live_server):
    q = "CONSTRUCT { ?p a <https://w3id.org/sckg/ontology#Practice> } WHERE { ?p a <https://w3id.org/sckg/ontology#Practice> }"
    for accept, ctype, fmt in ((None, "text/turtle", "turtle"), ("*/*", "text/turtle", "turtle"),
                               ("application/n-triples", "application/n-triples", "nt"),
                               ("application/ld+json", "application/ld+json", "json-ld"),
                               ("application/rdf+xml", "application/rdf+xml", "xml"),
                               ("application/n-quads", "application/n-quads", "nquads"),
                               ("application/trig", "application/trig", "trig")):
        r = get(live_server, q, accept)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype), (accept, r.headers)
        g = Graph()
        g.parse(data=r.content, format=fmt)
        assert len(g) == PRACTICES


def test_status_codes(live_server):
    r = get(live_server, "SELECT * WHERE { ?s ?p }")
    assert r.status_code == 400 and "error" in r.json()
    r = get(live_server, COUNT, "image/png")
    assert r.status_code == 406 and "application/sparql-results+json" in r.json()["error"]
    r = requests.post(live_server.url + "/sparql", data=COUNT, headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415
    for method in ("PUT", "DELETE", "PATCH"):
        assert requests.request(method, live_server.url + "/sparql", timeout=10).status_code == 405
    r = requests.post(live_server.url + "/sparql", data="CLEAR ALL", timeout=10,
                      headers={"Content-Type": "application/sparql-update"})
    assert 400 <= r.status_code < 500
    r = requests.post(live_server.url + "/sparql", data={"query": "CLEAR ALL"}, timeout=10)
    assert 400 <= r.status_code < 500
    assert int(get(live_server, COUNT).json()["results"]["bindings"][0]["n"]["value"]) == PRACTICES


def test_cors_for_reads_only(live_server):
    r = get(live_server, "ASK {}")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    r = requests.options(live_server.url + "/sparql", headers={"Origin": "https://x.example",
                                                                "Access-Control-Request-Method": "POST"}, timeout=10)
    assert r.status_code == 204 and "POST" in r.headers["Access-Control-Allow-Methods"]
    r = requests.post(live_server.url + "/update", data="CLEAR ALL", timeout=10,
                      headers={"Content-Type": "application/sparql-update", "Origin": "https://x.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_service_description(live_server):
    r = requests.get(live_server.url + "/sparql", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    service = g.value(predicate=SD.endpoint, object=URIRef(live_server.url + "/sparql"))
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    dataset = g.value(service, SD.defaultDataset)
    names = {str(g.value(n, SD.name)) for n in g.objects(dataset, SD.namedGraph)}
    assert "https://w3id.org/sckg/graph/study" in names
    r = requests.get(live_server.url + "/sparql", headers={"Accept": "text/html"}, allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].endswith("/query")
    r = requests.get(live_server.url + "/sparql", headers={"Accept": "application/ld+json"}, timeout=10)
    assert json.loads(r.content)


def test_service_description_lists_update_graph_store_input_formats_and_functions(client):
    from app.search import TEXT_MATCH
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.data, format="turtle")
    services = {g.value(s, SD.endpoint): s for s in g.subjects(RDF.type, SD.Service)}
    query, update = services[URIRef("http://localhost/sparql")], services[URIRef("http://localhost/update")]
    assert (query, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (update, SD.supportedLanguage, SD.SPARQL11Update) in g
    assert g.value(update, SD.defaultDataset) == g.value(query, SD.defaultDataset)
    formats = {str(f).rsplit("/", 1)[1] for f in g.objects(update, SD.inputFormat)}
    assert {"Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG"} <= formats
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    stores = [f for f in g.objects(query, SD.feature) if (f, RDF.type, dcat.DataService) in g]
    assert len(stores) == 1 and g.value(stores[0], dcat.endpointURL) == URIRef("http://localhost/graph-store")
    assert (stores[0], RDF.type, SD.Feature) in g
    assert (query, SD.extensionFunction, URIRef(TEXT_MATCH)) in g and (URIRef(TEXT_MATCH), RDF.type, SD.Function) in g
    results = {str(f).rsplit("/", 1)[1] for f in g.objects(query, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "Turtle"} <= results
    r = client.get("/catalog")  # the catalogue's data services are the Service Description's
    cat = Graph().parse(data=r.data, format="turtle")
    assert (query, RDF.type, dcat.DataService) in cat and (stores[0], RDF.type, dcat.DataService) in cat


@pytest.mark.parametrize("dataset,expected", [
    ({"default-graph-uri": "https://w3id.org/sckg/graph/study"}, PRACTICES),
    ({"default-graph-uri": "https://w3id.org/sckg/graph/ontology"}, 0),
    ({"named-graph-uri": "https://w3id.org/sckg/graph/study"}, 0),
])
def test_protocol_dataset(live_server, dataset, expected):
    r = get(live_server, COUNT, **dataset)
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == expected
    r = get(live_server, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/sckg/ontology#Practice> } }",
            **{"named-graph-uri": "https://w3id.org/sckg/graph/study"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == PRACTICES


def test_bad_dataset_iri_is_400(live_server):
    assert get(live_server, COUNT, **{"default-graph-uri": "not an iri"}).status_code == 400

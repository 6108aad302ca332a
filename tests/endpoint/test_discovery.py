"""Discovery: VoID, the DCAT catalogue and the dumps, checked against the store's own counts and the CSV files."""
from __future__ import annotations

import gzip

import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, RDF

from app.discovery import write_dumps
from tests.endpoint.conftest import CANARY, CANARY_TRIPLES

VOID = Namespace("http://rdfs.org/ns/void#")


def _count(server, query: str) -> int:
    r = requests.get(server.url + "/sparql", params={"query": query}, timeout=30)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_void_describes_the_dataset(live_server):
    r = requests.get(live_server.url + "/.well-known/void", timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    ds = URIRef(live_server.url + "/.well-known/void#sckg")
    assert (ds, RDF.type, VOID.Dataset) in g
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(live_server.url + "/sparql")
    assert str(g.value(ds, VOID.dataDump)).endswith("/dumps/sckg.nq.gz")
    assert g.value(ds, VOID.uriSpace) == Literal("https://w3id.org/sckg/id/")
    triples = _count(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(g.value(ds, VOID.triples)) == triples
    assert int(g.value(ds, VOID.classes)) > 5
    assert URIRef("https://w3id.org/sckg/ontology#") in set(g.objects(ds, VOID.vocabulary))
    linksets = {ls: g.value(ls, VOID.objectsTarget) for ls in g.subjects(RDF.type, VOID.Linkset)}
    geonames = [ls for ls, t in linksets.items() if str(t) == "https://sws.geonames.org/"]
    assert geonames, "no GeoNames linkset"
    same_as = _count(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o "
                                  "FILTER(STRSTARTS(STR(?o), 'https://sws.geonames.org/')) }")
    assert sum(int(g.value(ls, VOID.triples)) for ls in geonames
               if g.value(ls, VOID.linkPredicate) == URIRef("http://www.w3.org/2002/07/owl#sameAs")) == same_as
    for ls, target in linksets.items():  # every linkset's size is what a plain query counts
        if str(target).startswith("https://w3id.org/sckg/graph/"):
            continue
        p = g.value(ls, VOID.linkPredicate)
        n = _count(live_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{p}> ?o FILTER(STRSTARTS(STR(?o), '{target}')) }}")
        assert int(g.value(ls, VOID.triples)) == n > 0
    r = requests.get(live_server.url + "/.well-known/void", headers={"Accept": "application/ld+json"}, timeout=60)
    assert r.headers["Content-Type"].startswith("application/ld+json")


def test_catalog_lists_the_loaded_graphs(live_server):
    r = requests.get(live_server.url + "/catalog", timeout=30)
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format="turtle")
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert URIRef("https://w3id.org/sckg/graph/study") in datasets


def test_dumps_hold_everything(server, tmp_path):
    s = server()
    store = s.app.extensions["sckg.store"]
    info = write_dumps(store, s.app.config)
    assert info["files"] == 2
    listing = requests.get(s.url + "/dumps/", timeout=10).json()["dumps"]
    names = {d["name"] for d in listing}
    assert "sckg.nq.gz" in names and any(n.endswith(".ttl.gz") for n in names)
    body = requests.get(s.url + "/dumps/sckg.nq.gz", timeout=10).content
    ds = Dataset()
    ds.parse(data=gzip.decompress(body), format="nquads")
    assert len(ds.graph(URIRef(CANARY))) == CANARY_TRIPLES
    per_graph = next(n for n in names if n.endswith(".ttl.gz"))
    g = Graph().parse(data=gzip.decompress(requests.get(s.url + "/dumps/" + per_graph, timeout=10).content),
                      format="turtle")
    assert len(g) == CANARY_TRIPLES
    assert requests.get(s.url + "/dumps/..%2Fsecret", timeout=10).status_code == 404
    assert requests.get(s.url + "/dumps/nothing.gz", timeout=10).status_code == 404


def test_dumps_follow_http_writes(server):
    s = server()
    r = requests.put(s.url + "/graph-store", params={"graph": CANARY}, timeout=30,
                     data=b"<http://e.org/only> <http://e.org/p> <http://e.org/o> .",
                     headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {s.admin}"})
    assert r.status_code == 204
    s.settle()
    body = requests.get(s.url + "/dumps/sckg.nq.gz", timeout=10).content
    lines = [line for line in gzip.decompress(body).decode().splitlines() if line.endswith(f"<{CANARY}> .")]
    assert lines == ["<http://e.org/only> <http://e.org/p> <http://e.org/o> <%s> ." % CANARY]



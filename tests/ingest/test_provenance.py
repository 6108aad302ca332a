"""The catalogue record: one DCAT/PROV description per loaded graph, with file checksums and row counts."""
from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, VOID, XSD

from ingest.namespaces import GRAPHS, SCKG, SPDX
from ingest.provenance import describe
from tests.ingest.conftest import STUDY, csv_rows


def test_record_lists_each_file_with_checksum_and_rows():
    files = {str(STUDY / n): len(csv_rows(n)) for n in ("practices.csv", "cities.csv")}
    g = describe("https://w3id.org/sckg/graph/study", title="Study", files=files, triples=42,
                 sources=["https://example.org/a", "https://example.org/a", "https://example.org/b"])
    s = URIRef("https://w3id.org/sckg/graph/study")
    assert {(s, RDF.type, DCAT.Dataset), (s, RDF.type, PROV.Entity)} <= set(g)
    assert (s, VOID.triples, Literal(42, datatype=XSD.integer)) in g
    assert set(g.objects(s, DCTERMS.source)) == {URIRef("https://example.org/a"), URIRef("https://example.org/b")}
    assert g.value(s, DCTERMS.license) is not None and g.value(s, DCTERMS.publisher) is not None
    dists = set(g.objects(s, PROV.wasDerivedFrom))
    assert len(dists) == 2
    for d in dists:
        name = str(g.value(d, DCTERMS.title))
        assert g.value(d, SCKG.rows).toPython() == len(csv_rows(name))
        checksum = g.value(d, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256((STUDY / name).read_bytes()).hexdigest()


def test_store_catalogue_describes_every_loaded_graph(store):
    rows = store.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?g ?n WHERE { GRAPH <https://w3id.org/sckg/graph/meta> { ?g a dcat:Dataset ; void:triples ?n } }""")
    described = {str(r["g"]): int(r["n"]) for r in rows}
    for name in ("study", "ontology", "vocab"):
        assert described[GRAPHS[name]] == store.count(GRAPHS[name])
    meta = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/sckg/graph/meta> { ?s ?p ?o } }")
    assert isinstance(meta, Graph)
    study = URIRef(GRAPHS["study"])
    titles = {str(meta.value(d, DCTERMS.title)) for d in meta.objects(study, PROV.wasDerivedFrom)}
    assert titles == {p.name for p in STUDY.glob("*.csv")}
    urls = {r["source_url"] for p in STUDY.glob("*.csv") for r in csv_rows(p.name)}
    # and the Spanish and French sources of the texts marked `source` (one or two URLs per cell)
    urls |= {u for p in STUDY.glob("*.csv") for r in csv_rows(p.name) for col in ("source_url_es", "source_url_fr")
             for u in (r.get(col) or "").split(";") if u}
    assert {str(o) for o in meta.objects(study, DCTERMS.source)} == urls

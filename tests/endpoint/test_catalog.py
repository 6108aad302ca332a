"""``/catalog`` against the DCAT-AP 3.0.1 SHACL shapes (tests/data/dcat-ap-3.0.1/), and what it says."""
from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS

from app.catalog import catalog_triples
from ingest.namespaces import GRAPHS
from tests.dcat_ap import SH, lines, results_by_severity

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.fixture(scope="module")
def catalog(app) -> Graph:
    r = app.test_client().get("/catalog", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content_type.startswith("text/turtle")
    return Graph().parse(data=r.data, format="turtle")


@pytest.fixture(scope="module")
def results(catalog) -> dict[URIRef, list[str]]:
    return results_by_severity(catalog)


def test_catalog_has_no_dcat_ap_violation(results):
    violations = results[SH.Violation]
    assert violations == [], f"{len(violations)} DCAT-AP violations:\n" + lines(violations)


def test_catalog_warnings_are_only_the_coverage_the_ontology_and_vocabularies_lack(results):
    """The recommended shapes warn only that the ontology, the vocabularies and the derived graphs have no
    spatial or temporal coverage: they hold terms and links, not places or times, and any coverage given them
    would be made up."""
    derived = {str(focus) for focus, _, _ in results[SH.Warning] if str(focus).startswith(GRAPHS["inferred"])}
    lacking = [GRAPHS["ontology"], GRAPHS["vocab"], GRAPHS["inferred"], GRAPHS["inferred"] + "/related", *derived]
    expected = sorted({(g, str(DCTERMS[p])) for g in lacking for p in ("spatial", "temporal")})
    warnings = results[SH.Warning]
    assert sorted((focus, path) for focus, path, _ in warnings) == expected, lines(warnings)


def test_catalog_describes_itself_its_services_and_every_record(catalog, store):
    cats = list(catalog.subjects(RDF.type, DCAT.Catalog))
    assert len(cats) == 1
    cat = cats[0]
    publisher = catalog.value(cat, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog and catalog.value(publisher, FOAF.name) is not None
    licence = catalog.value(cat, DCTERMS.license)
    assert isinstance(licence, URIRef) and (licence, RDF.type, DCTERMS.LicenseDocument) in catalog
    assert catalog.value(cat, DCTERMS.language) is not None and catalog.value(cat, FOAF.homepage) is not None
    endpoints = {catalog.value(s, DCAT.endpointURL): s for s in catalog.objects(cat, DCAT.service)}
    sparql = endpoints[URIRef("http://localhost/sparql")]
    assert (sparql, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(sparql, DCAT.endpointDescription) == URIRef("http://localhost/sparql")
    assert URIRef("http://localhost/graph-store") in endpoints
    records = {str(r["g"]) for r in store.query(
        "SELECT ?g WHERE { GRAPH ?meta { ?g a <http://www.w3.org/ns/dcat#Dataset> } }",
        {"meta": URIRef(GRAPHS["meta"])})}
    datasets = {str(d) for d in catalog.objects(cat, DCAT.dataset)}
    assert datasets == records and {GRAPHS["study"], GRAPHS["ontology"], GRAPHS["vocab"]} <= datasets
    for ds in map(URIRef, datasets):
        assert catalog.value(ds, DCTERMS.description) is not None
        assert (ds, DCAT.contactPoint, None) in catalog and list(catalog.objects(ds, DCAT.keyword))
        for dist in catalog.objects(ds, DCAT.distribution):
            assert isinstance(catalog.value(dist, DCAT.accessURL), URIRef)
            assert all(isinstance(u, URIRef) for u in catalog.objects(dist, DCAT.downloadURL))
        for source in catalog.objects(ds, DCTERMS.source):
            assert (source, RDF.type, DCAT.Dataset) in catalog
    contact = catalog.value(URIRef(GRAPHS["study"]), DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog


def test_the_study_keeps_its_files_checksums_and_source_pages(catalog, store):
    study = URIRef(GRAPHS["study"])
    files = list(catalog.objects(study, PROV.wasDerivedFrom))
    assert files
    for f in files:
        checksum = catalog.value(f, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in catalog
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert len(str(catalog.value(checksum, SPDX.checksumValue))) == 64
    pages = set(catalog.objects(study, FOAF.page))
    sources = {r["o"] for r in store.query("SELECT ?o WHERE { GRAPH ?meta { ?g ?p ?o } }", {
        "meta": URIRef(GRAPHS["meta"]), "g": study, "p": DCTERMS.source})}
    assert sources and pages == sources  # the rows' web pages, none dropped, none as dct:source
    assert list(catalog.objects(study, DCTERMS.source)) == []
    period = catalog.value(study, DCTERMS.temporal)
    assert str(catalog.value(period, DCAT.startDate)) <= "2011" <= str(catalog.value(period, DCAT.endDate))
    assert "POLYGON" in str(catalog.value(catalog.value(study, DCTERMS.spatial), DCAT.bbox))
    for theme in catalog.objects(study, DCAT.theme):
        assert catalog.value(theme, SKOS.prefLabel) is not None


def test_a_download_url_of_the_catalog_gives_the_graph(app, catalog, store):
    study = URIRef(GRAPHS["study"])
    urls = [str(u) for d in catalog.objects(study, DCAT.distribution) for u in catalog.objects(d, DCAT.downloadURL)]
    store_url = next(u for u in urls if "/graph-store?graph=" in u)
    assert unquote(store_url.split("graph=", 1)[1]) == GRAPHS["study"]
    r = app.test_client().get(store_url.removeprefix("http://localhost"))
    assert r.status_code == 200
    assert len(Graph().parse(data=r.data, format="turtle")) == store.count(GRAPHS["study"])


def test_records_of_older_and_partner_shapes_are_mapped_to_dcat_ap(empty_store):
    """Records as older versions and the partner ingest wrote them: a literal download URL and media type, an
    untyped checksum, sources that are a page, a text and another dataset, a linkset without description, a
    publisher the store knows nothing of. The catalogue made of them still has no violation."""
    g, ls = URIRef("https://w3id.org/sckg/graph/partner/x/y"), URIRef("https://w3id.org/sckg/graph/linkset/x/y")
    f, c = URIRef(str(g) + "#source"), BNode()
    meta = Graph()
    for t in [(g, RDF.type, DCAT.Dataset), (g, DCTERMS.title, Literal("Y", lang="en")),
              (g, DCTERMS.publisher, URIRef("https://example.org/org/x")),
              (g, DCTERMS.license, URIRef("https://example.org/licence")),
              (g, DCAT.distribution, f), (g, PROV.wasDerivedFrom, f), (f, RDF.type, DCAT.Distribution),
              (f, DCAT.downloadURL, Literal("y.xlsx")), (f, DCAT.mediaType, Literal("text/csv")),
              (f, SPDX.checksum, c), (c, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
              (c, SPDX.checksumValue, Literal("ab" * 32, datatype=URIRef("http://www.w3.org/2001/XMLSchema#hexBinary"))),
              (g, DCTERMS.source, URIRef("https://example.org/page")), (g, DCTERMS.source, Literal("a report, p. 3")),
              (g, DCTERMS.source, ls),
              (ls, RDF.type, DCAT.Dataset), (ls, DCTERMS.title, Literal("Links", lang="en"))]:
        meta.add(t)
    triples = [ox.Triple(*(ox.NamedNode(str(x)) if isinstance(x, URIRef) else ox.BlankNode(str(x))
                           if isinstance(x, BNode) else ox.Literal(str(x), language=x.language, datatype=(
                               ox.NamedNode(str(x.datatype)) if x.datatype else None)) for x in t)) for t in meta]
    out = Graph()
    for t in catalog_triples(empty_store, "https://sckg.example/", triples):
        out.add(tuple(URIRef(x.value) if isinstance(x, ox.NamedNode) else BNode(x.value)
                      if isinstance(x, ox.BlankNode) else Literal(x.value, lang=x.language, datatype=(
                          None if x.language else URIRef(x.datatype.value))) for x in (t.subject, t.predicate, t.object)))
    violations = results_by_severity(out)[SH.Violation]
    assert violations == [], lines(violations)
    assert (g, DCTERMS.source, ls) in out and (g, FOAF.page, URIRef("https://example.org/page")) in out
    assert (g, DCAT.distribution, f) not in out and (f, DCAT.downloadURL, None) not in out
    assert (c, RDF.type, SPDX.Checksum) in out
    assert out.value(ls, DCTERMS.description) is not None

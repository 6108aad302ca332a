"""Describing a loaded graph for the catalogue (graph …/graph/meta): a DCAT dataset and PROV entity.

The record's subject is the graph IRI; its source files are distributions with their SHA-256 (an
``spdx:Checksum``) and row counts. ``/catalog`` (:mod:`app.catalog`) serves these records as DCAT-AP.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, VOID, XSD

from ingest.namespaces import GRAPHS, SCKG, SPDX

PUBLISHER = "https://w3id.org/sckg/id/org/uclg-digital-cities"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: the description of SCKG's own graphs (``dct:description``)
DESCRIPTIONS = {
    GRAPHS["study"]: (
        "The Smart Cities Study of the UCLG Community of Practice on Digital Cities as linked data: its editions, "
        "the cities and organisations that took part, their good practices with the barriers met and enablers "
        "used, the SDGs they serve, and the events where they were presented. Each fact keeps the web page it "
        "was read from."),
    GRAPHS["ontology"]: (
        "The SCKG ontology (OWL): the classes and properties of the Smart Cities Knowledge Graph and how they map "
        "to the vocabularies it reuses (DCAT, PROV, SKOS, schema.org, ORG, RDF Data Cube)."),
    GRAPHS["vocab"]: (
        "The controlled vocabularies of SCKG (SKOS concept schemes): axes, barriers, enablers, kinds of "
        "organisation, UCLG world regions and the UN Sustainable Development Goals, in English, French and "
        "Spanish."),
}


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def describe(graph_iri: str, *, title: str, files: dict[str, int], triples: int, sources=(),
             publisher: str = PUBLISHER, license: str = LICENSE, when: dt.datetime | None = None,
             base_file_iri: str | None = None, description: str | None = None) -> Graph:
    """The catalogue record of one loaded graph.

    ``files`` maps each source file path to its number of data rows; ``sources`` are the rows' source URLs;
    ``description`` defaults to the one of :data:`DESCRIPTIONS` (none for other graphs).
    :raises OSError: if a source file cannot be read for its checksum.
    """
    g = Graph()
    s = URIRef(graph_iri)
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    g.add((s, RDF.type, DCAT.Dataset))
    g.add((s, RDF.type, PROV.Entity))
    g.add((s, DCTERMS.title, Literal(title, lang="en")))
    description = description or DESCRIPTIONS.get(graph_iri)
    if description:
        g.add((s, DCTERMS.description, Literal(description, lang="en")))
    g.add((s, DCTERMS.publisher, URIRef(publisher)))
    g.add((s, DCTERMS.license, URIRef(license)))
    g.add((s, PROV.generatedAtTime, Literal(when.isoformat(), datatype=XSD.dateTime)))
    g.add((s, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for path, rows in sorted(files.items()):
        name = Path(path).name
        d = URIRef(f"{graph_iri}/source/{name}") if base_file_iri is None else URIRef(base_file_iri + name)
        g.add((s, PROV.wasDerivedFrom, d))
        g.add((s, DCAT.distribution, d))
        g.add((d, RDF.type, DCAT.Distribution))
        g.add((d, RDF.type, PROV.Entity))
        g.add((d, DCTERMS.title, Literal(name)))
        g.add((d, SCKG.rows, Literal(rows, datatype=XSD.integer)))
        c = BNode()
        g.add((d, SPDX.checksum, c))
        g.add((c, RDF.type, SPDX.Checksum))
        g.add((c, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((c, SPDX.checksumValue, Literal(sha256(path), datatype=XSD.hexBinary)))
    for url in sorted(set(sources)):
        g.add((s, DCTERMS.source, URIRef(url)))
    return g

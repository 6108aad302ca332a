"""IRIs SCKG mints and the vocabularies it reuses (see docs/model.md)."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

SCKG = Namespace("https://w3id.org/sckg/ontology#")
DEFAULT_BASE = "https://w3id.org/sckg/id/"
GRAPH_BASE = "https://w3id.org/sckg/graph/"
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
QB = Namespace("http://purl.org/linked-data/cube#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SDG = Namespace("http://metadata.un.org/sdg/")
GEONAMES = "https://sws.geonames.org/{}/"
WIKIDATA = Namespace("http://www.wikidata.org/entity/")


def graph_iri(name: str) -> str:
    """``graph_iri("study")`` → ``https://w3id.org/sckg/graph/study``."""
    return GRAPH_BASE + name


GRAPHS = {name: graph_iri(name) for name in ("ontology", "vocab", "study", "inferred", "meta")}


def partner_graph(partner: str, dataset: str) -> str:
    return graph_iri(f"partner/{partner}/{dataset}")


PREFIXES = {
    "sckg": str(SCKG),
    "id": DEFAULT_BASE,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "org": str(ORG),
    "void": str(VOID),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "qb": str(QB),
    "spdx": str(SPDX),
}

#: the namespaces :func:`curie` tries, longest first (SCKG's own ``id:`` is left out)
_BY_LENGTH = sorted(((k, v) for k, v in PREFIXES.items() if k != "id"), key=lambda kv: -len(kv[1]))


def curie(iri) -> str:
    """``iri`` as ``prefix:local`` with the longest namespace of :data:`PREFIXES` it starts with (SCKG's own
    resources, under ``id:``, keep their full IRI); the IRI itself when no namespace fits."""
    s = str(iri)
    for prefix, ns in _BY_LENGTH:
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


__all__ = [
    "SCKG", "DEFAULT_BASE", "GRAPH_BASE", "GRAPHS", "SCHEMA", "GEO", "QB", "SPDX", "SDG", "GEONAMES", "WIKIDATA",
    "PREFIXES", "curie", "graph_iri", "partner_graph", "DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS",
    "SKOS", "VOID", "XSD",
]

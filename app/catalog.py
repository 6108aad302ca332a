"""The DCAT-AP 3.0.1 catalogue served at ``/catalog``, built from the records of ``…/graph/meta``.

The store holds one record per loaded graph (:mod:`ingest.provenance`, :mod:`ingest.partners.catalogue`): its
title, publisher, licence, load time, size, source files with their SHA-256, and the web pages its rows came
from (``dct:source``). :func:`catalog_triples` turns them into a catalogue a DCAT-AP harvester accepts:

- one ``dcat:Catalog`` (the page ``/catalog`` itself) with its publisher, licence, language, homepage, theme
  taxonomy, every dataset and two ``dcat:DataService``: the SPARQL endpoint and the Graph Store;
- per dataset: a description (the record's, else one said from its title and size), keywords, themes from the
  EU data-theme vocabulary, a contact point, spatial coverage (the bounding box of the graph's ``geo:lat`` /
  ``geo:long``), temporal coverage (the first and last edition year or event date) and its distributions, which
  are what this server offers: the SPARQL endpoint, the graph from the Graph Store, the Turtle dump when written;
- ``dct:source`` kept only for values that are datasets of the catalogue; web pages become ``foaf:page``, text
  becomes a ``dct:provenance`` statement;
- the source files stay provenance (``prov:wasDerivedFrom``, typed ``spdx:Checksum``), not distributions:
  this server does not serve them;
- every vocabulary term used (licence, formats, media types, themes, languages, agents) is stated with the class
  DCAT-AP expects, since harvesters and validators do not always fetch the EU vocabularies.
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import URIRef

from app.discovery import _slug, dump_name
from ingest.namespaces import GRAPH_BASE, GRAPHS
from ingest.provenance import DESCRIPTIONS
from ingest.provenance import LICENSE as DEFAULT_LICENSE
from ingest.provenance import PUBLISHER as DEFAULT_PUBLISHER

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCATAP = "http://data.europa.eu/r5r/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
WKT = ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")
SCKG_ONT = "https://w3id.org/sckg/ontology#"

PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "skos": SKOS, "spdx": SPDX, "vcard": VCARD, "xsd": XSD,
            "prov": PROV, "void": VOID, "dcatap": DCATAP, "sckg": SCKG_ONT}

TITLE = "SCKG, the Smart Cities Knowledge Graph"
DESCRIPTION = ("The graphs of SCKG: the Smart Cities Study of the UCLG Community of Practice on Digital Cities "
               "(cities, good practices, barriers, enablers, events and editions), the SCKG ontology, its "
               "controlled vocabularies and the partner datasets linked to them.")

#: licences SCKG uses → (label, ADMS licence types)
LICENSES = {
    "https://creativecommons.org/licenses/by/4.0/": ("Creative Commons Attribution 4.0 International",
                                                     ("Attribution",)),
    "https://creativecommons.org/licenses/by-sa/4.0/": ("Creative Commons Attribution-ShareAlike 4.0 International",
                                                        ("Attribution", "ShareAlike")),
    "https://creativecommons.org/publicdomain/zero/1.0/": ("Creative Commons Zero 1.0 Universal", ("PublicDomain",)),
}
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
LICENCE_TYPE_LABELS = {"Attribution": "Attribution", "ShareAlike": "Share-alike", "PublicDomain": "Public domain"}

#: SCKG's kinds of organisation → ADMS publisher type
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPES = {
    "network": ("NonProfitOrganisation", "Non-profit organisation"),
    "ngo": ("NonGovernmentalOrganisation", "Non-governmental organisation"),
    "city-government": ("LocalAuthority", "Local authority"),
    "un-agency": ("SupraNationalAuthority", "Supra-national authority"),
    "intergovernmental": ("SupraNationalAuthority", "Supra-national authority"),
    "company": ("Company", "Company"),
    "university": ("Academia-ScientificOrganisation", "Academia/scientific organisation"),
    "research-centre": ("Academia-ScientificOrganisation", "Academia/scientific organisation"),
}

#: EU data themes (http://publications.europa.eu/resource/authority/data-theme)
THEMES = {"REGI": "Regions and cities", "GOVE": "Government and public sector", "TECH": "Science and technology",
          "SOCI": "Population and society", "ENVI": "Environment"}

#: what the records do not say about SCKG's own graphs: keywords and themes
KNOWN = {
    GRAPHS["study"]: (("smart cities", "digital transformation", "local government", "good practices", "SDG",
                       "UCLG"), ("REGI", "GOVE", "TECH")),
    GRAPHS["ontology"]: (("ontology", "OWL", "smart cities"), ("REGI", "TECH")),
    GRAPHS["vocab"]: (("controlled vocabulary", "SKOS", "SDG", "smart cities"), ("REGI", "TECH")),
}
PARTNER_KEYWORDS = ("smart cities", "urban indicators", "partner data")

SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
#: properties whose values give a graph's time span (edition years, event dates, partner observation periods)
TIME_PROPERTIES = (SCKG_ONT + "year", "https://schema.org/startDate", "https://schema.org/endDate",
                   SDMX_DIMENSION + "refPeriod")
_TIME = """SELECT (MIN(STR(?d)) AS ?start) (MAX(STR(?d)) AS ?end) WHERE {
  GRAPH ?g { ?s ?p ?d } VALUES ?p { %s }
  FILTER(isLiteral(?d) && DATATYPE(?d) IN (xsd:gYear, xsd:gYearMonth, xsd:date))
}"""
_BOX = """PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT (MIN(?lat) AS ?s) (MAX(?lat) AS ?n) (MIN(?long) AS ?w) (MAX(?long) AS ?e) WHERE {
  { GRAPH ?g { ?x geo:lat ?lat ; geo:long ?long } }
  UNION  # the cities a partner's observations are about, placed by the study graph
  { { SELECT DISTINCT ?x WHERE { GRAPH ?g { ?obs <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?x } } }
    ?x geo:lat ?lat ; geo:long ?long }
}"""
_AGENT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?name ?home ?kind WHERE {
  OPTIONAL { ?a foaf:name|skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?name }
  OPTIONAL { ?a foaf:homepage ?home FILTER(isIRI(?home)) }
  OPTIONAL { ?a <https://w3id.org/sckg/ontology#kind> ?kind }
} LIMIT 1"""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


class _Out:
    """The catalogue's triples, without repeats, and the vocabulary terms it has already described."""

    def __init__(self):
        self.triples: dict[ox.Triple, None] = {}

    def add(self, s, p: str, o) -> None:
        self.triples[ox.Triple(s, _n(p) if isinstance(p, str) else p, o)] = None

    def typed(self, s, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, _n(c))

    def concept(self, iri: str, label: str, scheme: str | None = None) -> ox.NamedNode:
        node = _n(iri)
        self.typed(node, SKOS + "Concept")
        self.add(node, SKOS + "prefLabel", _en(label))
        if scheme:
            self.add(node, SKOS + "inScheme", _n(scheme))
        return node


def _year_literal(text: str) -> ox.Literal:
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")
    return ox.Literal(text, datatype=_n(XSD + kind))


class _Builder:
    def __init__(self, store, base: str, meta: list[ox.Triple], dumps: dict[str, int]):
        self.store, self.base, self.dumps = store, base, dumps
        self.out = _Out()
        self.by_subject: dict = {}
        for t in meta:
            self.by_subject.setdefault(t.subject, []).append(t)
        self.datasets = [t.subject for t in meta if t.predicate == RDF_TYPE and t.object == _n(DCAT + "Dataset")]
        self.catalog = _n(base + "catalog")
        self.sparql = _n(base + "sparql#service")  # the sd:Service of the Service Description
        self.graph_store = _n(base + "sparql#graph-store")
        self.contact = _n(base + "catalog#contact")
        self.boxes: list[tuple[float, float, float, float]] = []
        self.agents: set[ox.NamedNode] = set()

    def query(self, text: str, **bindings: str) -> list[dict]:
        return self.store.query(text, {k: URIRef(v) for k, v in bindings.items()})

    # vocabulary terms --------------------------------------------------------------------------------------
    def agent(self, iri: ox.NamedNode) -> ox.NamedNode:
        if iri in self.agents:
            return iri
        self.agents.add(iri)
        o = self.out
        o.typed(iri, FOAF + "Agent", FOAF + "Organization")
        rows = self.query(_AGENT, a=iri.value)
        row = rows[0] if rows else {}
        name = str(row["name"]) if row.get("name") is not None else iri.value.rstrip("/").rsplit("/", 1)[-1]
        o.add(iri, FOAF + "name", ox.Literal(name))
        if row.get("home") is not None:
            o.add(iri, FOAF + "homepage", self.document(str(row["home"])))
        kind = str(row["kind"]).rsplit("/", 1)[-1] if row.get("kind") is not None else None
        if kind in PUBLISHER_TYPES:
            local, label = PUBLISHER_TYPES[kind]
            o.add(iri, DCT + "type", o.concept(PUBLISHER_TYPE + local, label))
        return iri

    def license(self, iri: ox.NamedNode) -> ox.NamedNode:
        o = self.out
        o.typed(iri, DCT + "LicenseDocument")
        label, kinds = LICENSES.get(iri.value, (None, ()))
        if label:
            o.add(iri, RDFS_LABEL, _en(label))
        for k in kinds:
            o.add(iri, DCT + "type", o.concept(LICENCE_TYPE + k, LICENCE_TYPE_LABELS[k]))
        return iri

    def document(self, iri: str) -> ox.NamedNode:
        self.out.typed(_n(iri), FOAF + "Document")
        return _n(iri)

    def media_type(self, media: str) -> ox.NamedNode:
        node = _n(IANA + media)
        self.out.typed(node, DCT + "MediaType")
        return node

    def file_type(self, code: str, label: str) -> ox.NamedNode:
        node = self.out.concept(EU + "file-type/" + code, label, EU + "file-type")
        self.out.typed(node, DCT + "MediaTypeOrExtent")
        return node

    def standard(self, iri: str, label: str) -> ox.NamedNode:
        self.out.typed(_n(iri), DCT + "Standard")
        self.out.add(_n(iri), DCT + "title", _en(label))
        return _n(iri)

    def theme(self, code: str) -> ox.NamedNode:
        return self.out.concept(EU + "data-theme/" + code, THEMES[code], EU + "data-theme")

    # the catalogue -----------------------------------------------------------------------------------------
    def build(self) -> list[ox.Triple]:
        o, cat = self.out, self.catalog
        o.typed(cat, DCAT + "Catalog")
        o.add(cat, DCT + "title", _en(TITLE))
        o.add(cat, DCT + "description", _en(DESCRIPTION))
        o.add(cat, DCT + "publisher", self.agent(_n(DEFAULT_PUBLISHER)))
        o.add(cat, DCT + "license", self.license(_n(DEFAULT_LICENSE)))
        lang = _n(EU + "language/ENG")
        o.typed(lang, DCT + "LinguisticSystem")
        o.add(cat, DCT + "language", lang)
        o.add(cat, FOAF + "homepage", self.document(self.base))
        scheme = _n(EU + "data-theme")
        o.typed(scheme, SKOS + "ConceptScheme")
        o.add(scheme, DCT + "title", _en("Data theme"))
        o.add(cat, DCAT + "themeTaxonomy", scheme)
        self.contact_point()
        self.services()
        times = []
        for ds in self.datasets:
            o.add(cat, DCAT + "dataset", ds)
            times += self.dataset(ds)
        if times:
            o.add(cat, DCT + "issued", min(times, key=lambda lit: lit.value))
            o.add(cat, DCT + "modified", max(times, key=lambda lit: lit.value))
        if self.boxes:
            s, n, w, e = (min(b[0] for b in self.boxes), max(b[1] for b in self.boxes),
                          min(b[2] for b in self.boxes), max(b[3] for b in self.boxes))
            o.add(cat, DCT + "spatial", self.location(_n(self.base + "catalog#spatial"), s, n, w, e))
        return sorted(o.triples, key=lambda t: (not isinstance(t.subject, ox.NamedNode) or t.subject != cat,
                                                str(t.subject), str(t.predicate), str(t.object)))

    def contact_point(self) -> None:
        o, c = self.out, self.contact
        o.typed(c, VCARD + "Kind", VCARD + "Organization")
        publisher = _n(DEFAULT_PUBLISHER)
        self.agent(publisher)
        name = next((t.object for t in o.triples if t.subject == publisher and t.predicate == _n(FOAF + "name")),
                    ox.Literal("SCKG"))
        o.add(c, VCARD + "fn", name)
        home = next((t.object for t in o.triples if t.subject == publisher and t.predicate == _n(FOAF + "homepage")),
                    _n(self.base))
        o.add(c, VCARD + "hasURL", home)

    def services(self) -> None:
        o = self.out
        for node, path, title, text, std, std_label in (
                (self.sparql, "sparql", "SCKG SPARQL endpoint",
                 ("SPARQL 1.1 queries over every graph of SCKG (public, read-only; updates go to /update with a "
                  "token). A GET without a query answers the SPARQL Service Description."),
                 "https://www.w3.org/TR/sparql11-protocol/", "SPARQL 1.1 Protocol"),
                (self.graph_store, "graph-store", "SCKG Graph Store",
                 "Each named graph of SCKG as one RDF document (GET ?graph=IRI; writes need a token).",
                 "https://www.w3.org/TR/sparql11-http-rdf-update/", "SPARQL 1.1 Graph Store HTTP Protocol")):
            o.add(self.catalog, DCAT + "service", node)
            o.typed(node, DCAT + "DataService")
            o.add(node, DCT + "title", _en(title))
            o.add(node, DCT + "description", _en(text))
            o.add(node, DCAT + "endpointURL", _n(self.base + path))
            o.add(node, DCAT + "endpointDescription", _n(self.base + "sparql"))
            o.add(node, DCT + "conformsTo", self.standard(std, std_label))
            o.add(node, DCT + "publisher", _n(DEFAULT_PUBLISHER))
            o.add(node, DCT + "license", _n(DEFAULT_LICENSE))
            o.add(node, DCAT + "contactPoint", self.contact)
            o.add(node, DCAT + "theme", self.theme("REGI"))
            for word in ("SPARQL", "linked data", "smart cities"):
                o.add(node, DCAT + "keyword", _en(word))
            for ds in self.datasets:
                o.add(node, DCAT + "servesDataset", ds)

    # one dataset -------------------------------------------------------------------------------------------
    def _copy(self, node, seen: set) -> None:
        """The record's triples from ``node`` down, mapped to DCAT-AP's ranges."""
        if node in seen:
            return
        seen.add(node)
        o = self.out
        for t in self.by_subject.get(node, ()):
            p, v = t.predicate.value, t.object
            if p == DCAT + "distribution" or (p == RDF_TYPE.value and v == _n(DCAT + "Distribution")):
                continue  # a source file: provenance, not a distribution this server offers
            if p == DCAT + "downloadURL" and isinstance(v, ox.Literal):
                continue
            if p == DCAT + "mediaType" and isinstance(v, ox.Literal):
                o.add(node, DCT + "format", self.media_type(v.value))
                continue
            if p == DCT + "source":
                self.source(node, v)
                continue
            if p == DCT + "publisher" and isinstance(v, ox.NamedNode):
                self.agent(v)
            elif p == DCT + "license" and isinstance(v, ox.NamedNode):
                self.license(v)
            elif p == SPDX + "checksum":
                o.typed(v, SPDX + "Checksum")
            elif p == SPDX + "algorithm":
                o.typed(v, SPDX + "ChecksumAlgorithm")
            o.add(node, t.predicate, v)
            if isinstance(v, (ox.BlankNode, ox.NamedNode)) and p in (PROV + "wasDerivedFrom", SPDX + "checksum",
                                                                       PROV + "wasGeneratedBy"):
                self._copy(v, seen)

    def source(self, ds, value) -> None:
        o = self.out
        if value in self.datasets:
            o.add(ds, DCT + "source", value)
        elif isinstance(value, ox.NamedNode):
            o.add(ds, FOAF + "page", self.document(value.value))
        elif isinstance(value, ox.Literal):
            statement = ox.BlankNode()
            o.typed(statement, DCT + "ProvenanceStatement")
            o.add(statement, RDFS_LABEL, value)
            o.add(ds, DCT + "provenance", statement)

    def dataset(self, ds) -> list[ox.Literal]:
        o = self.out
        self._copy(ds, set())
        mine = {t.predicate.value: t.object for t in self.by_subject.get(ds, ())}
        iri = ds.value if isinstance(ds, ox.NamedNode) else ""
        known = KNOWN.get(iri)
        title = mine.get(DCT + "title")
        if title is None:
            o.add(ds, DCT + "title", ox.Literal(iri or "SCKG graph"))
        if DCT + "description" not in mine:
            size = mine.get(VOID + "triples")
            said = DESCRIPTIONS.get(iri) or (f"{title.value if title else iri}: a graph of SCKG"
                                             + (f" of {size.value} triples." if size is not None else "."))
            o.add(ds, DCT + "description", _en(said))
        if DCT + "publisher" not in mine:
            o.add(ds, DCT + "publisher", self.agent(_n(DEFAULT_PUBLISHER)))
        license = mine.get(DCT + "license")
        if license is None:
            license = self.license(_n(DEFAULT_LICENSE))
            o.add(ds, DCT + "license", license)
        keywords, themes = known if known else (
            PARTNER_KEYWORDS if iri.startswith(GRAPH_BASE + "partner/") else ("smart cities",), ("REGI",))
        for word in keywords:
            o.add(ds, DCAT + "keyword", _en(word))
        for code in themes:
            o.add(ds, DCAT + "theme", self.theme(code))
        o.add(ds, DCAT + "contactPoint", self.contact)
        if iri:
            self.coverage(ds, iri)
            self.distributions(ds, iri, license)
        when = mine.get(PROV + "generatedAtTime")
        if isinstance(when, ox.Literal):
            o.add(ds, DCT + "modified", when)
            return [when]
        return []

    def coverage(self, ds, graph: str) -> None:
        o = self.out
        rows = self.query(_BOX, g=graph)
        if rows and rows[0].get("s") is not None:
            box = tuple(float(rows[0][k]) for k in ("s", "n", "w", "e"))
            self.boxes.append(box)
            o.add(ds, DCT + "spatial", self.location(_n(graph + "#spatial"), *box))
        text = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + _TIME % " ".join(
            str(_n(p)) for p in TIME_PROPERTIES)
        rows = self.query(text, g=graph)
        if rows and rows[0].get("start") is not None:
            period = _n(graph + "#temporal")
            o.typed(period, DCT + "PeriodOfTime")
            o.add(period, DCAT + "startDate", _year_literal(str(rows[0]["start"])))
            o.add(period, DCAT + "endDate", _year_literal(str(rows[0]["end"])))
            o.add(ds, DCT + "temporal", period)

    def location(self, node, s: float, n: float, w: float, e: float):
        o = self.out
        o.typed(node, DCT + "Location")
        o.add(node, DCAT + "bbox", ox.Literal(f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))",
                                               datatype=WKT))
        o.add(node, DCAT + "centroid", ox.Literal(f"POINT({(w + e) / 2} {(s + n) / 2})", datatype=WKT))
        return node

    def distributions(self, ds, graph: str, license) -> None:
        o, base = self.out, self.base
        turtle, available = self.media_type("text/turtle"), o.concept(
            EU + "planned-availability/AVAILABLE", "available", EU + "planned-availability")
        sparql = _n(base + "catalog#" + _slug(graph) + "-sparql")
        o.add(sparql, DCT + "title", _en("SPARQL endpoint"))
        o.add(sparql, DCT + "description", _en(f"Query this graph at the SPARQL endpoint: GRAPH <{graph}> in a "
                                               f"query, or default-graph-uri={graph}."))
        o.add(sparql, DCAT + "accessURL", _n(base + "sparql"))
        o.add(sparql, DCAT + "accessService", self.sparql)
        o.add(sparql, DCT + "format", self.file_type("SPARQLQ", "SPARQL query"))
        store = _n(base + "catalog#" + _slug(graph) + "-graph-store")
        o.add(store, DCT + "title", _en("The graph in Turtle"))
        o.add(store, DCT + "description", _en("The whole graph as one Turtle document, from the Graph Store."))
        o.add(store, DCAT + "accessURL", _n(base + "graph-store"))
        o.add(store, DCAT + "downloadURL", _n(base + "graph-store?graph=" + quote(graph, safe="")))
        o.add(store, DCAT + "accessService", self.graph_store)
        o.add(store, DCAT + "mediaType", turtle)
        o.add(store, DCT + "format", self.file_type("RDF_TURTLE", "RDF Turtle"))
        made = [sparql, store]
        name = dump_name(graph)
        if name in self.dumps:
            dump = _n(base + "dumps/" + name)
            o.add(dump, DCT + "title", _en("Turtle dump (gzip)"))
            o.add(dump, DCT + "description", _en("The graph as a gzip-compressed Turtle file, rewritten after every "
                                                 "change."))
            o.add(dump, DCAT + "accessURL", _n(base + "dumps/"))
            o.add(dump, DCAT + "downloadURL", dump)
            o.add(dump, DCAT + "mediaType", turtle)
            o.add(dump, DCAT + "compressFormat", self.media_type("application/gzip"))
            o.add(dump, DCT + "format", self.file_type("RDF_TURTLE", "RDF Turtle"))
            o.add(dump, DCAT + "byteSize", ox.Literal(str(self.dumps[name]), datatype=_n(XSD + "nonNegativeInteger")))
            made.append(dump)
        for d in made:
            o.add(ds, DCAT + "distribution", d)
            o.typed(d, DCAT + "Distribution")
            o.add(d, DCT + "license", license)
            o.add(d, DCATAP + "availability", available)


def catalog_triples(store, base: str, meta: Iterable[ox.Triple], dumps: dict[str, int] | None = None
                    ) -> list[ox.Triple]:
    """The DCAT-AP catalogue for the records ``meta`` (the triples of ``…/graph/meta``), served under ``base``
    (ending in ``/``); ``dumps`` maps the dump files written to their sizes in bytes."""
    return _Builder(store, base, list(meta), dumps or {}).build()

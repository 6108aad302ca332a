"""Observation records → RDF Data Cube (the partner graph) and identity links (the linkset graph).

One ``qb:DataSet`` per partner dataset (its IRI is the partner graph's IRI), one data structure with the
dimensions city (``sdmx-dimension:refArea``), period (``sdmx-dimension:refPeriod``, ``xsd:gYear``) and indicator
(``sckg:indicator``), the measure ``sdmx-measure:obsValue`` (``xsd:decimal``) and the attribute
``sdmx-attribute:unitMeasure``. Every row's own place is kept as ``id:place/{partner}/{key}``; an
observation's city is the SCKG city when the place matched one, else that partner-only place. Each place
carries its match status, reason and candidates; the identity links themselves go to the linkset graph.
"""
from __future__ import annotations

from rdflib import Literal, Namespace, URIRef

from ingest.namespaces import DCTERMS, OWL, QB, RDF, RDFS, SCHEMA, SCKG, SKOS, XSD
from ingest.partners.mapping import Mapping
from ingest.partners.reconcile import Match
from ingest.partners.records import Records, triple_budget_error

SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")


class Iris:
    """The IRIs one partner dataset mints, from the instance base."""

    def __init__(self, base: str, partner: str, dataset: str, graph: str, linkset: str):
        self.base, self.partner, self.dataset = base, partner, dataset
        self.graph, self.linkset = URIRef(graph), URIRef(linkset)

    def place(self, key: str) -> URIRef:
        return URIRef(f"{self.base}place/{self.partner}/{key}")

    def indicator(self, ind: str) -> URIRef:
        return URIRef(f"{self.base}indicator/{self.partner}/{ind}")

    def observation(self, place: str, ind: str, period: str) -> URIRef:
        return URIRef(f"{self.base}observation/{self.partner}/{self.dataset}/{place}--{ind}--{period}")

    @property
    def dsd(self) -> URIRef:
        return URIRef(f"{self.base}dsd/{self.partner}/{self.dataset}")

    def country(self, iso2: str) -> URIRef:
        return URIRef(f"{self.base}country/{iso2.lower()}")


def _structure(g: set, iris: Iris) -> None:
    dsd = iris.dsd
    g.add((dsd, RDF.type, QB.DataStructureDefinition))
    parts = [("city", "dimension", SDMX_DIM.refArea), ("period", "dimension", SDMX_DIM.refPeriod),
             ("indicator", "dimension", SCKG.indicator), ("value", "measure", SDMX_MEASURE.obsValue),
             ("unit", "attribute", SDMX_ATTR.unitMeasure)]
    kinds = {"dimension": QB.DimensionProperty, "measure": QB.MeasureProperty, "attribute": QB.AttributeProperty}
    for order, (name, kind, prop) in enumerate(parts, start=1):
        comp = URIRef(f"{dsd}#{name}")
        g.add((dsd, QB.component, comp))
        g.add((comp, RDF.type, QB.ComponentSpecification))
        g.add((comp, QB[kind], prop))
        g.add((comp, QB.order, Literal(order)))
        g.add((prop, RDF.type, kinds[kind]))
        if kind == "attribute":
            g.add((comp, QB.componentRequired, Literal(True)))
            g.add((comp, QB.componentAttachment, QB.Observation))
    g.add((SCKG.indicator, RDFS.label, Literal("indicator", lang="en")))


def _indicators(g: set, mapping: Mapping, iris: Iris) -> None:
    for ind in mapping.indicators.values():
        i = iris.indicator(ind.id)
        g.add((i, RDF.type, SCKG.Indicator))
        g.add((i, RDF.type, SKOS.Concept))
        g.add((i, RDFS.label, Literal(ind.label, lang="en")))
        g.add((i, SKOS.prefLabel, Literal(ind.label, lang="en")))
        g.add((i, DCTERMS.identifier, Literal(ind.id)))
        if ind.description:
            g.add((i, DCTERMS.description, Literal(ind.description, lang="en")))
        g.add((i, SDMX_ATTR.unitMeasure, URIRef(ind.unit)))
        if ind.unit_label:
            g.add((URIRef(ind.unit), RDFS.label, Literal(ind.unit_label)))
        for sdg in ind.sdg:
            g.add((i, SCKG.sdg, URIRef(sdg)))
        if ind.sdg_indicator:
            g.add((i, SKOS.notation, Literal(ind.sdg_indicator)))
        if mapping.publisher:
            g.add((i, DCTERMS.publisher, URIRef(mapping.publisher)))


Triples = set  # of (subject, predicate, object) rdflib terms: much cheaper to fill than an rdflib Graph


def build_cube(mapping: Mapping, records: Records, matches: dict[str, Match], iris: Iris,
               max_triples: int | None = None) -> Triples:
    """The partner graph: dataset, structure, indicators, places and observations.

    :raises TooManyTriples: it grew past ``max_triples`` (checked every 1 000 observations, and at the end).
    """
    g: Triples = set()
    ds = iris.graph
    g.add((ds, RDF.type, QB.DataSet))
    g.add((ds, QB.structure, iris.dsd))
    g.add((ds, RDFS.label, Literal(mapping.title, lang="en")))
    g.add((ds, DCTERMS.title, Literal(mapping.title, lang="en")))
    if mapping.publisher:
        g.add((ds, DCTERMS.publisher, URIRef(mapping.publisher)))
    _structure(g, iris)
    _indicators(g, mapping, iris)
    for key, place in records.places.items():
        p = iris.place(key)
        g.add((p, RDF.type, SCHEMA.Place))
        g.add((p, RDFS.label, Literal(place.name)))
        g.add((p, DCTERMS.identifier, Literal(place.code or key)))
        g.add((p, DCTERMS.isPartOf, ds))
        if place.iso2:
            g.add((p, SCKG.country, iris.country(place.iso2)))
        _match_status(g, p, matches[key])
    for n, o in enumerate(records.observations):
        if max_triples is not None and n % 1000 == 0 and len(g) > max_triples:
            raise triple_budget_error(len(g), max_triples, "the upload")
        m = matches[o.place]
        area = URIRef(m.city.iri) if m.status == "matched" and m.city is not None else iris.place(o.place)
        obs = iris.observation(o.place, o.indicator, o.period)
        ind = mapping.indicators[o.indicator]
        g.add((obs, RDF.type, QB.Observation))
        g.add((obs, QB.dataSet, ds))
        g.add((obs, SDMX_DIM.refArea, area))
        if area != iris.place(o.place):  # matched: also the ontology's own link to the SCKG city
            g.add((obs, SCKG.city, area))
        g.add((obs, SCKG.place, iris.place(o.place)))
        g.add((obs, SDMX_DIM.refPeriod, Literal(o.period, datatype=XSD.gYear)))
        g.add((obs, SCKG.indicator, iris.indicator(o.indicator)))
        g.add((obs, SDMX_MEASURE.obsValue, Literal(format(o.value, "f"), datatype=XSD.decimal)))
        g.add((obs, SDMX_ATTR.unitMeasure, URIRef(ind.unit)))
    if max_triples is not None and len(g) > max_triples:
        raise triple_budget_error(len(g), max_triples, "the upload")
    return g


def build_linkset(matches: dict[str, Match], iris: Iris) -> Triples:
    """The linkset graph, identity links only: ``owl:sameAs`` for confirmed matches, ``skos:closeMatch`` where
    unsure, and ``skos:closeMatch`` to the GeoNames city of a place no SCKG city matched."""
    g: Triples = set()
    for key, m in matches.items():
        p = iris.place(key)
        if m.status == "matched" and m.city is not None:
            g.add((p, OWL.sameAs if m.link == "sameAs" else SKOS.closeMatch, URIRef(m.city.iri)))
        elif m.geonames:
            g.add((p, SKOS.closeMatch, URIRef(m.geonames)))
    return g


def _match_status(g: Triples, p: URIRef, m: Match) -> None:
    g.add((p, SCKG.matchStatus, Literal(m.status)))
    g.add((p, SCKG.matchReason, Literal(m.reason, lang="en")))
    for c in m.candidates:
        g.add((p, SCKG.matchCandidate, URIRef(c.iri)))

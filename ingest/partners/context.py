"""SCKG's JSON-LD context, and reading partner JSON-LD that refers to it without fetching anything.

A document may name the context by URL (``"@context": "https://…/context.jsonld"``); the URL is replaced
by the context itself before parsing, and any other remote context is refused, so the parser never
touches the network.
"""
from __future__ import annotations

import json

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ingest.errors import InputError
from ingest.namespaces import PREFIXES

SDMX = {
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
}


def _iri(curie: str) -> dict:
    return {"@id": curie, "@type": "@id"}


def _typed(curie: str, datatype: str) -> dict:
    return {"@id": curie, "@type": datatype}


def context() -> dict:
    """The ``@context`` object: prefixes, classes and the main properties of docs/model.md."""
    terms: dict = {"@version": 1.1, **PREFIXES, **SDMX}
    terms.update({
        "City": "sckg:City", "Practice": "sckg:Practice", "Country": "schema:Country", "Region": "sckg:Region",
        "Organization": "org:Organization", "Indicator": "sckg:Indicator", "Observation": "qb:Observation",
        "DataSet": "qb:DataSet", "Place": "schema:Place", "StudyEdition": "sckg:StudyEdition",
        "label": "rdfs:label", "name": "schema:name", "identifier": "dct:identifier",
        "title": {"@id": "dct:title", "@language": "en"},
        "description": {"@id": "dct:description", "@language": "en"},
        "city": _iri("sckg:city"), "country": _iri("sckg:country"), "region": _iri("sckg:region"),
        "axis": _iri("sckg:axis"), "edition": _iri("sckg:edition"), "sdg": _iri("sckg:sdg"),
        "barrier": _iri("sckg:barrier"), "enabler": _iri("sckg:enabler"), "partner": _iri("sckg:partner"),
        "homepage": _iri("foaf:homepage"), "source": _iri("dct:source"), "sameAs": _iri("owl:sameAs"),
        "closeMatch": _iri("skos:closeMatch"), "publisher": _iri("dct:publisher"), "license": _iri("dct:license"),
        "lat": _typed("geo:lat", "xsd:decimal"), "long": _typed("geo:long", "xsd:decimal"),
        "population": _typed("sckg:population", "xsd:integer"), "startYear": _typed("sckg:startYear", "xsd:gYear"),
        "iso2": "sckg:iso2",
        "dataSet": _iri("qb:dataSet"), "refArea": _iri("sdmx-dimension:refArea"), "indicator": _iri("sckg:indicator"),
        "refPeriod": _typed("sdmx-dimension:refPeriod", "xsd:gYear"),
        "value": _typed("sdmx-measure:obsValue", "xsd:decimal"), "unit": _iri("sdmx-attribute:unitMeasure"),
    })
    return {"@context": terms}


def _inline(node, accepted: tuple[str, ...], where: str):
    if isinstance(node, list):
        return [_inline(n, accepted, where) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _inline_context(value, accepted, where)
        else:
            out[key] = _inline(value, accepted, where)
    return out


def _inline_context(value, accepted: tuple[str, ...], where: str):
    """Replace SCKG's context URL by the context; refuse every other URL (``@context``, ``@import``)."""
    if isinstance(value, list):
        return [_inline_context(v, accepted, where) for v in value]
    if isinstance(value, str):
        if value in accepted:
            return context()["@context"]
        raise InputError(where, None, f"remote JSON-LD context {value!r} is not fetched; use SCKG's context "
                         f"({accepted[0]}) or put the context inline")
    if isinstance(value, dict):
        if "@import" in value:
            raise InputError(where, None, "JSON-LD '@import' is not supported: nothing is fetched; put the "
                             "context inline")
        return {k: (_inline_context(v, accepted, where) if k == "@context" else
                    _inline(v, accepted, where) if isinstance(v, dict) else v) for k, v in value.items()}
    return value


def inline_contexts(data: bytes, accepted: tuple[str, ...], where: str = "upload") -> bytes:
    """A JSON-LD document with SCKG's context URL (any of ``accepted``) replaced by the context itself, ready
    for a parser that fetches nothing.

    :raises InputError: not JSON, or a remote context other than SCKG's.
    """
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(where, None, f"not valid JSON: {e}") from e
    return json.dumps(_inline(doc, accepted, where)).encode()


NAMED_GRAPHS = ("named graphs are not accepted in a graph upload: the data sits in a named graph (a '@graph' "
                "under an '@id'); put the nodes at the top level or in a top-level '@graph' without '@id'")


def parse_jsonld(data: bytes, accepted: tuple[str, ...], where: str = "upload") -> Graph:
    """Parse JSON-LD whose context is SCKG's (by URL, replaced inline) or inline, into one graph.

    :raises InputError: not JSON, a remote context, not valid JSON-LD, or data in a named graph (it would
        otherwise be left out without a word).
    """
    doc = inline_contexts(data, accepted, where)
    dataset = Dataset()
    try:
        dataset.parse(data=doc.decode(), format="json-ld")
    except Exception as e:  # rdflib's JSON-LD parser raises many kinds; report them as bad input
        raise InputError(where, None, f"not valid JSON-LD: {e}") from e
    g = Graph()
    for s, p, o, graph in dataset.quads((None, None, None, None)):
        name = getattr(graph, "identifier", graph)
        if name is not None and name != DATASET_DEFAULT_GRAPH_ID:
            raise InputError(where, None, NAMED_GRAPHS + f" (<{name}>)")
        g.add((s, p, o))
    return g

"""The RDF and query-result syntaxes the engine reads and writes, by short name."""
from __future__ import annotations

import pyoxigraph as ox

#: RDF syntaxes, by the short names SCKG uses in settings and code
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}
#: SPARQL query-result syntaxes, by short name
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def rdf_format(name_or_media_type: str) -> ox.RdfFormat:
    """An ``ox.RdfFormat`` from a short name (``turtle``), a media type or a file extension.

    :raises ValueError: for a syntax pyoxigraph does not know.
    """
    key = name_or_media_type.split(";")[0].strip().lower()
    fmt = RDF_FORMATS.get(key) or ox.RdfFormat.from_media_type(key) or ox.RdfFormat.from_extension(key)
    if fmt is None:
        raise ValueError(f"unknown RDF syntax {name_or_media_type!r}")
    return fmt

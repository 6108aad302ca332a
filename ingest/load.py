"""Writing graphs into a store: several named graphs and their catalogue records in one transaction.

Readers see every graph of a load old or every graph new, never a mix; a load that fails or is killed
leaves the previous graphs intact (the store applies one SPARQL Update atomically).
"""
from __future__ import annotations

from rdflib import Graph, URIRef

from ingest.namespaces import GRAPHS
from ingest.provenance import replace_record

_META_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def replace_text(graphs: dict[str, Graph]) -> str:
    """One SPARQL Update that replaces each named graph; terms are written by rdflib's N-Triples serializer.

    The triples go in an ``INSERT { … } WHERE { }`` template rather than ``INSERT DATA``: the same in SPARQL 1.1,
    and accepted with blank nodes by every server (Virtuoso refuses blank nodes in ``INSERT DATA``).
    """
    parts = [f"DROP SILENT GRAPH {URIRef(name).n3()}" for name in graphs]
    inserts = [f"GRAPH {URIRef(name).n3()} {{\n{_ntriples(g)}}}" for name, g in graphs.items() if len(g)]
    if inserts:
        parts.append("INSERT {\n" + "\n".join(inserts) + "\n} WHERE { }")
    return " ;\n".join(parts)


def current_meta(store) -> Graph:
    """The catalogue graph as it is in the store now."""
    result = store.query(_META_QUERY, {"g": URIRef(GRAPHS["meta"])})
    return result if isinstance(result, Graph) else Graph()


def load(store, graphs: dict[str, Graph], records: dict[str, Graph]) -> None:
    """Replace ``graphs`` (name → graph) and their catalogue ``records`` (name → record) in one transaction.

    :raises StoreError: if the store fails; then nothing was written.
    """
    meta = current_meta(store)
    for name, record in records.items():
        meta = replace_record(meta, name, record)
    store.update(replace_text({**graphs, GRAPHS["meta"]: meta}))

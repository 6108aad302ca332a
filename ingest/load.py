"""Writing graphs into a store: several named graphs and their catalogue records in one transaction.

Readers see every graph of a load old or every graph new, never a mix; a load that fails or is killed
leaves the previous graphs intact (the store applies one SPARQL Update atomically).
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ingest.namespaces import GRAPHS


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _record_subjects(graph_iri: str) -> str:
    """A group pattern binding ``?s`` to each subject of ``graph_iri``'s catalogue record as
    :func:`ingest.provenance.describe` writes it: the graph itself, then, one and two steps down (not through
    ``dct:source``, ``dct:publisher`` or ``dct:license``), its blank nodes and its IRIs under ``…/source/``
    (the distributions and their checksums)."""
    root = ox.NamedNode(graph_iri)
    under = ox.Literal(graph_iri + "/source/")
    shared = ", ".join(str(ox.NamedNode(str(p))) for p in (DCTERMS.source, DCTERMS.publisher, DCTERMS.license))

    def step(a: str, b: str) -> str:
        return (f"{a} ?via{b[1:]} {b} FILTER(?via{b[1:]} NOT IN ({shared}) && "
                f"(isBlank({b}) || STRSTARTS(STR({b}), {under})))")
    return f"{{ BIND({root} AS ?s) }} UNION {{ {step(str(root), '?s')} }} UNION {{ {step(str(root), '?m')} {step('?m', '?s')} }}"


def replace_text(graphs: dict[str, Graph], records: dict[str, Graph] | None = None,
                 sources_of: Iterable[str] = ()) -> str:
    """One SPARQL Update that replaces each named graph, and each graph's record in the catalogue graph
    (the old record's triples are deleted where they are; the rest of the catalogue is not rewritten).

    For each graph of ``sources_of`` (already in the store), its record also gets every ``dct:source`` value
    the graph's triples name, found by the store itself (``INSERT … WHERE``): no text carries them, however many.

    Terms are written by rdflib's N-Triples serializer and pyoxigraph. The triples go in an
    ``INSERT { … } WHERE { }`` template rather than ``INSERT DATA``: the same in SPARQL 1.1, and accepted with
    blank nodes by every server (Virtuoso refuses blank nodes in ``INSERT DATA``).
    """
    records = records or {}
    meta = URIRef(GRAPHS["meta"]).n3()
    parts = [f"DROP SILENT GRAPH {URIRef(name).n3()}" for name in graphs]
    parts += [f"DELETE {{ GRAPH {meta} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {meta} {{ {_record_subjects(name)} ?s ?p ?o }} }}"
              for name in records]
    inserts = [f"GRAPH {URIRef(name).n3()} {{\n{_ntriples(g)}}}" for name, g in graphs.items() if len(g)]
    if any(len(r) for r in records.values()):
        inserts.append(f"GRAPH {meta} {{\n" + "".join(_ntriples(r) for r in records.values()) + "}")
    if inserts:
        parts.append("INSERT {\n" + "\n".join(inserts) + "\n} WHERE { }")
    source = DCTERMS.source.n3()
    parts += [f"INSERT {{ GRAPH {meta} {{ {URIRef(name).n3()} {source} ?o }} }} "
              f"WHERE {{ GRAPH {URIRef(name).n3()} {{ ?s {source} ?o }} }}" for name in sources_of]
    return " ;\n".join(parts)


def load(store, graphs: dict[str, Graph], records: dict[str, Graph], sources_of: Iterable[str] = ()) -> None:
    """Replace ``graphs`` (name → graph) and their catalogue ``records`` (name → record) in one transaction;
    the records of ``sources_of`` also list their graphs' ``dct:source`` values (see :func:`replace_text`).

    :raises StoreError: if the store fails; then nothing was written.
    """
    if GRAPHS["meta"] in graphs:
        raise ValueError("the catalogue graph is written through records, not replaced as a graph")
    store.update(replace_text(graphs, records, sources_of),
                 graphs={*graphs, *([GRAPHS["meta"]] if records else [])})

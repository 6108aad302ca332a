"""Writing graphs into a store: several named graphs and their catalogue records in one commit.

Readers see every graph of a load old or every graph new, never a mix; a load that fails or is killed
leaves the previous graphs intact (the embedded store applies one SPARQL Update atomically; a remote store
uploads the graphs beside the old ones and swaps them in one update).
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


def record_text(records: dict[str, Graph], sources_of: Iterable[str] = ()) -> str:
    """One SPARQL Update that replaces each graph's record in the catalogue graph (the old record's triples
    are deleted where they are; the rest of the catalogue is not rewritten).

    For each graph of ``sources_of`` (in the store when the update runs), its record also gets every
    ``dct:source`` value the graph's triples name, found by the store itself (``INSERT … WHERE``): no text
    carries them, however many.

    Terms are written by rdflib's N-Triples serializer and pyoxigraph. The triples go in an
    ``INSERT { … } WHERE { }`` template rather than ``INSERT DATA``: the same in SPARQL 1.1, and accepted with
    blank nodes by every server (Virtuoso refuses blank nodes in ``INSERT DATA``).
    """
    meta = URIRef(GRAPHS["meta"]).n3()
    parts = [f"DELETE {{ GRAPH {meta} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {meta} {{ {_record_subjects(name)} ?s ?p ?o }} }}"
             for name in records]
    if any(len(r) for r in records.values()):
        parts.append(f"INSERT {{ GRAPH {meta} {{\n" + "".join(_ntriples(r) for r in records.values())
                     + "} } WHERE { }")
    source = DCTERMS.source.n3()
    parts += [f"INSERT {{ GRAPH {meta} {{ {URIRef(name).n3()} {source} ?o }} }} "
              f"WHERE {{ GRAPH {URIRef(name).n3()} {{ ?s {source} ?o }} }}" for name in sources_of]
    return " ;\n".join(parts)


def load(store, graphs: dict[str, Graph], records: dict[str, Graph], sources_of: Iterable[str] = ()) -> None:
    """Replace ``graphs`` (name → graph) and their catalogue ``records`` (name → record) in one commit
    (:meth:`app.store.Store.replace_graphs`); the records of ``sources_of`` also list their graphs'
    ``dct:source`` values (see :func:`record_text`).

    :raises StoreError: if the store fails; then nothing was written.
    """
    if GRAPHS["meta"] in graphs:
        raise ValueError("the catalogue graph is written through records, not replaced as a graph")
    store.replace_graphs(graphs, record_text(records, sources_of))

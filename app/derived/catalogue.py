"""The catalogue's counts: every graph's record in ``…/graph/meta`` states how many triples the graph holds and
when that last changed, whatever wrote it (an ingest, ``/update``, the Graph Store, a derived step)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ingest.load import record_text
from ingest.namespaces import GRAPH_BASE, GRAPHS

VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: the title and description of the graphs SCKG derives itself, for their records
DERIVED = {
    GRAPHS["inferred"]: ("Inferred facts", "Facts SCKG derives from the other graphs with the ontology's rules: "
                         "the country and region of each practice, inverse links, broader concepts."),
    GRAPH_BASE + "inferred/topics": ("Suggested topics and SDGs", ("For each good practice, the topics its texts "
                                     "suggest (with the words that matched) and, when it states no SDG, the "
                                     "SDGs its topics serve; kept apart from the stated ones.")),
    GRAPH_BASE + "inferred/related": ("Related practices", "For each good practice, the practices most "
                                      "related to it, with a score and the features they share."),
    GRAPH_BASE + "inferred/topics": ("Suggested topics and SDGs", "Topics and Sustainable Development Goals "
                                     "suggested for the practices from their texts, with the words that matched."),
}


def _recorded(store) -> dict[str, int | None]:
    """Graph → the triples its record states (None: a record without a count)."""
    rows = store.query(f"SELECT ?g ?n WHERE {{ GRAPH {ox.NamedNode(GRAPHS['meta'])} {{ ?g a {DATASET} "
                       f"OPTIONAL {{ ?g {VOID_TRIPLES} ?n }} }} }}")
    out: dict[str, int | None] = {}
    for row in rows:
        n = row.get("n")
        out[str(row["g"])] = int(n) if n is not None else None
    return out


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Bring every record's ``void:triples`` and ``dct:modified`` in line with its graph; give a graph of SCKG's
    (under ``…/graph/``) that has no record a short one; take away the record of a graph that is gone. One
    write, only when something differs.

    :raises StoreError: the store failed.
    """
    meta = ox.NamedNode(GRAPHS["meta"])
    recorded = _recorded(store)
    graphs = [g for g in store.graphs() if g != GRAPHS["meta"]]
    now = ox.Literal(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                     datatype=ox.NamedNode(XSD + "dateTime"))
    parts, changed = [], 0
    for name in graphs:
        if name not in recorded and not name.startswith(GRAPH_BASE):
            continue  # a graph of the server's own, outside SCKG's graphs (a remote store's)
        n = store.count(name)
        if recorded.get(name, -1) == n:
            continue
        g = ox.NamedNode(name)
        changed += 1
        parts.append(f"DELETE {{ GRAPH {meta} {{ {g} {VOID_TRIPLES} ?n . {g} {MODIFIED} ?m }} }} WHERE {{ GRAPH "
                     f"{meta} {{ OPTIONAL {{ {g} {VOID_TRIPLES} ?n }} OPTIONAL {{ {g} {MODIFIED} ?m }} }} }}")
        facts = [f"{g} {VOID_TRIPLES} {ox.Literal(str(n), datatype=ox.NamedNode(XSD + 'integer'))} .",
                 f"{g} {MODIFIED} {now} ."]
        if name not in recorded:
            title, description = DERIVED.get(name, (f"Graph {name}", f"The named graph {name}, written through "
                                                                     "the SPARQL Update or Graph Store endpoint."))
            facts += [f"{g} {TYPE} {DATASET} .", f"{g} {TITLE} {ox.Literal(title, language='en')} .",
                      f"{g} {DESCRIPTION} {ox.Literal(description, language='en')} ."]
        parts.append(f"INSERT DATA {{ GRAPH {meta} {{ {' '.join(facts)} }} }}")
    gone = [name for name, n in recorded.items() if n is not None and name not in graphs and name != GRAPHS["meta"]]
    if gone:
        parts.append(record_text({name: Graph() for name in gone}))
    if parts:
        store.update(" ;\n".join(parts))
    return {"graphs": len(graphs), "records changed": changed, "records removed": len(gone)}

"""Resources typed with two classes the ontology declares disjoint, found before anything is written.

The check is the named query ``queries/disjoint-types-violation.rq``, evaluated by pyoxigraph over a
throw-away in-memory store that holds the new data together with the ontology (and vocabularies): data
the reasoner would call inconsistent never replaces a graph.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ingest import resources
from ingest.namespaces import curie
from ingest.report import Problem

QUERY_FILE = "disjoint-types-violation.rq"
RULE = "disjoint-types"


@lru_cache(maxsize=1)
def disjoint_query() -> str:
    """The text of ``queries/disjoint-types-violation.rq``.

    :raises FileNotFoundError: the installation lacks the query.
    """
    return (resources.resource_dir("queries") / QUERY_FILE).read_text(encoding="utf-8")


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    return BNode(term.value) if isinstance(term, ox.BlankNode) else Literal(term.value)


def disjoint_types(data: Graph, ontology: Graph, query: str | None = None) -> list[tuple]:
    """``(resource, class, other class, disjoint, disjointWith)`` for every resource of ``data`` typed (directly
    or through ``rdfs:subClassOf``) with two classes ``ontology`` declares ``owl:disjointWith``; one row per
    resource and pair of classes, sorted. Empty when the ontology declares no disjoint classes.
    """
    store = ox.Store()
    store.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o)) for g in (ontology, data) for s, p, o in g)
    seen, out = set(), []
    for row in store.query(query or disjoint_query()):
        r, a, b = (_rdflib(row[k]) for k in ("resource", "class", "otherClass"))
        key = (r, frozenset((a, b)))
        if key in seen:
            continue
        seen.add(key)
        out.append((r, a, b, _rdflib(row["disjoint"]), _rdflib(row["disjointWith"])))
    return sorted(out)


def _curie(iri) -> str:
    short = curie(iri)
    return short if short != str(iri) else f"<{iri}>"


def disjoint_problems(data: Graph, ontology: Graph, origins=None) -> list[Problem]:
    """One violation per resource typed with two disjoint classes, located through ``origins`` (the file and
    row that made the resource) when it is known, else named by its IRI."""
    problems = []
    for resource, a, b, disjoint, other in disjoint_types(data, ontology):
        file, line, column = origins.locate(resource, RDF.type) if origins is not None else (None, None, None)
        text = (f"{_curie(a)} and {_curie(b)}, which the ontology declares disjoint "
                f"({_curie(disjoint)} owl:disjointWith {_curie(other)}); give it one kind only")
        if file is None:
            problems.append(Problem("data", None, None, RULE, f"<{resource}> is both a {text}"))
        else:
            problems.append(Problem(file, line, column, RULE, f"{resource} is both a {text}"))
    return problems

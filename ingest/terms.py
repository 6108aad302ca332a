"""Terms across the two RDF libraries SCKG uses: pyoxigraph (the engine) and rdflib (the term model above it)."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


#: converted terms by pyoxigraph term: rows repeat the same IRIs and literals, and both term models are
#: immutable, so one rdflib object per distinct term is shared (cleared when it reaches _CACHE_MAX entries)
_converted: dict = {}
_CACHE_MAX = 100_000


def to_rdflib(term) -> Node | None:
    """Convert a pyoxigraph term to the rdflib term model SCKG uses above the store.

    :raises TypeError: for a term kind SCKG does not use (RDF-star triples).
    """
    if term is None:
        return None
    try:
        return _converted[term]
    except KeyError:
        pass
    kind = type(term)
    if kind is ox.NamedNode:
        out = URIRef(term.value)
    elif kind is ox.Literal:
        if term.language:
            out = Literal(term.value, lang=term.language)
        else:
            dt = term.datatype.value
            out = Literal(term.value, datatype=None if dt == _XSD_STRING else URIRef(dt))
    elif kind is ox.BlankNode:
        out = BNode(term.value)
    elif kind is ox.DefaultGraph:
        return None
    else:
        raise TypeError(f"unsupported term in a result: {term!r}")
    if len(_converted) >= _CACHE_MAX:
        _converted.clear()
    _converted[term] = out
    return out


def to_ox(term: Node):
    """Convert an rdflib term (or a plain IRI string) to a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, str):
        return ox.NamedNode(term)
    raise TypeError(f"cannot convert {term!r} to an RDF term")

"""pyoxigraph terms become the rdflib terms they denote; converted terms are shared, never confused."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ingest.terms import to_ox, to_rdflib

TERMS = [
    (ox.NamedNode("https://example.org/a"), URIRef("https://example.org/a")),
    (ox.Literal("1"), Literal("1")),
    (ox.Literal("1", datatype=ox.NamedNode(str(XSD.integer))), Literal("1", datatype=XSD.integer)),
    (ox.Literal("01", datatype=ox.NamedNode(str(XSD.integer))), Literal("01", datatype=XSD.integer)),
    (ox.Literal("1", language="en"), Literal("1", lang="en")),
    (ox.Literal("1", language="fr"), Literal("1", lang="fr")),
    (ox.BlankNode("b1"), BNode("b1")),
]


def test_each_term_converts_to_its_rdflib_term_and_back_even_when_converted_again():
    for _ in range(2):  # the second pass is answered from the converted terms
        for ox_term, expected in TERMS:
            got = to_rdflib(ox_term)
            assert got == expected and type(got) is type(expected)
            assert str(got) == str(expected) and getattr(got, "datatype", None) == getattr(expected, "datatype", None)
            assert getattr(got, "language", None) == getattr(expected, "language", None)
            if ox_term.value != "01":  # rdflib writes integers in canonical form ("01" becomes "1")
                assert to_ox(got) == ox_term


def test_the_default_graph_and_none_are_no_term():
    assert to_rdflib(None) is None and to_rdflib(ox.DefaultGraph()) is None

"""Graph content as the store methods take it, and its canonical N-Triples lines."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Union

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from app.store.formats import rdf_format
from ingest.errors import InputError
from ingest.terms import to_ox

Row = dict[str, Node]
QueryResult = Union[list[Row], bool, Graph]
#: a graph's content: an rdflib Graph, pyoxigraph triples, ``(bytes, syntax)``, or the Path of an N-Triples file
RdfData = Union[Graph, Iterable[ox.Triple], tuple[bytes, str], Path]


def triples_of(data: RdfData) -> Iterator[ox.Triple]:
    """The triples of ``data`` (graph names of quads are dropped).

    :raises InputError: serialized data that does not parse.
    """
    if isinstance(data, Graph):
        for s, p, o in data:
            yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))
    elif isinstance(data, (tuple, Path)):
        source, fmt = ({"path": str(data)}, "ntriples") if isinstance(data, Path) else ({"input": data[0]}, data[1])
        label = data.name if isinstance(data, Path) else f"{fmt} data"
        try:
            for quad in ox.parse(**source, format=rdf_format(fmt)):
                yield ox.Triple(quad.subject, quad.predicate, quad.object)
        except (SyntaxError, ValueError) as e:
            raise InputError(label, None, str(e)) from e
    else:
        for t in data:
            yield t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)


def ntriples_lines(triples: Iterable[ox.Triple]) -> set[bytes]:
    """The engine's N-Triples line of each triple: the same triple always gives the same line."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    lines = set(text.splitlines())
    lines.discard(b"")
    return lines


def has_blank_node(line: bytes) -> bool:
    """Whether an N-Triples line names a blank node (outside its literal, whose text cannot start ``_:``
    after a space, but is checked conservatively: any ``_:`` counts)."""
    return b"_:" in line

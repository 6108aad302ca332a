"""The store: the one interface SCKG reads and writes the knowledge graph through, and its two kinds.

- :class:`OxigraphStore` (:mod:`app.store.embedded`): pyoxigraph on disk, the default. The on-disk engine is
  the only truth; an in-memory replica (:mod:`app.store.replica`) answers reads while it is known to hold
  exactly the engine's state.
- :class:`RemoteStore` (:mod:`app.store.remote`): any SPARQL 1.1 server.

Results come back as rdflib terms: rows as dicts, a bool for ASK, a ``Graph`` for CONSTRUCT/DESCRIBE; the
SPARQL endpoint uses :meth:`Store.query_serialized`, which lets the engine write the wire format directly.
Nothing outside this package tests which kind of store it has or writes update text for it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib.term import Node

from app.store.data import QueryResult, RdfData, Row, triples_of
from app.store.embedded import OxigraphStore
from app.store.formats import RDF_FORMATS, RESULT_FORMATS, rdf_format
from ingest.terms import to_ox, to_rdflib

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "OxigraphStore",
    "QueryResult",
    "RdfData",
    "Row",
    "Store",
    "get_store",
    "open_store",
    "query_kind",
    "rdf_format",
    "to_ox",
    "to_rdflib",
    "triples_of",
]


@runtime_checkable
class Store(Protocol):
    """What every SCKG store does. Graph names are IRI strings."""

    #: increases on every committed write; answers cached under one generation are those of that state
    generation: int
    #: True where the engine runs inside this process (custom functions, text index, query workers)
    embedded: bool

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult: ...

    def query_serialized(self, text: str, result_format: str = "json", graph_format: str = "turtle", *,
                         default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None) -> tuple[str, bytes]: ...

    def update(self, text: str) -> None: ...

    def replace_graph(self, name: str, data: RdfData) -> int: ...

    def replace_graphs(self, graphs: Mapping[str, RdfData], then: str = "") -> None: ...

    def add_to_graph(self, name: str, data: RdfData) -> int: ...

    def drop_graph(self, name: str) -> None: ...

    def graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def dump(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None: ...

    def read_view(self) -> ox.Store | None: ...

    def state(self) -> dict: ...

    def close(self) -> None: ...


def query_kind(result) -> str:
    """``boolean``, ``solutions`` or ``graph`` for an engine result (or a bool)."""
    if isinstance(result, (ox.QueryBoolean, bool)):
        return "boolean"
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    return "graph"


def open_store(config: Mapping) -> Store:
    """The store a configuration names: a folder, ``memory``, or the URL of a SPARQL 1.1 server.

    :raises StoreError: the folder cannot be opened.
    :raises StoreUnavailable: the server does not answer.
    """
    location = str(config.get("STORE") or "./var/store")
    if location.startswith(("http://", "https://")):
        from app.store.remote import RemoteStore
        return RemoteStore.from_config(config)
    if location == "memory":
        return OxigraphStore(None)
    return OxigraphStore(location, read_only=bool(config.get("READ_ONLY")))


def get_store() -> Store:
    """The store of the current Flask app (``create_app`` puts it in ``app.extensions``)."""
    from flask import current_app
    return current_app.extensions["sckg.store"]


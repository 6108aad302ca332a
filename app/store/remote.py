"""``RemoteStore``: SCKG on any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB, …).

Queries go through SPARQLWrapper over POST; updates through SPARQL 1.1 Update; uploads, when a Graph Store
URL is configured, through the Graph Store Protocol. Bindings become a ``VALUES`` block of terms written by
pyoxigraph and placed at the start of the WHERE group (:mod:`app.sparql_text`, as on the embedded store),
never spliced text. Every error of the wire is translated here,
once: unreachable → :class:`StoreUnavailable` (503), malformed → :class:`QuerySyntaxError` (400), anything
else → :class:`StoreError`. Connection refusals and 502/503/504 are retried with exponential backoff.

What only the embedded store offers (custom SPARQL functions such as the text search, the in-process
the in-process engine view that query workers fork over) is absent here: ``embedded`` is False,
``custom_functions`` is an empty dict, and ``read_view()`` is None. See
docs/remote-stores.md for per-server settings.
"""
from __future__ import annotations

import http.client
import itertools
import threading
import time
import urllib.error
import uuid
from collections.abc import Callable, Mapping
from typing import IO, TypeVar

import pyoxigraph as ox
import requests
from rdflib import BNode
from rdflib.term import Node
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)
from tqdm import tqdm

from app.results import decoded, results_json
from app.sparql_text import bind_values, query_form
from app.store.data import QueryResult, RdfData, triples_of
from app.store.formats import rdf_format
from ingest.errors import QuerySyntaxError, StoreError, StoreUnavailable

T = TypeVar("T")

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
TRANSIENT_STATUS = {502, 503, 504}
#: triples per uploaded chunk (one INSERT DATA or one Graph Store POST), and its size in N-Triples at most
#: (Virtuoso's SPARQL compiler runs out of memory on an INSERT DATA of about 5 000 lines)
CHUNK = 2_000
CHUNK_BYTES = 500_000
#: graphs being uploaded before they replace their target; graphs() leaves them out
STAGING_PREFIX = "urn:sckg:staging:"


class _Transient(Exception):
    """A failure worth retrying: the server was not reached or said it is overloaded."""


class RemoteStore:
    """A SPARQL 1.1 server used as SCKG's store.

    :param query_url: the query endpoint (``http://127.0.0.1:7878/query`` for Oxigraph server).
    :param update_url: the update endpoint; defaults to ``query_url``.
    :param store_url: the Graph Store Protocol endpoint; when None, uploads use ``INSERT DATA``.
    :param union_param: query parameter that asks for the union default graph ('' to send none).
    """

    embedded = False

    def __init__(self, query_url: str, update_url: str | None = None, store_url: str | None = None, *,
                 user: str | None = None, password: str | None = None, timeout: float = 120.0,
                 write_timeout: float = 3600.0, connect_timeout: float = 5.0, retries: int = 3, backoff: float = 0.25,
                 union_param: str = "union-default-graph", chunk: int = CHUNK, progress: bool = True):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url
        self.timeout = timeout
        self.write_timeout = write_timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.backoff = backoff
        self.union_param = union_param
        self.chunk = chunk
        self.progress = progress
        self._user, self._password = user, password
        self._http = requests.Session()
        if user:
            self._http.auth = (user, password or "")
        self.generation = 0
        self._staging: set[str] = set()
        self._union_readers = threading.Condition()  # guards _staging and _union_count
        self._union_count = 0  # queries over the union default graph now in flight
        #: custom SPARQL functions exist only in the embedded engine; the server evaluates queries here
        self.custom_functions: dict = {}

    @classmethod
    def from_config(cls, config: Mapping) -> RemoteStore:
        """A store from SCKG settings (STORE, SPARQL_UPDATE_URL, SPARQL_STORE_URL, SPARQL_USER, …)."""
        def get(name, default):
            value = config.get(name)
            return default if value is None else value
        return cls(str(config["STORE"]), get("SPARQL_UPDATE_URL", None), get("SPARQL_STORE_URL", None),
                   user=get("SPARQL_USER", None), password=get("SPARQL_PASSWORD", None),
                   timeout=float(get("SPARQL_TIMEOUT_S", 120.0)),
                   write_timeout=float(get("SPARQL_WRITE_TIMEOUT_S", 3600.0)),
                   connect_timeout=float(get("SPARQL_CONNECT_TIMEOUT_S", 5.0)),
                   retries=int(get("SPARQL_RETRIES", 3)),
                   union_param=str(get("SPARQL_UNION_PARAM", "union-default-graph") or ""))

    def state(self) -> dict:
        """What ``/status`` shows of the store."""
        return {"kind": "remote", "generation": self.generation, "read_only": None, "in_memory_copy": None}

    def read_view(self) -> None:
        """None: the SPARQL server answers every query; there is no engine in this process."""
        return

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # --- the one boundary: retries and error translation ------------------------------------------
    def _retrying(self, what: str, url: str, call: Callable[[], T]) -> T:
        delay = self.backoff
        for attempt in itertools.count(1):
            try:
                return call()
            except _Transient as e:
                if attempt > self.retries:
                    raise StoreUnavailable(f"the SPARQL server at {url} is unreachable ({e}); "
                                           f"{what} failed after {attempt} attempts") from e
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _sparql(self, text: str, accept: str, default_graphs, named_graphs) -> bytes:
        """POST a query with SPARQLWrapper; the raw answer in the ``accept`` format."""
        kind = query_form(text)
        union = default_graphs is None
        with self._union_readers:
            if union and self._staging:  # an upload is staged: name the dataset without it
                union = False
            elif union:
                self._union_count += 1
        if default_graphs is None and not union:
            visible = self.graphs()
            default_graphs, named_graphs = visible, (visible if named_graphs is None else named_graphs)
        try:
            return self._sparql_call(text, kind, accept, default_graphs, named_graphs)
        finally:
            if union:
                with self._union_readers:
                    self._union_count -= 1
                    self._union_readers.notify_all()

    def _sparql_call(self, text: str, kind: str, accept: str, default_graphs, named_graphs) -> bytes:

        def call() -> bytes:
            sw = SPARQLWrapper(self.query_url)
            sw.setMethod(POST)
            sw.setOnlyConneg(True)
            sw.timeout = self.timeout  # setTimeout would round it down to whole seconds
            sw.queryString, sw.queryType = text, kind  # setQuery would guess the form again, with warnings
            if self._user:
                sw.setCredentials(self._user, self._password or "")
            if default_graphs is not None:
                for g in default_graphs:
                    sw.addParameter("default-graph-uri", g)
            elif self.union_param and not named_graphs:  # the protocol allows one or the other
                sw.addParameter(self.union_param, "true")
            for g in named_graphs or ():
                sw.addParameter("named-graph-uri", g)
            sw.addCustomHttpHeader("Accept", accept)
            try:
                response = sw.query().response
                return response.read()
            except QueryBadFormed as e:
                raise QuerySyntaxError(_wrapped(e) or "the server says the query is malformed") from e
            except Unauthorized as e:
                raise StoreError(f"the SPARQL server at {self.query_url} refused the credentials (401); "
                                 "set SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD") from e
            except SPARQLWrapperException as e:
                raise StoreError(f"the SPARQL server failed: {_wrapped(e) or type(e).__name__}") from e
            except urllib.error.HTTPError as e:
                if e.code in TRANSIENT_STATUS:
                    raise _Transient(f"HTTP {e.code}") from e
                raise StoreError(f"the SPARQL server answered HTTP {e.code}: {_message(e.read())}") from e
            except urllib.error.URLError as e:
                raise _Transient(str(e.reason)) from e
            except (ConnectionError, http.client.RemoteDisconnected) as e:
                raise _Transient(str(e) or type(e).__name__) from e
            except TimeoutError as e:
                raise StoreUnavailable(f"the SPARQL server at {self.query_url} did not answer within "
                                       f"{self.timeout:g} s") from e
        return self._retrying("the query", self.query_url, call)

    def _post(self, url: str, *, data: bytes, content_type: str, params: dict | None = None,
              method: str = "POST") -> requests.Response:
        """An update or a Graph Store request with requests; returns the response of a 2xx answer."""
        def call() -> requests.Response:
            try:
                r = self._http.request(method, url, data=data, params=params,
                                       headers={"Content-Type": content_type},
                                       timeout=(self.connect_timeout, self.write_timeout))
            except requests.ReadTimeout as e:
                raise StoreUnavailable(f"the SPARQL server at {url} did not answer within "
                                       f"{self.write_timeout:g} s") from e
            except requests.ConnectionError as e:
                raise _Transient(_reason(e)) from e
            if r.status_code in TRANSIENT_STATUS:
                raise _Transient(f"HTTP {r.status_code}")
            if r.status_code == 400:
                raise QuerySyntaxError(_message(r.content) or "the server says the update is malformed")
            if r.status_code in (401, 403):
                raise StoreError(f"the SPARQL server at {url} refused the write ({r.status_code}); check "
                                 "SCKG_SPARQL_USER, SCKG_SPARQL_PASSWORD and the server's update permissions")
            if r.status_code >= 300:
                raise StoreError(f"the SPARQL server at {url} answered HTTP {r.status_code}: {_message(r.content)}")
            return r
        return self._retrying("the write", url, call)

    # --- reads -------------------------------------------------------------------------------------
    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a query on the server; the default graph is the union of all graphs unless ``default_graphs``.

        :raises QuerySyntaxError: the query (or a bound value) is malformed.
        :raises StoreUnavailable: the server cannot be reached.
        :raises StoreError: the server failed otherwise.
        """
        text = with_values(text, bindings)
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = self._sparql(text, "application/n-triples", default_graphs, named_graphs)
            kind, what = "graph", "a graph that does"
        else:
            body = self._sparql(text, RESULT_TYPES["json"], default_graphs, named_graphs)
            kind, what = ("boolean" if form == "ASK" else "solutions"), "results that do"
        try:
            return decoded(kind, body)
        except SyntaxError as e:
            raise StoreError(f"the SPARQL server sent {what} not parse: {e}") from e

    def query_serialized(self, text: str, result_format: str = "json", graph_format: str = "turtle", *,
                         default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        """Ask the server for the answer in the wire format directly; ``(kind, body)`` as the embedded store.

        :raises QuerySyntaxError, StoreUnavailable, StoreError: as :meth:`query`.
        """
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return "graph", self._sparql(text, rdf_format(graph_format).media_type, default_graphs, named_graphs)
        if form == "ASK":  # asked as JSON and written here: some servers answer ASK with a one-row table
            return "boolean", _boolean_body(bool(self.query(text, default_graphs=default_graphs,
                                                            named_graphs=named_graphs)), result_format)
        return "solutions", self._sparql(text, RESULT_TYPES[result_format], default_graphs, named_graphs)

    def graphs(self) -> list[str]:
        """The named graphs: ``GRAPH ?g {}`` on Oxigraph (cheap), a scan of the graphs' triples elsewhere."""
        pattern = "{ }" if self.union_param else "{ ?s ?p ?o }"  # Virtuoso lists only system graphs for { }
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g %s }" % pattern, default_graphs=[])
        return sorted(str(r["g"]) for r in rows if "g" in r and not str(r["g"]).startswith(STAGING_PREFIX))

    def count(self, graph: str | None = None) -> int:
        if graph is None:  # plus the real default graph, on servers that keep one apart from the union
            text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }" if not self.union_param else \
                "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
            rows = self.query(text, default_graphs=[])
        else:
            rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                              {"g": ox_iri(graph)}, default_graphs=[])
        return int(rows[0]["n"]) if rows else 0

    def dump(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        """Write one graph (or every named graph) to ``out``, read with a SELECT so that any server works.

        :raises StoreUnavailable, StoreError: as :meth:`query`.
        """
        if graph is None:
            text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        else:
            text = with_values("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox_iri(graph)})
        body = self._sparql(text, RESULT_TYPES["json"], [], None)
        sols = results_json(body)
        if graph is None:
            items = (ox.Quad(s["s"], s["p"], s["o"], s["g"]) for s in sols)
        else:
            items = (ox.Triple(s["s"], s["p"], s["o"]) for s in sols)
        ox.serialize(items, out, format=rdf_format(fmt))

    # --- writes ------------------------------------------------------------------------------------
    def update(self, text: str) -> None:
        """Run a SPARQL Update on the server (one request: atomic where the server makes requests atomic).

        :raises QuerySyntaxError, StoreUnavailable, StoreError: as :meth:`query`.
        """
        self._post(self.update_url, data=text.encode("utf-8"), content_type="application/sparql-update")
        self.generation += 1

    def _upload(self, graph: str, data: RdfData, label: str) -> int:
        """Stream triples into ``graph`` in chunks; returns how many were sent.

        A blank node names one node only within one request, so every triple that has a blank node travels
        in one last request, whole. Chunks go as Graph Store POSTs, or as ``INSERT DATA``; the one with blank
        nodes as ``INSERT { … } WHERE { }``, which, unlike ``INSERT DATA``, Virtuoso accepts with them.
        """
        sent = 0
        with_bnodes: list[ox.Triple] = []

        def plain():
            for t in triples_of(data):
                if _has_bnode(t):
                    with_bnodes.append(t)
                else:
                    yield t
        stream = plain()
        with tqdm(desc=label, unit=" triples", disable=None if self.progress else True, leave=False) as bar:
            for chunk in _chunks(stream, self.chunk, CHUNK_BYTES):
                self._send_chunk(graph, chunk)
                sent += len(chunk)
                bar.update(len(chunk))
            if with_bnodes:
                self._send_chunk(graph, with_bnodes)
                sent += len(with_bnodes)
                bar.update(len(with_bnodes))
        return sent

    def _send_chunk(self, graph: str, chunk: list[ox.Triple]) -> None:
        body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        if self.store_url:
            self._post(self.store_url, data=body.encode("utf-8"), content_type="application/n-triples",
                       params={"graph": graph})
        else:  # INSERT DATA: Virtuoso compiles a template into SQL that grows with it past its limit; but a
            # template for blank nodes, which Virtuoso refuses in INSERT DATA
            group = f"GRAPH {ox.NamedNode(graph)} {{\n{body}\n}}"
            text = (f"INSERT {{ {group} }} WHERE {{ }}" if any(_has_bnode(t) for t in chunk)
                    else f"INSERT DATA {{ {group} }}")
            self._post(self.update_url, data=text.encode("utf-8"), content_type="application/sparql-update")

    def replace_graph(self, name: str, data: RdfData) -> int:
        """Replace a named graph: upload into a temporary graph, then one ``DROP`` + ``MOVE`` update
        (:meth:`replace_graphs`). Returns the triples now in ``name``.

        :raises StoreUnavailable, StoreError: as :meth:`update`.
        """
        self.replace_graphs({name: data})
        return self.count(name)

    def replace_graphs(self, graphs: Mapping[str, RdfData], then: str = "") -> None:
        """Replace several named graphs, and run the update ``then``: each graph is uploaded in chunks into a
        temporary graph of its own, then one update drops the old graphs, moves the new ones into place and
        runs ``then`` (atomic where the server makes one request atomic).

        Readers of the graphs see the old ones until the final update, then the new ones. Readers through this
        object do not see the staging graphs (their queries name the other graphs); other clients of the
        server see them in their union default graph while they are uploaded (docs/remote-stores.md). A failed
        upload drops the temporary graphs and leaves the graphs untouched. No update text carries the data,
        so a server's limit on the size of an update (Virtuoso's) is never reached.

        :raises StoreUnavailable, StoreError: as :meth:`update`.
        """
        moves = {ox.NamedNode(name): ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4().hex}") for name in graphs}
        if not moves and not then:
            return
        with self._union_readers:  # from now on readers name the graphs; wait for those that did not
            self._staging.update(tmp.value for tmp in moves.values())
            self._union_readers.wait_for(lambda: self._union_count == 0, timeout=self.timeout)
        try:
            for (target, tmp), data in zip(moves.items(), graphs.values()):
                self._upload(tmp.value, data, f"upload {target.value}")
            parts = [f"DROP SILENT GRAPH {target} ;\nMOVE SILENT GRAPH {tmp} TO GRAPH {target}"
                     for target, tmp in moves.items()]
            self._post(self.update_url, content_type="application/sparql-update",
                       data=" ;\n".join(parts + ([then] if then else [])).encode("utf-8"))
        except BaseException:
            for tmp in moves.values():
                self._drop_quietly(tmp)
            raise
        finally:
            with self._union_readers:
                self._staging.difference_update(tmp.value for tmp in moves.values())
            self.generation += 1

    def _drop_quietly(self, graph: ox.NamedNode) -> None:
        try:
            self._post(self.update_url, data=f"DROP SILENT GRAPH {graph}".encode(),
                       content_type="application/sparql-update")
        except (StoreError, QuerySyntaxError):
            pass  # the server is gone: the staging graph stays on the server until dropped by hand

    def add_to_graph(self, name: str, data: RdfData) -> int:
        """Add triples to a named graph, in chunks; returns how many were given."""
        ox.NamedNode(name)
        try:
            return self._upload(name, data, f"add to {name}")
        finally:
            self.generation += 1

    def drop_graph(self, name: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(name)}")

    def ping(self) -> bool:
        """True when the server answers a trivial query; never raises."""
        try:
            return self.query("ASK { }") in (True, False)
        except (StoreError, QuerySyntaxError):
            return False

    def close(self) -> None:
        self._http.close()


def ox_iri(value: str):
    """An rdflib IRI for a graph name, checked by pyoxigraph's IRI parser.

    :raises QuerySyntaxError: the value is not an IRI.
    """
    from rdflib import URIRef
    try:
        return URIRef(ox.NamedNode(value).value)
    except ValueError as e:
        raise QuerySyntaxError(f"not a valid IRI: {value!r} ({e})") from e


def _message(body) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return " ".join(str(body or "").split())[:500]


def _chunks(triples, most: int, most_bytes: int):
    """Lists of at most ``most`` triples whose N-Triples take about ``most_bytes`` at most."""
    chunk: list[ox.Triple] = []
    size = 0
    for t in triples:
        chunk.append(t)
        size += len(str(t))
        if len(chunk) >= most or size >= most_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _boolean_body(value: bool, result_format: str) -> bytes:
    word = "true" if value else "false"
    if result_format == "json":
        return ('{"head":{},"boolean":%s}' % word).encode()
    if result_format == "xml":
        return ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{word}</boolean></sparql>").encode()
    return word.encode()


def _wrapped(e: Exception) -> str:
    """The server's own message inside a SPARQLWrapper exception (it keeps only ``repr(body)``)."""
    import ast
    text = str(e.args[0]) if e.args else ""
    if "Response:\n" not in text:
        return ""
    raw = text.split("Response:\n", 1)[1]
    try:
        return _message(ast.literal_eval(raw))
    except (ValueError, SyntaxError):
        return _message(raw)


def _reason(e: Exception) -> str:
    text = str(e)
    for hint in ("Connection refused", "Name or service not known", "timed out", "Connection reset"):
        if hint in text:
            return hint.lower()
    return type(e).__name__


def with_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """``text`` with ``bindings`` as a ``VALUES`` block (:func:`app.sparql_text.bind_values`), for a server:
    a blank node cannot be bound across the wire.

    :raises QuerySyntaxError: a variable name or a value that cannot be bound.
    """
    if not bindings:
        return text
    for name, term in bindings.items():
        if isinstance(term, BNode):
            raise QuerySyntaxError(f"?{name}: a blank node cannot be bound in a query sent to a SPARQL server")
    try:
        return bind_values(text, bindings)
    except (ValueError, TypeError) as e:
        raise QuerySyntaxError(f"cannot bind values: {e}") from e

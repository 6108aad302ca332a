"""The one store interface SCKG uses, and its embedded implementation on pyoxigraph.

``Store`` is what ingest, the SPARQL service and the pages talk to. Two implementations exist:
:class:`OxigraphStore` (embedded, default, this module) and ``RemoteStore`` (any SPARQL 1.1 server,
:mod:`app.remote`). Results come back as rdflib terms: rows as dicts, a bool for ASK, a ``Graph`` for
CONSTRUCT/DESCRIBE. The SPARQL endpoint uses :meth:`Store.query_serialized` instead, which lets the
engine write the answer in the wire format directly.

Reads on the embedded store are served from an in-memory replica of the on-disk store. Every write is
applied to the replica as one transaction, so readers see the old graph or the new one, never a mix, and
then made durable on disk (:mod:`app.disk`: new graph versions behind one atomic catalogue switch); if the
disk fails, the replica is put back as it was. docs/scaling.md has the measurements behind this design.
"""
from __future__ import annotations

import filecmp
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Protocol, Union, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from app.disk import FILES, DiskCatalog
from app.sparql_text import bind_values, touched_graphs
from ingest.errors import InputError, QuerySyntaxError, StoreError
from ingest.terms import to_ox, to_rdflib  # noqa: F401 (part of this module's interface)

Row = dict[str, Node]
QueryResult = Union[list[Row], bool, Graph]
#: a graph's content: an rdflib Graph, pyoxigraph triples, ``(bytes, syntax)``, or the Path of an N-Triples file
RdfData = Union[Graph, Iterable[ox.Triple], tuple[bytes, str], Path]

#: media types of the RDF syntaxes pyoxigraph reads and writes, by short name
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def rdf_format(name_or_media_type: str) -> ox.RdfFormat:
    """An ``ox.RdfFormat`` from a short name (``turtle``), a media type or a file extension.

    :raises ValueError: for a syntax pyoxigraph does not know.
    """
    key = name_or_media_type.split(";")[0].strip().lower()
    fmt = RDF_FORMATS.get(key) or ox.RdfFormat.from_media_type(key) or ox.RdfFormat.from_extension(key)
    if fmt is None:
        raise ValueError(f"unknown RDF syntax {name_or_media_type!r}")
    return fmt


STAGING_PREFIX = "urn:sckg:staging:"


def _serialized(data: tuple[bytes, str] | Path) -> tuple[dict, str]:
    """Where the engine reads serialized content from (``input=`` bytes or ``path=``), and its syntax."""
    if isinstance(data, Path):
        return {"path": str(data)}, "ntriples"
    return {"input": data[0]}, data[1]


def _engine_parses(data: RdfData) -> bool:
    """True for serialized triples (a Path, or bytes in a syntax without graph names): the engine parses them
    straight into a graph, with no Python objects. Quads go through Python, which drops their graph names."""
    return isinstance(data, Path) or isinstance(data, tuple) and not rdf_format(data[1]).supports_datasets


def _triples_of(data: RdfData) -> Iterator[ox.Triple]:
    if isinstance(data, Graph):
        for s, p, o in data:
            yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))
    elif isinstance(data, (tuple, Path)):
        source, fmt = _serialized(data)
        try:
            for quad in ox.parse(**source, format=rdf_format(fmt)):
                yield ox.Triple(quad.subject, quad.predicate, quad.object)
        except (SyntaxError, ValueError) as e:
            raise InputError(f"{fmt} data", None, str(e)) from e
    else:
        for t in data:
            yield t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)


def _is_empty(engine: ox.Store, graph: ox.NamedNode) -> bool:
    """True when ``graph`` holds no triples (it may still be declared)."""
    return next(iter(engine.quads_for_pattern(None, None, None, graph)), None) is None


class _SourceFailure(Exception):
    """Carries an exception raised by the caller's data through the engine, to be re-raised as it was."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _from_source(data: RdfData) -> Iterator[ox.Triple]:
    try:
        yield from _triples_of(data)
    except InputError:
        raise
    except Exception as e:
        raise _SourceFailure(e) from e


# --- the interface ----------------------------------------------------------------------------------

@runtime_checkable
class Store(Protocol):
    """What every SCKG store does. Graph names are IRI strings."""

    #: increases by one on every committed write; caches key on it
    generation: int
    #: True where the store runs inside this process (custom functions, text index, fork workers)
    embedded: bool

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult: ...

    def query_serialized(self, text: str, result_format: str = "json", graph_format: str = "turtle", *,
                         default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None) -> tuple[str, bytes]: ...

    def update(self, text: str, graphs: set[str] | None = None) -> None: ...

    def replace_graph(self, name: str, data: RdfData) -> int: ...

    def replace_graphs(self, graphs: Mapping[str, RdfData], then: str = "", changes: Iterable[str] = ()) -> None:
        ...

    def add_to_graph(self, name: str, data: RdfData) -> int: ...

    def drop_graph(self, name: str) -> None: ...

    def graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int: ...

    def dump(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None: ...

    def close(self) -> None: ...


def query_kind(result) -> str:
    if isinstance(result, ox.QueryBoolean) or isinstance(result, bool):
        return "boolean"
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    return "graph"


class OxigraphStore:
    """pyoxigraph on disk (``path``) or in memory (``path=None``), with an in-memory read replica.

    >>> s = OxigraphStore()
    >>> s.replace_graph("http://example.org/g", (b"<http://a> <http://b> 'c' .", "ntriples"))
    1
    >>> s.query("SELECT ?o WHERE { ?s ?p ?o }")[0]["o"]
    rdflib.term.Literal('c')

    :raises StoreError: if the folder cannot be opened (another process holds its lock, no permission).
    """

    embedded = True

    def __init__(self, path: str | Path | None = None, *, replica: bool = True):
        self.path = Path(path) if path is not None else None
        self._catalog: DiskCatalog | None = None
        try:
            if self.path is None:
                self._mem = ox.Store()
            elif replica:
                self.path.mkdir(parents=True, exist_ok=True)
                self._catalog = DiskCatalog(ox.Store(str(self.path)), self.path / FILES)
                self._mem = ox.Store()
                self._catalog.copy_into(self._mem)
            else:  # reads straight from disk (for comparison in benchmarks)
                self.path.mkdir(parents=True, exist_ok=True)
                self._mem = ox.Store(str(self.path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e
        self._write_lock = threading.Lock()
        #: named graphs in the replica that readers must not see yet (staged or being filled and checked)
        self._hidden: set[str] = set()
        self._closed = False
        self.generation = 0
        self.custom_functions: dict = {}

    @property
    def write_lock(self) -> threading.Lock:
        """Held during every write; query workers fork only while holding it."""
        return self._write_lock

    # the store that answers reads (the replica); query workers fork over it
    @property
    def read_store(self) -> ox.Store:
        return self._mem

    # --- reads -------------------------------------------------------------------------------------
    def _evaluate(self, text, bindings=None, default_graphs=None, named_graphs=None):
        kwargs: dict = {}
        hidden = self._hidden  # graphs being staged, or filled and checked: this reader sees none of them
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs if g not in hidden] or [
                ox.DefaultGraph()]
        elif hidden:
            kwargs["default_graph"] = [ox.DefaultGraph()] + [ox.NamedNode(g) for g in self.graphs()]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs if g not in hidden]
        elif hidden:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in self.graphs()]
        if self.custom_functions:
            kwargs["custom_functions"] = self.custom_functions
        try:
            if bindings:
                text = bind_values(text, bindings)
            return self._mem.query(text, **kwargs)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from e
        except ValueError as e:
            raise QuerySyntaxError(str(e)) from e
        except OSError as e:
            raise StoreError(f"the store failed while reading: {e}") from e

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless ``default_graphs`` is given.

        :raises QuerySyntaxError: the query does not parse.
        :raises StoreError: the engine failed.
        """
        result = self._evaluate(text, bindings, default_graphs, named_graphs)
        kind = query_kind(result)
        try:
            if kind == "boolean":
                return bool(result)
            if kind == "solutions":
                names = [v.value for v in result.variables]
                return [{n: to_rdflib(v) for n, v in zip(names, sol) if v is not None} for sol in result]
            g = Graph()
            for t in result:
                g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            return g
        except OSError as e:
            raise StoreError(f"the store failed while reading: {e}") from e

    def query_serialized(self, text: str, result_format: str = "json", graph_format: str = "turtle", *,
                         default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        """Run a query and serialize its answer with the engine's own writers.

        Returns ``(kind, body)`` where kind is ``solutions``, ``boolean`` or ``graph``; solutions and booleans
        are written in ``result_format`` (json, xml, csv, tsv), graphs in ``graph_format``.
        """
        result = self._evaluate(text, None, default_graphs, named_graphs)
        kind = query_kind(result)
        try:
            if kind == "graph":
                return kind, ox.serialize(result, format=rdf_format(graph_format)) or b""
            return kind, result.serialize(format=RESULT_FORMATS[result_format]) or b""
        except OSError as e:
            raise StoreError(f"the store failed while reading: {e}") from e

    def graphs(self) -> list[str]:
        hidden = self._hidden
        return sorted(g.value for g in self._mem.named_graphs() if isinstance(g, ox.NamedNode)
                      and g.value not in hidden and not g.value.startswith(STAGING_PREFIX))

    def count(self, graph: str | None = None) -> int:
        g = ox.NamedNode(graph) if graph else None
        if g is not None and not self._mem.contains_named_graph(g):
            return 0
        q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }" if g is None else \
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        kwargs = {"default_graph": g} if g is not None else {}
        sol = next(iter(self._mem.query(q, **kwargs)))
        n = int(sol["n"].value)
        if g is None:  # plus the default graph
            sol = next(iter(self._mem.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
            n += int(sol["n"].value)
        return n

    def dump(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        if graph is None and self._hidden:  # a write is staged or checked: leave its graphs out
            visible = [ox.DefaultGraph()] + [ox.NamedNode(g) for g in self.graphs()]
            ox.serialize((q for g in visible for q in self._mem.quads_for_pattern(None, None, None, g)), out,
                         format=rdf_format(fmt))
            return
        kwargs = {"from_graph": ox.NamedNode(graph)} if graph else {}
        self._mem.dump(out, format=rdf_format(fmt), **kwargs)

    # --- writes ------------------------------------------------------------------------------------
    def _write(self, apply, touched: set[str | None] | None, contents: dict | None = None) -> None:
        """Apply one write to the replica (one transaction), then make it durable on disk.

        ``touched`` names the graphs the write may change (None: any); ``contents`` gives the new content of
        some of them when the caller has it at hand. If the disk fails, the replica is put back as it was.
        """
        with self._write_lock:
            self._commit(apply, touched, contents)

    def _commit(self, apply, touched: set[str | None] | None, contents: dict | None = None) -> None:
        """:meth:`_write`, with the write lock already held."""
        if self._closed:
            raise StoreError("the store is closed")
        try:
            apply(self._mem)
        except _SourceFailure as e:  # the caller's data failed: its own error, unchanged
            raise e.error from e.error.__cause__
        except InputError:
            raise
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from e
        except (ValueError, OSError) as e:
            raise StoreError(f"the store failed while writing: {e}") from e
        if self._catalog is not None:
            if touched is None:
                touched = set(self._catalog.pointers) | set(self.graphs()) | {None}
            plan = {g: (contents or {}).get(g, self._content(g)) for g in touched}
            try:
                self._catalog.persist(plan)
            except OSError as e:
                self._restore(touched)
                raise StoreError(f"the store could not write to disk, nothing was changed: {e}") from e
        self.generation += 1

    def _content(self, name: str | None):
        """The current quads of one graph of the replica, or None when a named graph is gone."""
        if name is not None and not self._mem.contains_named_graph(ox.NamedNode(name)):
            return None
        term = ox.DefaultGraph() if name is None else ox.NamedNode(name)
        return self._mem.quads_for_pattern(None, None, None, term)

    def _restore(self, touched) -> None:
        for name in touched:
            term = ox.DefaultGraph() if name is None else ox.NamedNode(name)
            self._mem.clear_graph(term) if name is None else self._mem.remove_graph(term)
            physical = self._catalog.pointers.get(name)
            if physical is not None:
                self._catalog.load_into(self._mem, name, physical)

    def update(self, text: str, graphs: set[str] | None = None) -> None:
        """Run a SPARQL Update as one transaction; readers see the data before it or after it.

        ``graphs`` names every graph the update may change when the caller knows them (SCKG's own writes, whose
        text can be megabytes of data); otherwise they are read from the text (:func:`touched_graphs`).

        :raises QuerySyntaxError: the update does not parse (nothing is written).
        :raises StoreError: the disk failed (nothing is written).
        """
        self._write(lambda s: s.update(text), touched_graphs(text) if graphs is None else {None, *graphs})

    def replace_graph(self, name: str, data: RdfData) -> int:
        """Replace one named graph; readers see the old graph or the new one.

        Content in a serialized syntax is parsed by the engine. An N-Triples file (a ``Path``) goes straight
        into the graph when the graph is empty, and otherwise as the difference from what the graph holds
        (one ``DELETE DATA`` + ``INSERT DATA`` update): a derived graph that barely changed costs a comparison
        of lines, not a rewrite. Anything else goes straight into an empty graph, or is staged in a hidden
        graph and swapped in with one update. The disk keeps the new version as a file: the one given, or
        the engine's N-Triples dump of the graph (at 1 M triples, 1 s against 6–9 s for a ``bulk_load`` into
        the on-disk store's indexes, and loaded as fast when the store opens).
        Returns the number of triples now in the graph.

        :raises InputError: the data does not parse (nothing was written).
        """
        if isinstance(data, Path):
            self._write(lambda target: self._apply_file(target, name, data), {name}, {name: data})
            return self.count(name)
        kept: dict[str, Path] = {}

        def apply(target: ox.Store) -> None:
            self._stage_and_swap(target, name, data)
            if self._catalog is not None and target.contains_named_graph(ox.NamedNode(name)):
                kept[name] = self._dumped(target, name)
        try:
            self._write(apply, {name}, kept)
        finally:
            for path in kept.values():  # the disk keeps its own link to the file
                path.unlink(missing_ok=True)
        return self.count(name)

    def _dumped(self, target: ox.Store, name: str) -> Path:
        """The graph written by the engine as N-Triples to a new file in the disk's files folder."""
        fd, tmp = tempfile.mkstemp(dir=self._catalog.files, prefix=".graph-", suffix=".nt")
        os.close(fd)
        try:
            target.dump(tmp, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        except BaseException:
            os.unlink(tmp)
            raise
        return Path(tmp)

    def replace_graphs(self, graphs: Mapping[str, RdfData], then: str = "", changes: Iterable[str] = ()) -> None:
        """Replace several named graphs and run the update ``then``, which changes the graphs ``changes``
        besides, all in one transaction: readers see every graph old or every graph new.

        The triples go, written by pyoxigraph, in one ``INSERT { … } WHERE { }`` (blank nodes keep their
        identity across the graphs, as in the data).

        :raises QuerySyntaxError: ``then`` does not parse (nothing is written).
        :raises StoreError: the disk failed (nothing is written).
        """
        parts = [f"DROP SILENT GRAPH {ox.NamedNode(name)}" for name in graphs]
        inserts = []
        for name, data in graphs.items():
            text = (ox.serialize(_triples_of(data), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            if text:
                inserts.append(f"GRAPH {ox.NamedNode(name)} {{\n{text}}}")
        if inserts:
            parts.append("INSERT {\n" + "\n".join(inserts) + "\n} WHERE { }")
        if then:
            parts.append(then)
        if parts:
            self.update(" ;\n".join(parts), graphs={*graphs, *changes})

    def _stage_and_swap(self, target: ox.Store, name: str, data: RdfData) -> None:
        """The new triples in one transaction, straight into the graph when it is empty; otherwise into a
        staging graph readers do not see, then one update swaps it in (a ``MOVE`` copies every triple: 3 s at
        1 M triples, more than parsing them). Serialized triples are parsed by the engine, with no Python
        objects."""
        graph = ox.NamedNode(name)
        empty = _is_empty(target, graph)
        into = graph if empty else ox.NamedNode(STAGING_PREFIX + uuid.uuid4().hex)
        if not empty:
            self._hidden.add(into.value)
        try:
            if _engine_parses(data):
                source, fmt = _serialized(data)
                try:
                    target.load(**source, format=rdf_format(fmt), to_graph=into)
                except SyntaxError as e:
                    raise InputError(f"{fmt} data", None, str(e)) from e
            else:
                target.extend(ox.Quad(t.subject, t.predicate, t.object, into) for t in _from_source(data))
            if not empty:
                target.update(f"DROP SILENT GRAPH {graph} ; MOVE SILENT GRAPH {into} TO GRAPH {graph}")
        finally:
            if not empty:
                if target.contains_named_graph(into):
                    target.remove_graph(into)
                self._hidden.discard(into.value)

    def _apply_file(self, target: ox.Store, name: str, path: Path) -> None:
        """An N-Triples file as the graph's new content: loaded in one transaction into an empty graph, else
        applied as the difference of lines (nothing when the file is the one kept on disk); blank nodes, which
        cannot be named in ``DELETE DATA``, are staged and swapped instead."""
        graph = ox.NamedNode(name)
        if _is_empty(target, graph):
            try:  # nothing to take away: one transactional load
                target.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            except SyntaxError as e:
                raise InputError(path.name, None, str(e)) from e
            return
        kept = self._catalog.file_of(name) if self._catalog is not None else None
        if kept is not None:  # the graph's current version is a file: read it rather than the engine
            if filecmp.cmp(kept, path, shallow=False):
                return
            old_text = kept.read_bytes()
        else:
            old_text = target.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        old = set(old_text.splitlines())
        del old_text
        new = set(path.read_bytes().splitlines())
        removed, added = old - new, new - old
        removed.discard(b"")
        added.discard(b"")
        if any(b"_:" in line for line in removed | added):  # blank nodes cannot be named in DELETE DATA
            self._stage_and_swap(target, name, path)
            return
        texts = {op: b"\n".join(lines) for op, lines in (("DELETE", removed), ("INSERT", added)) if lines}
        try:  # the new lines go into update text: each must first be one N-Triples statement, nothing else
            for _ in ox.parse(texts.get("INSERT", b""), format=ox.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as e:
            raise InputError(path.name, None, str(e)) from e
        if texts:  # the removed lines are the engine's own N-Triples (or a file it loaded before)
            target.update(" ;\n".join(f"{op} DATA {{ GRAPH {graph} {{\n" + text.decode("utf-8") + "\n} }"
                                       for op, text in texts.items()))

    def new_graph(self, name: str) -> NewGraph | None:
        """The named graph ``name`` to fill and check inside the replica before anyone sees it
        (:class:`NewGraph`), when it holds no triples; None when it does (replace it with :meth:`replace_graph`).

        Waits for a write in progress; from then on, holds the write lock until the new graph is committed or
        closed.

        :raises StoreError: the store is closed.
        """
        self._write_lock.acquire()
        try:
            if self._closed:
                raise StoreError("the store is closed")
            if _is_empty(self._mem, ox.NamedNode(name)):
                return NewGraph(self, name)
        except BaseException:
            self._write_lock.release()
            raise
        self._write_lock.release()
        return None

    def add_to_graph(self, name: str, data: RdfData) -> int:
        """Add triples to a named graph in one transaction; returns how many were given."""
        g = ox.NamedNode(name)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in _from_source(data)]
        self._write(lambda s: s.extend(quads), {name})
        return len(quads)

    def drop_graph(self, name: str) -> None:
        self._write(lambda s: s.update(f"DROP SILENT GRAPH {ox.NamedNode(name)}"), {name}, {name: None})

    @property
    def scratch_dir(self) -> Path | None:
        """A folder on the store's disk for files about to be handed to :meth:`replace_graph` (so keeping
        them is a hard link, not a copy); None for an in-memory store."""
        return self._catalog.files if self._catalog is not None else None

    def optimize(self) -> None:
        """Compact the on-disk store (after bulk loads)."""
        disk = self._catalog.disk if self._catalog is not None else (self._mem if self.path else None)
        if disk is not None:
            disk.optimize()

    def close(self) -> None:
        """Flush the disk and stop the background deletes of old graph versions."""
        with self._write_lock:
            self._closed = True
            if self._catalog is not None:
                self._catalog.close()
                self._catalog = None


class NewGraph:
    """An empty named graph filled and checked inside the embedded store's replica, then shown with no copy.

    The engine parses the input once, straight into the graph; the checks read it where it lies (forked
    workers included); :meth:`commit` shows it and keeps its N-Triples dump on disk as its version. Until then,
    readers see neither it nor its :meth:`scratch` graphs. It holds the store's write lock from
    :meth:`OxigraphStore.new_graph` until committed or closed (other writes, and forks of query workers,
    wait); closed without a commit, it takes away all it loaded. A context manager.
    """

    def __init__(self, store: OxigraphStore, name: str):
        self._store = store
        self.name = name
        #: the graph to load into, and the engine holding it (the replica)
        self.graph = ox.NamedNode(name)
        self.engine: ox.Store = store._mem
        self._existed = self.engine.contains_named_graph(self.graph)  # declared, with no triples
        self._scratch: list[ox.NamedNode] = []
        self._open = True
        store._hidden.add(name)

    def scratch(self) -> ox.NamedNode:
        """One more hidden graph beside the new one (what its checks read besides the data), removed at the
        commit or the close."""
        g = ox.NamedNode(STAGING_PREFIX + uuid.uuid4().hex)
        self._store._hidden.add(g.value)
        self._scratch.append(g)
        return g

    def _drop_scratch(self) -> None:
        for g in self._scratch:
            self.engine.remove_graph(g)
            self._store._hidden.discard(g.value)
        self._scratch.clear()

    def commit(self, content: Path, update: str | None = None, graphs: Iterable[str] = ()) -> None:
        """Show the graph, in one write with ``update`` (say, its catalogue record), which changes ``graphs``
        besides. ``content`` is the graph's N-Triples dump, kept on disk as its version. Closes the new graph.

        :raises QuerySyntaxError: ``update`` does not parse; the graph is taken away.
        :raises StoreError: the disk failed; the graph is taken away and the store is as before.
        """
        if not self._open:
            raise StoreError(f"the new graph {self.name} was already closed")

        def show(engine: ox.Store) -> None:
            self._drop_scratch()
            if update:
                engine.update(update)
            self._store._hidden.discard(self.name)
        try:
            self._store._commit(show, {self.name, *graphs}, {self.name: content})
        finally:
            self.close()

    def close(self) -> None:
        """Release the write lock; unless committed, take away the graph's triples and the scratch graphs."""
        if not self._open:
            return
        self._open = False
        try:
            self._drop_scratch()
            if self.name in self._store._hidden:  # never shown
                (self.engine.clear_graph if self._existed else self.engine.remove_graph)(self.graph)
        finally:
            self._store._hidden.discard(self.name)
            self._store._write_lock.release()

    def __enter__(self) -> NewGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(config: Mapping) -> Store:
    """The store a configuration names: a folder, ``memory``, or the URL of a SPARQL 1.1 server.

    :raises StoreError: the folder cannot be opened.
    :raises StoreUnavailable: the server does not answer.
    """
    location = str(config.get("STORE") or "./var/store")
    if location.startswith(("http://", "https://")):
        from app.remote import RemoteStore  # only needed for a remote store
        return RemoteStore.from_config(config)
    if location == "memory":
        return OxigraphStore(None)
    return OxigraphStore(location)


def get_store() -> Store:
    """The store of the current Flask app (``create_app`` puts it in ``app.extensions``)."""
    from flask import current_app
    return current_app.extensions["sckg.store"]

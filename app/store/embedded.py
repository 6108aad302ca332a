"""``OxigraphStore``: pyoxigraph on disk, the only truth, with an in-memory copy for fast reads.

Every write is one transaction of the on-disk engine (its ``update``, ``load`` or ``extend``), applied as
the engine parses it; the engine's write-ahead log has it before the call returns, so an acknowledged write
survives ``kill -9``, and a write the engine refused or could not store is rolled back by it whole. Nothing
here reads an update's text to decide what to keep.

Reads go to the in-memory copy (:class:`app.store.replica.Replica`) while it holds exactly the engine's
state, and to the engine otherwise: a read that starts after a write's answer always sees that write.

A graph replaced with new content is changed by the difference: the triples it loses are deleted and those
it gains inserted, in one update (the engine's deletes cost far more than its inserts, and a derived graph
rewritten after a small write barely changes).
"""
from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from app.sparql_text import bind_values
from app.store.data import (
    QueryResult,
    RdfData,
    has_blank_node,
    ntriples_lines,
    triples_of,
)
from app.store.formats import RESULT_FORMATS, rdf_format
from app.store.replica import Op, Replica, replayable
from ingest.errors import (
    InputError,
    QuerySyntaxError,
    StoreError,
    StoreFull,
    StoreReadOnly,
    WriteRefused,
)
from ingest.terms import to_rdflib

log = logging.getLogger("sckg.store")

#: files that a write killed half-way can leave in the store's folder (the engine's bulk loader's)
LEFTOVERS = ("bulk-*.sst", "*.sst.tmp")
#: the folder, inside the store's, where the in-memory copy is taken from a checkpoint of the engine
COPY_SCRATCH = "sckg-copy"
#: a large new graph is bulk-loaded while it is named here; every reader of the engine leaves it out until the
#: write that takes its name away (with the graph's record) is committed
LOADING = ox.NamedNode("urn:sckg:store:loading")
LOADS = ox.NamedNode("urn:sckg:store:loads")
#: serialized content of at least this many bytes goes into a new graph through the engine's bulk loader
BULK_BYTES = 1_000_000
#: the catalogue of the layout that earlier versions of SCKG wrote (converted when the store opens)
OLD_LAYOUT = ox.NamedNode("urn:sckg:store:catalog")


def _is_empty(engine: ox.Store, graph: ox.NamedNode) -> bool:
    return next(iter(engine.quads_for_pattern(None, None, None, graph)), None) is None


def loading(view: ox.Store) -> set:
    """The graphs of ``view`` being bulk-loaded, with the graph that names them (empty when none is)."""
    found = {q.subject for q in view.quads_for_pattern(None, LOADS, None, LOADING)}
    return found | {LOADING} if found else found


def dataset(view: ox.Store, default_graphs=None, named_graphs=None) -> dict:
    """The engine's dataset arguments for a query of ``view``: the union of all graphs unless ``default_graphs``
    names some, leaving out the graphs being bulk-loaded."""
    hidden = loading(view)
    visible = [g for g in view.named_graphs() if g not in hidden] if hidden else None
    kwargs: dict = {}
    if default_graphs is not None:
        kwargs["default_graph"] = [g for g in map(ox.NamedNode, default_graphs) if g not in hidden] or [
            ox.DefaultGraph()]
    elif visible is not None:
        kwargs["default_graph"] = [ox.DefaultGraph(), *visible]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs is not None:
        kwargs["named_graphs"] = [g for g in map(ox.NamedNode, named_graphs) if g not in hidden]
    elif visible is not None:
        kwargs["named_graphs"] = visible
    return kwargs


def _no_space(e: OSError) -> bool:
    return e.errno == errno.ENOSPC or "No space left" in str(e)


def _read_only_disk(e: OSError) -> bool:
    return e.errno in (errno.EROFS, errno.EACCES) or "Read-only file system" in str(e) or _no_space(e)


class OxigraphStore:
    """pyoxigraph on disk (``path``), or in memory (``path=None``: tests, benchmarks).

    >>> s = OxigraphStore()
    >>> s.replace_graph("http://example.org/g", (b"<http://a> <http://b> 'c' .", "ntriples"))
    1
    >>> s.query("SELECT ?o WHERE { ?s ?p ?o }")[0]["o"]
    rdflib.term.Literal('c')

    ``read_only`` opens the engine for reads only; a folder on a read-only or full disk is opened that way
    too (``read_only_reason`` says why), and every write then raises :class:`StoreReadOnly`.

    :raises StoreError: the folder cannot be opened (another process holds it, or it was written by an
        earlier version of SCKG).
    """

    embedded = True

    def __init__(self, path: str | Path | None = None, *, replica: bool = True, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only_reason: str | None = "opened read-only" if read_only else None
        self.generation = 0
        self.custom_functions: dict = {}
        self._write_lock = threading.Lock()
        self._closed = False
        self._replica: Replica | None = None
        if self.path is None:
            self._engine = ox.Store()
            return
        self._engine = self._open(read_only)
        if next(iter(self._engine.quads_for_pattern(None, None, None, OLD_LAYOUT)), None) is not None:
            self._migrate()
        self._recover()
        if replica and not self.read_only:  # a copy is taken from a checkpoint written in the folder
            self._replica = Replica(self._engine, lambda: self.generation, self._write_lock,
                                    self.path / COPY_SCRATCH)

    def _recover(self) -> None:
        """Drop the graphs a crash left half bulk-loaded (named in :data:`LOADING`); none was acknowledged."""
        unfinished = loading(self._engine) - {LOADING}
        if not unfinished:
            return
        if self.read_only:
            log.warning("%d graphs were left half loaded; readers leave them out", len(unfinished))
            return
        self._engine.update(" ;\n".join([f"DROP SILENT GRAPH {g}" for g in unfinished]
                                         + [f"DROP SILENT GRAPH {LOADING}"]))
        log.warning("dropped %d graphs left half loaded by an interrupted write", len(unfinished))

    def _migrate(self) -> None:
        """Turn the layout earlier versions of SCKG wrote (each graph's current version in a graph or a file
        behind a pointer in ``urn:sckg:store:catalog``) into plain named graphs. Files are loaded first, then
        one update copies the other versions and removes the pointers and old versions; a crash before that
        update leaves the old layout, and the migration runs again at the next open (loading the same triples
        twice changes nothing).

        :raises StoreReadOnly: the store cannot be written, so it cannot be migrated.
        """
        if self.read_only:
            raise StoreReadOnly("this store folder was written by an earlier version of SCKG and must be "
                                "converted once, which needs a writable disk")
        holds = ox.NamedNode("urn:sckg:store:holds")
        default = ox.NamedNode("urn:sckg:store:default")
        pointers = [(q.subject, q.object) for q in self._engine.quads_for_pattern(None, holds, None, OLD_LAYOUT)]
        parts = []
        for physical, logical in pointers:
            target = ox.DefaultGraph() if logical == default else logical
            if physical.value.startswith("urn:sckg:store:file:"):
                kept = self.path / "sckg-files" / (physical.value.rsplit(":", 1)[1] + ".nt")
                if kept.exists():
                    self._engine.load(path=str(kept), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            else:
                parts.append(f"ADD SILENT {physical} TO {'DEFAULT' if logical == default else logical}")
        old = [g for g in self._engine.named_graphs()
               if isinstance(g, ox.NamedNode) and g.value.startswith("urn:sckg:store:")]
        self._engine.update(" ;\n".join(parts + [f"DROP SILENT GRAPH {g}" for g in old]))
        shutil.rmtree(self.path / "sckg-files", ignore_errors=True)
        log.warning("converted a store written by an earlier version of SCKG: %d graphs", len(pointers))

    def _open(self, read_only: bool) -> ox.Store:
        assert self.path is not None
        if read_only:
            if not (self.path / "CURRENT").exists():  # no store here yet: an empty one, to read
                self.path.mkdir(parents=True, exist_ok=True)
                ox.Store(str(self.path))  # writes the files of an empty store, and lets go of them at once
            try:
                return ox.Store.read_only(str(self.path))
            except OSError as e:
                raise StoreError(f"cannot open the store read-only: {self._clean(e)}") from None
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for pattern in LEFTOVERS:
                for leftover in self.path.glob(pattern):
                    leftover.unlink(missing_ok=True)
            return ox.Store(str(self.path))
        except OSError as e:
            if not _read_only_disk(e) or not (self.path / "CURRENT").exists():
                if "lock" in str(e).lower():
                    raise StoreError("the store is open in another process (a running `sckg serve`?); stop it "
                                     "or point SCKG_STORE at another folder") from None
                raise StoreError(f"cannot open the store: {self._clean(e)}") from None
            self.read_only_reason = "its disk is full" if _no_space(e) else "its disk is read-only"
            log.warning("the store is served read-only: %s", self.read_only_reason)
            return self._open(True)

    def _clean(self, e: BaseException) -> str:
        """An engine message without the store's path (never shown to a client or logged)."""
        text = str(e)
        if self.path is not None:
            for form in {str(self.path), str(self.path.resolve())}:
                text = text.replace(form, "<store>")
        return text

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # --- reads -------------------------------------------------------------------------------------
    def read_view(self) -> ox.Store:
        """The engine view that in-process readers query: the in-memory copy while it is exact, else the
        engine itself. Either way it holds every write acknowledged so far.

        :raises StoreError: the store is closed."""
        if self._engine is None:
            raise StoreError("the store is closed")
        if self._replica is not None:
            fresh = self._replica.fresh(self.generation)
            if fresh is not None:
                return fresh
        return self._engine

    @contextlib.contextmanager
    def fork_view(self) -> Iterator[tuple[int, ox.Store | None]]:
        """For forking a query worker: ``(generation, store)``, where ``store`` is an in-memory store that a
        child forked inside this block may read (no write to it is under way), or None when the child must
        open the engine itself read-only (:attr:`path`)."""
        if self.path is None:  # the engine is in memory: no write under way while forking
            with self._write_lock:
                yield self.generation, self._engine
            return
        replica = self._replica
        if replica is not None and replica.lock.acquire(blocking=False):
            try:
                generation = self.generation
                yield generation, replica.fresh(generation)
            finally:
                replica.lock.release()
            return
        yield self.generation, None

    def state(self) -> dict:
        """What ``/status`` shows of the store: its generation, whether it serves reads only and why, and
        whether reads come from the in-memory copy (``exact``) or from the engine while it is rebuilt."""
        copy = None
        if self._replica is not None:
            copy = "exact" if self._replica.fresh(self.generation) is not None else "rebuilding"
        return {"kind": "embedded", "generation": self.generation, "read_only": self.read_only_reason,
                "in_memory_copy": copy}

    def wait_for_copy(self, timeout: float | None = None) -> bool:
        """Wait until the in-memory copy is in place; True when it is (False without one)."""
        return self._replica is not None and self._replica.wait(timeout)

    def _evaluate(self, text, bindings=None, default_graphs=None, named_graphs=None):
        view = self.read_view()
        kwargs = dataset(view, default_graphs, named_graphs)
        if self.custom_functions:
            kwargs["custom_functions"] = self.custom_functions
        try:
            if bindings:
                text = bind_values(text, bindings)
            return view.query(text, **kwargs)
        except (SyntaxError, ValueError) as e:
            raise QuerySyntaxError(str(e)) from e
        except RuntimeError as e:
            raise QuerySyntaxError(f"the query cannot be evaluated: {e}") from e
        except OSError as e:
            raise StoreError(f"the store failed while reading: {self._clean(e)}") from None

    def query(self, text: str, bindings: Mapping[str, Node] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless ``default_graphs`` is given.

        :raises QuerySyntaxError: the query does not parse or cannot be evaluated.
        :raises StoreError: the engine failed.
        """
        result = self._evaluate(text, bindings, default_graphs, named_graphs)
        try:
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                return [{n: to_rdflib(v) for n, v in zip(names, sol) if v is not None} for sol in result]
            g = Graph()
            for t in result:
                g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            return g
        except OSError as e:
            raise StoreError(f"the store failed while reading: {self._clean(e)}") from None

    def query_serialized(self, text: str, result_format: str = "json", graph_format: str = "turtle", *,
                         default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        """Run a query and serialize its answer with the engine's own writers: ``(kind, body)``, kind being
        ``solutions``, ``boolean`` (written in ``result_format``) or ``graph`` (in ``graph_format``)."""
        result = self._evaluate(text, None, default_graphs, named_graphs)
        try:
            if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
                kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
                return kind, result.serialize(format=RESULT_FORMATS[result_format]) or b""
            return "graph", ox.serialize(result, format=rdf_format(graph_format)) or b""
        except OSError as e:
            raise StoreError(f"the store failed while reading: {self._clean(e)}") from None

    def graphs(self) -> list[str]:
        view = self.read_view()
        hidden = loading(view)
        return sorted(g.value for g in view.named_graphs() if isinstance(g, ox.NamedNode) and g not in hidden)

    def count(self, graph: str | None = None) -> int:
        view = self.read_view()
        hidden = loading(view)
        if graph is None:
            return len(view) - sum(self._size(view, g) for g in hidden)
        if not view.contains_named_graph(ox.NamedNode(graph)) or ox.NamedNode(graph) in hidden:
            return 0
        return self._size(view, ox.NamedNode(graph))

    @staticmethod
    def _size(view: ox.Store, graph: ox.NamedNode) -> int:
        if not view.contains_named_graph(graph):
            return 0
        solution = next(iter(view.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)))
        return int(solution["n"].value)

    def dump(self, out: IO[bytes], fmt: str = "nquads", graph: str | None = None) -> None:
        view = self.read_view()
        hidden = loading(view)
        if graph is None and hidden:
            visible = [ox.DefaultGraph(), *(g for g in view.named_graphs() if g not in hidden)]
            ox.serialize((q for g in visible for q in view.quads_for_pattern(None, None, None, g)), out,
                         format=rdf_format(fmt))
            return
        if graph is not None and ox.NamedNode(graph) in hidden:
            return
        kwargs = {"from_graph": ox.NamedNode(graph)} if graph else {}
        view.dump(out, format=rdf_format(fmt), **kwargs)

    # --- writes ------------------------------------------------------------------------------------
    def _commit(self, op: Op, replay: bool = True, copy_op: Op | None = None) -> None:
        """Apply ``op`` to the engine as one transaction (the caller holds the write lock), then bring the
        in-memory copy along (with ``copy_op`` when the copy takes the write another way).

        :raises QuerySyntaxError: an update that does not parse. :raises WriteRefused: the engine refused it.
        :raises StoreFull: no room on the disk. :raises StoreReadOnly: the store serves reads only.
        :raises StoreError: the engine failed. In every case nothing of the write was kept.
        """
        if self._closed:
            raise StoreError("the store is closed")
        if self.read_only:
            raise StoreReadOnly(f"this SCKG serves reads only ({self.read_only_reason}); writes are refused")
        try:
            op(self._engine)
        except (InputError, StoreError):
            raise
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from None
        except (RuntimeError, ValueError) as e:
            raise WriteRefused(f"the update was refused, nothing was changed: {e}") from None
        except OSError as e:
            if _no_space(e):
                log.error("a write failed: the store's disk is full")
                raise StoreFull("the store's disk is full: nothing of this write was kept; free some room "
                                "and send it again") from None
            log.error("a write failed in the engine: %s", self._clean(e))
            raise StoreError("the store failed while writing: nothing of this write was kept") from None
        self.generation += 1
        if self._replica is not None:
            self._replica.committed(copy_op or op, replay, self.generation)

    def update(self, text: str) -> None:
        """Run a SPARQL Update as one engine transaction; readers see the data before it or after it.

        :raises QuerySyntaxError, WriteRefused, StoreFull, StoreReadOnly, StoreError: as :meth:`_commit`.
        """
        with self._write_lock:
            self._commit(lambda s: s.update(text), replayable(text))

    def replace_graph(self, name: str, data: RdfData) -> int:
        """Replace one named graph in one transaction (:meth:`replace_graphs`); returns its triples now.

        :raises InputError: the data does not parse (nothing was written).
        """
        self.replace_graphs({name: data})
        return self.count(name)

    def replace_graphs(self, graphs: Mapping[str, RdfData], then: str = "") -> None:
        """Replace several named graphs and run the update ``then``, all in one engine transaction: readers see
        every graph old or every graph new.

        Each graph changes by the difference between its triples and the new ones (the engine's N-Triples of
        both; blank nodes cannot be named, so the old graph's triples with blank nodes are all deleted and the
        new ones all inserted). A new graph with no ``then`` is loaded by the engine's parser.

        :raises InputError: the data does not parse. :raises QuerySyntaxError: ``then`` does not parse.
        :raises WriteRefused, StoreFull, StoreReadOnly, StoreError: as :meth:`_commit`.
        """
        for attempt in range(3):  # the difference is worked out outside the write lock, then checked
            generation = self.generation
            op, replay, copy_op = self._replacement(self.read_view(), graphs, then)
            with self._write_lock:
                if self.generation == generation or attempt == 2:
                    if self.generation != generation:  # writes keep coming: work it out under the lock
                        op, replay, copy_op = self._replacement(self.read_view(), graphs, then)
                    if op is not None:
                        self._commit(op, replay, copy_op)
                    return

    def _replacement(self, view: ox.Store, graphs: Mapping[str, RdfData],
                     then: str) -> tuple[Op | None, bool, Op | None]:
        """The write that :meth:`replace_graphs` applies, for the store as ``view`` holds it (None: nothing to
        do), whether it can be replayed on the in-memory copy, and how the copy takes it when not the same way.

        :raises InputError: serialized data for a new graph that does not parse (nothing is written)."""
        if len(graphs) == 1:
            (name, data), = graphs.items()
            target = ox.NamedNode(name)
            serialized = isinstance(data, Path) or isinstance(data, tuple) and not rdf_format(data[1]).supports_datasets
            if serialized and _is_empty(view, target):
                source, fmt = (data.read_bytes(), "ntriples") if isinstance(data, Path) else data
                label = data.name if isinstance(data, Path) else f"{fmt} data"
                if len(source) >= BULK_BYTES:
                    return (*self._bulk_load(target, source, rdf_format(fmt), label, then),)
                if not then:
                    def load(s: ox.Store) -> None:
                        try:
                            s.load(input=source, format=rdf_format(fmt), to_graph=target)
                        except SyntaxError as e:
                            raise InputError(label, None, str(e)) from None
                    return load, True, None
        parts = [self._difference(view, ox.NamedNode(name), data) for name, data in graphs.items()]
        if then:
            parts.append(then)
        text = " ;\n".join(p for p in parts if p)
        if not text:
            return None, True, None
        return (lambda s: s.update(text)), replayable(then) if then else True, None

    @staticmethod
    def _bulk_load(target: ox.NamedNode, source: bytes, fmt: ox.RdfFormat, label: str,
                   then: str) -> tuple[Op, bool, Op]:
        """A large new graph through the engine's bulk loader, which writes no log and is not one transaction:
        the graph is named in :data:`LOADING` first (one transaction), so that every reader leaves it out,
        then bulk-loaded, then one transaction takes its name away and runs ``then`` (its record). The data is
        parsed once before anything is written; if a step fails, the graph is taken away again, and a store
        opened after a crash in between drops it (:meth:`_recover`).

        :raises InputError: the data does not parse. :raises QuerySyntaxError: ``then`` does not parse.
        """
        try:
            for _ in ox.parse(source, format=fmt):
                pass
        except SyntaxError as e:
            raise InputError(label, None, str(e)) from None
        if then:
            try:
                ox.Store().update(then)  # on an empty store of its own: only whether it parses matters here
            except SyntaxError as e:
                raise QuerySyntaxError(str(e)) from None
            except (RuntimeError, ValueError, OSError):
                pass
        marker = f"{target} {LOADS} {target}"
        shown = f"DELETE DATA {{ GRAPH {LOADING} {{ {marker} }} }}" + (f" ;\n{then}" if then else "")

        def engine(s: ox.Store) -> None:
            s.update(f"INSERT DATA {{ GRAPH {LOADING} {{ {marker} }} }}")
            try:
                s.bulk_load(input=source, format=fmt, to_graph=target)
                s.update(shown)
            except BaseException:
                try:
                    s.update(f"DROP SILENT GRAPH {target} ; DROP SILENT GRAPH {LOADING}")
                except (OSError, RuntimeError, SyntaxError) as e:  # the next open drops them
                    log.warning("taking away a graph whose load failed failed too: %s", type(e).__name__)
                raise

        def copy(s: ox.Store) -> None:  # one transaction there: readers of the copy see all of it or none
            s.load(input=source, format=fmt, to_graph=target)
            if then:
                s.update(then)
        return engine, replayable(then) if then else True, copy

    @staticmethod
    def _difference(view: ox.Store, graph: ox.NamedNode, data: RdfData) -> str:
        """The update that turns ``graph`` into ``data``: '' when it already holds exactly that."""
        new = ntriples_lines(triples_of(data))
        old = set() if _is_empty(view, graph) else ntriples_lines(
            ox.Triple(q.subject, q.predicate, q.object) for q in view.quads_for_pattern(None, None, None, graph))
        if old == new:
            return ""
        if not new:
            return f"DROP SILENT GRAPH {graph}"
        parts = []
        if any(has_blank_node(line) for line in old):  # they cannot be named: all go, the new ones all come
            parts.append(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o "
                         "FILTER(isBlank(?s) || isBlank(?o)) } }")
            old = {line for line in old if not has_blank_node(line)}
        removed, added = old - new, new - old
        if removed:
            parts.append(f"DELETE DATA {{ GRAPH {graph} {{\n" + b"\n".join(removed).decode("utf-8") + "\n} }")
        if added:
            parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n" + b"\n".join(added).decode("utf-8") + "\n} }")
        return " ;\n".join(parts)

    def add_to_graph(self, name: str, data: RdfData) -> int:
        """Add triples to a named graph in one transaction; returns how many were given."""
        g = ox.NamedNode(name)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples_of(data)]
        with self._write_lock:
            self._commit(lambda s: s.extend(quads))
        return len(quads)

    def drop_graph(self, name: str) -> None:
        text = f"DROP SILENT GRAPH {ox.NamedNode(name)}"
        with self._write_lock:
            self._commit(lambda s: s.update(text))

    def flush(self) -> None:
        """Write the engine's memory tables to its files (not needed for durability: the log has them)."""
        if self.path is not None and not self.read_only:
            self._engine.flush()

    def close(self) -> None:
        """Stop the copy's rebuilds and flush the engine."""
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
        if self._replica is not None:
            self._replica.close()
        if self.path is not None and self.read_only_reason is None:
            try:
                self._engine.flush()
            except OSError as e:  # the log holds every committed write; the next open replays it
                log.warning("flushing the store at close failed: %s", self._clean(e))
        self._engine = None  # releases the folder's lock once nothing else holds the engine

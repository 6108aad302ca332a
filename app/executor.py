"""Query workers: SPARQL evaluation in forked processes that can be killed, so a timeout really stops a query.

pyoxigraph cannot cancel a query. The serving process holds the in-memory read replica; each worker is a
child forked from it, so it shares that data copy-on-write and starts in milliseconds. A request sends the
query to an idle worker over a pipe and waits at most ``QUERY_TIMEOUT_S``; past that the worker is killed
(SIGKILL), a replacement is forked at once and the client gets 503. After a committed write the workers hold
an old snapshot: they are replaced on the next query (a worker busy with a query finishes it first).

Forking happens only while holding the store's write lock (no write half-applied in the copy) and from a
thread that is not inside the engine. Children never touch the disk store, close every inherited descriptor
but their pipe, and leave with ``os._exit``.
"""
from __future__ import annotations

import atexit
import os
import pickle
import resource
import signal
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Pipe

import pyoxigraph as ox

from app.errors import BadRequest, QueryTimeout
from app.results import capped_graph, capped_solutions
from app.store import rdf_format


@dataclass(frozen=True)
class Job:
    """One query to evaluate: the text, the dataset, the wanted formats and an optional row cap."""

    text: str
    result_format: str = "json"
    graph_format: str = "turtle"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Answer:
    kind: str  # solutions, boolean or graph
    body: bytes
    truncated: bool = False


def evaluate(store: ox.Store, job: Job, custom_functions: dict | None = None) -> Answer:
    """Evaluate a job on a pyoxigraph store (inside a worker).

    :raises SyntaxError: the query does not parse (pyoxigraph's message).
    """
    kwargs: dict = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()] or [ox.DefaultGraph()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    else:
        kwargs["use_default_graph_as_union"] = True
    if job.base_iri:
        kwargs["base_iri"] = job.base_iri
    if custom_functions:
        kwargs["custom_functions"] = custom_functions
    result = store.query(job.text, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        from app.results import RESULT_FORMATS
        return Answer("boolean", result.serialize(format=RESULT_FORMATS[job.result_format]) or b"")
    if isinstance(result, ox.QuerySolutions):
        body, truncated = capped_solutions(result, job.result_format, job.limit)
        return Answer("solutions", body, truncated)
    body, truncated = capped_graph(result, rdf_format(job.graph_format), job.limit)
    return Answer("graph", body, truncated)


def _child_main(conn, store: ox.Store, custom_functions: dict, memory_mb: int) -> None:
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    if memory_mb:
        try:
            used = int(next(line for line in open("/proc/self/status") if line.startswith("VmSize")).split()[1])
            cap = used * 1024 + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (OSError, ValueError, StopIteration):
            pass
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", evaluate(store, job, custom_functions))
        except SyntaxError as e:
            reply = ("syntax", str(e))
        except (ValueError, TypeError) as e:
            reply = ("invalid", str(e))
        except MemoryError:
            reply = ("memory", "")
        except OSError as e:
            reply = ("error", str(e))
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


class _Worker:
    def __init__(self, pid: int, conn, generation: int):
        self.pid, self.conn, self.generation = pid, conn, generation

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.conn.close()


class Executor:
    """A pool of ``size`` forked query workers over ``store.read_store``."""

    def __init__(self, store, size: int = 2, timeout: float = 20.0, memory_mb: int = 0):
        self.store, self.size, self.timeout, self.memory_mb = store, max(1, int(size)), float(timeout), memory_mb
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._live: set[_Worker] = set()
        self.forks = 0
        self._finalizer = weakref.finalize(self, Executor._kill_all, self._live)
        atexit.register(self._finalizer)

    @staticmethod
    def _kill_all(live: set[_Worker]) -> None:
        for w in list(live):
            w.kill()
        live.clear()

    def close(self) -> None:
        with self._cond:
            self._idle.clear()
            self._kill_all(self._live)

    # --- the pool ----------------------------------------------------------------------------------
    def _fork(self) -> _Worker | None:
        """Fork one worker over the current data; None when a write is in progress (caller holds _cond)."""
        lock = getattr(self.store, "write_lock", None)
        if lock is not None and not lock.acquire(blocking=False):
            return None
        try:
            parent, child = Pipe(duplex=True)
            generation = self.store.generation
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    parent.close()
                    _child_main(child, self.store.read_store, dict(getattr(self.store, "custom_functions", {})),
                                self.memory_mb)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
        finally:
            if lock is not None:
                lock.release()
        child.close()
        self.forks += 1
        w = _Worker(pid, parent, generation)
        self._live.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        self._live.discard(w)
        if w in self._idle:
            self._idle.remove(w)
        w.kill()

    def _take(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                gen = self.store.generation
                fresh = [w for w in self._idle if w.generation == gen]
                if fresh:
                    self._idle.remove(fresh[0])
                    return fresh[0]
                stale = list(self._idle)
                if len(self._live) < self.size or stale:
                    w = self._fork()
                    if w is not None:
                        if stale:
                            self._retire(stale[0])
                        return w
                    if stale:  # a write is being applied: the old snapshot answers meanwhile
                        self._idle.remove(stale[0])
                        return stale[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(f"all {self.size} query workers stayed busy for {self.timeout:g} s; "
                                       "try again shortly")
                self._cond.wait(min(remaining, 0.05))

    def _give_back(self, w: _Worker) -> None:
        with self._cond:
            if w.generation != self.store.generation and len(self._live) > 0:
                self._retire(w)
            else:
                self._idle.append(w)
            self._cond.notify()

    def _replace(self, w: _Worker) -> None:
        with self._cond:
            self._retire(w)
            fresh = self._fork()
            if fresh is not None:
                self._idle.append(fresh)
            self._cond.notify()

    def warm(self) -> None:
        """Fork the workers now rather than on the first query."""
        with self._cond:
            while len(self._live) < self.size:
                w = self._fork()
                if w is None:
                    return
                self._idle.append(w)

    # --- one query ---------------------------------------------------------------------------------
    def run(self, job: Job, timeout: float | None = None) -> Answer:
        """Evaluate ``job`` in a worker within the timeout.

        :raises QuerySyntaxError: the query does not parse.
        :raises BadRequest: the query cannot be evaluated (invalid, or it exhausted the worker's memory).
        :raises QueryTimeout: it ran longer than the timeout (the worker was killed and replaced).
        """
        from app.errors import QuerySyntaxError
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        w = self._take(deadline)
        try:
            w.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w)
                raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped; narrow it down "
                                   "(more selective patterns, a LIMIT) and try again")
            status, payload = pickle.loads(w.conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            self._replace(w)
            raise BadRequest("the query could not be evaluated: it exhausted the resources of its worker")
        self._give_back(w)
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "memory":
            raise BadRequest("the query needed more memory than a query may use")
        raise BadRequest(f"the query cannot be evaluated: {payload}")

"""Query workers: SPARQL evaluation in forked processes that can be killed, so a timeout really stops a query.

pyoxigraph cannot cancel a query. The serving process holds the in-memory read replica; each worker is a
child forked from it, so it shares that data copy-on-write and starts in milliseconds. A request sends the
query to an idle worker over a pipe and waits at most ``QUERY_TIMEOUT_S``; past that the worker is killed
(SIGKILL), a replacement is forked at once and the client gets 503. After a committed write the workers hold
an old snapshot: they are replaced on the next query (a worker busy with a query finishes it first).

Forking happens only while holding the store's write lock (no write half-applied in the copy) and from a
thread that is not inside the engine. Children never touch the disk store, close every inherited descriptor
but their pipe, and leave with ``os._exit``.

Reading the engine's in-memory store writes to the pages it reads (reference counts), so a fresh worker's
first queries pay for copying those pages and run up to twice as slowly; :meth:`Executor.warm` therefore
primes each new worker with one scan of all quads. SELECT answers are written by the engine's own writers
even under the row cap (:func:`native_capped_solutions`).

Two lanes keep a lookup from waiting behind long queries. ``size`` workers form the heavy lane; ``light`` more
workers are kept for queries not known to be slow. A query starts on the light lane (or on an idle heavy
worker) unless its normalized text (:func:`lane_key`: no comments, spacing or number values) ran past
``light_ms`` before; a light-lane query that runs past ``light_ms`` is *demoted*: its text is remembered as
heavy, its worker leaves the light lane to finish it (counted in the heavy lane, or as a spare when that lane is
full, retired after its answer) and a fresh light worker is forked for the next lookup. Heavy-lane queries never
take a light worker, so at most ``light_ms`` plus a fork separates a lookup from a free worker. Heavy-lane
workers run ``heavy_nice`` steps lower in CPU priority, so a lookup gets a core while long queries hold them all.
"""
from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import os
import pickle
import resource
import signal
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Pipe

import pyoxigraph as ox

from app import sparql_text
from app.errors import BadRequest, QueryTimeout
from app.results import RESULT_FORMATS, capped_graph, capped_solutions
from app.store import rdf_format
from app.store.embedded import dataset


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


log = logging.getLogger("sckg.executor")
MEMORY_MESSAGE = ("the query needed more memory than a query may use; narrow it down (more selective "
                  "patterns, a LIMIT) and try again")
#: run by :meth:`Executor.warm` in every new worker: touches every quad once
PRIME_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Answer:
    kind: str  # solutions, boolean or graph
    body: bytes
    truncated: bool = False
    generation: int = -1  # the store generation it was computed on (the cache keys it so)


PRIME_JOB = Job(PRIME_QUERY, limit=1)


def evaluate(store: ox.Store, job: Job, custom_functions: dict | None = None) -> Answer:
    """Evaluate a job on a pyoxigraph store (inside a worker).

    :raises SyntaxError: the query does not parse (pyoxigraph's message).
    """
    explicit = job.default_graphs is not None or job.named_graphs is not None  # then exactly that dataset
    kwargs = dataset(store, job.default_graphs or () if explicit else None,
                     job.named_graphs or () if explicit else None)
    if job.base_iri:
        kwargs["base_iri"] = job.base_iri
    if custom_functions:
        kwargs["custom_functions"] = custom_functions
    result = store.query(job.text, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", result.serialize(format=RESULT_FORMATS[job.result_format]) or b"")
    if isinstance(result, ox.QuerySolutions):
        if job.limit is not None:
            try:
                body, truncated = native_capped_solutions(result, job.result_format, job.limit)
                return Answer("solutions", body, truncated)
            except _Unreadable:  # a term the TSV round trip cannot carry: write it in Python instead
                result = store.query(job.text, **kwargs)
        body, truncated = capped_solutions(result, job.result_format, job.limit)
        return Answer("solutions", body, truncated)
    body, truncated = capped_graph(result, rdf_format(job.graph_format), job.limit)
    return Answer("graph", body, truncated)


class _Enough(Exception):
    """Raised by :class:`_RowSink` once it holds more rows than wanted (stops the engine's writer)."""


class _Unreadable(Exception):
    """The engine's TSV could not be read back."""


class _RowSink:
    """A binary writer for the engine's TSV results that counts lines (one per row, after a header line:
    the TSV writer escapes line breaks inside terms) and stops the writer past ``limit`` rows."""

    def __init__(self, limit: int):
        self.parts: list[bytes] = []
        self.lines, self.stop_after = 0, limit + 1

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.stop_after:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


def native_capped_solutions(result: ox.QuerySolutions, fmt: str, limit: int) -> tuple[bytes, bool]:
    """Write at most ``limit`` solutions with the engine's own writers; returns (body, truncated).

    The solutions go through the engine's TSV writer into a counting sink that stops it after ``limit + 1``
    rows; the first ``limit`` rows are then read back by the engine's TSV parser and written in ``fmt``.
    Both steps are native code, several times faster than writing the rows in Python.

    :raises _Unreadable: the engine could not read its own TSV back (the caller writes the rows in Python).
    """
    sink = _RowSink(limit)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except Exception:  # the engine wraps what write() raised; anything else is an evaluation error
        if sink.lines <= sink.stop_after:
            raise
    data = b"".join(sink.parts)
    truncated = sink.lines > sink.stop_after
    if truncated:  # keep the header line and the first ``limit`` rows
        end = -1
        for _ in range(limit + 1):
            end = data.index(b"\n", end + 1)
        data = data[: end + 1]
    if fmt == "tsv":
        return data, truncated
    try:
        rows = ox.parse_query_results(data, ox.QueryResultsFormat.TSV)
    except (SyntaxError, ValueError) as e:
        raise _Unreadable(str(e)) from None
    return rows.serialize(format=RESULT_FORMATS[fmt]) or b"", truncated


def _child_main(conn, store: ox.Store | None, path: str | None, custom_functions: dict, memory_mb: int) -> None:
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)
    if store is None:  # no in-memory copy to share: read the engine's files, as they are now
        store = ox.Store.read_only(path)
    if memory_mb:
        try:
            used = int(next(line for line in open("/proc/self/status") if line.startswith("VmSize")).split()[1])
            cap = used * 1024 + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (OSError, ValueError, StopIteration):
            pass
    # the engine aborts with a message on stderr when the cap refuses an allocation; the parent logs one line
    # instead (Executor.run), and the worker sends every other error back as its reply
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", evaluate(store, job, custom_functions))
        except SyntaxError as e:
            reply = ("syntax", str(e))
        except (ValueError, TypeError, RuntimeError) as e:  # RuntimeError: the engine's evaluation errors
            reply = ("invalid", str(e))
        except MemoryError:
            reply = ("memory", "")
        except Exception as e:  # the engine's files failed under it: the parent replaces this worker
            reply = ("error", f"{type(e).__name__}")
        conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


LIGHT, HEAVY, SPARE = "light", "heavy", "spare"
#: how many normalized texts the lanes remember as heavy (least recently seen forgotten first)
HEAVY_KEYS = 4096


def lane_key(text: str, toks: list | None = None) -> bytes:
    """A digest of the query's shape: its tokens without comments or spacing, each run of digits outside
    strings and IRIs as one ``0`` (``LIMIT 10`` and ``LIMIT 11`` cost alike). ``toks``: the text's tokens,
    when the caller has them (:func:`app.sparql_text.tokens`)."""
    if toks is None:
        try:
            toks = sparql_text.tokens(text)
        except sparql_text.TooDeep:
            return hashlib.blake2b(text.encode(), digest_size=16).digest()
    parts: list[str] = []
    for t in toks:
        if t.kind == "other" and t.text.isdigit():
            if parts and parts[-1] == "0":
                continue
            parts.append("0")
        else:
            parts.append(t.text)
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()


class _Worker:
    def __init__(self, pid: int, conn, generation: int, lane: str = HEAVY, on_copy: bool = True):
        self.pid, self.conn, self.generation, self.lane = pid, conn, generation, lane
        self.on_copy = on_copy  # forked over the in-memory copy (else it reads the engine's files)
        self.reaped = False

    def kill(self, grace: float = 0.0) -> int | None:
        """Stop the worker, first waiting up to ``grace`` seconds for it to end by itself; returns the signal
        that ended it by itself, if one did (None: it was alive, or it exited). Once reaped, its process id is
        never signalled again (the system may have given it to another process)."""
        ended = None
        until = time.monotonic() + grace
        try:
            while not self.reaped:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.reaped = True
                    ended = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
                elif time.monotonic() >= until:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    self.reaped = True
                else:
                    time.sleep(0.005)
        except (ChildProcessError, ProcessLookupError):
            self.reaped = True
        self.conn.close()
        return ended


class Executor:
    """A pool of ``size`` forked query workers over ``store.read_view()`` (the heavy lane), and ``light`` more
    kept for queries not known to run past ``light_ms`` (the light lane; none: one lane for all)."""

    def __init__(self, store, size: int = 2, timeout: float = 20.0, memory_mb: int = 0, light: int = 0,
                 light_ms: float = 100.0, heavy_nice: int = 5):
        self.store, self.size, self.timeout, self.memory_mb = store, max(1, int(size)), float(timeout), memory_mb
        self.light, self.light_s = max(0, int(light)), max(0.001, float(light_ms) / 1000)
        self.heavy_nice = max(0, int(heavy_nice))
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._live: set[_Worker] = set()
        self._heavy_keys: OrderedDict[bytes, None] = OrderedDict()
        self.forks = self.primed = self.demoted = 0
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
    def _fork(self, lane: str = HEAVY) -> _Worker:
        """Fork one worker over the store's current state (the caller holds _cond): over the in-memory copy
        when it is exact and no write is being applied to it, else over the engine's files opened read-only
        in the child."""
        parent, child = Pipe(duplex=True)
        functions = dict(getattr(self.store, "custom_functions", {}))
        path = str(self.store.path) if getattr(self.store, "path", None) is not None else None
        with self.store.fork_view() as (generation, view):
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    parent.close()
                    _child_main(child, view, path, functions, self.memory_mb)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
        child.close()
        self.forks += 1
        w = _Worker(pid, parent, generation, lane, view is not None)
        self._live.add(w)
        if lane == HEAVY:
            self._lower_priority(w)
        return w

    def _lower_priority(self, w: _Worker) -> None:
        """A heavy-lane worker runs at a lower CPU priority (``heavy_nice``), so a light query gets a core at
        once even while long queries keep every core busy; alone, a heavy query still gets all it can use."""
        if self.heavy_nice and self.light:
            try:
                os.setpriority(os.PRIO_PROCESS, w.pid, os.getpriority(os.PRIO_PROCESS, 0) + self.heavy_nice)
            except OSError:
                pass

    def _count(self, lane: str) -> int:
        return sum(1 for w in self._live if w.lane == lane)

    def _retire(self, w: _Worker) -> None:
        self._live.discard(w)
        if w in self._idle:
            self._idle.remove(w)
        w.kill()

    def _take(self, deadline: float, key: bytes | None = None) -> _Worker:
        """An idle worker of the lane of ``key`` that holds the store's current state, or a new one; a light
        query also takes an idle heavy worker. The lane is read again while the query waits: a text found heavy
        meanwhile (another copy of it was demoted) waits for the heavy lane. A worker holding an older state
        never answers (it is replaced), and one reading the engine's files is replaced once the faster
        in-memory copy is in place."""
        with self._cond:
            while True:
                lane = self.lane_of(key)
                gen = self.store.generation
                copy = self.store.state()["in_memory_copy"] == "exact"
                for w in [w for w in self._idle if w.generation != gen or (copy and not w.on_copy)]:
                    self._retire(w)
                for want in ((LIGHT, HEAVY) if lane == LIGHT else (HEAVY,)):
                    for i in range(len(self._idle) - 1, -1, -1):
                        if self._idle[i].lane == want:
                            return self._idle.pop(i)
                if lane == LIGHT and self._count(LIGHT) < self.light:
                    return self._fork(LIGHT)
                if self._count(HEAVY) < self.size:
                    return self._fork(HEAVY)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    busy = self.size + (self.light if lane == LIGHT else 0)
                    raise QueryTimeout(f"all {busy} query workers stayed busy for {self.timeout:g} s; "
                                       "try again shortly")
                self._cond.wait(min(remaining, 0.05))

    def _give_back(self, w: _Worker) -> None:
        with self._cond:
            if w.lane == SPARE and self._count(HEAVY) < self.size:
                w.lane = HEAVY  # a heavy worker left meanwhile: this one takes its place
            if (w.generation != self.store.generation and len(self._live) > 0) or w.lane == SPARE:
                self._retire(w)
            else:
                self._idle.append(w)
            self._cond.notify_all()

    def _replace(self, w: _Worker) -> None:
        with self._cond:
            self._retire(w)
            if w.lane != SPARE:  # a spare is not replaced: its lane is full without it
                self._idle.append(self._fork(w.lane))
            self._cond.notify_all()

    # --- the lanes ---------------------------------------------------------------------------------
    def lane_of(self, key: bytes | None) -> str:
        """The lane a query of that :func:`lane_key` starts on."""
        if not self.light or key is None:
            return HEAVY
        with self._cond:
            if key in self._heavy_keys:
                self._heavy_keys.move_to_end(key)
                return HEAVY
        return LIGHT

    def _demote(self, w: _Worker, key: bytes | None) -> None:
        """A query on the light lane ran past ``light_ms``: remember its text as heavy and let its worker finish
        it outside the light lane, so the next light query gets a worker of its own."""
        with self._cond:
            if key is not None:
                self._heavy_keys[key] = None
                self._heavy_keys.move_to_end(key)
                while len(self._heavy_keys) > HEAVY_KEYS:
                    self._heavy_keys.popitem(last=False)
            if w.lane != LIGHT or w not in self._live:
                return
            lane = HEAVY if self._count(HEAVY) < self.size else SPARE
            if lane == SPARE and self._count(SPARE) >= self.size:
                return  # as many spares as heavy workers already: this one stays in the light lane
            self.demoted += 1
            w.lane = lane
            self._lower_priority(w)
            self._cond.notify_all()

    def warm(self, prime: bool = True) -> None:
        """Fork the workers now rather than on the first query; with ``prime``, each first runs one scan of
        all quads (within the timeout) so it takes its private copies of the pages that reading writes to
        (engine reference counts) now, not during a client's first queries (which would run up to 2x slower).
        Workers that read the engine's files (no in-memory copy yet) are not primed: they share no pages.
        Queries arriving meanwhile wait for a worker as usual."""
        with self._cond:
            fresh = []
            while self._count(HEAVY) < self.size:
                fresh.append(self._fork(HEAVY))
            while self._count(LIGHT) < self.light:
                fresh.append(self._fork(LIGHT))
        if prime and all(w.on_copy for w in fresh):
            for w in fresh:
                w.conn.send_bytes(pickle.dumps(PRIME_JOB, protocol=pickle.HIGHEST_PROTOCOL))
            deadline = time.monotonic() + self.timeout
            for w in fresh:
                try:
                    if w.conn.poll(max(0.0, deadline - time.monotonic())):
                        w.conn.recv_bytes()
                        self.primed += 1
                        continue
                except (EOFError, OSError):
                    pass
                self._replace(w)  # it could not finish the scan in time: an unprimed worker instead
        with self._cond:
            self._idle.extend(w for w in fresh if w in self._live)
            self._cond.notify_all()

    # --- one query ---------------------------------------------------------------------------------
    def run(self, job: Job, timeout: float | None = None, key: bytes | None = None) -> Answer:
        """Evaluate ``job`` in a worker within the timeout, on the lane its text's :func:`lane_key` (``key``,
        computed when not given) belongs to.

        :raises QuerySyntaxError: the query does not parse.
        :raises BadRequest: the query cannot be evaluated (invalid, or it exhausted the worker's memory).
        :raises QueryTimeout: it ran longer than the timeout (the worker was killed and replaced).
        """
        from app.errors import QuerySyntaxError
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        if self.light and key is None:
            key = lane_key(job.text)
        w = self._take(deadline, key)
        try:
            w.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if w.lane == LIGHT and not w.conn.poll(min(self.light_s, max(0.0, deadline - time.monotonic()))):
                self._demote(w, key)
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w)
                raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped; narrow it down "
                                   "(more selective patterns, a LIMIT) and try again")
            status, payload = pickle.loads(w.conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            ended = w.kill(grace=0.5)  # it is ending (its pipe closed): reap it outside the pool's lock
            self._replace(w)
            # an allocation refused under the memory cap aborts the engine (SIGABRT) where Python would raise
            if ended == signal.SIGABRT and self.memory_mb:
                log.warning("a query worker ran out of its memory cap (QUERY_MEMORY_MB=%s) and was replaced",
                            self.memory_mb)
                raise BadRequest(MEMORY_MESSAGE) from None
            log.warning("a query worker ended unexpectedly (%s) and was replaced",
                        f"signal {signal.Signals(ended).name}" if ended else "no reply")
            raise BadRequest("the query could not be evaluated: it exhausted the resources of its worker") from None
        self._give_back(w)
        if status == "ok":
            return dataclasses.replace(payload, generation=w.generation)
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "memory":
            raise BadRequest(MEMORY_MESSAGE)
        raise BadRequest(f"the query cannot be evaluated: {payload}")

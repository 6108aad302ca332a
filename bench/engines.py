"""The query engines the benchmark compares, each answering the queries/ library the same way.

Every engine runs a query to the end (all rows read, every value touched) so that lazy engines are not
flattered. ``MemoryEngine`` (pyoxigraph's in-memory store) is the anchor the others are divided by.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Mapping

import pyoxigraph as ox
import requests
from rdflib.term import Node

from app.queries import bindings_for, load_queries
from app.store.remote import query_form, with_values
from app.store import to_ox


def library(pattern: str | None = None, skip: str | None = None) -> list[tuple[str, str, dict[str, Node]]]:
    """``(name, text, default bindings)`` of the named queries whose names contain ``pattern`` (all when None)
    and none of the comma-separated words of ``skip``."""
    out = []
    skipped = [w for w in (skip or "").split(",") if w]
    for name, nq in sorted(load_queries().items()):
        if (pattern and pattern not in name) or any(w in name for w in skipped):
            continue
        out.append((name, nq.text, bindings_for(nq, {})))
    return out


#: seconds one query may take on one engine in total; beyond it fewer runs are taken (at least one)
BUDGET_S = 10.0
#: a first run longer than this counts as a measurement instead of a warm-up
WARM_S = 0.25


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 1, budget_s: float = BUDGET_S) -> tuple[float, int]:
    """``(median milliseconds, runs)`` of ``fn``: one warm-up run (counted as a run when it took longer than
    WARM_S: slow queries are not flattered by caches), then up to ``repeat`` runs within ``budget_s``."""
    runs = []
    spent = 0.0
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        spent += first
        if first > WARM_S:
            runs.append(first)
    while len(runs) < repeat and (not runs or spent + statistics.median(runs) <= budget_s):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
        spent += runs[-1]
    return statistics.median(runs) * 1000, len(runs)


def _drain(result) -> int:
    if isinstance(result, ox.QuerySolutions):
        names = [v for v in result.variables]
        n = 0
        for sol in result:
            for v in names:
                sol[v]
            n += 1
        return n
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


class PyoxigraphEngine:
    """A bare ``pyoxigraph.Store`` (in memory, or on disk without a replica), union default graph.

    Parameters are bound with the same inline ``VALUES`` block the stores use: pyoxigraph's ``substitutions``
    measured up to 15x slower on the library's parameterised queries (they are applied after planning), and
    an anchor must be the fastest honest way to ask the engine (``substitutions=True`` measures them).
    """

    def __init__(self, store: ox.Store, *, substitutions: bool = False):
        self.store = store
        self.substitutions = substitutions

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        if self.substitutions:
            subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()} or None
            return _drain(self.store.query(text, use_default_graph_as_union=True, substitutions=subs))
        return _drain(self.store.query(with_values(text, bindings), use_default_graph_as_union=True))


class StoreEngine:
    """An SCKG ``Store`` (OxigraphStore or RemoteStore): rows come back as rdflib terms (``store.query``)."""

    def __init__(self, store):
        self.store = store

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        result = self.store.query(text, bindings)
        return len(result) if not isinstance(result, bool) else int(result)


class SerializedStoreEngine:
    """An SCKG store answering as the SPARQL endpoint does: ``store.query_serialized`` written by the engine
    (SPARQL results JSON; N-Triples for graphs), parameters in an inline ``VALUES`` block."""

    def __init__(self, store):
        self.store = store

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        return len(self.store.query_serialized(with_values(text, bindings), "json", "ntriples")[1])


class PyoxigraphJsonEngine:
    """The anchor of :class:`SerializedStoreEngine`: a bare ``pyoxigraph.Store`` writing the same formats."""

    def __init__(self, store: ox.Store):
        self.store = store

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        result = self.store.query(with_values(text, bindings), use_default_graph_as_union=True)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            return len(result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
        return len(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")


class HttpEngine:
    """A SPARQL 1.1 Protocol endpoint (``oxigraph serve-read-only``) over one kept-alive HTTP connection."""

    def __init__(self, query_url: str, union_param: str = "union-default-graph"):
        self.url = query_url
        self.union_param = union_param
        self.http = requests.Session()

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        text = with_values(text, bindings)
        graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        data = {"query": text}
        if self.union_param:
            data[self.union_param] = "true"
        r = self.http.post(self.url, data=data, headers={"Accept": accept}, timeout=600)
        r.raise_for_status()
        return len(r.content)

    def close(self) -> None:
        self.http.close()


def time_library(engines: Mapping[str, object], queries, repeat: int,
                 verbose: bool = True) -> dict[str, dict[str, float]]:
    """Median milliseconds of each query on each engine: ``{query: {engine: ms}}``; errors are recorded."""
    out: dict[str, dict[str, float]] = {}
    for name, text, bindings in queries:
        row: dict[str, float] = {}
        for label, engine in engines.items():
            try:
                ms, runs = median_ms(lambda: engine.run(text, bindings), repeat)
                row[label], row[label + ":runs"] = round(ms, 3), runs
            except Exception as e:  # a benchmark records a failing query and goes on
                row[label] = float("nan")
                row[label + ":error"] = f"{type(e).__name__}: {e}"[:200]
        out[name] = row
        if verbose:
            print(f"  {name}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in row.items() if ":" not in k),
                  file=sys.stderr, flush=True)
    return out


#: milliseconds below which differences are noise: ratios use max(ms, FLOOR_MS) on both sides
FLOOR_MS = 1.0


def summarise(times: dict[str, dict[str, float]], engine: str, anchor: str) -> dict:
    """Geometric mean and worst of engine/anchor over the queries, and the slowest query on the engine."""
    ratios = []
    for name, row in times.items():
        a, e = row.get(anchor), row.get(engine)
        if a is not None and e is not None and a == a and e == e:
            ratios.append((max(e, FLOOR_MS) / max(a, FLOOR_MS), name))
    if not ratios:
        return {}
    geo = statistics.geometric_mean(r for r, _ in ratios)
    worst = max(ratios)
    slowest = max((row.get(engine, 0), name) for name, row in times.items() if row.get(engine) == row.get(engine))
    return {"geomean_ratio": round(geo, 3), "worst_ratio": round(worst[0], 3), "worst_query": worst[1],
            "slowest_ms": round(slowest[0], 3), "slowest_query": slowest[1], "queries": len(ratios),
            "total_ms": round(sum(row.get(engine, 0) for row in times.values() if row.get(engine) == row.get(engine)), 1)}

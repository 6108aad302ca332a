"""The query engines the benchmark compares, each answering the queries/ library the same way.

Every engine runs a query to the end (all rows read, every value touched) so that lazy engines are not
flattered. ``MemoryEngine`` (pyoxigraph's in-memory store) is the anchor the others are divided by.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

import pyoxigraph as ox
import requests
from rdflib.term import Node

from app.queries import bindings_for, load_queries
from app.remote import query_form, with_values
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


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000


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
    """An SCKG ``Store`` (OxigraphStore or RemoteStore): rows come back as rdflib terms."""

    def __init__(self, store):
        self.store = store

    def run(self, text: str, bindings: Mapping[str, Node]) -> int:
        result = self.store.query(text, bindings)
        return len(result) if not isinstance(result, bool) else int(result)


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


def time_library(engines: Mapping[str, object], queries, repeat: int) -> dict[str, dict[str, float]]:
    """Median milliseconds of each query on each engine: ``{query: {engine: ms}}``; errors are recorded."""
    out: dict[str, dict[str, float]] = {}
    for name, text, bindings in queries:
        row: dict[str, float] = {}
        for label, engine in engines.items():
            try:
                row[label] = round(median_ms(lambda: engine.run(text, bindings), repeat), 3)
            except Exception as e:  # a benchmark records a failing query and goes on
                row[label] = float("nan")
                row[label + ":error"] = f"{type(e).__name__}: {e}"[:200]
        out[name] = row
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

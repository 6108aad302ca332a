"""Benchmark of the derived data: suggested topics, related practices and the full-text index.

Times ``app.topics.refresh`` (read the texts, match the topic labels, write the graph), each phase of
``app.related.refresh`` (read the features, read the texts into TF-IDF vectors, rank, write the N-Triples file,
hand it to the store) and of ``app.search.refresh`` (read the documents, build the index), on the study data and on
synthetic study-shaped graphs from ``bench/generate.py``, each in an embedded store on disk (``--memory``:
in memory). Prints a table of medians over ``--repeat`` runs (seconds), then a few search timings on the
built index. ``derive`` is ``topics`` plus ``related`` (what an ingest waits for before its pages are
complete). ``compute`` is reading plus ranking plus writing the file (``compute_cpu`` the CPU seconds of it, forked slices included,
which a busy machine inflates less than the wall clock); ``write`` is ``store.replace_graph`` of the file into
an empty graph (the first derivation); ``related`` is their sum; ``again`` is a whole ``related.refresh`` with
the graph already there and the data unchanged (what every later ingest that leaves the practices alone
costs).

    PYTHONPATH=. python bench/derive.py --sizes study,1000,100000 --repeat 1
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app import related, related_graph, search, topics  # noqa: E402
from app.store import OxigraphStore  # noqa: E402


def load_synthetic(n: int, tmp: str, disk: bool) -> OxigraphStore:
    from generate import generate
    path = f"{tmp}/synthetic-{n}.nq"
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(generate(n, seed=42))
    if disk:
        folder = f"{tmp}/store-{n}"
        ox.Store(folder).bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        store = OxigraphStore(folder)  # its replica is built from the disk, graphs written before the catalogue
    else:
        store = OxigraphStore(None)
        store.read_view().bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    Path(path).unlink()
    return store


def load_study(tmp: str, disk: bool) -> OxigraphStore:
    from ingest.pipeline import load_default
    store = OxigraphStore(f"{tmp}/store-study" if disk else None)
    load_default(store, progress=False)
    return store


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (the forked ranking slices)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_once(store, index_path: str, tmp: str) -> dict[str, float]:
    t: dict[str, float] = {}
    store.drop_graph(related.GRAPH)
    store.drop_graph(topics.GRAPH)
    t["topics"] = timed(topics.refresh, store, {})[0]
    cpu0 = cpu()
    t["features"], (practices, held, kinds_iris) = timed(related.read_features, store)
    t["texts"], texts = timed(related.read_texts, store, practices)
    path = Path(getattr(store, "scratch_dir", None) or tmp) / "bench-related.nt"
    index = related.Index(held, [k for k, _ in kinds_iris], texts)
    t["rank+file"], (_, n_triples) = timed(related_graph.write_graph, path, practices, held, kinds_iris, index)
    t["compute"] = t["features"] + t["texts"] + t["rank+file"]
    t["compute_cpu"] = cpu() - cpu0
    t["write"] = timed(store.replace_graph, related.GRAPH, path)[0]
    path.unlink()
    t["related"] = t["compute"] + t["write"]
    t["derive"] = t["topics"] + t["related"]
    t["again"] = timed(related.refresh, store, {})[0]
    t["docs"], docs = timed(search.read_documents, store)
    t["index"], _ = timed(search.build, docs, index_path)
    t["n_practices"], t["n_triples"] = len(practices), n_triples
    return t


def search_timings(index_path: str, queries=("mobility", "open data", "governance city", "mob")) -> dict:
    config = {"INDEX_PATH": index_path}
    out = {}
    for q in queries:
        samples = []
        for _ in range(20):
            t0 = time.perf_counter()
            search.search(config, q) if q != "mob" else search.suggest(config, q)
            samples.append(time.perf_counter() - t0)
        samples.sort()
        out[q] = (statistics.median(samples) * 1000, samples[int(0.95 * (len(samples) - 1))] * 1000)
    return out


COLUMNS = ["n_practices", "topics", "features", "texts", "rank+file", "compute", "compute_cpu", "write", "related", "derive", "again",
           "docs", "index", "n_triples"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="study,1000,100000", help="comma-separated: study and/or practice counts")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--memory", action="store_true", help="in-memory stores instead of stores on disk")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="sckg-bench-")
    print("size".ljust(8) + "".join(c.rjust(12) for c in COLUMNS) + "   (seconds, medians)")
    for size in args.sizes.split(","):
        t0 = time.perf_counter()
        disk = not args.memory
        store = load_study(tmp, disk) if size == "study" else load_synthetic(int(size), tmp, disk)
        load_s = time.perf_counter() - t0
        index_path = f"{tmp}/{size}.sqlite"
        runs = [run_once(store, index_path, tmp) for _ in range(args.repeat)]
        row = {c: statistics.median(r[c] for r in runs) for c in COLUMNS}
        cells = "".join((f"{int(row[c])}" if c.startswith("n_") else f"{row[c]:.2f}").rjust(12) for c in COLUMNS)
        print(size.ljust(8) + cells + f"   (load {load_s:.1f}s, {len(store.read_view())} quads, "
              f"load average {os.getloadavg()[0]:.1f})", flush=True)
        for q, (p50, p95) in search_timings(index_path).items():
            print(f"{'':8}search {q!r}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

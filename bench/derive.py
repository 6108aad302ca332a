"""Benchmark of the derived data: related practices and the full-text index.

Times each phase of ``app.related.refresh`` (read the features, rank, read the labels, build the triples,
replace the graph) and of ``app.search.refresh`` (read the documents, build the index), on the study data
and on synthetic study-shaped graphs from ``bench/generate.py``, each in an in-memory store. Prints a table
of medians over ``--repeat`` runs (seconds), then a few search timings on the built index. ``compute`` is
reading plus ranking plus building the triples (``compute_cpu`` the CPU seconds of it, which a busy
machine inflates less than the wall clock); ``write`` is ``store.replace_graph`` of them (skipped, nan,
above ``--write-up-to`` practices: at 100 000 practices the graph has about 10 M triples and the write needs
more than 10 GB of memory).

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

from app import related, search  # noqa: E402
from app.store import OxigraphStore  # noqa: E402


def load_synthetic(n: int, tmp: str) -> OxigraphStore:
    from generate import generate
    store = OxigraphStore(None)
    path = f"{tmp}/synthetic-{n}.nq"
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(generate(n, seed=42))
    store.read_store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    Path(path).unlink()
    return store


def load_study(tmp: str) -> OxigraphStore:
    from ingest.pipeline import load_default
    store = OxigraphStore(None)
    load_default(store, progress=False)
    return store


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def run_once(store, index_path: str, write: bool = True) -> dict[str, float]:
    t: dict[str, float] = {}
    cpu0 = time.process_time()
    t["features"], (practices, held, kinds_iris) = timed(related.read_features, store)
    t["rank"], ranking = timed(related.rank, held, [k for k, _ in kinds_iris])
    t["labels"], labels = timed(related.read_labels, store)
    t["triples"], triples = timed(related.build, practices, held, kinds_iris, ranking, labels)
    t["compute"] = sum(t.values())
    t["compute_cpu"] = time.process_time() - cpu0
    t["write"] = timed(store.replace_graph, related.GRAPH, triples)[0] if write else float("nan")
    t["related"] = t["compute"] + t["write"]
    n_triples = len(triples)
    del triples
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


COLUMNS = ["n_practices", "features", "rank", "labels", "triples", "compute", "compute_cpu", "write", "related",
           "docs", "index", "n_triples"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="study,1000,100000", help="comma-separated: study and/or practice counts")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--write-up-to", type=int, default=30_000,
                    help="write the related graph into the store only up to this many practices (memory)")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="sckg-bench-")
    print("size".ljust(8) + "".join(c.rjust(12) for c in COLUMNS) + "   (seconds, medians)")
    for size in args.sizes.split(","):
        t0 = time.perf_counter()
        store = load_study(tmp) if size == "study" else load_synthetic(int(size), tmp)
        write = size == "study" or int(size) <= args.write_up_to
        load_s = time.perf_counter() - t0
        index_path = f"{tmp}/{size}.sqlite"
        runs = [run_once(store, index_path, write) for _ in range(args.repeat)]
        row = {c: statistics.median(r[c] for r in runs) for c in COLUMNS}
        cells = "".join((f"{int(row[c])}" if c.startswith("n_") else f"{row[c]:.2f}").rjust(12) for c in COLUMNS)
        print(size.ljust(8) + cells + f"   (load {load_s:.1f}s, {len(store.read_store)} quads, "
              f"load average {os.getloadavg()[0]:.1f})", flush=True)
        for q, (p50, p95) in search_timings(index_path).items():
            print(f"{'':8}search {q!r}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

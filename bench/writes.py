"""Writes on the embedded store at a given size: one-triple INSERT DATA latency and rate, Graph Store PUT of
100 000 triples against ``pyoxigraph.Store.bulk_load`` of the same triples, and the first answer after a
reopen.

``PYTHONPATH=. python bench/writes.py --size M`` (S, M or L: bench/generate.py). Every figure is a median; the
anchor is measured in the same run on the same machine.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from app.store import OxigraphStore
from bench.generate import SIZES, generate


def _nt(n: int, tag: str) -> bytes:
    return b"".join(b'<https://e.org/%s/%d> <https://e.org/p/%d> "v%d" .\n' % (tag.encode(), i, i % 7, i)
                    for i in range(n))


def bulk_loaded(size: str, work: Path, name: str) -> tuple[Path, int]:
    """The generated data of ``size`` as N-Quads in ``work``, bulk-loaded and optimized into the store folder
    ``work / name``: (the N-Quads file, the number of quads)."""
    data = work / "data.nq"
    with open(data, "w", encoding="utf-8") as f:
        f.writelines(generate(SIZES[size][0], observations=SIZES[size][1]))
    seed = ox.Store(str(work / name))
    seed.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    seed.optimize()
    return data, len(seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M", choices=sorted(SIZES))
    parser.add_argument("--inserts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sckg-writes-"))
    try:
        _, quads = bulk_loaded(args.size, work, "seed")
        store = OxigraphStore(work / "seed")
        store.wait_for_copy(600)
        times = []
        for i in range(args.inserts):
            t0 = time.perf_counter()
            text = f'INSERT DATA {{ GRAPH <https://e.org/w> {{ <https://e.org/s/{i}> <https://e.org/p> "{i}" }} }}'
            store.update(text)
            times.append(time.perf_counter() - t0)
        p50, total = statistics.median(times), sum(times)
        put, bulk = [], []
        payload = _nt(100_000, "put")
        for r in range(args.repeat):
            t0 = time.perf_counter()
            store.replace_graph(f"https://e.org/put/{r}", (payload, "ntriples"))
            put.append(time.perf_counter() - t0)
            anchor = ox.Store(str(work / f"anchor-{r}"))
            t0 = time.perf_counter()
            anchor.bulk_load(input=payload, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://e.org/a"))
            bulk.append(time.perf_counter() - t0)
            del anchor
        t0 = time.perf_counter()
        store.replace_graph("https://e.org/put/0", (_nt(100_000, "other"), "ntriples"))
        over = time.perf_counter() - t0
        store.close()
        del store
        t0 = time.perf_counter()
        again = OxigraphStore(work / "seed")
        again.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/sckg/ontology#Practice> }")
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again.wait_for_copy(600)
        copy = time.perf_counter() - t0 + first
        again.close()
        put_m, bulk_m = statistics.median(put), statistics.median(bulk)
        print(f"size {args.size}: {quads} quads on disk")
        print("measure                                   | value        | anchor                 | ratio")
        print(f"one-triple INSERT DATA p50 ({args.inserts} in a row) | {p50 * 1000:.2f} ms | target 50 ms | -")
        print(f"one-triple INSERT DATA sequential rate    | {args.inserts / total:.0f} writes/s | target 100 | -")
        print(f"Graph Store-style PUT, 100k triples, new   | {put_m:.2f} s | bulk_load {bulk_m:.2f} s | "
              f"{put_m / bulk_m:.2f}x")
        print(f"PUT of 100k other triples over 100k        | {over:.2f} s | bulk_load {bulk_m:.2f} s | "
              f"{over / bulk_m:.2f}x")
        print(f"first answer after reopen                 | {first:.2f} s | target 5 s | -")
        print(f"in-memory copy in place after reopen      | {copy:.2f} s | - | -")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

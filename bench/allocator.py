"""The allocator's effect on the engine: the query library on pyoxigraph's in-memory store, measured in one
child process per allocator, the allocators alternating round after round so that each meets the machine's
noise alike.

    PYTHONPATH=. python bench/allocator.py --size M --rounds 3
    PYTHONPATH=. python bench/allocator.py --size L --rounds 2 --repeat 3 --work /tmp/sckgL2

Each child loads the size's data as ``bench/run.py --library-only`` does (:func:`bench.measure.
library_in_memory`) with one allocator preloaded (``LD_PRELOAD``; the C library's for ``libc``), then runs
every library query ``--repeat`` times. The table gives, per query, the median over the rounds of each
allocator's median, and its ratio to the C library's (above 1: faster). ``sckg`` runs with the first
allocator of :data:`app.allocator.AUTO` the system has (app/allocator.py).
"""
from __future__ import annotations

import argparse
import ctypes.util
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import allocator  # noqa: E402
from bench.run import machine, write_data  # noqa: E402


def child(spec: str) -> int:
    from bench import measure
    args = argparse.Namespace(**json.loads(spec))
    out = measure.library_in_memory(Path(args.study), Path(args.vocab), args)
    out["allocator"] = allocator.active()
    print(json.dumps(out))
    return 0


def run_child(lib: str | None, spec: dict) -> dict:
    env = {**allocator.child_environ(lib), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], env=env, check=True,
                          stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="M", choices=["S", "M", "L"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rounds", type=int, default=3, help="children per allocator, alternating")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query in a child (median)")
    ap.add_argument("--queries", default=None, help="only the named queries containing this text")
    ap.add_argument("--skip", default="report-transferable-practices", help="leave out these queries")
    ap.add_argument("--work", default=None, help="folder of the generated data (default: bench/results/data)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child)
    work = Path(args.work or ROOT / "bench" / "results" / "data")
    work.mkdir(parents=True, exist_ok=True)
    files = write_data(work, args.size, args.seed)
    spec = {"study": str(files["study"]), "vocab": str(files["vocab"]), "queries": args.queries,
            "skip": args.skip, "repeat": args.repeat}
    libs = {"libc": None} | {name: lib for name in allocator.AUTO if (lib := ctypes.util.find_library(name))}
    runs: dict[str, list[dict]] = {name: [] for name in libs}
    for r in range(args.rounds):
        for name, lib in libs.items():
            t0 = time.perf_counter()
            got = run_child(lib, spec)
            if got["allocator"] != name:
                raise SystemExit(f"the child ran with {got['allocator']}, not {name}")
            runs[name].append(got)
            print(f"round {r + 1} {name}: load {got['load_s']} s, {time.perf_counter() - t0:.0f} s in all",
                  file=sys.stderr, flush=True)
    names = list(runs["libc"][0]["times_ms"])
    med = {a: {q: statistics.median(run["times_ms"][q] for run in runs[a]) for q in names} for a in libs}
    load = {a: statistics.median(run["load_s"] for run in runs[a]) for a in libs}
    others = [a for a in libs if a != "libc"]
    head = "| query | libc ms | " + " | ".join(f"{a} ms | ×" for a in others) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(others)))
    print(f"| load ({runs['libc'][0]['quads']} quads), s | {load['libc']:.1f} | "
          + " | ".join(f"{load[a]:.1f} | " + (f"{load['libc'] / load[a]:.2f}" if load[a] else "-") for a in others)
          + " |")
    for q in sorted(names, key=lambda q: -med["libc"][q]):
        print(f"| {q} | {med['libc'][q]:,.1f} | "
              + " | ".join(f"{med[a][q]:,.1f} | {med['libc'][q] / med[a][q]:.2f}" if med[a][q] and med["libc"][q] else "- | -"
                           for a in others) + " |")
    summary = {}
    for a in libs:
        ratios = [med["libc"][q] / med[a][q] for q in names if med[a][q] >= 1 and med["libc"][q] >= 1]
        summary[a] = {"load_s": load[a], "over_2s": sum(1 for q in names if med[a][q] > 2000),
                      "slowest_ms": max(med[a].values()),
                      "geomean_speedup_over_1ms": round(math.exp(statistics.fmean(map(math.log, ratios))), 3)}
        print(f"{a}: load {load[a]:.1f} s, {summary[a]['over_2s']} of {len(names)} over 2 s, slowest "
              f"{summary[a]['slowest_ms']:,.1f} ms, geometric mean speed-up against libc (queries ≥ 1 ms) "
              f"{summary[a]['geomean_speedup_over_1ms']:.2f}×")
    out = Path(ROOT / "bench" / "results" / f"allocator-{args.size}-{time.strftime('%Y%m%dT%H%M%S')}.json")
    out.write_text(json.dumps({"size": args.size, "rounds": args.rounds, "repeat": args.repeat,
                               "machine": machine(), "medians_ms": med, "summary": summary,
                               "runs": runs}, indent=1))
    print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the checks of a large RDF file on one process against the cores shared, side by side.

``sckg ingest FILE --graph IRI`` parses FILE into an in-memory store, then runs the compiled shape queries and
writes the N-Triples copy the store takes (``RdfInput.check(..., write_to=…)``). This times that step with
its tasks on one process (``workers=1``) and shared by forked processes (``ingest.parallel.run_tasks``),
alternating, on the same parsed data, and prints the medians and their ratio. The parse is excluded.

    PYTHONPATH=. python bench/checks.py [--size M] [--rounds 3] [--work DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import write_data  # noqa: E402
from ingest import parallel, rdf_input  # noqa: E402
from ingest.pipeline import ontology_files  # noqa: E402
from ingest.resources import resource_dir  # noqa: E402
from ingest.validate import parse_turtle_files, shapes_graph  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="M", choices=["S", "M", "L"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", default=None, help="folder for the generated data (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sckg-checks-") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        nt = write_data(work, args.size, 42)["study_nt"]
        ontology = resource_dir("ontology")
        onto, vocab = ontology_files(ontology)
        shapes, background = shapes_graph(ontology), parse_turtle_files(onto + vocab, "ontology")
        t0 = time.perf_counter()
        data = rdf_input.RdfInput([nt])
        print(f"{args.size}: {data.triples} triples parsed in {time.perf_counter() - t0:.1f} s", flush=True)
        seconds: dict[int, list[float]] = {1: [], parallel.cores(): []}
        for rnd in range(args.rounds):
            for workers in seconds:
                t0 = time.perf_counter()
                report = data.check(shapes, background, onto + vocab, write_to=Path(tmp) / f"copy-{workers}.nt",
                                    workers=workers)
                seconds[workers].append(time.perf_counter() - t0)
                print(f"round {rnd + 1}, {workers} process(es): {seconds[workers][-1]:.2f} s "
                      f"({len(report.problems)} problems)", flush=True)
    one, many = (statistics.median(v) for v in seconds.values())
    print(f"checks + N-Triples copy, median of {args.rounds}: one process {one:.2f} s, "
          f"{parallel.cores()} processes {many:.2f} s, {one / many:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

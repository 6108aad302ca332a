"""SCKG's benchmark suite: one command, one table, one JSON file.

    PYTHONPATH=. python bench/run.py                # sizes S and M
    PYTHONPATH=. python bench/run.py --size L       # opt-in, ~10 M triples with partner observations
    PYTHONPATH=. python bench/run.py --size L --library-only --repeat 2   # the library at L, in memory

For each size it generates seeded study-shaped data (bench/generate.py) and measures, as medians of
repeated runs with a ratio to an anchor measured side by side in this process:

* ingest: the study graph (one N-Triples file) through ``sckg ingest`` (``ingest.pipeline.ingest_paths``:
  parse, shapes, disjointness, atomic replacement) and through the store's bare ``replace_graph``, against
  raw ``pyoxigraph.Store.bulk_load`` of the same file on disk; at S also ``RemoteStore`` over Oxigraph
  server; CSV rows per second of the study pipeline (ingest.pipeline) against reading the same CSV files;
* derivation: the inferred graph and related practices (app.derive) on the loaded store;
* queries: every file of queries/ on the embedded store (``store.query``, rdflib terms) against pyoxigraph's
  in-memory store, on the embedded store's endpoint path (``store.query_serialized``, JSON) against the
  in-memory store writing the same JSON, and on on-disk pyoxigraph without a replica (fresh, then after
  ``optimize()``), over ``oxigraph serve-read-only`` (HTTP) and through ``RemoteStore`` over ``oxigraph
  serve``, each divided by the in-memory store;
* memory peak (a child process opening the store) and store size on disk.

It runs with the allocator ``sckg`` would run with (``SCKG_MALLOC``, app/allocator.py; ``SCKG_MALLOC=none``
for the C library's), named in the results' machine record; bench/allocator.py measures the difference.

Results go to ``bench/results/run-<sizes>-<timestamp>.json``; bench/README.md shows a run.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench import measure  # noqa: E402
from bench.generate import SIZES, generate  # noqa: E402

STUDY = "https://w3id.org/sckg/graph/study"
VOCAB = "https://w3id.org/sckg/graph/vocab"
PARTNER = "https://w3id.org/sckg/graph/partner/bench/indicators"


def write_data(work: Path, size: str, seed: int) -> dict[str, Path]:
    """The size's files: study graph, partner graph (L), vocabulary; reused when already written."""
    n, observations = SIZES[size]
    files = {"study": work / f"{size}-{seed}-study.nq", "vocab": work / f"{size}-{seed}-vocab.nq",
             "study_nt": work / f"{size}-{seed}-study.nt"}
    if not files["study"].exists():
        with open(files["study"], "w", encoding="utf-8") as out:
            out.writelines(generate(n, seed=seed, observations=observations, vocab=False))
    if not files["study_nt"].exists():  # the same triples without graph names: what a partner sends
        with open(files["study"], encoding="utf-8") as src, open(files["study_nt"], "w", encoding="utf-8") as out:
            out.writelines(line[:line.rindex(" <")] + " .\n" for line in src)
    if not files["vocab"].exists():
        with open(files["vocab"], "w", encoding="utf-8") as out:
            out.writelines(line for line in generate(0, seed=seed) if line.rstrip().endswith(f"<{VOCAB}> ."))
    return files


#: queries slower than this on the embedded store are left out of the memory-peak runs (they are timed above)
SLOW_MS = 2000
#: left out by default at these sizes: the answer itself grows with the square of the data (docs/scaling.md)
DEFAULT_SKIP = {"M": "report-transferable", "L": "report-transferable"}


def _phase(name: str, t0: float, out: dict | None = None, work: Path | None = None) -> float:
    """Print how long a phase took and keep what is measured so far (``work/partial-<size>.json``)."""
    now = time.perf_counter()
    print(f"  [{name}] {now - t0:.1f} s", file=sys.stderr, flush=True)
    if out is not None and work is not None:
        out.setdefault("phase_s", {})[name] = round(now - t0, 1)
        (work / f"partial-{out['size']}.json").write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    return now


def bench_size(size: str, args, work: Path) -> dict:
    if args.skip is None and size in DEFAULT_SKIP:
        args = argparse.Namespace(**{**vars(args), "skip": DEFAULT_SKIP[size]})
    t = time.perf_counter()
    files = write_data(work, size, args.seed)
    t = _phase("generate", t)
    triples = sum(1 for _ in open(files["study"], "rb"))
    print(f"[{size}] {triples} triples in {files['study']}", file=sys.stderr)
    reps = args.ingest_repeat or (1 if size == "L" else 3)
    out: dict = {"size": size, "practices": SIZES[size][0], "triples": triples, "ingest_repeat": reps}
    if args.library_only:
        out["library"] = measure.library_in_memory(files["study"], files["vocab"], args)
        _phase("library", t, out, work)
        return out
    remote_ingest = not args.no_remote and triples <= args.remote_ingest_max
    out["ingest"] = measure.ingest(files["study_nt"], work / size, reps, remote=remote_ingest)
    t = _phase("ingest", t, out, work)
    if args.ingest_only:
        return out
    out["csv"] = measure.csv_pipeline(args.csv_repeat)
    t = _phase("csv", t, out, work)
    sckg_dir = out["ingest"].pop("sckg_dir")
    full, out["derive"], out["open_s"], sckg = measure.complete(sckg_dir, files["vocab"], work / size)
    t = _phase("complete (ontology, derive, dump, reopen)", t, out, work)
    out["queries"] = measure.queries(sckg, full, work / size, args, out)
    t = _phase("queries", t, out, work)
    del sckg
    slow = [name for name, row in out["queries"]["times_ms"].items() if row.get("embedded", 0) > SLOW_MS]
    out["memory_skipped"] = slow
    out["memory"] = measure.memory(sckg_dir, work / size / "disk", ",".join(filter(None, [args.skip] + slow)))
    _phase("memory", t, out, work)
    gc.collect()
    return out


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or 0)
    from app.allocator import active
    return {"cpu": cpu, "nproc": nproc, "memory_mb": mem, "python": platform.python_version(),
            "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?", "allocator": active()}


def table(results: list[dict]) -> str:
    rows = [("size", "measure", "value", "anchor", "ratio")]
    for r in results:
        s = r["size"]
        if "library" in r:  # --library-only
            lib = r["library"]
            times = sorted(lib["times_ms"].items(), key=lambda kv: -kv[1])
            rows.append((s, f"library in memory ({lib['quads']} quads, loaded in {lib['load_s']:.0f} s), slowest "
                         f"{times[0][0]}", f"{times[0][1]:,.1f} ms", "-", "-"))
            rows.append((s, f"library queries over {lib['limit_ms'] / 1000:g} s",
                         f"{len(lib['over_limit'])} of {len(times)}", "-", "-"))
            continue
        ing = r["ingest"]
        rows.append((s, f"RDF ingest, sckg ingest (ingest_paths), {r['triples']} triples",
                     f"{ing['sckg_tps']:,.0f} t/s",
                     f"bulk_load {ing['raw_tps']:,.0f} t/s", f"{ing['sckg_tps'] / ing['raw_tps']:.2f}x"))
        steps = ", ".join(f"{k} {v:.1f}" for k, v in ing.get("sckg_steps", {}).items())
        rows.append((s, f"  its steps (s): {steps}", f"{ing['sckg_s']:.1f} s", f"bulk_load {ing['raw_s']:.1f} s", "-"))
        rows.append((s, "RDF ingest, OxigraphStore.replace_graph of the same bytes", f"{ing['replace_tps']:,.0f} t/s",
                     f"bulk_load {ing['raw_tps']:,.0f} t/s", f"{ing['replace_tps'] / ing['raw_tps']:.2f}x"))
        if "remote_tps" in ing:
            rows.append((s, "RDF ingest, RemoteStore -> oxigraph serve (GSP chunks)", f"{ing['remote_tps']:,.0f} t/s",
                         f"bulk_load {ing['raw_tps']:,.0f} t/s", f"{ing['remote_tps'] / ing['raw_tps']:.2f}x"))
        if "csv" not in r:  # --ingest-only
            continue
        c = r["csv"]
        rows.append((s, f"CSV study pipeline ({c['rows']} rows, link {c['steps'].get('link', 0):.1f} s)",
                     f"{c['rows_per_s']:,.0f} rows/s", f"csv read {c['anchor_rows_per_s']:,.0f} rows/s",
                     f"{c['rows_per_s'] / c['anchor_rows_per_s']:.4f}x"))
        for name, d in r["derive"].items():
            rows.append((s, f"derive {name}", f"{d.get('seconds', 0):.2f} s", "-", "-"))
        rows.append((s, "open embedded store (until the in-memory copy is in place)", f"{r['open_s']:.2f} s", "-", "-"))
        q = r["queries"]
        for label in q["engines"]:
            summ = q["summary"].get(label)
            if not summ or label in ("memory", "memory-json"):
                continue
            anchor = "memory-json" if label == "embedded-json" else "memory"
            rows.append((s, f"queries: {label} ({summ['queries']} q, worst {summ['worst_query']})",
                         f"{summ['total_ms']:,.1f} ms total", f"{anchor} {q['summary'][anchor]['total_ms']:,.1f} ms",
                         f"geo {summ['geomean_ratio']:.2f}x / max {summ['worst_ratio']:.2f}x"))
        e = q["summary"].get("embedded")
        if e:
            rows.append((s, f"slowest query on embedded: {e['slowest_query']}", f"{e['slowest_ms']:,.1f} ms", "-", "-"))
        m = r["memory"]
        rows.append((s, "peak RSS: open embedded store + run queries", f"{m['embedded_rss_mb']:,.0f} MB",
                     f"no replica {m['disk_rss_mb']:,.0f} MB", f"{m['embedded_rss_mb'] / max(m['disk_rss_mb'], 1):.2f}x"))
        kind = "optimized bulk load" if "disk-optimized" in q["engines"] else "bulk load"
        rows.append((s, f"store size on disk (embedded / {kind})", f"{m['embedded_mb']:,.0f} MB",
                     f"{m['optimized_mb']:,.0f} MB", f"{m['embedded_mb'] / max(m['optimized_mb'], 0.01):.2f}x"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "\n".join(lines)


def query_table(result: dict) -> str:
    """A markdown table of every query's median ms on each engine, with the embedded ratios."""
    q = result["queries"]
    labels = q["engines"]
    head = "| query | " + " | ".join(labels) + " | embedded / memory | embedded-json / memory-json |"
    lines = [head, "|" + "---|" * (len(labels) + 3)]
    for name, row in sorted(q["times_ms"].items()):
        def ratio(a, b):
            x, y = row.get(a), row.get(b)
            return "-" if x is None or y is None or x != x or y != y else f"{max(x, 1) / max(y, 1):.2f}x"
        cells = [f"{row[label]:,.1f}" if isinstance(row.get(label), float) and row[label] == row[label] else "err"
                 for label in labels]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio('embedded', 'memory')} | "
                     f"{ratio('embedded-json', 'memory-json')} |")
    return "\n".join(lines)


def per_query(result: dict) -> str:
    """Every query's times: the engines' table, or the in-memory library's times (slowest first)."""
    if "queries" in result:
        return f"\n{result['size']}:\n{query_table(result)}"
    if "library" in result:
        times = sorted(result["library"]["times_ms"].items(), key=lambda kv: -kv[1])
        return f"\n{result['size']}:\n| query | ms |\n|---|---|\n" + "\n".join(f"| {n} | {ms:,.1f} |" for n, ms in times)
    return ""


OTHERS = {"endpoint": ["--size", "{size}"], "pages": [], "derive": ["--repeat", "1"]}


def run_others(sizes: list[str]) -> dict[str, str]:
    """The endpoint, page and derivation benchmarks (their own scripts), when present; their printed tables."""
    out = {}
    size = "M" if "M" in sizes else "S"
    for name, extra in OTHERS.items():
        script = ROOT / "bench" / f"{name}.py"
        if not script.exists():
            continue
        cmd = [sys.executable, str(script)] + [a.format(size=size) for a in extra]
        r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        out[name] = r.stdout if r.returncode == 0 else f"failed ({r.returncode}): {r.stderr[-2000:]}"
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="SCKG benchmark suite")
    ap.add_argument("--size", action="append", choices=sorted(SIZES), help="S, M (default both), L (opt-in)")
    ap.add_argument("--from-json", default=None, help="print the tables of a results JSON file and stop")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    ap.add_argument("--ingest-repeat", type=int, default=0, help="runs per ingest (default 3, at L 1)")
    ap.add_argument("--csv-repeat", type=int, default=3)
    ap.add_argument("--queries", default=None, help="only the named queries containing this text")
    ap.add_argument("--skip", default=None, help="leave out queries whose names contain one of these words "
                    "(comma-separated); default at M and L: report-transferable, whose answer grows with the "
                    "square of the data; --skip '' keeps it")
    ap.add_argument("--no-remote", action="store_true", help="skip the Oxigraph server measurements")
    ap.add_argument("--per-query", action="store_true", help="also print every query's times as a markdown table")
    ap.add_argument("--optimized", action="store_true",
                    help="also time on-disk pyoxigraph after Store.optimize() (always at S)")
    ap.add_argument("--ingest-only", action="store_true", help="measure the RDF ingest rows only (e.g. at L)")
    ap.add_argument("--library-only", action="store_true",
                    help="time the query library on an in-memory store of the size's data only (e.g. at L)")
    ap.add_argument("--remote-ingest-max", type=int, default=200_000,
                    help="largest study graph (triples) also loaded through RemoteStore (slow: a MOVE at the end)")
    ap.add_argument("--substitutions", action="store_true",
                    help="also time pyoxigraph's substitutions (instead of VALUES) on the in-memory store")
    ap.add_argument("--others", action="store_true",
                    help="also run bench/endpoint.py, bench/pages.py and bench/derive.py and print their tables")
    ap.add_argument("--work", default=None, help="folder for data and stores (default: a temporary one)")
    ap.add_argument("--out", default=None, help="JSON file (default bench/results/run-…json)")
    args = ap.parse_args(argv)
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text(encoding="utf-8"))["results"]
        print(table(results))
        for r in results:
            print(per_query(r))
        return 0
    sizes = args.size or ["S", "M"]
    work_ctx = tempfile.TemporaryDirectory(prefix="sckg-bench-") if args.work is None else None
    work = Path(args.work or work_ctx.name)
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y%m%dT%H%M%S")
    results = [bench_size(s, args, work) for s in sizes]
    report = {"machine": machine(), "started": started, "args": vars(args), "results": results,
              "rss_mb_this_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"run-{'-'.join(sizes)}-{started}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    if args.others:
        report["others"] = run_others(sizes)
    out.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print(table(results))
    if args.per_query:
        for r in results:
            print(per_query(r))
    print(f"\nmachine: {report['machine']}\nJSON: {out}")
    for name, text in report.get("others", {}).items():
        print(f"\n== bench/{name}.py ==\n{text}")
    if work_ctx is not None:
        work_ctx.cleanup()
    return 0


if __name__ == "__main__":
    # the engine as ``sckg`` runs it: with the allocator SCKG_MALLOC chooses (app/allocator.py)
    from app.allocator import restart_with_allocator
    restart_with_allocator(sys.argv)
    sys.exit(main())

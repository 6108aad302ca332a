"""Benchmark: SCKG's /sparql against ``oxigraph serve`` (in memory), side by side on the same data.

Both servers hold the same study-shaped synthetic graph (``bench/generate.py``, seeded; size M ≈ 1M triples).
Heavy queries are the parameter-free queries of ``queries/``; light ones are entity lookups (one subject's
triples). Each is sent at concurrency 1 and 8, uncached (a unique trailing comment per request, so SCKG's
answer cache never hits) and cached (the same text repeated; SCKG's cache is keyed by store generation, so a
write invalidates it). Printed: median latency and requests/s per server, and SCKG / Oxigraph ratios.
Also measured in-process: what the killable query workers add to a light query (worker vs. direct call).

    PYTHONPATH=. python bench/endpoint.py [--size M|S] [--out bench/results/endpoint.json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
PRACTICE = "https://w3id.org/sckg/id/practice/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def make_data(size: str, folder: Path) -> tuple[Path, int]:
    from bench.generate import SIZES, generate
    practices, observations = SIZES[size]
    path = folder / f"data-{size}.nq"
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for line in generate(practices, seed=42, observations=observations):
            out.write(line if line.endswith("\n") else line + "\n")
            n += 1
    return path, n


def serve_sckg(store_path: str, port: int) -> None:
    """Child mode: serve SCKG on ``port`` over the store at ``store_path`` (waitress, 8 threads)."""
    from waitress import serve

    from app import create_app
    app = create_app({"STORE": store_path, "TOKENS": store_path + "-tokens.json", "DUMPS_DIR": store_path + "-dumps",
                      "INDEX_PATH": store_path + "-index.sqlite", "MAX_QUERIES_PER_CLIENT": 64})
    app.extensions["sckg.executor"].warm()
    serve(app, host="127.0.0.1", port=port, threads=8, ident="sckg", _quiet=True)


def heavy_queries() -> dict[str, str]:
    out = {}
    for f in sorted((ROOT / "queries").glob("*.rq")):
        text = f.read_text(encoding="utf-8")
        if "# param:" in text or f.stem.startswith("construct-") or f.stem.endswith("-violation"):
            continue
        out[f.stem] = text
    return out


def light_query(i: int) -> str:
    return f"SELECT ?p ?o WHERE {{ <{PRACTICE}practice-{i}> ?p ?o }}"


def run(url: str, texts: list[str], concurrency: int, union_param: bool) -> dict:
    """Send every text once, ``concurrency`` at a time; median latency (ms) and requests/s."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(texts)
    errors = [0]

    def worker():
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                text = queue.pop()
            params = {"query": text}
            if union_param:
                params["union-default-graph"] = ""
            t0 = time.perf_counter()
            try:
                ok = session.post(url, data=params, headers={"Accept": "application/sparql-results+json"},
                                  timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if not ok:
                    errors[0] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"median_ms": round(statistics.median(latencies) * 1000, 3), "rps": round(len(texts) / wall, 1),
            "n": len(texts), "errors": errors[0]}


def worker_overhead(store_path: str, rounds: int = 400, heavy: str | None = None) -> dict:
    """Median of a light query (and of one heavy query) evaluated directly vs. through a forked query worker
    (same process, no HTTP)."""
    from app.executor import Executor, Job, evaluate
    from app.store import OxigraphStore
    store = OxigraphStore(store_path)
    ex = Executor(store, 2, 20.0)
    ex.warm()
    direct, worker = [], []
    for i in range(rounds):
        job = Job(light_query(i % 1000), limit=10000)
        t0 = time.perf_counter()
        evaluate(store.read_store, job)
        direct.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ex.run(job)
        worker.append(time.perf_counter() - t0)
    d, w = statistics.median(direct) * 1000, statistics.median(worker) * 1000
    out = {"direct_median_ms": round(d, 3), "worker_median_ms": round(w, 3), "added_ms": round(w - d, 3)}
    if heavy:
        hd, hw = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            evaluate(store.read_store, Job(heavy, limit=10000))
            hd.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ex.run(Job(heavy, limit=10000))
            hw.append(time.perf_counter() - t0)
        out["heavy_direct_median_ms"] = round(statistics.median(hd) * 1000, 1)
        out["heavy_worker_median_ms"] = round(statistics.median(hw) * 1000, 1)
    ex.close()
    store.close()
    return out


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--serve-sckg":
        serve_sckg(sys.argv[2], int(sys.argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="M", choices=["S", "M"])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "endpoint.json"))
    ap.add_argument("--light", type=int, default=400, help="light requests per measurement")
    ap.add_argument("--heavy", type=int, default=16, help="requests per heavy query per measurement")
    args = ap.parse_args(argv)
    import pyoxigraph as ox
    work = Path(tempfile.mkdtemp(prefix="sckg-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        t0 = time.time()
        data, quads = make_data(args.size, work)
        print(f"data: {quads} quads ({args.size}) in {time.time() - t0:.1f} s", flush=True)
        store_path = str(work / "store")
        disk = ox.Store(store_path)
        disk.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        disk.optimize()
        del disk
        overhead = worker_overhead(store_path, heavy=heavy_queries().get("most-cited-barriers"))
        print(f"worker overhead on a light query: {overhead}", flush=True)
        sport, oport = free_port(), free_port()
        procs.append(subprocess.Popen([sys.executable, __file__, "--serve-sckg", store_path, str(sport)],
                                      env={**os.environ, "PYTHONPATH": str(ROOT)}))
        procs.append(subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{oport}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        sckg, oxi = f"http://127.0.0.1:{sport}/sparql", f"http://127.0.0.1:{oport}/query"
        wait_up(f"http://127.0.0.1:{oport}/", procs[1])
        with open(data, "rb") as f:
            requests.post(f"http://127.0.0.1:{oport}/store", data=f, headers={"Content-Type": "application/n-quads"},
                          timeout=3600).raise_for_status()
        wait_up(sckg + "?query=ASK%7B%7D", procs[0])
        results: dict = {"size": args.size, "quads": quads, "worker_overhead": overhead, "rows": []}
        tags = itertools.count()  # a unique comment per request keeps every "fresh" text new to SCKG's cache
        loads = {"light": lambda n, unique: [light_query(i % 1000) + (f"\n# {next(tags)}" if unique else "")
                                             for i in range(n)]}
        for name, text in heavy_queries().items():
            loads[name] = (lambda t: lambda n, unique: [t + (f"\n# {next(tags)}" if unique else "")
                                                        for _ in range(n)])(text)
        results["skipped"] = {}
        for name, make in loads.items():
            n = args.light if name == "light" else args.heavy
            if name != "light":  # a query slower than 5 s on the baseline would take this bench too long
                probe = run(oxi, make(1, True), 1, True)
                if probe["errors"] or probe["median_ms"] > 5000:
                    results["skipped"][name] = f"baseline answers in {probe['median_ms']:.0f} ms"
                    print(f"{name:38s} skipped: oxigraph needs {probe['median_ms']:.0f} ms", flush=True)
                    continue
            for cached in (False, True):
                for conc in (1, 8):
                    texts = make(n, not cached)
                    if cached:  # warm both
                        run(sckg, texts[:1], 1, False)
                        run(oxi, texts[:1], 1, True)
                    a = run(sckg, texts, conc, False)
                    b = run(oxi, texts, conc, True)
                    row = {"query": name, "kind": "light" if name == "light" else "heavy", "cached": cached,
                           "concurrency": conc, "sckg": a, "oxigraph": b,
                           "rps_ratio": round(a["rps"] / b["rps"], 2) if b["rps"] else None}
                    results["rows"].append(row)
                    print(f"{name:38s} {'cached' if cached else 'fresh ':6s} c={conc}  SCKG {a['median_ms']:9.2f} ms "
                          f"{a['rps']:8.1f}/s | oxigraph {b['median_ms']:9.2f} ms {b['rps']:8.1f}/s | "
                          f"ratio {row['rps_ratio']}" + (f"  errors {a['errors']}/{b['errors']}"
                                                          if a["errors"] or b["errors"] else ""), flush=True)
        summary = {}
        for kind in ("light", "heavy"):
            for cached in (False, True):
                for conc in (1, 8):
                    ratios = [r["rps_ratio"] for r in results["rows"] if r["kind"] == kind and r["cached"] == cached
                              and r["concurrency"] == conc and r["rps_ratio"]]
                    if ratios:
                        key = f"{kind} {'cached' if cached else 'fresh'} c={conc}"
                        summary[key] = round(statistics.geometric_mean(ratios), 2)
        results["summary_rps_ratio_geomean"] = summary
        print("\nSCKG / oxigraph requests/s (geometric mean over queries):")
        for k, v in summary.items():
            print(f"  {k:24s} {v}")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=2))
        print(f"written {args.out}")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

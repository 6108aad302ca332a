"""Page latency of the browse UI over real HTTP (waitress), p50 and p95 per page kind.

Page kinds: home, practice list with two facets, practice page (with related practices), city page, search.
Each kind cycles through many distinct URLs (different practices, cities, facet pairs, search words), so a
run measures both the first rendering of a URL and, with the page cache on, repeated visits.

Data: the study dataset (default), or a synthetic graph of ``--practices N`` from ``bench/generate.py``
(related practices and the search index are derived the same way as after an ingest).

    PYTHONPATH=. python bench/pages.py                      # study data
    PYTHONPATH=. python bench/pages.py --practices 100000   # synthetic, 100 000 practices

Prints a table (milliseconds) for two modes: ``cold`` (page cache off: every request renders) and ``warm``
(page cache on, each URL visited several times), and writes it as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.store import OxigraphStore  # noqa: E402


def build_store(practices: int, tmp: Path, skip_related: bool = False) -> tuple[OxigraphStore, dict]:
    config = {"TESTING": True, "STORE": "memory", "INDEX_PATH": str(tmp / "search.sqlite"),
              "DUMPS_DIR": str(tmp / "dumps"), "TOKENS": str(tmp / "tokens.json")}
    store = OxigraphStore(None)
    t0 = time.perf_counter()
    if practices:
        import pyoxigraph as ox

        from bench.generate import generate
        data = "".join(generate(practices, seed=42)).encode()
        store.read_view().bulk_load(data, format=ox.RdfFormat.N_QUADS)
        store.generation += 1
        print(f"loaded {practices} practices in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        # the pages need related practices and the text index (the inferred graph is not read by them)
        from app import related, search
        steps = (("search", search),) if skip_related else (("related", related), ("search", search))
        for name, module in steps:
            t = time.perf_counter()
            result = module.refresh(store, config) or {}
            print(f"derived {name} in {time.perf_counter() - t:.1f} s: {result}", file=sys.stderr, flush=True)
    else:
        from app.loading import load_all
        load_all(store, config, progress=False)
    print(f"data ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return store, config


def urls(store, rnd: random.Random, n: int) -> dict[str, list[str]]:
    def iris(cls: str, limit: int) -> list[str]:
        rows = store.query(f"SELECT ?s WHERE {{ ?s a <{cls}> }} LIMIT {limit}")
        return [str(r["s"]) for r in rows]

    base = "https://w3id.org/sckg/id/"
    practices = [i[len(base):] for i in iris("https://w3id.org/sckg/ontology#Practice", 5000) if i.startswith(base)]
    cities = [i[len(base):] for i in iris("https://w3id.org/sckg/ontology#City", 2000) if i.startswith(base)]
    axes = ["economy", "mobility", "environment", "people", "living", "governance"]
    regions = ["africa", "asia-pacific", "eurasia", "europe", "latin-america", "middle-east-west-asia",
               "north-america"]
    words = ["open data", "mobilite", "participation", "energy", "digital", "education", "health", "transport",
             "gobierno", "innovation", "citoyens", "water", "smart", "data", "inclusion"]
    return {
        "home": ["/"] * n,
        "practices 2 facets": [f"/practices?axis={rnd.choice(axes)}&region={rnd.choice(regions)}" for _ in range(n)],
        "practice page": [f"/id/{rnd.choice(practices)}" for _ in range(n)],
        "city page": [f"/id/{rnd.choice(cities)}" for _ in range(n)],
        "search": [f"/search?q={rnd.choice(words)}" for _ in range(n)],
    }


def serve(app) -> tuple[str, object]:
    import logging

    from waitress.server import create_server
    logging.getLogger("waitress").setLevel(logging.CRITICAL)  # closing the server between modes is noisy
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    def run():
        try:
            server.run()
        except OSError:  # the socket closed under the loop at the end of a mode
            pass
    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.3)
    return f"http://127.0.0.1:{port}", server


def measure(base: str, plan: dict[str, list[str]]) -> dict[str, dict]:
    session = requests.Session()
    session.headers["Accept"] = "text/html"
    out = {}
    for kind, paths in plan.items():
        times = []
        for path in paths:
            t = time.perf_counter()
            r = session.get(base + path, timeout=60)
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{path}: HTTP {r.status_code}")
        times.sort()
        out[kind] = {"n": len(times), "p50": round(statistics.median(times), 1),
                     "p95": round(times[int(0.95 * (len(times) - 1))], 1), "max": round(times[-1], 1)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--practices", type=int, default=0, help="synthetic practices (0: the study data)")
    ap.add_argument("--requests", type=int, default=100, help="requests per page kind and mode")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-related", action="store_true",
                    help="do not derive related practices (practice pages then list none)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store, config = build_store(args.practices, Path(tmp), args.skip_related)
        results = {}
        for mode, cache in (("cold", False), ("warm", True)):
            app = create_app({**config, "PAGE_CACHE": cache}, store=store)
            base, server = serve(app)
            plan = urls(store, random.Random(args.seed), args.requests)
            t = time.perf_counter()
            requests.get(base + "/", timeout=600)  # builds the facet index, as the first visit after an ingest does
            print(f"{mode}: first request (facet index) {time.perf_counter() - t:.1f} s", file=sys.stderr)
            if cache:  # visit each URL once first: the measured pass then reads the cache like repeat visitors
                measure(base, {k: sorted(set(v)) for k, v in plan.items()})
            results[mode] = measure(base, plan)
            server.close()
    label = f"{args.practices} synthetic practices" if args.practices else "study data"
    print(f"\nbrowse pages over HTTP, {label}, {args.requests} requests per kind (ms)")
    print(f"{'page':22} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9}")
    for kind in results["cold"]:
        c, w = results["cold"][kind], results["warm"][kind]
        print(f"{kind:22} {c['p50']:9.1f} {c['p95']:9.1f} {w['p50']:9.1f} {w['p95']:9.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"pages-{args.practices or 'study'}.json").write_text(json.dumps(
        {"data": label, "requests": args.requests, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

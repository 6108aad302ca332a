"""Benchmark: SCKG's /sparql against ``oxigraph serve`` (in memory) and rdflib-endpoint, side by side.

All servers hold the same study-shaped synthetic graph (``bench/generate.py``, seeded; size M ≈ 1M quads).
Heavy queries are the parameter-free queries of ``queries/``; light ones are entity lookups (one subject's
triples). Against Oxigraph each is sent at concurrency 1 and 8, uncached (a unique trailing comment per
request, so SCKG's answer cache never hits) and cached (the same text repeated; SCKG's cache is keyed by store
generation, so a write invalidates it). Against rdflib-endpoint (an rdflib ``Dataset`` served by FastAPI on
uvicorn, optional: skipped when the package is missing) uncached only, at ``--rdflib-size`` (default S: rdflib
needs minutes and gigabytes to load M), with a per-request timeout; a query rdflib cannot answer in time is
reported as such and its server restarted. Printed: median latency and requests/s per server and the ratios.
Also measured in-process: what the killable query workers add to a light query (worker vs. direct call).

    PYTHONPATH=. python bench/endpoint.py [--size M|S] [--rdflib-size S|M|none] [--only light,NAME]
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import logging
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
JSON = {"Accept": "application/sparql-results+json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, seconds: float = 900) -> None:
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


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def prepare(size: str, folder: Path) -> tuple[Path, int, str]:
    """The N-Quads file and an optimized on-disk store of ``size`` in ``folder`` (reused when already there)."""
    import pyoxigraph as ox

    from bench.generate import SIZES, generate
    path, store_path, done = folder / f"data-{size}.nq", folder / f"store-{size}", folder / f"done-{size}"
    if not done.exists():
        practices, observations = SIZES[size]
        with open(path, "w", encoding="utf-8") as out:
            for line in generate(practices, seed=42, observations=observations):
                out.write(line if line.endswith("\n") else line + "\n")
        shutil.rmtree(store_path, ignore_errors=True)
        disk = ox.Store(str(store_path))
        disk.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        disk.optimize()
        del disk
        done.write_text(str(sum(1 for _ in open(path, "rb"))))
    return path, int(done.read_text()), str(store_path)


def bench_app():
    """The app the benchmark serves (the store named by ``SCKG_BENCH_STORE``), its query workers primed."""
    from app import create_app
    store_path = os.environ["SCKG_BENCH_STORE"]
    run = store_path + "-run"  # beside the store, so it goes with the bench's folder
    os.makedirs(run, exist_ok=True)
    app = create_app({"STORE": store_path, "TOKENS": run + "/tokens.json", "DUMPS_DIR": run + "/dumps",
                      "INDEX_PATH": run + "/index.sqlite", "MAX_QUERIES_PER_CLIENT": 64})
    app.extensions["sckg.executor"].warm()
    return app


def serve_sckg(store_path: str, port: int) -> None:
    """Child mode: serve SCKG on ``port`` over the store at ``store_path`` as ``sckg serve`` does (app/serving.py),
    with the server named by ``SCKG_SERVER`` (default granian) and ``SCKG_THREADS`` request threads."""
    from app import config as settings
    from app.serving import serve
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is expected under load
    os.environ["SCKG_BENCH_STORE"] = store_path
    config = settings.defaults() | settings.from_environ()
    serve(config, "127.0.0.1", port, config["THREADS"], config["SERVER"], target="bench.endpoint:bench_app")


def serve_rdflib(data: str, port: int) -> None:
    """Child mode: rdflib-endpoint over an rdflib ``Dataset`` (union default graph) parsed from ``data``."""
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint
    ds = Dataset(default_union=True)
    ds.parse(data, format="nquads")
    uvicorn.run(SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False), host="127.0.0.1", port=port,
                log_level="error", access_log=False)


def start(mode: str, arg: str, port: int) -> subprocess.Popen:
    """A child server; SCKG's with the allocator ``sckg serve`` would choose (SCKG_MALLOC, app/allocator.py)."""
    from app.allocator import child_environ, choose
    lib = choose(os.environ.get("SCKG_MALLOC", "auto")) if mode == "--serve-sckg" else None
    return subprocess.Popen([sys.executable, __file__, mode, arg, str(port)],
                            env={**child_environ(lib), "PYTHONPATH": str(ROOT)})


def start_pair(store_path: str, data: Path, oxigraph_lib: str | None) -> tuple[list[subprocess.Popen], str, int]:
    """SCKG over ``store_path`` and ``oxigraph serve`` in memory with ``data`` posted to it, both answering:
    (the two processes, SCKG's endpoint URL, Oxigraph's port)."""
    from app.allocator import child_environ
    sport, oport = free_port(), free_port()
    procs = [start("--serve-sckg", store_path, sport),
             subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{oport}"], env=child_environ(oxigraph_lib),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    wait_up(f"http://127.0.0.1:{oport}/", procs[1])
    with open(data, "rb") as f:
        requests.post(f"http://127.0.0.1:{oport}/store", data=f, timeout=3600,
                      headers={"Content-Type": "application/n-quads"}).raise_for_status()
    sckg = f"http://127.0.0.1:{sport}/sparql"
    wait_up(sckg + "?query=ASK%7B%7D", procs[0])
    return procs, sckg, oport


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


def loads(size: str, only: set[str] | None) -> dict:
    """name -> make(n, unique) giving n query texts; unique ones carry a distinct comment (no cache hits)."""
    from bench.generate import SIZES
    practices, tags = SIZES[size][0], itertools.count()
    tag = lambda unique: f"\n# {next(tags)}" if unique else ""  # noqa: E731
    out = {"light": lambda n, unique: [light_query(i % practices) + tag(unique) for i in range(n)]}
    for name, text in heavy_queries().items():
        out[name] = (lambda t: lambda n, unique: [t + tag(unique) for _ in range(n)])(text)
    return {k: v for k, v in out.items() if not only or k in only}


def run(url: str, texts: list[str], concurrency: int, params: dict | None = None, timeout: float = 60) -> dict:
    """Send every text once, ``concurrency`` at a time; median latency (ms), requests/s, failed requests."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(texts)
    errors, failures = [0], {}

    def worker():
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                text = queue.pop()
            t0 = time.perf_counter()
            try:
                status = session.post(url, data={"query": text, **(params or {})}, headers=JSON,
                                      timeout=timeout).status_code
            except requests.Timeout:
                status = "timeout"
            except requests.RequestException:
                status = "no answer"
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors[0] += 1
                    failures[str(status)] = failures.get(str(status), 0) + 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    out = {"median_ms": round(statistics.median(latencies) * 1000, 3), "rps": round(len(texts) / wall, 2),
           "n": len(texts), "errors": errors[0]}
    if failures:
        out["failures"] = failures  # status code (or timeout) -> count
    return out


def row(name: str, cached: bool, conc: int, a: dict, b: dict, other: str) -> dict:
    r = {"query": name, "kind": "light" if name == "light" else "heavy", "cached": cached, "concurrency": conc,
         "sckg": a, other: b, "rps_ratio": round(a["rps"] / b["rps"], 2) if b["rps"] and not b["errors"] else None}
    print(f"{name:34s} {'cached' if cached else 'fresh ':6s} c={conc}  SCKG {a['median_ms']:9.2f} ms {a['rps']:8.1f}/s"
          f" | {other} {b['median_ms']:9.2f} ms {b['rps']:8.1f}/s | ratio {r['rps_ratio']}"
          + (f"  errors {a['errors']}/{b['errors']}" if a["errors"] or b["errors"] else ""), flush=True)
    return r


def summary(rows: list[dict]) -> dict:
    """Geometric mean of the ratios per (kind, cached, concurrency)."""
    out = {}
    for kind, cached, conc in itertools.product(("light", "heavy"), (False, True), (1, 8)):
        ratios = [r["rps_ratio"] for r in rows if (r["kind"], r["cached"], r["concurrency"]) == (kind, cached, conc)
                  and r["rps_ratio"]]
        if ratios:
            out[f"{kind} {'cached' if cached else 'fresh'} c={conc}"] = round(statistics.geometric_mean(ratios), 2)
    return out


def against_oxigraph(sckg: str, oxi: str, work: dict, n_light: int, n_heavy: int) -> dict:
    rows, skipped = [], {}
    union = {"union-default-graph": ""}
    for name, make in work.items():
        n = n_light if name == "light" else n_heavy
        if name != "light":  # a query slower than 5 s on the baseline would take this bench too long
            probe = run(oxi, make(1, True), 1, union)
            if probe["errors"] or probe["median_ms"] > 5000:
                skipped[name] = f"baseline answers in {probe['median_ms']:.0f} ms"
                print(f"{name:34s} skipped: oxigraph needs {probe['median_ms']:.0f} ms", flush=True)
                continue
        for cached, conc in itertools.product((False, True), (1, 8)):
            texts = make(n, not cached)
            if cached:  # warm both
                run(sckg, texts[:1], 1)
                run(oxi, texts[:1], 1, union)
            rows.append(row(name, cached, conc, run(sckg, texts, conc), run(oxi, texts, conc, union), "oxigraph"))
    return {"rows": rows, "skipped": skipped, "summary_rps_ratio_geomean": summary(rows)}


def against_rdflib(sckg: str, data: str, work: dict, n_light: int, n_heavy: int, limit: float) -> dict:
    """Uncached, c=1 and c=8; a query rdflib does not answer within ``limit`` s is skipped (server restarted)."""
    port = free_port()
    url, proc, t0 = f"http://127.0.0.1:{port}/sparql", start("--serve-rdflib", data, port), time.time()
    rows, skipped = [], {}
    try:
        wait_up(url, proc, 3600)
        loaded = round(time.time() - t0, 1)
        print(f"rdflib-endpoint up after {loaded} s (parsing the data)", flush=True)
        for name, make in work.items():
            probe = run(url, make(1, True), 1, timeout=limit)
            if probe["errors"]:
                timed_out = "timeout" in probe["failures"]
                skipped[name] = (f"no answer within {limit:g} s" if timed_out else
                                 f"rdflib answers {', '.join(probe['failures'])} (it cannot evaluate this query)")
                rows.append(row(name, False, 1, run(sckg, make(n_heavy, True), 1), probe, "rdflib"))
                print(f"{name:34s} rdflib: {skipped[name]}", flush=True)
                if timed_out:  # it is still evaluating: start afresh
                    stop(proc)
                    proc = start("--serve-rdflib", data, port)
                    wait_up(url, proc, 3600)
                continue
            n = n_light if name == "light" else n_heavy
            for conc in (1, 8):
                if conc == 8 and probe["median_ms"] * n > limit * 1000 * 4:
                    skipped[f"{name} c=8"] = f"rdflib needs {probe['median_ms']:.0f} ms a query (one at a time)"
                    continue
                rows.append(row(name, False, conc, run(sckg, make(n, True), conc),
                                run(url, make(n, True), conc, timeout=limit * conc), "rdflib"))
    finally:
        stop(proc)
    return {"load_s": loaded, "rows": rows, "skipped": skipped, "summary_rps_ratio_geomean": summary(rows)}


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
        evaluate(store.read_view(), job)
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
            evaluate(store.read_view(), Job(heavy, limit=10000))
            hd.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ex.run(Job(heavy, limit=10000))
            hw.append(time.perf_counter() - t0)
        out["heavy_direct_ms"] = [round(x * 1000) for x in hd]
        out["heavy_worker_ms"] = [round(x * 1000) for x in hw]
    ex.close()
    store.close()
    return out


WRK_SCRIPT = ROOT / "bench" / "vary.lua"


def find_wrk() -> str | None:
    """The ``wrk`` executable, installed with apt-get when missing and this process may (None: it cannot)."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        for step in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"],
                     ["apt-get", "install", "-y", "-q", "wrk"]):
            done = subprocess.run(step, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if done.returncode == 0 and shutil.which("wrk"):
                break
    return shutil.which("wrk")


def light_template() -> str:
    return light_query(0).replace("practice-0>", "practice-@N@>")


def load_tool(url: str, text: str, modulo: int, conc: int, seconds: float, work: Path, wrk: str | None) -> dict:
    """Requests/s and latency of ``conc`` clients sending ``text`` for ``seconds``, each request a distinct text
    (a counter in a trailing comment; ``@N@`` cycles through ``modulo`` values): wrk with bench/vary.lua, or the
    Python client of :func:`run` when wrk is missing."""
    if wrk is None:
        n = max(conc, int(seconds * conc * 20))
        texts = [text.replace("@N@", str(i % modulo)) + f"\n# py-{time.time_ns()}-{i}" for i in range(n)]
        out = run(url, texts, conc)
        return {"tool": "python", "rps": out["rps"], "p50_ms": out["median_ms"], "p99_ms": None,
                "errors": out["errors"]}
    qfile = work / f"query-{abs(hash(text))}.rq"
    qfile.write_text(text, encoding="utf-8")
    proc = subprocess.run([wrk, "-t", str(min(2, conc)), "-c", str(conc), "-d", f"{seconds:g}s", "--timeout", "30s",
                           "-s", str(WRK_SCRIPT), url, "--", str(qfile), str(modulo)],
                          capture_output=True, text=True, timeout=seconds + 120, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {proc.stderr.strip() or proc.stdout.strip()}")
    d = json.loads(line[5:])
    errors = d["errors_status"] + d["errors_connect"] + d["errors_timeout"]
    return {"tool": "wrk", "rps": round(d["requests"] / (d["duration_us"] / 1e6), 1),
            "p50_ms": round(d["p50_us"] / 1000, 2), "p99_ms": round(d["p99_us"] / 1000, 2), "errors": errors,
            "requests": d["requests"]}


def side_by_side(servers: dict[str, str], loads: dict[str, tuple[str, int]], conc: int, seconds: float,
                 rounds: int, work: Path, wrk: str | None) -> dict:
    """Every load on every server, ``rounds`` times (the servers' order turning each round); the median
    requests/s per server and the ratios SCKG / each other server."""
    out = {}
    names = list(servers)
    for load, (text, modulo) in loads.items():
        runs: dict[str, list[dict]] = {n: [] for n in names}
        for r in range(rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                runs[name].append(load_tool(servers[name], text, modulo, conc, seconds, work, wrk))
        med = {n: statistics.median(x["rps"] for x in runs[n]) for n in names}
        row = {"concurrency": conc, "median_rps": med, "runs": runs,
               "ratio": {n: round(med["sckg"] / med[n], 3) for n in names if n != "sckg" and med[n]}}
        out[load] = row
        print(f"{load:34s} c={conc} " + " | ".join(f"{n} {med[n]:9.1f}/s" for n in names)
              + "  ratio " + ", ".join(f"{k} {v}" for k, v in row["ratio"].items()), flush=True)
    return out


def light_under_heavy(url: str, heavy: str, clients: int, seconds: float, work: Path, wrk: str | None,
                      settle: float = 25.0) -> dict:
    """Light lookups at concurrency 1 (their median and p99) alone, then while ``clients`` heavy clients, each
    from its own loopback address (127.0.0.2 …), send ``heavy`` in a loop (a distinct comment each time)."""
    import http.client
    from urllib.parse import urlencode, urlsplit
    parts = urlsplit(url)
    time.sleep(settle)  # queries the last load run left queued end (or time out) first
    alone = load_tool(url, light_template(), 1000, 1, seconds, work, wrk)
    stop, outcomes, lock = threading.Event(), {}, threading.Lock()

    def client(i: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60,
                                              source_address=(f"127.0.0.{2 + i}", 0))
            try:
                conn.request("POST", parts.path, urlencode({"query": heavy + f"\n# heavy {i} {n}"}),
                             {"Content-Type": "application/x-www-form-urlencoded", **JSON})
                status = str(conn.getresponse().status)
            except OSError as e:
                status = type(e).__name__
            finally:
                conn.close()
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(3)  # every heavy client has a query running or waiting
    busy = load_tool(url, light_template(), 1000, 1, seconds, work, wrk)
    stop.set()
    for t in threads:
        t.join(90)
    print(f"light c=1 alone: p50 {alone['p50_ms']} ms p99 {alone['p99_ms']} ms | with {clients} heavy clients: "
          f"p50 {busy['p50_ms']} ms p99 {busy['p99_ms']} ms, errors {busy['errors']}; heavy answers {outcomes}",
          flush=True)
    return {"alone": alone, "with_heavy": busy, "heavy_clients": clients, "heavy_outcomes": outcomes}


def idle_connections(url: str, held: int = 1000, probes: int = 20) -> dict:
    """``held`` connections opened and left idle (half of them with a request whose headers never end), then
    ``probes`` lookups one after another: their median and worst latency, and how many were answered."""
    import resource
    import socket
    from urllib.parse import urlsplit
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = held + 256
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
    parts, socks, times, answered = urlsplit(url), [], [], 0
    try:
        for i in range(held):
            s = socket.create_connection((parts.hostname, parts.port), timeout=10)
            if i % 2:
                s.sendall(b"GET /sparql HTTP/1.1\r\nHost: localhost\r\n")
            socks.append(s)
        time.sleep(1)
        for i in range(probes):
            t0 = time.perf_counter()
            try:
                r = requests.post(url, data={"query": light_query(i) + f"\n# idle {time.time_ns()}"}, headers=JSON,
                                  timeout=30)
                answered += r.status_code == 200
            except requests.RequestException:
                pass
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        for s in socks:
            s.close()
    out = {"held": len(socks), "probes": probes, "answered": answered,
           "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}
    print(f"{len(socks)} idle connections held: {answered}/{probes} lookups answered, median {out['median_ms']} ms, "
          f"max {out['max_ms']} ms", flush=True)
    return out


def wrk_bench(args, work: Path, results: dict) -> None:
    """The side-by-side throughput runs with wrk (``--wrk``): SCKG and ``oxigraph serve`` at ``--size``, light
    and ``--wrk-heavy`` queries at concurrency 8; SCKG and rdflib-endpoint at ``--rdflib-size``, light queries;
    then light lookups while 8 heavy clients run."""
    from bench.generate import SIZES
    wrk = find_wrk()
    print(f"load tool: {wrk or 'the Python client (wrk could not be installed)'}", flush=True)
    data, quads, store_path = prepare(args.size, work)
    procs: list[subprocess.Popen] = []
    out: dict = {"tool": "wrk" if wrk else "python", "seconds": args.wrk_seconds, "rounds": args.wrk_rounds}
    try:
        pair, sckg, oport = start_pair(store_path, data, None)
        procs += pair
        servers = {"sckg": sckg, "oxigraph": f"http://127.0.0.1:{oport}/query?union-default-graph"}
        heavy = heavy_queries()
        loads = {"light": (light_template(), SIZES[args.size][0])}
        loads.update({name: (heavy[name], 1) for name in args.wrk_heavy.split(",") if name in heavy})
        print(f"--- wrk: SCKG ({os.environ.get('SCKG_SERVER', 'granian')}) vs oxigraph serve (in memory), "
              f"size {args.size} ({quads} quads), uncached, {args.wrk_seconds:g} s x {args.wrk_rounds} rounds",
              flush=True)
        out["oxigraph"] = side_by_side(servers, loads, 8, args.wrk_seconds, args.wrk_rounds, work, wrk)
        stop(procs.pop())  # oxigraph's memory is not needed any more
        slowest = args.lanes_heavy if args.lanes_heavy in heavy else "most-cited-barriers"
        out["lanes"] = light_under_heavy(sckg, heavy[slowest], 8, args.wrk_seconds, work, wrk)
        out["lanes"]["heavy_query"] = slowest
        out["idle"] = idle_connections(sckg, args.idle)
        stop(procs.pop())
        if args.rdflib_size != "none" and importlib.util.find_spec("rdflib_endpoint") is not None:
            rdata, rquads, rstore = prepare(args.rdflib_size, work)
            rport, sport = free_port(), free_port()
            procs += [start("--serve-rdflib", str(rdata), rport), start("--serve-sckg", rstore, sport)]
            wait_up(f"http://127.0.0.1:{rport}/sparql?query=ASK%7B%7D", procs[0], 3600)
            wait_up(f"http://127.0.0.1:{sport}/sparql?query=ASK%7B%7D", procs[1])
            print(f"--- wrk: SCKG vs rdflib-endpoint, size {args.rdflib_size} ({rquads} quads), light, uncached",
                  flush=True)
            out["rdflib"] = side_by_side({"sckg": f"http://127.0.0.1:{sport}/sparql",
                                          "rdflib": f"http://127.0.0.1:{rport}/sparql"},
                                         {"light": (light_template(), SIZES[args.rdflib_size][0])}, 8,
                                         args.wrk_seconds, args.wrk_rounds, work, wrk)
            out["rdflib_size"] = args.rdflib_size
    finally:
        for p in procs:
            stop(p)
    results["wrk"] = out


def main(argv=None) -> int:
    if argv is None and len(sys.argv) == 4 and sys.argv[1] in ("--serve-sckg", "--serve-rdflib"):
        (serve_sckg if sys.argv[1] == "--serve-sckg" else serve_rdflib)(sys.argv[2], int(sys.argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="M", choices=["S", "M"])
    ap.add_argument("--rdflib-size", default="S", choices=["S", "M", "none"],
                    help="data size for the rdflib-endpoint comparison (none: leave it out)")
    ap.add_argument("--rdflib-timeout", type=float, default=30.0, help="seconds rdflib may take per query")
    ap.add_argument("--only", help="comma-separated query names (light = entity lookups); default all")
    ap.add_argument("--no-oxigraph", action="store_true", help="leave out the Oxigraph comparison")
    ap.add_argument("--keep", help="folder for the generated data and stores, reused by later runs")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "endpoint.json"))
    ap.add_argument("--light", type=int, default=400, help="light requests per measurement")
    ap.add_argument("--heavy", type=int, default=16, help="requests per heavy query per measurement")
    ap.add_argument("--wrk", action="store_true",
                    help="only the side-by-side wrk runs (throughput at c=8, lookups under heavy load)")
    ap.add_argument("--wrk-seconds", type=float, default=8.0, help="seconds of each wrk run")
    ap.add_argument("--wrk-rounds", type=int, default=3, help="wrk runs per server and load (the median is kept)")
    ap.add_argument("--idle", type=int, default=1000, help="idle connections held open during the --wrk lookups")
    ap.add_argument("--wrk-heavy", default="events-per-city,cities-by-edition-and-region,learning-meetings,"
                                           "most-cited-barriers",
                    help="heavy queries of queries/ for the wrk runs")
    ap.add_argument("--lanes-heavy", default="most-cited-barriers", help="the heavy query of the lanes run")
    ap.add_argument("--oxigraph-malloc", action="store_true",
                    help="run oxigraph serve with SCKG's allocator preloaded too (default: as shipped)")
    args = ap.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sckg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    results: dict = {"load_average": os.getloadavg()}
    try:
        t0 = time.time()
        data, quads, store_path = prepare(args.size, work)
        print(f"data: {quads} quads ({args.size}) in {time.time() - t0:.1f} s; load average {os.getloadavg()}",
              flush=True)
        results.update(size=args.size, quads=quads)
        if args.wrk:
            wrk_bench(args, work, results)
        elif not args.no_oxigraph:
            overhead = worker_overhead(store_path, heavy=heavy_queries().get("most-cited-barriers"))
            print(f"worker overhead on a light query: {overhead}", flush=True)
            from app.allocator import choose
            sckg_lib = choose(os.environ.get("SCKG_MALLOC", "auto"))
            results["allocators"] = {"sckg": sckg_lib or "libc",
                                     "oxigraph": (sckg_lib if args.oxigraph_malloc else None) or "libc"}
            print(f"allocators: {results['allocators']}", flush=True)
            pair, sckg, oport = start_pair(store_path, data, sckg_lib if args.oxigraph_malloc else None)
            procs += pair
            print(f"--- SCKG vs oxigraph serve (in memory), size {args.size} ({quads} quads)", flush=True)
            results.update(worker_overhead=overhead, **against_oxigraph(
                sckg, f"http://127.0.0.1:{oport}/query", loads(args.size, only), args.light, args.heavy))
            stop(procs.pop())  # oxigraph's memory is not needed any more
        if args.rdflib_size == "none" or args.wrk:
            pass
        elif importlib.util.find_spec("rdflib_endpoint") is None or importlib.util.find_spec("uvicorn") is None:
            print("rdflib-endpoint comparison skipped: pip install rdflib-endpoint uvicorn", flush=True)
            results["rdflib"] = {"skipped": "rdflib-endpoint or uvicorn is not installed"}
        else:
            rsize = args.rdflib_size
            rdata, rquads, rstore = prepare(rsize, work)
            if rsize != args.size or args.no_oxigraph:  # SCKG over the same (smaller) data
                rport = free_port()
                procs.append(start("--serve-sckg", rstore, rport))
                sckg = f"http://127.0.0.1:{rport}/sparql"
                wait_up(sckg + "?query=ASK%7B%7D", procs[-1])
            print(f"--- SCKG vs rdflib-endpoint, size {rsize} ({rquads} quads), uncached", flush=True)
            results["rdflib"] = {"size": rsize, "quads": rquads, **against_rdflib(
                sckg, str(rdata), loads(rsize, only), min(args.light, 100), min(args.heavy, 8), args.rdflib_timeout)}
        results["load_average_after"] = os.getloadavg()
        for title, part in (("oxigraph", results), ("rdflib-endpoint", results.get("rdflib", {}))):
            if part.get("summary_rps_ratio_geomean"):
                print(f"\nSCKG / {title} requests/s, size {part['size']} (geometric mean over queries):")
                for k, v in part["summary_rps_ratio_geomean"].items():
                    print(f"  {k:24s} {v}")
        print(f"load average before/after: {results['load_average']} / {results['load_average_after']}")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=2))
        print(f"written {args.out}")
    finally:
        for p in procs:
            stop(p)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

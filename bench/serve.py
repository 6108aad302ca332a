"""The server at a given size: one-triple writes over HTTP (``/update``), and its memory against
``oxigraph serve`` holding the same quads in memory.

``PYTHONPATH=. python bench/serve.py --size M`` (needs the ``oxigraph`` executable: ``pip install oxigraph``).
It bulk-loads the generated data into a store folder, starts ``sckg serve`` over it on a loopback port, waits
until the in-memory copy and the derived data are in place, then sends ``--writes`` one-triple updates one
after another (each answer is the write's durable acknowledgement) and reads the proportional set size
(Pss, which counts pages shared with the query workers once) of the server and its workers. Then it starts
``oxigraph serve`` without a location (in memory), posts the same N-Quads and reads its Pss.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.generate import SIZES
from bench.writes import bulk_loaded
from tests.sparql_servers import free_port, oxigraph_binary

ROOT = Path(__file__).resolve().parents[1]


def pss_mb(pid: int) -> float:
    """The proportional set size of a process and all its descendants, in MB."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def wait_for(url: str, ok, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            r = requests.get(url, timeout=5)
            if ok(r):
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready in {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M", choices=sorted(SIZES))
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sckg-serve-"))
    procs: list[subprocess.Popen] = []
    try:
        data, quads = bulk_loaded(args.size, work, "store")
        from app import auth
        token = auth.add(str(work / "tokens.json"), "bench", "*")
        port = free_port()
        env = {**os.environ, "SCKG_STORE": str(work / "store"), "SCKG_TOKENS": str(work / "tokens.json"),
               "SCKG_DUMPS_DIR": str(work / "dumps"), "SCKG_INDEX_PATH": str(work / "search.sqlite"),
               "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        sckg = subprocess.Popen([str(Path(sys.executable).parent / "sckg"), "serve", "--port", str(port)], env=env,
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(sckg)
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/status", lambda r: r.ok, 300)
        first = time.monotonic() - started
        wait_for(url + "/status", lambda r: r.json()["store"]["in_memory_copy"] == "exact"
                 and r.json()["derived"]["state"] == "fresh", 1800)
        ready = time.monotonic() - started
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        times = []
        for i in range(args.writes):
            t0 = time.perf_counter()
            text = f'INSERT DATA {{ GRAPH <https://e.org/w> {{ <https://e.org/s/{i}> <https://e.org/p> "{i}" }} }}'
            r = session.post(url + "/update", timeout=60, data={"update": text})
            times.append(time.perf_counter() - t0)
            assert r.status_code == 204, r.text
        wait_for(url + "/status", lambda r: r.json()["derived"]["state"] == "fresh", 1800)
        requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=600)
        sckg_pss = pss_mb(sckg.pid)
        sckg.terminate()
        sckg.wait(30)
        binary = oxigraph_binary()
        oxi_pss = None
        if binary is not None:
            oport = free_port()
            oxi = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{oport}"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            procs.append(oxi)
            wait_for(f"http://127.0.0.1:{oport}/query?query=ASK%7B%7D", lambda r: r.ok, 60)
            with open(data, "rb") as f:
                requests.post(f"http://127.0.0.1:{oport}/store", data=f, timeout=3600,
                              headers={"Content-Type": "application/n-quads"}).raise_for_status()
            requests.get(f"http://127.0.0.1:{oport}/query", params={"query": "SELECT (COUNT(*) AS ?n) "
                                                                             "WHERE { ?s ?p ?o }"}, timeout=600)
            oxi_pss = pss_mb(oxi.pid)
        p50 = statistics.median(times)
        out = {"size": args.size, "quads": quads, "first_answer_s": first, "ready_s": ready,
               "write_p50_ms": p50 * 1000, "writes_per_s": args.writes / sum(times),
               "write_max_ms": max(times) * 1000, "sckg_pss_mb": sckg_pss, "oxigraph_pss_mb": oxi_pss}
        print(json.dumps(out, indent=1))
        print(f"size {args.size}, {quads} quads")
        print(f"sckg serve: first answer {first:.1f} s after start; copy and derived data in place {ready:.1f} s")
        print(f"one-triple /update over HTTP: p50 {p50 * 1000:.1f} ms, max {max(times) * 1000:.0f} ms, "
              f"{args.writes / sum(times):.0f} writes/s sequentially")
        if oxi_pss is not None:
            print(f"memory (Pss): sckg serve {sckg_pss:,.0f} MB, oxigraph serve in memory {oxi_pss:,.0f} MB, "
                  f"{sckg_pss / oxi_pss:.2f}x")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

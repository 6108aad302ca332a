"""``sckg serve`` under load: many idle connections held open do not lock other clients out."""
from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from app.store import OxigraphStore
from ingest.namespaces import GRAPHS

ROOT = Path(__file__).resolve().parents[2]
IDLE = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _store_with_study_graph(path: Path) -> None:
    """A store that already holds a (tiny) study graph, so ``sckg serve`` starts without loading the data."""
    store = OxigraphStore(str(path))
    store.replace_graph(GRAPHS["study"], [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"),
                                                    ox.NamedNode("http://example.org/p"), ox.Literal(str(i)))
                                          for i in range(20)])
    store.close()


def _serve(tmp_path: Path, server: str):
    port = free_port()
    _store_with_study_graph(tmp_path / "store")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCKG_STORE": str(tmp_path / "store"), "SCKG_MALLOC": "none",
           "SCKG_TOKENS": str(tmp_path / "tokens.json"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "index.sqlite"), "SCKG_SERVER": server}
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)  # its own process group: the server's worker goes with it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("SCKG serving"):
            return proc, port
        if not line and proc.poll() is not None:
            break
    _stop(proc)
    raise AssertionError(f"sckg serve ({server}) did not start")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and every process of its group (Granian's worker, the query workers)."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(30)


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_a_request_is_answered_while_a_thousand_idle_connections_are_held(tmp_path, server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < IDLE + 200:
        pytest.skip(f"this system allows {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, IDLE + 200)) if hard != resource.RLIM_INFINITY
                                                else max(soft, IDLE + 200), hard))
    proc, port = _serve(tmp_path, server)
    held: list[socket.socket] = []
    try:
        for i in range(IDLE):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            if i % 2:  # half of them start a request and never finish its headers
                s.sendall(b"GET /sparql HTTP/1.1\r\nHost: localhost\r\n")
            held.append(s)
        time.sleep(0.5)
        for _ in range(3):
            r = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
            assert r.status_code == 200 and r.json()["boolean"] is True
        # the held connections are still open: the server did not make room by dropping them
        held[0].sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        held[0].settimeout(30)
        assert held[0].recv(12).startswith(b"HTTP/1.1 200")
    finally:
        for s in held:
            s.close()
        _stop(proc)
    assert proc.returncode is not None

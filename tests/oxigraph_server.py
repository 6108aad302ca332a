"""A real Oxigraph server process on a free loopback port, for tests and benchmarks.

``with OxigraphServer(tmp_path / "db") as server: RemoteStore(server.query_url, server.update_url, …)``.
The ``oxigraph`` executable comes from the PyPI package ``oxigraph``; it is looked up next to the running
Python interpreter first, then on PATH.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def oxigraph_binary() -> str | None:
    """The path of the ``oxigraph`` server executable, or None when it is not installed."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` (or ``serve-read-only``) over ``location``; ``start()``/``stop()`` or a ``with`` block.

    :raises RuntimeError: the executable is missing or the server does not answer within ``wait_s``.
    """

    def __init__(self, location: str | Path, *, read_only: bool = False, union_default_graph: bool = False,
                 wait_s: float = 30.0):
        self.location = Path(location)
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.wait_s = wait_s
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def config(self, *, graph_store: bool = True) -> dict:
        """SCKG settings that point a RemoteStore at this server."""
        return {"STORE": self.query_url, "SPARQL_UPDATE_URL": self.update_url,
                "SPARQL_STORE_URL": self.store_url if graph_store else None}

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        self.location.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        cmd = [binary, "serve-read-only" if self.read_only else "serve", "--location", str(self.location),
               "--bind", f"127.0.0.1:{self.port}"]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"oxigraph exited with {self.process.returncode}: {err.strip()}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer on {self.base} within {self.wait_s:g} s")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stop()

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

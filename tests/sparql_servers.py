"""Real SPARQL server processes on free loopback ports, for tests and benchmarks.

``with OxigraphServer(tmp_path / "db") as server: RemoteStore(server.query_url, server.update_url, …)``.
The ``oxigraph`` executable comes from the PyPI package ``oxigraph``; it is looked up next to the running
Python interpreter first, then on PATH. :class:`VirtuosoServer` runs Debian's ``virtuoso-t`` the same way.
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


class ServerProcess:
    """A server started as a child process over the folder ``location``, ready once :meth:`ready_url` answers;
    ``start()``/``stop()`` or a ``with`` block.

    :raises RuntimeError: the executable is missing, or the server exits or does not answer within ``wait_s``.
    """

    name = "server"

    def __init__(self, location: str | Path, *, wait_s: float = 30.0):
        self.location = Path(location)
        self.wait_s = wait_s
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The command line, once :attr:`port` is chosen (and whatever else it needs is written)."""
        raise NotImplementedError

    def ready_url(self) -> str:
        raise NotImplementedError

    def ready(self) -> None:
        """What to do once the server answers, before the tests use it."""

    def start(self):
        self.location.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        cmd = self.command()
        self.process = subprocess.Popen(cmd, cwd=self.location, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {err.strip()}")
            try:
                with urllib.request.urlopen(self.ready_url(), timeout=1):
                    self.ready()
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.base} within {self.wait_s:g} s")

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

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class OxigraphServer(ServerProcess):
    """``oxigraph serve`` (or ``serve-read-only``) over ``location``."""

    name = "oxigraph"

    def __init__(self, location: str | Path, *, read_only: bool = False, union_default_graph: bool = False,
                 wait_s: float = 30.0):
        super().__init__(location, wait_s=wait_s)
        self.read_only = read_only
        self.union_default_graph = union_default_graph

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

    def command(self) -> list[str]:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        cmd = [binary, "serve-read-only" if self.read_only else "serve", "--location", str(self.location),
               "--bind", f"127.0.0.1:{self.port}"]
        return cmd + (["--union-default-graph"] if self.union_default_graph else [])

    def ready_url(self) -> str:
        return self.query_url + "?query=ASK%7B%7D"


#: the settings of a throw-away Virtuoso database in one folder, listening on loopback only
VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxClientConnections = 10
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer(ServerProcess):
    """Debian's Virtuoso 7 (``virtuoso-t``, package ``virtuoso-opensource-7-bin``) with a new database in
    ``location``; its ``/sparql`` takes queries and updates (the anonymous web user is granted updates, which
    is safe only because it listens on loopback, for this test database)."""

    name = "virtuoso"

    def __init__(self, location: str | Path, *, wait_s: float = 60.0):
        super().__init__(location, wait_s=wait_s)
        self.sql_port = 0

    @staticmethod
    def binaries() -> tuple[str, str] | None:
        """The server and its SQL client, or None when Virtuoso is not installed."""
        server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        return (server, client) if server and client else None

    @property
    def sparql_url(self) -> str:
        return self.base + "/sparql"

    def config(self) -> dict:
        """SCKG settings that point a RemoteStore at this server (SPARQL Update uploads; a query without a
        dataset already reads every graph)."""
        return {"STORE": self.sparql_url, "SPARQL_UPDATE_URL": self.sparql_url, "SPARQL_STORE_URL": None,
                "SPARQL_UNION_PARAM": ""}

    def command(self) -> list[str]:
        found = self.binaries()
        if found is None:
            raise RuntimeError("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
        self.sql_port = free_port()
        ini = self.location / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(sql_port=self.sql_port, port=self.port), encoding="utf-8")
        return [found[0], "-f", "-c", str(ini)]

    def ready_url(self) -> str:
        return self.sparql_url + "?query=ASK%7B%7D"

    def ready(self) -> None:
        sql = 'GRANT SPARQL_UPDATE TO "SPARQL";'
        subprocess.run([self.binaries()[1], f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

"""Shared fixtures: one loaded store for the whole session, empty stores for tests that write,
the Flask app and its clients, and a real HTTP server (waitress) over the session store."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from app import create_app
from app.loading import load_all
from app.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


def base_config(tmp: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "STORE": str(tmp / "store"),
        "TOKENS": str(tmp / "tokens.json"),
        "DUMPS_DIR": str(tmp / "dumps"),
        "INDEX_PATH": str(tmp / "search.sqlite"),
        "DERIVED_DELAY_S": 0.0,
        **extra,
    }


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sckg")


@pytest.fixture(scope="session")
def config(session_dir) -> dict:
    return base_config(session_dir)


@pytest.fixture(scope="session")
def store(config):
    """The study data, ontology and vocabularies loaded once into an on-disk store; read-only for tests."""
    s = OxigraphStore(config["STORE"])
    load_all(s, config, progress=False)
    yield s
    s.close()


@pytest.fixture
def empty_store(tmp_path):
    """A fresh on-disk store for a test that writes."""
    s = OxigraphStore(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture(scope="session")
def app(config, store):
    return create_app(config, store=store)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A real waitress server on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        from waitress.server import create_server
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=8)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test server did not start")

    def settle(self, timeout: float = 60) -> None:
        """Wait until the derived data has caught up with every write so far."""
        assert self.app.extensions["sckg.refresher"].wait(timeout), "derived data did not catch up"

    def stop(self):
        """Close every socket from the server's own loop thread, so its ``select`` never sees a closed descriptor."""
        from waitress import wasyncore
        time.sleep(0.1)  # let responses still being written finish before the sockets close
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map, ignore_all=True))
        self.thread.join(timeout=5)
        if self.thread.is_alive():
            raise RuntimeError("the test server's loop did not stop")
        self.server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def make_server(tmp_path):
    """Start a real server over a fresh app; ``make_server(config_overrides, store=None)``."""
    servers = []

    def _make(overrides: dict | None = None, store=None):
        app = create_app(base_config(tmp_path, **(overrides or {})), store=store)
        server = LiveServer(app)
        server.owns_store = store is None  # a store handed in belongs to the caller, who closes it
        servers.append(server)
        return server

    yield _make
    for s in servers:
        s.app.extensions["sckg.refresher"].wait(60)
        s.stop()
        executor = s.app.extensions.get("sckg.executor")
        if executor is not None:
            executor.close()
        if s.owns_store:
            s.app.extensions["sckg.store"].close()

"""Fixtures for the W3C protocol suites: one live server per module over a fresh store, emptied before each test."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from app import auth, create_app
from tests.conftest import LiveServer, base_config

W3C = Path(__file__).resolve().parent.parent / "data" / "w3c"


@pytest.fixture(scope="module")
def _w3c_module_server(tmp_path_factory):
    app = create_app(base_config(tmp_path_factory.mktemp("w3c"), QUERY_WORKERS=1))
    server = LiveServer(app)
    server.app = app
    server.token = auth.add(app.config["TOKENS"], "w3c-admin", "*")
    yield server
    time.sleep(0.1)  # let the last response finish before the server closes its sockets
    server.stop()
    app.extensions["sckg.executor"].close()
    app.extensions["sckg.store"].close()


@pytest.fixture
def w3c_server(_w3c_module_server):
    """A real server over an empty on-disk store, and a token allowed to write every graph."""
    _w3c_module_server.app.extensions["sckg.store"].update("DROP SILENT ALL")
    return _w3c_module_server

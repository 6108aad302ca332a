"""Fixtures for the store contract: the embedded store on disk, and RemoteStore over real servers.

The servers are the ``oxigraph`` executable of the PyPI package (``pip install oxigraph``) and Debian's
Virtuoso 7 (``virtuoso-t``, which ``scripts/test`` installs), each started once per session on free 127.0.0.1
ports (tests/sparql_servers.py); the test graphs are emptied before each test that uses one.
"""
from __future__ import annotations

import os

import pytest

from app.store.remote import RemoteStore
from app.store import OxigraphStore
from tests.sparql_servers import OxigraphServer, VirtuosoServer, oxigraph_binary


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """One real ``oxigraph serve`` process for the session."""
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db").start()
    yield server
    server.stop()


def remote_store(server: OxigraphServer, *, graph_store: bool = True, **kwargs) -> RemoteStore:
    return RemoteStore(server.query_url, server.update_url, server.store_url if graph_store else None,
                       progress=False, **kwargs)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """One real Virtuoso process for the session."""
    if VirtuosoServer.binaries() is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin; scripts/test does)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


#: one more SPARQL server to run the contract against (docs/remote-stores.md); opt-in
EXTRA = os.environ.get("SCKG_TEST_SPARQL_URL")
TEST_GRAPHS = ("https://example.org/graph/one", "https://example.org/graph/two")


@pytest.fixture(params=["embedded", "remote-gsp", "remote-update", "remote-virtuoso"]
                + (["remote-extra"] if EXTRA else []))
def any_store(request, tmp_path):
    """A store of each kind: embedded on disk; over Oxigraph server, with Graph Store uploads or with
    INSERT DATA; over Virtuoso (SPARQL Update only: its Graph Store endpoint needs a login); and, when
    ``SCKG_TEST_SPARQL_URL`` (with ``SCKG_TEST_SPARQL_UPDATE_URL``, ``SCKG_TEST_SPARQL_UNION_PARAM``) is set,
    that server. The test graphs are empty at the start."""
    if request.param == "embedded":
        s = OxigraphStore(tmp_path / "db")
    elif request.param in ("remote-virtuoso", "remote-extra"):
        if request.param == "remote-virtuoso":
            url = update_url = request.getfixturevalue("virtuoso_server").sparql_url
            union = ""  # a Virtuoso query without a dataset already reads every graph
        else:
            url, update_url = EXTRA, os.environ.get("SCKG_TEST_SPARQL_UPDATE_URL")
            union = os.environ.get("SCKG_TEST_SPARQL_UNION_PARAM", "")
        s = RemoteStore(url, update_url, None, chunk=7, progress=False, union_param=union)
        for g in TEST_GRAPHS:
            s.drop_graph(g)
    else:
        server = request.getfixturevalue("oxigraph_server")
        s = remote_store(server, graph_store=request.param == "remote-gsp", chunk=7)
        s.update("DROP ALL")
    yield s
    s.close()

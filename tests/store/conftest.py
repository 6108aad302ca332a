"""Fixtures for the store contract: the embedded store on disk, and a RemoteStore over a real Oxigraph server.

The server is the ``oxigraph`` executable of the PyPI package (``pip install oxigraph``), started once per
session on a free 127.0.0.1 port (tests/oxigraph_server.py) and emptied before each test that uses it.
"""
from __future__ import annotations

import os

import pytest

from app.remote import RemoteStore
from app.store import OxigraphStore
from tests.oxigraph_server import OxigraphServer, oxigraph_binary


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


#: an extra SPARQL server to run the contract against, e.g. Virtuoso (docs/remote-stores.md); opt-in
EXTRA = os.environ.get("SCKG_TEST_SPARQL_URL")
TEST_GRAPHS = ("https://example.org/graph/one", "https://example.org/graph/two")


@pytest.fixture(params=["embedded", "remote-gsp", "remote-update"] + (["remote-extra"] if EXTRA else []))
def any_store(request, tmp_path):
    """A store of each kind: embedded on disk, remote with Graph Store uploads, remote with INSERT DATA, and,
    when ``SCKG_TEST_SPARQL_URL`` (with ``SCKG_TEST_SPARQL_UPDATE_URL``, ``SCKG_TEST_SPARQL_UNION_PARAM``) is
    set, that server; the test graphs are empty at the start."""
    if request.param == "embedded":
        s = OxigraphStore(tmp_path / "db")
    elif request.param == "remote-extra":
        s = RemoteStore(EXTRA, os.environ.get("SCKG_TEST_SPARQL_UPDATE_URL"), None, chunk=7, progress=False,
                        union_param=os.environ.get("SCKG_TEST_SPARQL_UNION_PARAM", ""))
        for g in TEST_GRAPHS:
            s.drop_graph(g)
    else:
        server = request.getfixturevalue("oxigraph_server")
        s = remote_store(server, graph_store=request.param == "remote-gsp", chunk=7)
        s.update("DROP ALL")
    yield s
    s.close()

"""RemoteStore when the wire misbehaves: a server that dies, answers 503, is slow, or wants credentials.

The misbehaving servers are real: an Oxigraph server process that is killed, and a small HTTP gateway in
front of a live Oxigraph server that answers 503 (or 401, or late) before it forwards requests.
"""
from __future__ import annotations

import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from rdflib import Literal, URIRef

from app.store.remote import RemoteStore
from ingest.errors import StoreError, StoreUnavailable
from tests.sparql_servers import OxigraphServer, oxigraph_binary

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")
G = "https://example.org/graph/g"
TRIPLE = (b'<https://example.org/s> <https://example.org/p> "o" .', "ntriples")


def test_a_killed_server_gives_store_unavailable_with_one_clear_line(tmp_path):
    server = OxigraphServer(tmp_path / "db").start()
    store = RemoteStore(server.query_url, server.update_url, server.store_url, retries=1, backoff=0.01,
                        progress=False)
    assert store.replace_graph(G, TRIPLE) == 1
    url = server.query_url
    server.kill()
    for attempt in (lambda: store.query("ASK { ?s ?p ?o }"), lambda: store.update("DROP ALL"),
                    lambda: store.replace_graph(G, TRIPLE), store.graphs):
        with pytest.raises(StoreUnavailable) as info:
            attempt()
        message = str(info.value)
        assert "\n" not in message and "unreachable" in message and "127.0.0.1" in message
        assert info.value.status == 503
    assert url in str(pytest.raises(StoreUnavailable, store.count).value)
    assert store.ping() is False
    server.start()  # same folder, new port: the data outlived the crash
    again = RemoteStore(server.query_url, server.update_url, progress=False)
    assert again.ping() is True and again.count(G) == 1 and again.graphs() == [G]
    server.stop()


class Gateway:
    """A real HTTP server that forwards to ``target`` once ``failures`` requests got ``status``."""

    def __init__(self, target: str, *, status: int = 503, failures: int = 0, delay: float = 0.0,
                 user: str | None = None, password: str | None = None):
        self.target, self.status, self.failures, self.delay = target, status, failures, delay
        self.auth = None if user is None else "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.seen = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                gateway.seen += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if gateway.seen <= gateway.failures:
                    return self._reply(gateway.status, b"busy", "text/plain")
                if gateway.auth is not None and self.headers.get("Authorization") != gateway.auth:
                    return self._reply(401, b"who are you?", "text/plain")
                time.sleep(gateway.delay)
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                r = requests.request(self.command, gateway.target + self.path, data=body, headers=headers,
                                     timeout=30)
                self._reply(r.status_code, r.content, r.headers.get("Content-Type", "text/plain"))

            def _reply(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _remote(gw: Gateway, **kwargs) -> RemoteStore:
    return RemoteStore(gw.url + "/query", gw.url + "/update", gw.url + "/store", backoff=0.01, progress=False,
                       **kwargs)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_answers_are_retried_with_backoff(oxigraph_server, status):
    with Gateway(oxigraph_server.base, status=status, failures=2) as gw:
        store = _remote(gw, retries=3)
        assert store.query("ASK { }") is True
        assert gw.seen == 3
    with Gateway(oxigraph_server.base, status=status, failures=10) as gw:
        with pytest.raises(StoreUnavailable, match=f"HTTP {status}.*after 2 attempts"):
            _remote(gw, retries=1).update("DROP SILENT GRAPH <https://example.org/nothing>")


def test_a_server_error_is_not_retried(oxigraph_server):
    with Gateway(oxigraph_server.base, status=500, failures=10) as gw:
        with pytest.raises(StoreError) as info:
            _remote(gw, retries=3).update("DROP SILENT GRAPH <https://example.org/nothing>")
        assert not isinstance(info.value, StoreUnavailable) and "500" in str(info.value) and gw.seen == 1


def test_a_slow_answer_is_cut_by_the_read_timeout(oxigraph_server):
    with Gateway(oxigraph_server.base, delay=1.5) as gw:
        with pytest.raises(StoreUnavailable, match="did not answer within 0.3 s"):
            _remote(gw, timeout=0.3, retries=0).query("ASK { }")


def test_credentials_are_sent_and_a_refusal_says_which_settings(oxigraph_server):
    oxigraph_server_store = RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url, progress=False)
    oxigraph_server_store.update("DROP ALL")
    with Gateway(oxigraph_server.base, user="sckg", password="s3cret") as gw:
        good = _remote(gw, user="sckg", password="s3cret")
        assert good.replace_graph(G, TRIPLE) == 1
        rows = good.query("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal("o")})
        assert rows == [{"s": URIRef("https://example.org/s")}]
        with pytest.raises(StoreError, match="SCKG_SPARQL_USER"):
            _remote(gw).query("ASK { }")
        with pytest.raises(StoreError, match="SCKG_SPARQL_PASSWORD"):
            _remote(gw, user="sckg", password="wrong").drop_graph(G)
    assert oxigraph_server_store.count(G) == 1

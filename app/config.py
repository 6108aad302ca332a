"""SCKG's settings: declared once, as data.

Each setting has a default and a help text. Values flow one way: these defaults, then ``SCKG_*``
environment variables (``SCKG_STORE=./var/store``), then the mapping handed to ``create_app``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = [
    Setting("STORE", "./var/store",
            "where the data lives: a folder for the embedded pyoxigraph store, 'memory' for a throw-away "
            "in-memory store, or the http(s) query URL of a SPARQL 1.1 server"),
    Setting("SPARQL_UPDATE_URL", None, "remote store: the SPARQL Update URL (default: the query URL)"),
    Setting("SPARQL_STORE_URL", None, "remote store: the Graph Store Protocol URL (default: none, Update is used)"),
    Setting("SPARQL_USER", None, "remote store: HTTP basic user"),
    Setting("SPARQL_PASSWORD", None, "remote store: HTTP basic password"),
    Setting("BASE_IRI", "https://w3id.org/sckg/id/", "base of instance IRIs"),
    Setting("TOKENS", "./var/tokens.json", "file of hashed write tokens (sckg token add …)"),
    Setting("READ_ONLY", False, "refuse every write over HTTP with 403"),
    Setting("TOKEN", None, "an administrator token: sckg ingest sends it to a running server (POST /admin/ingest), "
            "and a server accepts it there besides the tokens of TOKENS whose scope is '*'"),
    Setting("SERVER_URL", None, "where sckg ingest finds the running server that holds the store (default: "
            "http://HOST:PORT)"),
    Setting("QUERY_TIMEOUT_S", 20.0, "seconds a SPARQL query may run before it is stopped (503)"),
    Setting("RESULT_LIMIT", 10000, "most rows a SPARQL SELECT answers; the cap is announced in a header"),
    Setting("MAX_QUERY_BYTES", 1_000_000, "largest query or update body (413 beyond)"),
    Setting("MAX_UPLOAD_BYTES", 16_000_000, "largest RDF upload (413 beyond)"),
    Setting("MAX_UPLOAD_TRIPLES", 1_000_000, "most triples a partner upload over HTTP may become (413 while it is "
            "mapped, before memory runs away; 0: no limit); sckg partner ingest has none"),
    Setting("UPLOAD_DEADLINE_S", 90.0, "seconds after which a partner upload still being checked is not written "
            "(503): its client has usually given up by then; 0: no deadline"),
    Setting("ALLOWED_SERVICE_HOSTS", "", "comma-separated hosts SERVICE/LOAD may reach (none by default)"),
    Setting("QUERY_WORKERS", 2, "processes that evaluate SPARQL queries (killed and replaced on timeout): the heavy "
            "lane"),
    Setting("QUERY_LIGHT_WORKERS", 1, "more query processes kept for queries not known to be slow (the light lane), "
            "so a lookup never waits behind long queries; 0: one lane for all"),
    Setting("QUERY_HEAVY_NICE", 0, "nice steps the heavy lane's workers run below the light lane's (0: the same "
            "priority; more favours lookups on a server whose cores long queries keep busy)"),
    Setting("QUERY_LIGHT_MS", 100.0, "milliseconds a query may run on the light lane; past that its text (without "
            "comments, spacing or numbers) counts as heavy and a fresh light worker serves the next lookup"),
    Setting("DEFAULT_LANGUAGE", "en", "language of pages when the browser states none (en, fr or es)"),
    Setting("PAGE_SIZE", 20, "rows per page in list pages"),
    Setting("HOST", "127.0.0.1", "address sckg serve binds"),
    Setting("PORT", 8080, "port sckg serve listens on"),
    Setting("THREADS", 32, "request threads of sckg serve: more than the queries expected at once, so a lookup "
            "finds a thread while long queries hold others"),
    Setting("SERVER", "granian", "HTTP server of sckg serve: granian (native connection handling) or waitress"),
    Setting("BACKLOG", 2048, "connections the listening socket queues before sckg serve accepts them"),
    Setting("CHANNEL_TIMEOUT_S", 60, "seconds an idle connection (or one whose request headers have not all "
            "arrived) is kept open by sckg serve"),
    Setting("CONNECTION_LIMIT", 2000, "connections waitress holds at once (SERVER=waitress; granian has no such "
            "limit)"),
    Setting("DERIVED_DELAY_S", 1.0, "seconds without a write before derived data is refreshed (at most ten "
            "times that after the first write of a burst)"),
    Setting("DUMPS_DIR", "./var/dumps", "where /dumps/ files are written"),
    Setting("INDEX_PATH", "./var/search.sqlite", "the full-text index (SQLite FTS5) next to the embedded store"),
    Setting("SPARQL_TIMEOUT_S", 120.0, "remote store: seconds to wait for an answer from the SPARQL server"),
    Setting("SPARQL_WRITE_TIMEOUT_S", 3600.0,
            "remote store: seconds to wait for the server to finish an update or upload (moving a large graph "
            "takes minutes)"),
    Setting("SPARQL_CONNECT_TIMEOUT_S", 5.0, "remote store: seconds to wait for a connection to the SPARQL server"),
    Setting("SPARQL_RETRIES", 3, "remote store: retries, with exponential backoff, on refused connections and 502/503/504"),
    Setting("SPARQL_UNION_PARAM", "union-default-graph",
            "remote store: query parameter asking the server for the union of all graphs as the default graph "
            "(Oxigraph); empty for servers whose default graph is already the union (Virtuoso, GraphDB, Fuseki "
            "with unionDefaultGraph)"),
    Setting("QUERY_MEMORY_MB", 2048, "memory a query worker may add to the shared data before its query is refused"),
    Setting("MAX_QUERIES_PER_CLIENT", 4, "queries one client address may run at once (429 beyond)"),
    Setting("MALLOC", "auto", "memory allocator the sckg command runs with: auto (mimalloc, else jemalloc, when the "
            "system has one), none (the C library's), or a library path; read from the environment only"),
    Setting("CACHE_MB", 64, "memory, in MB, the page cache and the SPARQL answer cache may each hold (least recently "
            "used go first)"),
    Setting("PAGE_TRIPLE_LIMIT", 1000, "most statements a resource page lists (each way); the page says when there "
            "are more and links to the query that shows them"),
    Setting("PARTNERS_DIR", "", "folder of partner mapping files (default: the shipped data/partners/)"),
]

_SECRET_WORDS = ("TOKEN", "PASSWORD", "SECRET", "KEY")


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def from_environ(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given as ``SCKG_NAME`` environment variables, coerced to the default's type."""
    environ = os.environ if environ is None else environ
    out = {}
    for s in SETTINGS:
        key = "SCKG_" + s.name
        if key in environ:
            out[s.name] = _coerce(environ[key], s.default)
    return out


def redacted(config: dict[str, Any]) -> dict[str, Any]:
    """The settings with anything named like a secret hidden, for display and logs."""
    out = {}
    for s in SETTINGS:
        v = config.get(s.name, s.default)
        if any(w in s.name for w in _SECRET_WORDS) and s.name != "TOKENS" and v:
            v = "***"
        out[s.name] = v
    return out

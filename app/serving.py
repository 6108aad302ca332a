"""``sckg serve``: the Flask app under an HTTP server that holds many idle connections at little cost.

``SERVER=granian`` (the default): Granian, a Rust HTTP server, runs the WSGI app in one worker process with
``THREADS`` request threads. Connections are held by its native event loop, so idle or slow clients cost no
Python thread and no connection slot; only requests whose headers have arrived reach the app. One worker,
because the embedded store is opened by one process (the query workers are forked from it). On a stop signal
the worker has 10 s to end (threads still deriving data are then cut off: derived data is recomputed at start).

``SERVER=waitress``: waitress, tuned for the same load: ``poll`` instead of ``select`` (no 1 024 descriptor
ceiling), ``CONNECTION_LIMIT`` connections, idle ones closed after ``CHANNEL_TIMEOUT_S``, a larger listen
backlog. Its loop is Python, so each held connection costs a little on every turn of the loop.

The app, and every safety rule, is the same under both.
"""
from __future__ import annotations

import os
import sys
import threading
import time

#: the environment variable that tells the worker process what to print once it listens
_BANNER = "SCKG_SERVE_BANNER"
#: set when the server starts listening only after the app is made (Granian on Linux)
_LISTENS_LATER = "SCKG_SERVE_LISTENS_LATER"


def _more_descriptors(wanted: int = 65536) -> None:
    """Raise the soft limit of open files towards the hard one: every held connection is a descriptor."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


def _ready(app) -> None:
    """Load an empty store, fork and prime the query workers, then say where the app listens."""
    import click

    from app.allocator import active
    from app.loading import start
    report = start(app)
    if report:
        click.echo(report)
    executor = app.extensions.get("sckg.executor")
    if executor is not None:
        executor.warm()  # fork the query workers and touch the store's pages before the first client
    where = os.environ.get(_BANNER, "")

    def banner() -> None:
        click.echo(f"SCKG serving on {where}/  (SPARQL endpoint: {where}/sparql; allocator: {active()})")
        sys.stdout.flush()

    if os.environ.get(_LISTENS_LATER):  # Granian opens its socket once this factory has returned
        threading.Thread(target=_when_listening, args=(where, banner), daemon=True).start()
    else:
        banner()


def _when_listening(where: str, then, seconds: float = 120.0) -> None:
    """Call ``then`` once ``where`` (``http://host:port``) accepts connections (at most ``seconds`` later)."""
    import socket
    from urllib.parse import urlsplit
    parts = urlsplit(where)
    host = parts.hostname if parts.hostname not in ("0.0.0.0", "::", "") else "127.0.0.1"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, parts.port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.02)
    then()


def _load(target: str):
    import importlib
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def application():
    """The app, ready to answer (Granian's factory: called in its worker process)."""
    from app import create_app
    app = create_app()
    _ready(app)
    return app


def serve(config: dict, host: str, port: int, threads: int, server: str, target: str | None = None) -> None:
    """Listen on ``host:port`` with ``server`` (granian or waitress) until stopped; ``target``: another app
    factory (``module:function``, called in the serving process; the benchmarks' app).

    :raises OSError: the address cannot be bound (waitress; Granian reports it and exits).
    """
    os.environ[_BANNER] = f"http://{host}:{port}"
    _more_descriptors()
    body_limit = max(int(config["MAX_UPLOAD_BYTES"]), int(config["MAX_QUERY_BYTES"])) * 3
    if server == "waitress":
        from waitress.server import create_server

        from app import create_app
        app = create_app() if target is None else _load(target)()
        srv = create_server(app, host=host, port=port, threads=threads, ident="sckg",
                            max_request_body_size=body_limit, connection_limit=int(config["CONNECTION_LIMIT"]),
                            channel_timeout=int(config["CHANNEL_TIMEOUT_S"]), backlog=int(config["BACKLOG"]),
                            asyncore_use_poll=True, channel_request_lookahead=5)
        if target is None:
            _ready(app)
        srv.run()
        return
    if server != "granian":
        raise ValueError(f"SERVER is granian or waitress, not {server!r}")
    os.environ[_LISTENS_LATER] = "1"
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    Granian(target or "app.serving:application", factory=True, address=host, port=port, interface=Interfaces.WSGI,
            workers=1, blocking_threads=threads, backlog=int(config["BACKLOG"]), websockets=False,
            http1_settings=HTTP1Settings(header_read_timeout=int(config["CHANNEL_TIMEOUT_S"]) * 1000),
            log_level=LogLevels.warning, log_access=False, workers_kill_timeout=10).serve()

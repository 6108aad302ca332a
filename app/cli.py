"""The ``sckg`` command: one click group. Commands are thin: they parse arguments and call functions."""
from __future__ import annotations

import functools
import sys

import click
from flask.cli import FlaskGroup

from app import config as settings
from ingest.errors import KGError


def _make_app(*args, **kwargs):
    from app import create_app
    return create_app()


class SCKGGroup(FlaskGroup):
    """Prints a KGError as one line with a meaningful exit code instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KGError as e:
            click.echo(f"sckg: {e.title.lower()}: {e.message}", err=True)
            sys.exit(2)


@click.group(cls=SCKGGroup, create_app=_make_app, add_default_commands=False, add_version_option=False,
             load_dotenv=False)
def cli():
    """SCKG, the Smart Cities Knowledge Graph of the UCLG Digital Cities Community of Practice."""


def main() -> None:
    """The console command ``sckg``: started again once with a faster allocator when the system has one
    (:mod:`app.allocator`), then run."""
    from app.allocator import restart_with_allocator
    restart_with_allocator(["-c", "from app.cli import main; main()", *sys.argv[1:]])
    cli(prog_name="sckg")


def with_store(f):
    """Open the configured store for the command and close it afterwards."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from app.store import open_store
        config = settings.defaults() | settings.from_environ()
        store = open_store(config)
        try:
            return f(store, config, *args, **kwargs)
        finally:
            store.close()
    return wrapper


@cli.command("serve", with_appcontext=False)
@click.option("--host", default=None, help="address to bind (default 127.0.0.1, or SCKG_HOST)")
@click.option("--port", default=None, type=int, help="port (default 8080, or SCKG_PORT)")
@click.option("--threads", default=None, type=int, help="request threads (default 32, or SCKG_THREADS)")
@click.option("--server", default=None, type=click.Choice(["granian", "waitress"]),
              help="HTTP server under the app (default granian, or SCKG_SERVER)")
def serve(host, port, threads, server):
    """Serve SCKG over HTTP (app/serving.py); an empty store is loaded with the default data first."""
    from app.serving import serve as run
    config = settings.defaults() | settings.from_environ()
    host, port = host or config["HOST"], port or config["PORT"]
    try:
        run(config, host, port, threads or config["THREADS"], server or config["SERVER"])
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from e


@cli.command("load", with_appcontext=False)
@click.option("--report-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="also write the full report (every warning) to DIR/report.html and DIR/report.csv")
@click.option("--verbose", is_flag=True, help="print the full report (every warning) before the summary")
@click.option("--progress/--no-progress", default=True, help="show progress bars on stderr")
@with_store
def load(store, config, report_dir, verbose, progress):
    """Load the ontology, vocabularies and the Smart Cities Study data (idempotent), then derived data.

    Ends with one line per file (rows, problems, warnings) and one per derived step."""
    from app.loading import load_all
    click.echo(load_all(store, config, progress=progress, report_dir=report_dir, verbose=verbose))


#: modules that add commands: each exposes ``commands``, a list of click commands
COMMAND_MODULES = ("app.cli_ingest", "app.cli_query", "app.tokens", "app.reasoning", "app.reports_cli",
                   "app.partners_cli")


def _add_commands() -> None:
    import importlib
    for name in COMMAND_MODULES:
        for command in getattr(importlib.import_module(name), "commands", []):
            cli.add_command(command)


_add_commands()

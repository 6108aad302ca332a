"""``sckg ingest PATH…`` and ``sckg validate PATH…``: thin commands over :mod:`ingest.pipeline`.

Exit codes: 0 done / conformant, 1 the data does not conform (every problem printed, one per line,
as ``file:row:column: message [rule]``), 2 an error such as an unreadable file.
"""
from __future__ import annotations

import sys

import click

from ingest.errors import ValidationFailed


def _config() -> dict:
    from app import config as settings
    return settings.defaults() | settings.from_environ()


def _print_problems(problems) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="named graph for RDF files (.ttl .nt .nq .trig .jsonld .rdf); study CSV files go to the study graph")
@click.option("--progress/--no-progress", default=True, help="show progress bars on stderr")
@click.option("--partner", metavar="NAME",
              help="load a partner dataset instead: PATHS are MAPPING (a mapping file, or the name of one of "
                   "partner NAME's mappings) and optionally SOURCE (the file to read instead of the mapping's url)")
def ingest(paths, graph_iri, progress, partner):
    """Load a study folder, study CSV files or RDF files; the graph is replaced only if all of it is valid.

    With --partner NAME, sckg ingest --partner NAME MAPPING [SOURCE] loads a partner dataset into its
    partner graph, as sckg partner ingest does."""
    from app.derived import steps as derive
    from app.store import open_store
    from ingest.pipeline import ingest_paths
    if partner is not None and (len(paths) > 2 or graph_iri):
        raise click.UsageError("with --partner give MAPPING and at most one SOURCE file, and no --graph")
    config = _config()
    store = open_store(config)
    try:
        if partner is not None:
            from app.partners_cli import ingest_partner
            click.echo(str(ingest_partner(store, config, paths[0], paths[1] if len(paths) > 1 else None, None,
                                          progress, partner=partner)))
            return
        try:
            report = ingest_paths(paths, store, graph=graph_iri, base=config.get("BASE_IRI"), progress=progress)
        except ValidationFailed as e:
            _print_problems(e.report.violations)
            click.echo(f"sckg: {len(e.report.violations)} problem(s); nothing was written", err=True)
            sys.exit(1)
        click.echo(str(report))
        for name, info in derive.refresh(store, config).items():
            click.echo(f"derived {name}: {info}")
    finally:
        store.close()


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--progress/--no-progress", default=False, help="show progress bars on stderr")
def validate(paths, progress):
    """Check a study folder, study CSV files or RDF files against the layout and the shapes; writes nothing."""
    from ingest.pipeline import validate_paths
    report = validate_paths(paths, base=_config().get("BASE_IRI"), progress=progress)
    _print_problems(report.violations)
    _print_problems(report.warnings)
    for u in report.unlinked:
        click.echo(f"not linked: {u}", err=True)
    for u in report.unplaced:
        click.echo(f"not placed: {u}", err=True)
    if report.conforms:
        click.echo(f"{report.source}: conforms ({report.triples} triples"
                   + (f", {len(report.warnings)} warning(s))" if report.warnings else ")"))
        return
    click.echo(f"{report.source}: {len(report.violations)} problem(s)", err=True)
    sys.exit(1)


commands = [ingest, validate]

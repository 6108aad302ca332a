"""``sckg ingest PATH…`` and ``sckg validate PATH…``: thin commands over :mod:`ingest.pipeline`.

Exit codes: 0 done / conformant, 1 the data does not conform (every problem printed, one per line,
as ``file:row:column: message [rule]``), 2 an error such as an unreadable file.
"""
from __future__ import annotations

import sys

import click

from ingest.errors import StoreError, ValidationFailed


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
@click.option("--report-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="also write the full report (every problem and warning) to DIR/report.html and DIR/report.csv")
@click.option("--verbose", is_flag=True, help="print every warning, not only the summary")
@click.option("--partner", metavar="NAME",
              help="load a partner dataset instead: PATHS are MAPPING (a mapping file, or the name of one of "
                   "partner NAME's mappings) and optionally SOURCE (the file to read instead of the mapping's url)")
def ingest(paths, graph_iri, progress, report_dir, verbose, partner):
    """Load a study folder, study CSV files or RDF files; the graph is replaced only if all of it is valid.

    With --partner NAME, sckg ingest --partner NAME MAPPING [SOURCE] loads a partner dataset into its
    partner graph, as sckg partner ingest does."""
    from app import run_report
    from app.store import open_store
    from ingest.pipeline import ingest_paths
    if partner is not None and (len(paths) > 2 or graph_iri):
        raise click.UsageError("with --partner give MAPPING and at most one SOURCE file, and no --graph")
    config = _config()
    try:
        store = open_store(config)
    except StoreError as e:
        if "another process" not in e.message or partner is not None or graph_iri:
            raise
        through_server(paths, config, report_dir, verbose)
        return
    try:
        if partner is not None:
            from app.partners_cli import ingest_partner
            click.echo(str(ingest_partner(store, config, paths[0], paths[1] if len(paths) > 1 else None, None,
                                          progress, partner=partner)))
            return
        try:
            report = ingest_paths(paths, store, graph=graph_iri, base=config.get("BASE_IRI"), progress=progress)
        except ValidationFailed as e:
            failed(e.report, report_dir)
        derived = run_report.refresh(store, config, progress=progress)
        loaded(report, derived, report_dir, verbose)
    finally:
        store.close()


def through_server(paths, config, report_dir, verbose) -> None:
    """The store is held by a running ``sckg serve``: send the study to it (``POST /admin/ingest``) and print
    its answer as a run of this command (exit 1 when the data has problems, 2 when it cannot be sent)."""
    from app import run_report
    from app.admin_http import send, server_url
    click.echo(f"the store is held by the server at {server_url(config)}; sending the study to it", err=True)
    status, doc = send(paths, config)
    if status == 422:
        failed(run_report.from_json(doc)[0], report_dir)
    if status != 200:
        click.echo(f"sckg: the server refused the ingest ({status}): {doc.get('error', doc)}", err=True)
        sys.exit(2)
    report, derived = run_report.from_json(doc)
    loaded(report, derived, report_dir, verbose)
    click.echo("derived data: refreshing on the server (see /status)")


def failed(report, report_dir) -> None:
    """Print the problems of a refused ingest (and write the report), then exit with 1."""
    from app import run_report
    _print_problems(report.violations)
    for line in run_report.file_lines(report):
        click.echo(line, err=True)
    if report_dir:
        folder = run_report.write_report_dir(report_dir, report)
        click.echo(f"full report: {folder / 'report.html'} and {folder / 'report.csv'}", err=True)
    click.echo(f"sckg: {len(report.violations)} problem(s); nothing was written", err=True)
    sys.exit(1)


def loaded(report, derived, report_dir, verbose) -> None:
    """Print the summary of a done ingest (with ``verbose`` every warning first; with ``report_dir`` the full
    report written there)."""
    from app import run_report
    if verbose:
        _print_problems(report.warnings)
        for u in report.unlinked:
            click.echo(f"not linked: {u}", err=True)
    folder = run_report.write_report_dir(report_dir, report, derived) if report_dir else None
    click.echo(run_report.summary(report, derived, report_dir=folder))


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


@click.command("template")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", show_default=True,
              help="the kind of template")
@click.option("--from", "rows_from", type=click.Path(exists=True, file_okay=False), default=None, metavar="DIR",
              help="fill the sheets with the rows of this study folder (e.g. data/study), to edit them")
def template(out, fmt, rows_from):
    """Write the study workbook OUT: an instructions sheet and one sheet per study file, with drop-down lists
    and an example row; sckg validate and sckg ingest take it like a study folder."""
    from pathlib import Path

    from ingest.workbook import write_template
    path = write_template(out, rows_from=Path(rows_from) if rows_from else None)
    click.echo(f"wrote {path}: fill rows from row 3 on, then sckg validate {path}")


commands = [ingest, validate, template]

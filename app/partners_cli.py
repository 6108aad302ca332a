"""``sckg partner ingest|list|report``: partner datasets from the command line."""
from __future__ import annotations

import click

from app.cli import with_store


@click.group("partner")
def partner():
    """Load partner datasets (workbooks, CSV, JSON) described by mapping files, and show their match reports."""


def mapping_path(config, mapping: str, partner: str | None = None) -> str:
    """A mapping file: ``mapping`` itself when it is a file, else the mapping named ``mapping`` of ``partner``
    (``partner/name`` also works) in PARTNERS_DIR (default data/partners/).

    :raises MappingError: no such mapping, or a mapping of another partner than ``partner``.
    """
    from pathlib import Path

    from ingest.errors import MappingError
    from ingest.partners.mapping import find_mapping, load_mapping
    from ingest.resources import resource_dir
    if Path(mapping).is_file():
        path = Path(mapping)
    else:
        owner, sep, name = mapping.partition("/")
        if not sep:
            owner, name = partner or "", mapping
        root = Path(config.get("PARTNERS_DIR") or resource_dir("data") / "partners")
        path = find_mapping(root, owner, name)
    found = load_mapping(path)
    if partner and found.partner != partner:
        raise MappingError(f"{path} is a mapping of partner {found.partner!r}, not {partner!r}")
    return str(path)


def ingest_partner(store, config, mapping: str, source: str | None, report_dir: str | None, progress: bool = True,
                   partner: str | None = None):
    """Run the partner pipeline for a mapping file or name, then refresh derived data; returns the report.

    :raises MappingError, InputError, UndeclaredFormat, StoreError: see ``run_partner``.
    """
    from app.derived import steps as derive
    from ingest.partners.pipeline import run_partner
    mapping = mapping_path(config, mapping, partner)
    report = run_partner(mapping, store, source=source, progress=progress, base=config.get("BASE_IRI"),
                         report_dir=report_dir)
    derive.refresh(store, config)
    return report


@partner.command("ingest")
@click.argument("mapping")
@click.option("--source", type=click.Path(dir_okay=False), help="the file to read (default: the mapping's url)")
@click.option("--report-dir", type=click.Path(file_okay=False),
              help="also write match-report.json and .csv under DIR/{partner}/{dataset}/")
@with_store
def ingest_cmd(store, config, mapping, source, report_dir):
    """Load the dataset MAPPING describes (a mapping file, or partner/name such as un-habitat/green-areas) into
    its partner graph, replacing the previous load."""
    click.echo(str(ingest_partner(store, config, mapping, source, report_dir)))


@partner.command("list")
@with_store
def list_cmd(store, config):
    """List the partner datasets loaded in the store."""
    from ingest.partners.pipeline import loaded_datasets
    rows = loaded_datasets(store)
    if not rows:
        click.echo("no partner dataset loaded (sckg partner ingest MAPPING)")
    for d in rows:
        click.echo(f"{d['id']}\t{d['loaded_at']}\t{d['graph']}\t{d['title']}")


@partner.command("report")
@click.argument("dataset")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@with_store
def report_cmd(store, config, dataset, fmt):
    """Show the match report of DATASET (partner/dataset, e.g. un-habitat/green-areas)."""
    from ingest.partners.pipeline import stored_report
    partner_name, sep, name = dataset.partition("/")
    if not sep:
        raise click.UsageError("DATASET is partner/dataset, e.g. un-habitat/green-areas")
    report = stored_report(store, partner_name, name)
    if report is None:
        raise click.UsageError(f"no dataset {dataset} has been loaded")
    click.echo({"text": str, "json": lambda r: r.to_json(), "csv": lambda r: r.to_csv().rstrip("\n")}[fmt](report))


commands = [partner]

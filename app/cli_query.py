"""``sckg query`` (named or file queries, results as a table, CSV, JSON or Turtle) and ``sckg export``."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
from rdflib import Graph

from app.errors import BadRequest
from app.queries import NamedQuery, get_query, load_queries, parse_query, run_named


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--param takes name=value, got {pair!r}")
        out[name.strip()] = value
    return out


def resolve(name_or_file: str, queries: dict[str, NamedQuery]) -> NamedQuery:
    """A named query, or a ``.rq``/``.sparql`` file read from disk (its header may declare parameters).

    :raises QueryNotFound: neither a known name nor an existing file.
    """
    path = Path(name_or_file)
    if name_or_file.endswith((".rq", ".sparql")) or path.is_file():
        if not path.is_file():
            raise BadRequest(f"{name_or_file}: no such query file")
        return parse_query(path.stem, path.read_text(encoding="utf-8"), str(path))
    return get_query(queries, name_or_file)


def _cell(v) -> str:
    return "" if v is None else str(v)


def render_rows(rows: list[dict], fmt: str) -> str:
    """Rows of a SELECT as ``table`` (aligned text), ``csv`` or ``json`` (a list of objects of strings)."""
    columns: list[str] = []
    for r in rows:
        columns += [k for k in r if k not in columns]
    if fmt == "json":
        return json.dumps([{k: _cell(r.get(k)) for k in columns} for r in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(r.get(k)) for k in columns])
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    widths = {k: min(60, max(len(k), *(len(_cell(r.get(k))) for r in rows))) for k in columns}
    lines = ["  ".join(k.ljust(widths[k]) for k in columns), "  ".join("-" * widths[k] for k in columns)]
    for r in rows:
        lines.append("  ".join(_cell(r.get(k))[:widths[k]].ljust(widths[k]) for k in columns).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def render_result(result, fmt: str) -> str:
    """Any query result: rows (see :func:`render_rows`), a boolean, or a graph (Turtle unless N-Triples asked).

    :raises BadRequest: a format that does not fit the kind of result.
    """
    if isinstance(result, bool):
        return json.dumps({"boolean": result}) if fmt == "json" else ("true" if result else "false")
    if isinstance(result, Graph):
        if fmt not in ("ttl", "table"):
            raise BadRequest(f"this query builds a graph: use --format ttl, not {fmt}")
        return result.serialize(format="turtle").rstrip("\n")
    if fmt == "ttl":
        raise BadRequest("--format ttl is for CONSTRUCT and DESCRIBE queries; use table, csv or json")
    return render_rows(result, fmt)


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="a parameter of the query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "ttl"]), default="table",
              show_default=True)
@click.option("--list", "list_", is_flag=True, help="list the named queries with their titles")
def query(name, params, fmt, list_):
    """Run a named query from queries/ (or a .rq file) on the store."""
    queries = load_queries()
    if list_:
        for q in queries.values():
            click.echo(f"{q.name}: {q.title}")
            click.echo(f"    {q.description}")
            for p in q.params:
                default = f" (default {p.default})" if p.default else ""
                click.echo(f"    --param {p.name}=<{p.kind}>  {p.description}{default}")
        return
    if not name:
        raise click.UsageError("give a query name or file, or --list to see the named queries")
    nq = resolve(name, queries)
    values = _parse_params(params)
    from app.cli import with_store

    @with_store
    def run(store, config):
        click.echo(render_result(run_named(store, nq, values), fmt))

    run()


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--graph", default=None, metavar="IRI", help="one named graph (default: every graph)")
@click.option("--format", "fmt", type=click.Choice(["nquads", "turtle"]), default="nquads", show_default=True)
def export(out, graph, fmt):
    """Write the store (or one graph) to OUT; Turtle holds one graph, so it needs --graph."""
    if fmt == "turtle" and not graph:
        raise click.UsageError("Turtle holds a single graph: add --graph IRI, or use --format nquads")
    from app.cli import with_store

    @with_store
    def run(store, config):
        if graph and graph not in store.graphs():
            raise BadRequest(f"the store has no graph <{graph}>; graphs: {', '.join(store.graphs()) or 'none'}")
        tmp = Path(out + ".part")
        with tmp.open("wb") as f:
            store.dump(f, fmt, graph)
        tmp.replace(out)
        click.echo(f"wrote {out} ({Path(out).stat().st_size} bytes)")

    run()


commands = [query, export]

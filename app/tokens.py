"""``sckg token add|list|revoke``: the bearer tokens that may write over HTTP."""
from __future__ import annotations

import click

from app import auth
from app import config as settings


def _path() -> str:
    return (settings.defaults() | settings.from_environ())["TOKENS"]


@click.group("token")
def token():
    """Manage the bearer tokens of /update and /graph-store (stored hashed in SCKG_TOKENS)."""


@token.command("add")
@click.argument("name")
@click.option("--scope", required=True,
              help="the graphs the token may write: an IRI ending in '/' for the graphs under it "
                   "(e.g. https://w3id.org/sckg/graph/partner/un-habitat/), a graph IRI (that graph and the "
                   "graphs under IRI/), or '*' for every graph")
@click.option("--expires", default=None, metavar="WHEN",
              help="when the token stops working: a duration (30d, 12h, 2w, 90m; m is minutes), a date "
                   "(2027-01-31, from 00:00 UTC) or an ISO 8601 datetime (UTC unless it has an offset); "
                   "default: never")
def add(name, scope, expires):
    """Create a token NAME and print it once (only its hash is kept)."""
    when = auth.parse_expiry(expires) if expires is not None else None
    secret = auth.add(_path(), name, scope, expires=when)
    click.echo(secret)
    until = f"until {when.isoformat()}" if when else "with no expiry"
    click.echo(f"token {name!r} may write {auth.describe_scope(scope)} {until}; it is shown only now, keep it safe",
               err=True)


@token.command("list")
def list_():
    """List tokens: name, scope, creation time, expiry (UTC)."""
    for r in auth.listing(_path()):
        expires = r["expires"] or "never"
        if r["expired"]:
            expires += " (expired)"
        line = f"{r['name']}\t{r['scope']}\t{r['created']}\t{expires}"
        if r["problem"]:
            line += f"\t(refused, writes nothing: {r['problem']})"
        click.echo(line)


@token.command("revoke")
@click.argument("name")
def revoke(name):
    """Revoke the token NAME (the server refuses it from its next request on)."""
    if not auth.revoke(_path(), name):
        raise click.UsageError(f"no token named {name!r}")
    click.echo(f"token {name!r} revoked")


commands = [token]

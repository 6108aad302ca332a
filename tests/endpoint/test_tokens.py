"""The tokens file under concurrent commands, scope boundaries, expiry, and a corrupt file (issue 18).

Concurrency runs the real ``sckg token`` commands in parallel processes released together; afterwards the real
app, through its test client, must refuse every token a command reported revoked and accept every one it added.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import auth, create_app
from app.cli import cli
from app.errors import BadRequest, TokensUnavailable
from tests.conftest import ROOT, base_config

G = "https://w3id.org/sckg/graph/partner/"
TRIPLE = b"<http://e.org/a> <http://e.org/b> <http://e.org/c> ."


@pytest.fixture
def app(tmp_path):
    a = create_app(base_config(tmp_path, STORE="memory"))
    yield a
    a.extensions["sckg.store"].close()


def write(client, token: str | None, graph: str):
    """An INSERT DATA into ``graph`` over /update."""
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/update", headers=headers,
                       data=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://e.org/a> <http://e.org/b> 1 }} }}".encode())


def put(client, token: str, graph: str):
    return client.put("/graph-store", query_string={"graph": graph}, data=TRIPLE,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"})


# --- concurrency ------------------------------------------------------------------------------

def _command(path: str, start, args_list: list[list[str]], out) -> None:
    """In a child process: wait for the others, then run each ``sckg token …`` and report (args, exit, stdout)."""
    runner = CliRunner()
    start.wait()
    for args in args_list:
        r = runner.invoke(cli, ["token", *args], env={"SCKG_TOKENS": path})
        out.put((args, r.exit_code, r.stdout))


def _race(path: Path, jobs: list[list[list[str]]]) -> list[tuple]:
    """Run each job (a list of commands) in its own process, all released at once; every command's result."""
    # forked from a fresh single-threaded server that has imported the commands once: cheap, and no lock that
    # another thread of the test run holds is copied into a child
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["app.cli", __name__])
    start, out = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_command, args=(str(path), start, job, out)) for job in jobs]
    try:
        for p in procs:
            p.start()
        results = [out.get(timeout=120) for _ in range(sum(len(j) for j in jobs))]
        for p in procs:
            p.join(timeout=30)
            assert p.exitcode == 0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()
    return results


def test_parallel_adds_store_every_token(tmp_path):
    path = tmp_path / "tokens.json"
    jobs = [[["add", f"p{i}-{k}", "--scope", f"{G}p{i}/"] for k in range(8)] for i in range(10)]
    results = _race(path, jobs)
    assert all(code == 0 for _, code, _ in results), results
    names = {r["name"] for r in auth.listing(path)}
    assert names == {f"p{i}-{k}" for i in range(10) for k in range(8)}
    for args, _, stdout in results:  # each printed secret is the one stored under its name
        assert auth.authenticate(f"Bearer {stdout.split()[0]}", path).name == args[1]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]  # no temporary file left behind


def test_parallel_adds_with_the_sckg_command(tmp_path):
    """Ten ``sckg token add`` processes at once, as an operator's scripts would run them."""
    path = tmp_path / "tokens.json"
    env = {**os.environ, "SCKG_TOKENS": str(path), "SCKG_MALLOC": "none"}
    procs = [subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "token", "add", f"c{i}",
                               "--scope", f"{G}c{i}/"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for i in range(10)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert len(auth.listing(path)) == 10


def test_revoke_racing_add_never_leaves_a_revoked_token_working(app, tmp_path):
    path = Path(app.config["TOKENS"])
    victims = {f"v{k}": auth.add(path, f"v{k}", "*") for k in range(30)}
    revokers = [[["revoke", f"v{k}"] for k in range(j, 30, 3)] for j in range(3)]
    adders = [[["add", f"a{i}-{k}", "--scope", "*"] for k in range(20)] for i in range(5)]
    results = _race(path, [*revokers, *adders])

    revoked = {args[1] for args, code, stdout in results if args[0] == "revoke" and code == 0 and "revoked" in stdout}
    assert revoked == set(victims)
    added = {args[1]: stdout.split()[0] for args, code, stdout in results if args[0] == "add"}
    assert len(added) == 100
    client = app.test_client()
    for name in revoked:
        r = write(client, victims[name], G + "victim")
        assert r.status_code == 401, (name, r.status_code)
    r = write(client, next(iter(added.values())), G + "added")
    assert r.status_code == 204, r.get_data(as_text=True)
    assert {r["name"] for r in auth.listing(path)} == set(added)


def test_a_revocation_holds_at_once(app):
    """The running app reads the file again: a token revoked by another process is refused on the next request."""
    path = app.config["TOKENS"]
    secret = auth.add(path, "soon-gone", "*")
    client = app.test_client()
    assert write(client, secret, G + "x").status_code == 204
    r = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "token", "revoke", "soon-gone"],
                       cwd=ROOT, env={**os.environ, "SCKG_TOKENS": path, "SCKG_MALLOC": "none"},
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert write(client, secret, G + "x").status_code == 401


# --- scopes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("scope, graph, covered", [
    (G + "geo", G + "geo", True),
    (G + "geo", G + "geo/cities", True),
    (G + "geo", G + "geo/", True),
    (G + "geo", G + "geonames", False),
    (G + "geo", G + "geonames/cities", False),
    (G + "geo", G + "geo-evil", False),
    (G + "geo", G + "ge", False),
    (G + "geo/", G + "geo/cities", True),
    (G + "geo/", G + "geo/", True),
    (G + "geo/", G + "geo", False),
    (G + "geo/", G + "geonames/cities", False),
    (G + "geo/", G + "geo-evil", False),
    (G + "geo/x", G + "geo/x", True),
    (G + "geo/x", G + "geo/y", False),
    (G + "geo/x", G + "geo/x2", False),
    ("*", G + "anything", True),
])
def test_scope_boundaries(scope, graph, covered):
    assert auth.check_scope(scope) == scope
    assert auth.Token("t", scope).covers(graph) is covered


def test_only_star_covers_the_default_graph():
    assert auth.Token("t", "*").covers(None)
    assert not auth.Token("t", G + "geo/").covers(None)
    assert not auth.Token("t", G + "geo").covers(None)


@pytest.mark.parametrize("scope", [
    "", G + "geo-", G + "geo_", G + "geo.", G + "geo#", G + "geo?", G + "geo*", G + "*", "**",
    "partner/geo/", "w3id.org/sckg/graph/", "https://", "https:///x/", G + "geo//", G + "./geo/", G + "../geo",
    G + "geo evil/", G + "geo\n", " " + G + "geo/", "urn:",
])
def test_an_ambiguous_scope_is_refused_at_creation(tmp_path, scope):
    path = tmp_path / "tokens.json"
    with pytest.raises(BadRequest):
        auth.add(path, "t", scope)
    assert not path.exists()


def test_the_command_explains_a_refused_scope(tmp_path, monkeypatch):
    monkeypatch.setenv("SCKG_TOKENS", str(tmp_path / "tokens.json"))
    r = CliRunner().invoke(cli, ["token", "add", "geo", "--scope", G + "geo-"])
    assert r.exit_code != 0 and "not string prefixes" in r.stderr and "end it with '/'" in r.stderr
    assert not (tmp_path / "tokens.json").exists()


def test_scope_boundaries_over_http(app):
    secret = auth.add(app.config["TOKENS"], "geo", G + "geo")
    client = app.test_client()
    for graph in (G + "geonames", G + "geonames/cities", G + "geo-evil", G + "geo-evil/x"):
        assert write(client, secret, graph).status_code == 403, graph
        assert put(client, secret, graph).status_code == 403, graph
    r = client.post("/partners/geonames/datasets/cities", data=b"{}", headers={
        "Authorization": f"Bearer {secret}", "Content-Type": "application/ld+json"})
    assert r.status_code == 403
    assert write(client, secret, G + "geo").status_code == 204
    assert put(client, secret, G + "geo/cities").status_code == 201


def test_a_stored_scope_refused_today_writes_nothing(app):
    """A token created before scopes were checked, with a prefix scope, covers no graph (and says so in list)."""
    path = Path(app.config["TOKENS"])
    secret = auth.add(path, "old", "*")
    data = json.loads(path.read_text())
    data["tokens"][0]["scope"] = G + "ge-"  # meant as a prefix of "ge-x", "ge-y", …
    path.write_text(json.dumps(data))
    assert write(app.test_client(), secret, G + "ge-x").status_code == 403
    assert auth.listing(path)[0]["problem"]


# --- expiry -----------------------------------------------------------------------------------

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("30d", NOW + timedelta(days=30)),
    ("12h", NOW + timedelta(hours=12)),
    ("1w2d", NOW + timedelta(days=9)),
    ("90m", NOW + timedelta(minutes=90)),
    ("2027-04-01", datetime(2027, 4, 1, tzinfo=UTC)),
    ("2027-04-01T18:30:00", datetime(2027, 4, 1, 18, 30, tzinfo=UTC)),
    ("2027-04-01T18:30:00Z", datetime(2027, 4, 1, 18, 30, tzinfo=UTC)),
    ("2027-04-01T18:30:00+02:00", datetime(2027, 4, 1, 16, 30, tzinfo=UTC)),
])
def test_expiry_forms(text, expected):
    assert auth.parse_expiry(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["0d", "soon", "30", "-1d", "30 days", "2027-02-28", "2027-13-01", "",
                                  "99999999999d", "9999999w"])
def test_bad_or_past_expiry_is_refused(text):
    with pytest.raises(BadRequest):
        auth.parse_expiry(text, now=NOW)


def test_expired_token_is_401_and_a_future_one_writes(app, monkeypatch):
    path = app.config["TOKENS"]
    soon = auth.add(path, "soon", "*", expires=auth.parse_expiry("1h"))
    later = auth.add(path, "later", "*", expires=auth.parse_expiry("30d"))
    client = app.test_client()
    assert write(client, soon, G + "x").status_code == 204
    two_hours_on = auth._now() + timedelta(hours=2)
    monkeypatch.setattr(auth, "_now", lambda: two_hours_on)
    r = write(client, soon, G + "x")
    assert r.status_code == 401 and "expired" in r.get_json()["error"]
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert write(client, later, G + "x").status_code == 204
    listed = {t["name"]: t for t in auth.listing(path)}
    assert listed["soon"]["expired"] and not listed["later"]["expired"]


def test_token_commands_store_and_show_the_expiry(tmp_path, monkeypatch):
    path = tmp_path / "tokens.json"
    monkeypatch.setenv("SCKG_TOKENS", str(path))
    runner = CliRunner()
    r = runner.invoke(cli, ["token", "add", "dated", "--scope", G + "un-habitat/", "--expires", "2099-01-31"])
    assert r.exit_code == 0, r.output
    assert "until 2099-01-31T00:00:00+00:00" in r.stderr
    assert json.loads(path.read_text())["tokens"][0]["expires"] == "2099-01-31T00:00:00+00:00"
    assert runner.invoke(cli, ["token", "add", "forever", "--scope", "*"]).exit_code == 0
    lines = dict(line.split("\t", 1) for line in runner.invoke(cli, ["token", "list"]).stdout.splitlines())
    assert lines["dated"].endswith("\t2099-01-31T00:00:00+00:00") and lines["forever"].endswith("\tnever")
    r = runner.invoke(cli, ["token", "add", "past", "--scope", "*", "--expires", "2001-01-01"])
    assert r.exit_code != 0 and "not in the future" in r.stderr
    r = runner.invoke(cli, ["token", "add", "bad", "--scope", "*", "--expires", "next week"])
    assert r.exit_code != 0 and "duration" in r.stderr


# --- a corrupt file ---------------------------------------------------------------------------

CORRUPT = [b"{ not json", b"", b'["a list"]', b'{"tokens": {"name": "x"}}', b'{"tokens": [1]}',
           b'{"tokens": [{"name": "x", "scope": "*"}]}',
           b'{"tokens": [{"name": "x", "sha256": "00", "scope": "*"}]}',
           b'{"tokens": [{"name": "x", "sha256": "\xc3\xa9", "scope": "*"}]}',
           b'{"tokens": [{"name": "x", "sha256": "' + b"0" * 64 + b'", "scope": "*", "expires": "tomorrow"}]}',
           b"\xff\xfe{}", b"[" * 100_000]


@pytest.mark.parametrize("content", CORRUPT)
def test_a_corrupt_tokens_file_is_503_without_a_path(app, caplog, content):
    path = Path(app.config["TOKENS"])
    secret = auth.add(path, "admin", "*")
    path.write_bytes(content)
    client = app.test_client()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sckg"):
        r = write(client, secret, G + "x")
    assert r.status_code == 503 and r.mimetype == "application/json"
    body = r.get_data(as_text=True)
    assert r.get_json()["ok"] is False and "tokens" in r.get_json()["error"]
    for leak in (str(path), path.name, str(path.parent), str(ROOT), secret, "Traceback"):
        assert leak not in body
    records = [rec for rec in caplog.records if rec.name == "sckg"]
    assert len(records) == 1 and records[0].levelno == logging.ERROR, [rec.getMessage() for rec in records]
    assert secret not in records[0].getMessage() and auth._digest(secret) not in records[0].getMessage()
    assert put(client, secret, G + "x").status_code == 503
    assert path.read_bytes() == content


def test_an_unreadable_tokens_file_is_503(app):
    path = Path(app.config["TOKENS"])
    path.mkdir(parents=True)  # a folder where the file should be
    r = write(app.test_client(), "sckg_whatever", G + "x")
    assert r.status_code == 503 and str(path) not in r.get_data(as_text=True)
    with pytest.raises(TokensUnavailable):
        auth.authenticate("Bearer sckg_whatever", path)


def test_commands_leave_a_corrupt_file_alone(tmp_path, monkeypatch):
    path = tmp_path / "tokens.json"
    path.write_bytes(b"{ not json")
    monkeypatch.setenv("SCKG_TOKENS", str(path))
    runner = CliRunner()
    for args in (["add", "x", "--scope", "*"], ["revoke", "x"], ["list"]):
        r = runner.invoke(cli, ["token", *args])
        assert r.exit_code != 0 and "unavailable" in r.stderr
    assert path.read_bytes() == b"{ not json"

"""Bearer tokens on the write paths: 401 without or with a revoked token, 403 outside the scope, read-only mode,
and the ``sckg token`` commands. Nothing is written by a refused request (counts before/after)."""
from __future__ import annotations

import json

import requests
from click.testing import CliRunner

from app import auth
from app.cli import cli
from tests.endpoint.conftest import CANARY, CANARY_TRIPLES, canary_ntriples, no_leak, total

STUDY = "https://w3id.org/sckg/graph/study"
INSIDE = "https://w3id.org/sckg/graph/partner/canary/extra"


def update(s, text, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(s.url + "/update", data=text.encode(), timeout=30,
                         headers={"Content-Type": "application/sparql-update", **headers})


def put(s, graph, body, token=None):
    headers = {"Content-Type": "application/n-triples"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.put(s.url + "/graph-store", params={"graph": graph}, data=body, headers=headers, timeout=30)


def test_no_token_is_401(server):
    s = server()
    r = update(s, f"INSERT DATA {{ GRAPH <{INSIDE}> {{ <http://e.org/a> <http://e.org/b> 1 }} }}")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    no_leak(r)
    assert put(s, INSIDE, b"<http://e.org/a> <http://e.org/b> <http://e.org/c> .").status_code == 401
    assert update(s, "CLEAR ALL", token="sckg_not-a-real-token").status_code == 401
    assert total(s) == CANARY_TRIPLES


def test_scope_is_enforced(server):
    s = server()
    for text in (f"INSERT DATA {{ GRAPH <{STUDY}> {{ <http://e.org/a> <http://e.org/b> 1 }} }}",
                 "INSERT DATA { <http://e.org/a> <http://e.org/b> 1 }",
                 "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
                 "INSERT DATA { GRAPH <https://w3id.org/sckg/graph/stud\\u0079> { <http://e.org/a> <http://e.org/b> 1 } }",
                 "CLEAR ALL", "DROP DEFAULT", f"COPY <{CANARY}> TO <{STUDY}>",
                 f"WITH <{STUDY}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
                 f"PREFIX g: <https://w3id.org/sckg/graph/> INSERT DATA {{ GRAPH g:study {{ <http://e.org/a> <http://e.org/b> 1 }} }}"):
        r = update(s, text, s.partner)
        assert r.status_code == 403, (text, r.text)
        no_leak(r)
    r = update(s, "INSERT DATA { GRAPH [] { <http://e.org/a> <http://e.org/b> 1 } }", s.partner)
    assert r.status_code == 400 and "which graph" in r.json()["error"]
    assert put(s, STUDY, b"<http://e.org/a> <http://e.org/b> <http://e.org/c> .", s.partner).status_code == 403
    r = requests.delete(s.url + "/graph-store", params={"default": ""}, timeout=10,
                        headers={"Authorization": f"Bearer {s.partner}"})
    assert r.status_code == 403
    assert total(s) == CANARY_TRIPLES


def test_right_scope_writes(server):
    s = server()
    r = update(s, f"INSERT DATA {{ GRAPH <{INSIDE}> {{ <http://e.org/a> <http://e.org/b> 1 }} }}", s.partner)
    assert r.status_code == 204, r.text
    assert put(s, CANARY, b"<http://e.org/a> <http://e.org/b> <http://e.org/c> .", s.partner).status_code == 204
    assert total(s) == 2


def test_revoked_token_is_401(server):
    s = server()
    tokens = s.app.config["TOKENS"]
    assert auth.revoke(tokens, "canary")
    r = update(s, f"INSERT DATA {{ GRAPH <{INSIDE}> {{ <http://e.org/a> <http://e.org/b> 1 }} }}", s.partner)
    assert r.status_code == 401
    assert total(s) == CANARY_TRIPLES


def test_cross_site_form_cannot_write(server):
    """A form another site makes a browser submit carries cookies at most, never an Authorization header."""
    s = server()
    r = requests.post(s.url + "/update", data={"update": "CLEAR ALL"}, timeout=10,
                      headers={"Origin": "https://evil.example", "Cookie": "session=whatever"})
    assert r.status_code == 401
    r = requests.post(s.url + "/sparql", data={"update": "CLEAR ALL"}, timeout=10,
                      headers={"Origin": "https://evil.example"})
    assert r.status_code in (400, 403)
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert total(s) == CANARY_TRIPLES


def test_read_only_refuses_every_write(server, tmp_path):
    from app.store import OxigraphStore
    before = OxigraphStore(tmp_path / "store")
    before.replace_graph(CANARY, (canary_ntriples(), "ntriples"))
    before.close()
    s = server(READ_ONLY=True)
    assert update(s, "CLEAR ALL", s.admin).status_code == 403
    assert put(s, CANARY, b"<http://e.org/a> <http://e.org/b> <http://e.org/c> .", s.admin).status_code == 403
    for method in ("POST", "DELETE"):
        r = requests.request(method, s.url + "/graph-store", params={"graph": CANARY}, data=b"", timeout=10,
                             headers={"Authorization": f"Bearer {s.admin}", "Content-Type": "text/turtle"})
        assert r.status_code == 403
    assert total(s) == CANARY_TRIPLES


def test_token_commands(tmp_path, monkeypatch):
    path = tmp_path / "tokens.json"
    monkeypatch.setenv("SCKG_TOKENS", str(path))
    runner = CliRunner()
    r = runner.invoke(cli, ["token", "add", "un-habitat", "--scope", "https://w3id.org/sckg/graph/partner/un-habitat/"])
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip().splitlines()[0]
    assert secret.startswith("sckg_") and len(secret) > 40
    stored = path.read_text()
    assert secret not in stored and json.loads(stored)["tokens"][0]["sha256"]
    assert auth.authenticate(f"Bearer {secret}", path).scope == "https://w3id.org/sckg/graph/partner/un-habitat/"
    r = runner.invoke(cli, ["token", "list"])
    assert "un-habitat" in r.stdout and secret not in r.stdout
    assert runner.invoke(cli, ["token", "add", "un-habitat", "--scope", "*"]).exit_code != 0
    assert runner.invoke(cli, ["token", "revoke", "un-habitat"]).exit_code == 0
    assert runner.invoke(cli, ["token", "revoke", "un-habitat"]).exit_code != 0
    assert "un-habitat" not in runner.invoke(cli, ["token", "list"]).stdout

"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests, replayed over real HTTP.

``graph-store-protocol/manifest-{direct,indirect}.ttl`` are machine-readable and are replayed as they are
(``/gsp`` becomes ``/graph-store``, ``www.example`` the test server; ``$LOCATION$`` is the Location of a
created graph). The older ``http-rdf-update`` manifest is prose: its requests are written out by hand below.
"""
from __future__ import annotations

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.w3c.conftest import W3C
from tests.w3c.manifest import read

CASES = read(W3C / "graph-store-protocol" / "manifest-direct.ttl") + \
    read(W3C / "graph-store-protocol" / "manifest-indirect.ttl")


def _local(server, text: str) -> str:
    """Point the manifest's host and path at the test server (in URLs and in bodies alike)."""
    host = server.url.split("://", 1)[1]
    return text.replace("http://www.example/gsp", f"http://{host}/graph-store") \
               .replace("http%3A%2F%2Fwww.example%2Fgsp", f"http%3A%2F%2F{host.replace(':', '%3A')}%2Fgraph-store")


def test_the_suites_are_complete():
    assert len(CASES) == 13  # 4 direct + 9 indirect


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_graph_store_protocol(case, w3c_server):
    variables: dict[str, str] = {}
    for req in case.requests:
        path = _local(w3c_server, req.path).replace("/gsp", "/graph-store", 1)
        body = _local(w3c_server, req.body) if req.body is not None else None
        for k, v in variables.items():
            path, body = path.replace(k, v), body.replace(k, v) if body else body
        headers = dict(req.headers)
        if req.method not in ("GET", "HEAD"):
            headers["Authorization"] = f"Bearer {w3c_server.token}"
        resp = requests.request(req.method, w3c_server.url + path, headers=headers,
                                data=None if body is None else body.encode(), allow_redirects=False, timeout=30)
        assert resp.status_code in req.statuses, (case.name, req.method, path, resp.status_code, resp.text[:300])
        if req.expect_location:
            assert resp.headers.get("Location")
            variables[req.expect_location] = resp.headers["Location"]
        if "content-type" in req.expect_headers:
            assert resp.headers["Content-Type"].split(";")[0] == req.expect_headers["content-type"].split(";")[0]
        if req.expect_body is not None:
            expected = Graph().parse(data=_local(w3c_server, req.expect_body), format="turtle")
            got = Graph().parse(data=resp.content, format="turtle")
            assert isomorphic(expected, got), (case.name, resp.text)


def _send(server, method, path, body=None, ctype="text/turtle; charset=utf-8", accept=None):
    headers = {"Content-Type": ctype} if body is not None else {}
    if accept:
        headers["Accept"] = accept
    if method not in ("GET", "HEAD"):
        headers["Authorization"] = f"Bearer {server.token}"
    return requests.request(method, server.url + path, headers=headers, data=body, timeout=30)


PERSON = """@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://HOST/graph-store/person/1> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "NAME" ]."""


def test_http_rdf_update_sequence(w3c_server):
    """The deprecated http-rdf-update manifest, in order: each step's request and response as its prose states."""
    host = w3c_server.url.split("://", 1)[1]
    g1 = f"/graph-store/person/1.ttl"
    person = lambda name: PERSON.replace("HOST", host).replace("NAME", name).encode()  # noqa: E731

    def fn_of(resp):
        return {str(o) for o in Graph().parse(data=resp.content, format="turtle").objects(
            None, __import__("rdflib").URIRef("http://www.w3.org/2006/vcard/ns#fn"))}

    assert _send(w3c_server, "PUT", g1, person("John Doe")).status_code == 201          # PUT - initial state
    r = _send(w3c_server, "GET", "/graph-store?graph=" + w3c_server.url + g1, accept="text/turtle")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle") and fn_of(r) == {"John Doe"}
    assert _send(w3c_server, "PUT", g1, person("Jane Doe")).status_code == 204          # PUT - graph already in store
    assert fn_of(_send(w3c_server, "GET", g1, accept="text/turtle")) == {"Jane Doe"}
    assert _send(w3c_server, "PUT", "/graph-store?default", person("Alice")).status_code in (200, 201, 204)
    assert fn_of(_send(w3c_server, "GET", "/graph-store?default", accept="text/turtle")) == {"Alice"}
    g2 = "/graph-store/person/2.ttl"                                                     # DELETE - existing graph
    assert _send(w3c_server, "PUT", g2, person("Bob")).status_code == 201
    assert _send(w3c_server, "DELETE", g2).status_code in (200, 204)
    assert _send(w3c_server, "GET", g2).status_code == 404                               # GET of DELETE
    assert _send(w3c_server, "DELETE", g2).status_code == 404                            # DELETE - nonexistent graph
    extra = f"<http://{host}/graph-store/person/1> <http://xmlns.com/foaf/0.1/name> \"Jane\" .".encode()
    assert _send(w3c_server, "POST", g1, extra).status_code in (200, 204)               # POST - existing graph
    got = Graph().parse(data=_send(w3c_server, "GET", g1, accept="text/turtle").content, format="turtle")
    assert len(got) == 5
    boundary = "a6fe4cd636164618814be9f8d3d1a0de"                                        # POST - multipart/form-data
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"lastName.ttl\"; filename=\"lastName.ttl\"\r\n"
            f"Content-Type: text/turtle; charset=utf-8\r\n\r\n<http://{host}/graph-store/person/1> "
            f"<http://xmlns.com/foaf/0.1/familyName> \"Doe\" .\r\n\r\n--{boundary}--\r\n").encode()
    assert _send(w3c_server, "POST", g1, body, f"multipart/form-data; boundary={boundary}").status_code in (200, 204)
    assert len(Graph().parse(data=_send(w3c_server, "GET", g1).content, format="turtle")) == 6
    r = _send(w3c_server, "POST", "/graph-store", person("Carol"))                       # POST - create new graph
    assert r.status_code == 201 and r.headers["Location"]
    created = _send(w3c_server, "GET", "/graph-store?graph=" + r.headers["Location"])
    assert fn_of(created) == {"Carol"}
    r = _send(w3c_server, "HEAD", g1)                                                    # HEAD on an existing graph
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle") and not r.content
    assert _send(w3c_server, "HEAD", "/graph-store/person/4.ttl").status_code == 404     # HEAD on a nonexisting graph

"""The W3C SPARQL 1.1 Protocol test suite (sparql11/protocol/manifest.ttl), replayed over real HTTP.

Each manifest entry becomes one test: its ``ut:graphData`` files are loaded into a fresh store, then its
requests are sent in order and every response is checked against the manifest's expectations. Queries go to
``/sparql``; updates go to ``/update`` with an administrator token (the manifest allows separate endpoints).
"""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest
import requests
from rdflib import Graph

from tests.w3c.conftest import W3C
from tests.w3c.manifest import read

CASES = read(W3C / "protocol" / "manifest.ttl")
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}


def _is_update(req) -> bool:
    ctype = req.headers.get("content-type", "")
    return (ctype.startswith("application/sparql-update") or re.search(r"(^|[?&])(update|using-(named-)?graph-uri)=",
            req.path) is not None or (ctype.startswith("application/x-www-form-urlencoded")
                                      and (req.body or "").startswith("update=")))


def _boolean(resp) -> bool:
    ctype = resp.headers["Content-Type"].split(";")[0]
    if ctype == "application/sparql-results+json":
        return json.loads(resp.content)["boolean"]
    assert ctype == "application/sparql-results+xml", ctype
    node = ElementTree.fromstring(resp.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return node.text.strip() == "true"


def test_the_suite_is_complete():
    assert len(CASES) == 34


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_protocol(case, w3c_server):
    store = w3c_server.app.extensions["sckg.store"]
    for filename, graph in case.data:
        store.replace_graph(graph, ((W3C / "protocol" / filename).read_bytes(), "ntriples"))
    for req in case.requests:
        update = _is_update(req)
        path = re.sub(r"^/sparql/?", "/update" if update else "/sparql", req.path)
        headers = {k: v for k, v in req.headers.items()}
        if update:
            headers["Authorization"] = f"Bearer {w3c_server.token}"
        resp = requests.request(req.method, w3c_server.url + path, headers=headers,
                                data=None if req.body is None else req.body.encode(), allow_redirects=False,
                                timeout=30)
        assert resp.status_code in req.statuses, (case.name, resp.status_code, resp.text[:300])
        assert "Traceback" not in resp.text
        ctype = resp.headers.get("Content-Type", "").split(";")[0]
        if req.expect_format == "boolean" or req.expect_boolean is not None:
            assert _boolean(resp) is (req.expect_boolean if req.expect_boolean is not None else _boolean(resp))
        if req.expect_format == "tabular":
            assert ctype in RESULT_TYPES
        if req.expect_format == "RDF":
            assert ctype in RDF_TYPES
            Graph().parse(data=resp.content, format=RDF_TYPES[ctype])
    # the server still answers afterwards
    assert requests.get(w3c_server.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200

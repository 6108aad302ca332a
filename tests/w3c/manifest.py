"""Reading the W3C protocol manifests (ht: HTTP-in-RDF vocabulary) into plain request/response records."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: hts: status terms -> the statuses they allow
STATUS = {"StatusCode2xx": range(200, 300), "StatusCode3xx": range(300, 400), "StatusCode4xx": range(400, 500),
          "OK": [200], "Created": [201], "NoContent": [204], "NotFound": [404]}


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[int]
    expect_boolean: bool | None = None
    expect_format: str | None = None
    expect_location: str | None = None
    expect_body: str | None = None
    expect_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Case:
    name: str
    title: str
    requires: set[str]
    data: list[tuple[str, str]]  # (file name, graph IRI)
    requests: list[Req]


def _headers(g: Graph, node) -> dict[str, str]:
    lst = g.value(node, HT.headers)
    if lst is None:
        return {}
    return {str(g.value(h, HT.fieldName)).lower(): str(g.value(h, HT.fieldValue)) for h in Collection(g, lst)}


def _chars(g: Graph, node) -> str | None:
    body = g.value(node, HT.body)
    return None if body is None else str(g.value(body, CNT.chars))


def read(path) -> list[Case]:
    g = Graph()
    g.parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(test, MF.action)
        reqs = []
        for r in Collection(g, g.value(action, HT.requests)):
            resp = g.value(r, HT.resp)
            statuses = set()
            for s in g.objects(resp, MF.expectedStatus):
                statuses |= set(STATUS[str(s).rsplit("#", 1)[1]])
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            loc = g.value(resp, MF.expectedLocation)
            reqs.append(Req(str(g.value(r, HT.methodName)), str(g.value(r, HT.absolutePath)), _headers(g, r),
                            _chars(g, r), statuses, None if boolean is None else boolean.toPython(),
                            None if fmt is None else str(fmt), None if loc is None else str(loc),
                            _chars(g, resp), _headers(g, resp)))
        data = [(str(g.value(d, UT.graph)).rsplit("/", 1)[1], str(g.value(d, RDFS.label)))
                for d in g.objects(test, UT.graphData)]
        requires = {str(x).rsplit("#", 1)[1] for x in g.objects(test, MF.requires)}
        cases.append(Case(str(test).rsplit("#", 1)[1], str(g.value(test, MF.name)), requires, data, reqs))
    return cases

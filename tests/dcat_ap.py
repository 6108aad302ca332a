"""Validating RDF against the DCAT-AP 3.0.1 SHACL shapes copied into tests/data/dcat-ap-3.0.1/."""
from __future__ import annotations

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef

from tests.conftest import TEST_DATA

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = TEST_DATA / "dcat-ap-3.0.1"
#: the full shapes with their class ranges and the mandatory ones (violations), the recommended ones (warnings)
SHAPE_FILES = ("dcat-ap-SHACL.ttl", "shapes.ttl", "shapes_recommended.ttl")


def _shapes() -> Graph:
    g = Graph()
    for name in SHAPE_FILES:
        g.parse(SHAPES / name, format="turtle")
    # the release's full shapes list two property shapes of dcat:DataService they never define (no sh:path);
    # pySHACL refuses such a shape, so the dangling references are dropped, every defined shape is kept
    for shape, prop in list(g.subject_objects(SH.property)):
        if g.value(prop, SH.path) is None:
            g.remove((shape, SH.property, prop))
    return g


def results_by_severity(data: Graph) -> dict[URIRef, list[tuple[str, str, str]]]:
    """Severity → (focus node, path, message) of each result."""
    _, report, _ = validate(data, shacl_graph=_shapes(), inference="none", allow_warnings=True)
    out: dict[URIRef, list[tuple[str, str, str]]] = {SH.Violation: [], SH.Warning: [], SH.Info: []}
    for r in report.objects(None, SH.result):
        out[report.value(r, SH.resultSeverity)].append(
            tuple(str(report.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.resultMessage)))
    return out


def lines(results) -> str:
    return "\n".join(" ".join(r) for r in sorted(results))

"""Loading the ontology files and validating a data graph against the shapes, as the ingest does:
data graph = instance data ∪ vocabularies ∪ ontology, no inference."""
from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology"
SHAPES_NS = Namespace("https://w3id.org/sckg/shapes#")


def parse(*paths: Path) -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


def ontology_graph() -> Graph:
    return parse(ONTOLOGY / "sckg.ttl", ONTOLOGY / "external.ttl")


def vocab_graph() -> Graph:
    return parse(*sorted((ONTOLOGY / "vocab").glob("*.ttl")))


def shapes_graph() -> Graph:
    return parse(*sorted((ONTOLOGY / "shapes").glob("*.ttl")))


def results(data: Graph, shapes: Graph, background: Graph) -> list[dict]:
    """Validation results of ``data`` ∪ ``background`` as dicts (shape, focus, path, severity, message)."""
    conforms, report, _ = validate(data + background, shacl_graph=shapes, inference="none",
                                   advanced=False, allow_warnings=False)
    out = []
    top = report.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    for r in report.objects(top, SH.result):  # top-level results only, not their sh:detail
        out.append({
            "shape": report.value(r, SH.sourceShape),
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "severity": report.value(r, SH.resultSeverity),
            "message": str(report.value(r, SH.resultMessage)),
        })
    assert conforms == (not out)
    return out


def shape_name(iri) -> str:
    """``https://w3id.org/sckg/shapes#Practice_Shape`` → ``:Practice_Shape`` (blank nodes as ``_:``)."""
    text = str(iri)
    return ":" + text[len(str(SHAPES_NS)):] if text.startswith(str(SHAPES_NS)) else "_:" + text

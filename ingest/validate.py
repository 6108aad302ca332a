"""Validating a mapped graph with the SHACL shapes of ontology/shapes/, reporting each result as file:row:column.

A non-conforming graph is a result (a :class:`Report` with violations), not an exception.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from ingest.errors import InputError, ShapesError
from ingest.report import INFO, VIOLATION, WARNING, Problem, Report

SEVERITY = {SH.Violation: VIOLATION, SH.Warning: WARNING, SH.Info: INFO}


def parse_turtle_files(paths, what: str) -> Graph:
    """One graph from several Turtle files.

    :raises InputError: naming the file and line of a syntax error.
    """
    g = Graph()
    for path in paths:
        try:
            g.parse(path, format="turtle")
        except Exception as e:  # rdflib raises several unrelated types for syntax errors
            raise InputError(path, getattr(e, "lines", None), f"the {what} file does not parse: {e}") from e
    return g


def shapes_graph(ontology_dir: str | Path) -> Graph:
    """All shapes files of ``ontology_dir/shapes`` (an empty graph when there are none)."""
    return parse_turtle_files(sorted(Path(ontology_dir, "shapes").glob("*.ttl")), "shapes")


def _local(term) -> str:
    s = str(term)
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(term, URIRef) else s


def _rule(shapes: Graph, shape) -> str:
    """A readable name for the shape a result comes from: its IRI's local name, else its node shape's."""
    if isinstance(shape, URIRef):
        return _local(shape)
    name = shapes.value(shape, SH.name)
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    if parent is not None and isinstance(parent, URIRef):
        return _local(parent) + (f"/{name}" if name else "")
    return str(name) if name else "shape"


def validate(data: Graph, shapes: Graph, origins=None, ontology: Graph | None = None) -> Report:
    """Check ``data`` (with ``ontology`` as background: classes, vocabularies) against ``shapes``.

    Each SHACL result becomes a :class:`Problem` located through ``origins`` (see :class:`ingest.map.Origins`).

    :raises ShapesError: if pySHACL cannot use the shapes.
    """
    report = Report()
    if len(shapes) == 0:
        report.notes.append("no SHACL shapes found: the data was only checked cell by cell")
        return report
    import pyshacl
    union = data + ontology if ontology is not None else data
    try:
        _conforms, results, _text = pyshacl.validate(
            union, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True,
            advanced=True)
    except Exception as e:  # pySHACL's errors have no common base worth naming
        raise ShapesError(f"the SHACL shapes cannot be applied: {e}") from e
    # only the report's own results: pySHACL also writes nested results (sh:detail of sh:node, sh:or …),
    # which restate the top-level one and are not problems of their own
    top = [r for report_node in results.subjects(RDF.type, SH.ValidationReport)
           for r in results.objects(report_node, SH.result)]
    for r in top:
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        file, line, column = origins.locate(focus, path) if origins is not None else (None, None, None)
        if column is None and path is not None and not isinstance(path, BNode):
            column = _local(path)
        message = results.value(r, SH.resultMessage)
        value = results.value(r, SH.value)
        text = str(message) if message else f"breaks {_local(results.value(r, SH.sourceConstraintComponent))}"
        if value is not None and str(value) not in text:
            text += f" (value: {value})"
        if file is None:
            text = f"{focus}: {text}"
        severity = SEVERITY.get(results.value(r, SH.resultSeverity), VIOLATION)
        where = file or ("data" if (focus, None, None) in data else "ontology")
        report.problems.append(Problem(where, line, column, _rule(shapes, results.value(r, SH.sourceShape)),
                                       text, severity))
    report.problems = list(dict.fromkeys(report.problems))
    report.problems.sort(key=lambda p: (p.severity != VIOLATION, p.file, p.line or 0, p.column or ""))
    return report

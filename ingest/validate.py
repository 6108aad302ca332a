"""Validating a mapped graph with the SHACL shapes of ontology/shapes/, reporting each result as file:row:column.

A non-conforming graph is a result (a :class:`Report` with violations), not an exception.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ingest.errors import InputError, ShapesError
from ingest.parallel import run_tasks
from ingest.report import INFO, VIOLATION, WARNING, Problem, Report
from ingest.shape_text import rdf_message

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


def validate(data: Graph, shapes: Graph, origins=None, ontology: Graph | None = None, *,
             rdf_terms: bool = False) -> Report:
    """Check ``data`` (with ``ontology`` as background: classes, vocabularies) against ``shapes``.

    Each SHACL result becomes a :class:`Problem` located through ``origins`` (see :class:`ingest.map.Origins`).
    Its message is the shape's ``sh:message`` (written for the CSV files), or with ``rdf_terms`` (data given as
    RDF) :func:`ingest.shape_text.rdf_message`.

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
        if rdf_terms:
            text = rdf_message(shapes, results.value(r, SH.sourceShape))
        else:
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


# --- the same shapes evaluated by the engine (large RDF files) ------------------------------------------
#
# pySHACL works on an rdflib graph: minutes and gigabytes for a million triples. For large files the shapes
# are compiled into SPARQL and evaluated by pyoxigraph over the store that holds the parsed file. The
# compiler covers the SHACL Core constraints the shapes use: targets by sh:targetClass (with subclasses),
# property shapes with an IRI sh:path, sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind,
# sh:pattern (+ sh:flags), sh:in, sh:languageIn, sh:hasValue, sh:min/maxInclusive, sh:min/maxExclusive,
# sh:not, sh:or, sh:and, sh:qualifiedValueShape with sh:qualifiedMin/MaxCount, sh:uniqueLang, sh:deactivated. A constraint
# or target outside this list is named in the report's notes as not checked, never silently passed.

_SUBCLASS = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_NODE_KIND = {
    "IRI": "isIRI({v})", "Literal": "isLiteral({v})", "BlankNode": "isBlank({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
TRUE = Literal(True)
_COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: shape properties that are not value constraints (annotations, or handled per property shape)
_NOT_VALUE = {"name", "description", "message", "severity", "path", "property", "targetClass", "minCount",
              "maxCount", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "flags", "order",
              "group", "deactivated", "qualifiedValueShapesDisjoint", "hasValue", "uniqueLang"}


class Unsupported(Exception):
    """A SHACL feature the SPARQL compiler does not cover."""


def _sh(term) -> str | None:
    s = str(term)
    return s[len(str(SH)):] if s.startswith(str(SH)) else None


def _passes(shapes: Graph, shape, v: str, nested: bool = False, classes: bool = True) -> str:
    """A SPARQL expression, true when the value ``v`` meets every value constraint of ``shape`` (leaving out
    ``sh:class`` when ``classes`` is false: the caller tests it).

    :raises Unsupported: for a constraint outside the compiled subset.
    """
    from rdflib.collection import Collection
    conds = []
    for p, o in shapes.predicate_objects(shape):
        key = _sh(p)
        if key is None or (key in _NOT_VALUE and not (nested and key == "hasValue")):
            continue
        if key == "datatype":
            conds.append(f"(isLiteral({v}) && datatype({v}) = {o.n3()})")
        elif key == "nodeKind":
            conds.append(_NODE_KIND[_sh(o)].format(v=v))
        elif key == "pattern":
            flags = shapes.value(shape, SH.flags)
            extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            conds.append(f"(!isBlank({v}) && REGEX(STR({v}), {Literal(str(o)).n3()}{extra}))")
        elif key == "in":
            conds.append("(" + (" || ".join(f"sameTerm({v}, {i.n3()})" for i in Collection(shapes, o))
                                or "false") + ")")
        elif key == "languageIn":
            tags = " || ".join(f"langMatches(lang({v}), {Literal(str(t)).n3()})" for t in Collection(shapes, o))
            conds.append(f"(isLiteral({v}) && ({tags or 'false'}))")
        elif key in _COMPARE:
            conds.append(f"COALESCE({v} {_COMPARE[key]} {o.n3()}, false)")
        elif key == "class":
            if classes:
                conds.append(f"EXISTS {{ {v} {_SUBCLASS} {o.n3()} }}")
        elif key == "hasValue":  # a value shape (inside sh:or …): the value itself
            conds.append(f"sameTerm({v}, {o.n3()})")
        elif key == "not":
            conds.append(f"!({_passes(shapes, o, v, True)})")
        elif key in ("or", "and"):
            op = " || " if key == "or" else " && "
            conds.append("(" + op.join(_passes(shapes, m, v, True) for m in Collection(shapes, o)) + ")")
        else:
            raise Unsupported(f"sh:{key}")
    return " && ".join(conds) or "true"


def _shape_queries(shapes: Graph, node, prop, subclasses=None) -> list[tuple[str, bool]]:
    """``(query, has_value)`` pairs selecting ``?focus`` (and ``?value``) for each way ``prop`` can fail on the
    targets of ``node`` (``prop`` None: the node shape's own constraints on the focus node).

    ``subclasses(class IRI) -> list of IRIs`` (the class and its subclasses in the data and ontology) lets the
    queries match ``rdf:type`` directly instead of evaluating a property path in every query.
    """
    expand = subclasses or (lambda c: None)

    def of_class(var: str, classes) -> str:
        listed = [c for k in classes for c in (expand(k) or [])]
        if len(listed) == 0 or subclasses is None:
            return f"VALUES ?__class {{ {' '.join(c.n3() for c in classes)} }} {var} {_SUBCLASS} ?__class ."
        names = " ".join(dict.fromkeys(c.n3() for c in listed))
        return f"VALUES ?__class {{ {names} }} {var} {RDF.type.n3()} ?__class ."

    focus = of_class("?focus", list(shapes.objects(node, SH.targetClass)))
    if prop is None:
        test = _passes(shapes, node, "?focus")
        return [] if test == "true" else \
            [(f"SELECT DISTINCT ?focus (?focus AS ?value) WHERE {{ {focus} FILTER(!({test})) }}", True)]
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise Unsupported("sh:path other than one IRI")
    p = path.n3()
    out = []
    classes = list(shapes.objects(prop, SH["class"]))
    test = _passes(shapes, prop, "?value", classes=not subclasses)
    if test != "true":
        out.append((f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {p} ?value FILTER(!({test})) }}", True))
    if subclasses:  # sh:class: values minus the instances of the class (faster than a FILTER per value)
        for c in classes:
            out.append((f"SELECT DISTINCT ?focus ?value WHERE {{ {{ {focus} ?focus {p} ?value }} "
                        f"MINUS {{ {of_class('?value', [c]).replace('?__class', '?__vclass')} }} }}", True))
    counts = [("minCount", "<", None), ("maxCount", ">", None)]
    qshape = shapes.value(prop, SH.qualifiedValueShape)
    if qshape is not None:
        counts += [("qualifiedMinCount", "<", qshape), ("qualifiedMaxCount", ">", qshape)]
    for key, op, qualified in counts:
        n = shapes.value(prop, SH[key])
        if n is None:
            continue
        keep = f" FILTER({_passes(shapes, qualified, '?x', True)})" if qualified is not None else ""
        if key == "minCount" and int(n) == 1:
            out.append((f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {p} ?x }} }}", False))
        else:
            out.append((f"SELECT ?focus WHERE {{ {focus} OPTIONAL {{ ?focus {p} ?x{keep} }} }} GROUP BY ?focus "
                        f"HAVING (COUNT(DISTINCT ?x) {op} {int(n)})", False))
    if shapes.value(prop, SH.uniqueLang) == TRUE:
        twice = (f"SELECT DISTINCT ?focus WHERE {{ {focus} ?focus {p} ?x , ?y FILTER(isLiteral(?x) && isLiteral(?y) "
                 f"&& lang(?x) != \"\" && LCASE(lang(?x)) = LCASE(lang(?y)) && !sameTerm(?x, ?y)) }}")
        out.append((twice, False))
    for value in shapes.objects(prop, SH.hasValue):
        out.append((f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {p} {value.n3()} }} }}",
                    False))
    return out


def engine_validate(store, shapes: Graph, data_graph, background_graph=None, *, workers: int | None = None,
                    rdf_terms: bool = False) -> Report:
    """Check the data of a pyoxigraph ``store`` against ``shapes`` with SPARQL evaluated by the engine.

    ``data_graph`` (an ``ox.NamedNode``) holds the data; ``background_graph`` the ontology and vocabularies
    (classes of values, subclasses); every other graph of ``store`` is ignored. Problems name the focus
    node as pySHACL's do (file ``data``, or ``ontology`` when the focus node has no triple in the data).
    The queries run on ``workers`` processes (default: one per core; see :func:`ingest.parallel.run_tasks`).
    """
    checks, skipped = shape_checks(store, shapes, data_graph, background_graph, rdf_terms=rdf_terms)
    return shape_report(run_tasks(checks, workers), skipped, shapes_given=len(shapes) > 0)


def shape_checks(store, shapes: Graph, data_graph, background_graph=None, *,
                 rdf_terms: bool = False) -> tuple[list, set[str]]:
    """The checks :func:`engine_validate` runs: one task per compiled query (each returning its list of
    :class:`Problem`), and the shapes left out because they use SHACL outside the compiled subset. Messages
    are chosen as :func:`validate` chooses them."""
    from ingest.terms import to_rdflib
    graphs = [data_graph] + ([background_graph] if background_graph is not None else [])
    known: dict = {}

    def subclasses(cls) -> list:
        if cls not in known:
            rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s {RDFS.subClassOf.n3()}* {cls.n3()} }}",
                               default_graph=graphs)
            known[cls] = [cls] + [c for c in (to_rdflib(r["s"]) for r in rows) if c != cls]
        return known[cls]

    def check(text: str, has_value: bool, rule: str, body: str, column: str | None, severity: str) -> list[Problem]:
        found = []
        for row in store.query(text, default_graph=graphs):
            value = to_rdflib(row["value"]) if has_value else None
            in_data = any(True for _ in store.quads_for_pattern(row["focus"], None, None, data_graph))
            message = body + (f" (value: {value})" if value is not None and str(value) not in body else "")
            found.append(Problem("data" if in_data else "ontology", None, column, rule,
                                 f"{to_rdflib(row['focus'])}: {message}", severity))
        return found

    checks, skipped = [], set()
    for other in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        skipped.update(f"{_rule(shapes, s)} ({_local(other)})" for s in shapes.subjects(other, None))
    for node in set(shapes.subjects(SH.targetClass, None)):
        for prop in [None, *shapes.objects(node, SH.property)]:
            shape = node if prop is None else prop
            if shapes.value(node, SH.deactivated) == TRUE or shapes.value(shape, SH.deactivated) == TRUE:
                continue
            try:
                queries = _shape_queries(shapes, node, prop, subclasses)
            except Unsupported as e:
                skipped.add(f"{_rule(shapes, shape)} ({e})")
                continue
            message = rdf_message(shapes, shape) if rdf_terms else shapes.value(shape, SH.message)
            severity = SEVERITY.get(shapes.value(shape, SH.severity), VIOLATION)
            path = shapes.value(shape, SH.path) if prop is not None else None
            column = _local(path) if path is not None else None
            checks += [partial(check, text, has_value, _rule(shapes, shape),
                               str(message) if message else "breaks the shape", column, severity)
                       for text, has_value in queries]
    return checks, skipped


def shape_report(found: list[list[Problem]], skipped: set[str], shapes_given: bool = True) -> Report:
    """The report of :func:`shape_checks`' results: problems without repeats, violations first."""
    report = Report()
    if not shapes_given:
        report.notes.append("no SHACL shapes found: the data was only checked for syntax")
        return report
    if skipped:
        report.notes.append("not checked on large files (SHACL features outside the engine's subset): "
                            + ", ".join(sorted(skipped)))
    report.problems = list(dict.fromkeys(p for problems in found for p in problems))
    report.problems.sort(key=lambda p: (p.severity != VIOLATION, p.file, p.line or 0, p.column or ""))
    return report

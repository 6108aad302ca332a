"""The SHACL shapes: every example passes them, every valid case passes, and every invalid case is reported
by exactly the shape it names in its ``# breaks:`` comment. Data graph = case ∪ vocabularies ∪ ontology."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from tests.ontology.shapes_support import (ONTOLOGY, ontology_graph, parse, results, shape_name,
                                           shapes_graph, vocab_graph)

CASES = Path(__file__).resolve().parent / "cases"
BASE_CASE = CASES / "valid-base.ttl"
EXAMPLES = sorted((ONTOLOGY / "examples").glob("*.ttl"))
INVALID = sorted(CASES.glob("invalid-*.ttl"))
VALID = sorted(CASES.glob("valid-*.ttl"))
SHAPE_FILES = {p.name: p for p in (ONTOLOGY / "shapes").glob("*.ttl")}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def background() -> Graph:
    return ontology_graph() + vocab_graph()


def describe(found: list[dict]) -> str:
    return "\n".join(f"{shape_name(r['shape'])} {r['focus']}: {r['message']}" for r in found)


def test_vocabularies_and_ontology_alone_pass(shapes, background):
    found = results(Graph(), shapes, background)
    assert found == [], describe(found)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_passes_every_shape(path, shapes, background):
    found = results(parse(path), shapes, background)
    assert found == [], describe(found)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_case_passes(path, shapes, background):
    found = results(parse(path, BASE_CASE), shapes, background)
    assert found == [], describe(found)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_case_is_reported_by_the_shape_it_names(path, shapes, background):
    named = re.findall(r"^# breaks: (:\w+)\s*$", path.read_text(encoding="utf-8"), re.M)
    assert len(named) == 1, f"{path.name} must name one shape in a '# breaks: :Some_Shape' comment"
    assert (URIRef("https://w3id.org/sckg/shapes#" + named[0][1:]), None, None) in shapes, named[0]
    found = results(parse(path, BASE_CASE), shapes, background)
    assert found, f"{path.name} conforms, but should break {named[0]}"
    assert {shape_name(r["shape"]) for r in found} == {named[0]}, describe(found)
    assert all(r["message"] for r in found)


def test_there_are_enough_invalid_cases():
    names = {p.stem for p in INVALID}
    assert len(names) >= 8
    for needed in ("invalid-sdg-zero", "invalid-sdg-eighteen", "invalid-missing-title", "invalid-unknown-city",
                   "invalid-bad-start-year", "invalid-bad-geonames"):
        assert needed in names


@pytest.mark.parametrize("name, severity", [("core.shapes.ttl", SH.Violation), ("recommended.shapes.ttl", SH.Warning),
                                            ("links.shapes.ttl", SH.Violation)])
def test_every_constraint_has_the_file_severity_and_a_message(name, severity):
    g = parse(SHAPE_FILES[name])
    props = set(g.subjects(RDF.type, SH.PropertyShape))
    assert props
    for shape in props:
        assert g.value(shape, SH.severity) == severity, shape
        message = g.value(shape, SH.message)
        assert message is not None and message.language == "en", shape
        assert re.match(r":\w+_Property_\w+$", shape_name(shape)), shape
    for node in g.subjects(SH.targetClass, None):
        assert re.match(r":\w+(_Shape|Restriction)$", shape_name(node)), node
        assert g.value(node, SH.name) is not None, node


def test_every_message_says_where_to_fix_it():
    """A message names a CSV file and a column, a vocabulary file, or says the value is derived or linked."""
    g = shapes_graph()
    for shape, message in g.subject_objects(SH.message):
        text = str(message)
        assert (re.search(r"\w+\.csv\b.*`\w+`", text) or "ontology/vocab/" in text or "barriers.csv:" in text
                or "enablers.csv:" in text or text.startswith("derived data:")), (shape, text)


def test_sdg_restriction_lists_exactly_goals_1_to_17():
    g = shapes_graph()
    members = list(g.items(g.value(URIRef("https://w3id.org/sckg/shapes#SdgRestriction"), SH["in"])))
    assert members == [URIRef(f"http://metadata.un.org/sdg/{n}") for n in range(1, 18)]

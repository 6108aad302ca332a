"""/ontology documents every class and property of ontology/sckg.ttl in three languages, serves the Turtle by
content negotiation, and shows the constraints, the schemes, example instances and the changelog."""
from __future__ import annotations

from markupsafe import escape
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[2]
SCKG = "https://w3id.org/sckg/ontology#"
ONTOLOGY = Graph().parse(ROOT / "ontology" / "sckg.ttl", format="turtle")
TERMS = sorted(s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
               for s in ONTOLOGY.subjects(RDF.type, t) if str(s).startswith(SCKG))


@pytest.fixture(scope="module")
def page(client_module):
    r = client_module.get("/ontology", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    return r.get_data(as_text=True)


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


def test_there_are_terms_to_document():
    assert len(TERMS) > 40


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t)[len(SCKG):])
def test_every_term_has_labels_and_definitions_in_three_languages(page, term):
    name = str(term)[len(SCKG):]
    assert f'id="{name}"' in page
    for lang in ("en", "fr", "es"):
        labels = [str(o) for o in ONTOLOGY.objects(term, RDFS.label) if o.language == lang]
        definitions = [str(o) for o in ONTOLOGY.objects(term, SKOS.definition) if o.language == lang]
        assert labels, f"{name} has no {lang} label in sckg.ttl"
        assert f'<td lang="{lang}"><strong>{escape(labels[0])}</strong></td>' in page
        if definitions:
            assert f'<td lang="{lang}">{escape(definitions[0])}</td>' in page


def test_version_iri_diagram_schemes_constraints_and_changelog(page):
    version = ONTOLOGY.value(URIRef("https://w3id.org/sckg/ontology"), OWL.versionIRI)
    assert str(version) in page
    assert 'class="model-diagram"' in page and ">sckg:Practice</text>" in page
    for scheme in ("axes", "regions", "sdgs"):
        assert f'id="scheme-{scheme}"' in page
    assert "Économie" in page and "Medio ambiente" in page
    assert "It <strong>must</strong> have <code>dct:title</code>" in page
    assert "It <strong>should</strong> have" in page
    assert 'id="changelog"' in page and "<h3>1.0.0 (2026-11-25)</h3>" in page


def test_example_instances_link_to_live_pages(page, client_module):
    assert 'href="/id/city/' in page and 'href="/id/practice/' in page
    start = page.index('href="/id/practice/') + len('href="')
    link = page[start:page.index('"', start)]
    assert client_module.get(link, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                         ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_ontology_by_content_negotiation(client_module, accept, fmt):
    r = client_module.get("/ontology", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept and "Accept" in r.headers["Vary"]
    g = Graph().parse(data=r.get_data(as_text=True), format=fmt)
    assert len(g) == len(ONTOLOGY)


def test_ontology_ttl(client_module):
    r = client_module.get("/ontology.ttl")
    assert r.mimetype == "text/turtle"
    assert r.get_data(as_text=True) == (ROOT / "ontology" / "sckg.ttl").read_text(encoding="utf-8")


def test_english_page_names_the_shapes_in_english(client_module):
    from rdflib import Literal
    sh = "http://www.w3.org/ns/shacl#"
    shapes = Graph()
    for path in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    names = {}
    for node in shapes.subjects(RDF.type, URIRef(sh + "NodeShape")):
        for o in shapes.objects(node, URIRef(sh + "name")):
            if isinstance(o, Literal):
                names.setdefault(node, {})[o.language] = str(o)
    names = {node: n for node, n in names.items() if {"en", "fr", "es"} <= set(n)}  # helper shapes: en only
    assert len(names) > 5
    r = client_module.get("/ontology", headers={"Accept": "text/html", "Accept-Language": "en"})
    page = r.get_data(as_text=True)
    headings = [h.split("<small>")[0].strip() for h in page.split("<h3>")[1:]]
    for by_lang in names.values():
        assert str(escape(by_lang["en"])) in headings
        for lang in ("fr", "es"):
            if by_lang[lang] != by_lang["en"]:
                assert str(escape(by_lang[lang])) not in headings


def test_shape_names_are_chosen_by_language_not_by_file_order(tmp_path):
    from app.ontology_model import _shapes
    (tmp_path / "core.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        'ex:City_Shape a sh:NodeShape ; sh:targetClass ex:City ; sh:name "Ville"@fr , "Ciudad"@es , "City"@en ;\n'
        "    sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
        'ex:Plain_Shape a sh:NodeShape ; sh:name "Plain" .\n', encoding="utf-8")
    (tmp_path / "recommended.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        "ex:Unnamed_Shape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:maxCount 1 ] .\n", encoding="utf-8")
    by_target = {s.target or s.name: s for s in _shapes(tmp_path)}
    city = by_target["https://example.org/City"]
    assert city.name == "City" and city.names == {"fr": "Ville", "es": "Ciudad", "en": "City"}
    assert by_target["Plain"].name == "Plain"
    assert by_target["https://example.org/Unnamed_Shape"].rules

"""``/ontology``: the documentation of the SCKG ontology, generated from ontology/*.ttl with our own templates,
and the ontology itself by content negotiation (``Accept: text/turtle``) or at ``/ontology.ttl``.

The page shows every class, property and concept scheme with labels and definitions in English, French and
Spanish, a diagram of the core model (SVG drawn by the template from the geometry computed here), the SHACL
constraints in plain words, example instances linking to their live pages, the version IRI and the changelog
(docs/ontology-changelog.md).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Graph

from app.ontology_model import Ontology, curie, read_ontology
from app.queries import load_queries, run_named
from app.store import get_store

bp = Blueprint("ontology_docs", __name__)
CHANGELOG = Path(__file__).resolve().parent.parent / "docs" / "ontology-changelog.md"
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}
#: the classes of the core model diagram, Practice in the middle
CORE = ("sckg:Practice", "sckg:City", "schema:Country", "sckg:Region", "sckg:StudyEdition", "sckg:Assessment",
        "sckg:Barrier", "sckg:Enabler", "sckg:SDG", "sckg:Axis", "org:Organization", "sckg:LearningEvent")


@dataclass
class Node:
    name: str
    x: float
    y: float


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    lx: float
    ly: float


def diagram(onto: Ontology, width: int = 900, height: int = 620) -> dict:
    """Boxes for the core classes on an ellipse around sckg:Practice, one arrow per (domain, range) pair of
    the ontology's object properties between them (labels of several properties joined)."""
    cx, cy = width / 2, height / 2
    nodes = {CORE[0]: Node(CORE[0], cx, cy)}
    ring = CORE[1:]
    for i, name in enumerate(ring):
        angle = 2 * math.pi * i / len(ring) - math.pi / 2
        nodes[name] = Node(name, cx + (width / 2 - 95) * math.cos(angle), cy + (height / 2 - 45) * math.sin(angle))
    pairs: dict[tuple[str, str], list[str]] = {}
    for p in onto.properties:
        if p.kind != "object property":
            continue
        for d in p.domains:
            for r in p.ranges:
                if d in nodes and r in nodes and d != r:
                    pairs.setdefault((d, r), []).append(p.name)
    edges = []
    for (d, r), names in sorted(pairs.items()):
        a, b = nodes[d], nodes[r]
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1
        sx, sy = a.x + dx / length * 40, a.y + dy / length * 20
        ex, ey = b.x - dx / length * 62, b.y - dy / length * 24
        edges.append(Edge(round(sx, 1), round(sy, 1), round(ex, 1), round(ey, 1), ", ".join(sorted(names)),
                          round((sx + ex) / 2, 1), round((sy + ey) / 2 - 3, 1)))
    return {"width": width, "height": height, "nodes": list(nodes.values()), "edges": edges}


def changelog(path: Path = CHANGELOG) -> list[dict]:
    """docs/ontology-changelog.md as blocks (heading, paragraph, list) of text segments; `code` marked.
    An installed copy has no docs/ folder: the ontology's own CHANGELOG.md (package data) is used instead."""
    if not path.exists():
        from ingest.resources import resource_dir
        path = resource_dir("ontology") / "CHANGELOG.md"
        if not path.exists():
            return []
    blocks: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append({"kind": "heading", "level": min(level + 1, 4), "parts": _inline(line.lstrip("# "))})
        elif line.lstrip().startswith(("- ", "* ")):
            if not blocks or blocks[-1]["kind"] != "list":
                blocks.append({"kind": "list", "items": []})
            blocks[-1]["items"].append(_inline(line.lstrip()[2:]))
        elif line.strip():
            if blocks and blocks[-1]["kind"] == "list" and line.startswith("  "):
                blocks[-1]["items"][-1] += [(False, " ")] + _inline(line.strip())
            elif blocks and blocks[-1]["kind"] == "paragraph":
                blocks[-1]["parts"] += [(False, " ")] + _inline(line.strip())
            else:
                blocks.append({"kind": "paragraph", "parts": _inline(line.strip())})
        elif blocks and blocks[-1]["kind"] == "paragraph":
            blocks.append({"kind": "break"})
    return [b for b in blocks if b["kind"] != "break"]


def _inline(text: str) -> list[tuple[bool, str]]:
    return [(i % 2 == 1, part) for i, part in enumerate(re.split(r"`([^`]*)`", text)) if part]


_examples_cache: dict = {}


def examples(store, onto: Ontology, per_class: int = 3) -> dict[str, list[dict]]:
    """Up to three instances of each class from the store (named query ``class-examples``), by class name."""
    key = (id(store), store.generation)
    if key not in _examples_cache:
        query = load_queries()["class-examples"]
        out = {}
        for term in onto.classes:
            first = {}  # one row per instance (one with labels in two other languages answers twice)
            for r in run_named(store, query, {"class": term.iri}):
                first.setdefault(str(r["instance"]), str(r.get("label", r["instance"])))
            out[term.name] = [{"iri": i, "label": label} for i, label in list(first.items())[:per_class]]
        _examples_cache.clear()
        _examples_cache[key] = out
    return _examples_cache[key]


def _wants_rdf() -> str | None:
    best = request.accept_mimetypes.best_match(["text/html", *RDF_TYPES])
    return best if best in RDF_TYPES and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"] \
        else None


def _rdf(onto: Ontology, media_type: str) -> Response:
    if media_type == "text/turtle":
        body = onto.turtle
    else:
        body = Graph().parse(data=onto.turtle, format="turtle").serialize(format=RDF_TYPES[media_type])
    resp = Response(body, mimetype=media_type)
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get("/ontology")
def page():
    onto = read_ontology()
    media_type = _wants_rdf()
    if media_type:
        return _rdf(onto, media_type)
    classes_by_name = {t.name: t for t in onto.classes}
    uses = {t.name: [p for p in onto.properties if curie(t.iri) in p.domains] for t in onto.classes}
    resp = Response(render_template("ontology/index.html", onto=onto, diagram=diagram(onto), uses=uses,
                                    examples=examples(get_store(), onto), changelog=changelog(),
                                    classes_by_name=classes_by_name, curie=curie,
                                    base=current_app.config.get("BASE_IRI", "")), mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = '</ontology.ttl>; rel="alternate"; type="text/turtle"'
    return resp


@bp.get("/ontology.ttl")
def turtle():
    return _rdf(read_ontology(), "text/turtle")


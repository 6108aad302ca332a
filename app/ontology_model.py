"""The ontology read for its documentation page: terms, schemes and shapes as plain data.

Everything comes from the Turtle files of ``ontology/`` (``sckg.ttl``, ``external.ttl``, ``vocab/*.ttl``,
``shapes/*.ttl``); the page (:mod:`app.ontology_docs`) only lays it out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from ingest.namespaces import PREFIXES, SCKG, curie
from ingest.shape_text import describe, english

LANGS = ("en", "fr", "es")
ONTOLOGY_IRI = URIRef("https://w3id.org/sckg/ontology")
#: shapes files and the severity of a constraint that does not state one
SEVERITY = {"core.shapes.ttl": "must", "links.shapes.ttl": "must", "recommended.shapes.ttl": "should"}


def _by_lang(g: Graph, s, p) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in g.objects(s, p):
        if isinstance(o, Literal):
            out.setdefault(o.language or "", str(o))
    return out


def _members(g: Graph, node) -> list:
    """A class expression's named classes: the node itself, or the members of an owl:unionOf."""
    if isinstance(node, URIRef):
        return [node]
    union = g.value(node, OWL.unionOf)
    return [m for m in Collection(g, union) if isinstance(m, URIRef)] if union is not None else []


@dataclass
class Term:
    iri: str
    name: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    parents: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Scheme:
    iri: str
    labels: dict[str, str]
    definition: str
    concepts: list[dict]


@dataclass
class Rule:
    severity: str
    path: str
    text: str
    message: str


@dataclass
class ShapeDoc:
    name: str
    target: str
    rules: list[Rule]
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class Ontology:
    iri: str
    version_iri: str
    version: str
    title: dict[str, str]
    description: dict[str, str]
    classes: list[Term]
    properties: list[Term]
    schemes: list[Scheme]
    shapes: list[ShapeDoc]
    turtle: str


def _term(g: Graph, s: URIRef, kind: str) -> Term:
    t = Term(str(s), str(s)[len(str(SCKG)):], kind, _by_lang(g, s, RDFS.label), _by_lang(g, s, SKOS.definition))
    t.parents = sorted(curie(o) for o in g.objects(s, RDFS.subClassOf) if isinstance(o, URIRef))
    t.domains = sorted(curie(m) for d in g.objects(s, RDFS.domain) for m in _members(g, d))
    t.ranges = sorted(curie(m) for r in g.objects(s, RDFS.range) for m in _members(g, r))
    for o in g.objects(s, OWL.inverseOf):
        t.notes.append(f"inverse of {curie(o)}")
    for s2 in g.subjects(OWL.inverseOf, s):
        t.notes.append(f"inverse of {curie(s2)}")
    for chain in g.objects(s, OWL.propertyChainAxiom):
        t.notes.append("follows the chain " + " then ".join(curie(m) for m in Collection(g, chain)))
    for char, word in ((OWL.SymmetricProperty, "symmetric"), (OWL.TransitiveProperty, "transitive"),
                       (OWL.FunctionalProperty, "functional (at most one value)")):
        if (s, RDF.type, char) in g:
            t.notes.append(word)
    return t


def _rule(g: Graph, ps, default: str) -> Rule:
    path = g.value(ps, SH.path)
    severity = {SH.Violation: "must", SH.Warning: "should", SH.Info: "may"}.get(
        g.value(ps, SH.severity), default)
    return Rule(severity, curie(path) if path is not None else "", describe(g, ps) or "checked",
                english(g, ps, SH.message) or "")


def _shapes(folder: Path) -> list[ShapeDoc]:
    shapes: dict[str, ShapeDoc] = {}
    for path in sorted(folder.glob("*.ttl")):
        g = Graph().parse(path, format="turtle")
        default = SEVERITY.get(path.name, "must")
        for node in g.subjects(RDF.type, SH.NodeShape):
            target = g.value(node, SH.targetClass)
            doc = shapes.setdefault(str(node), ShapeDoc(curie(node), curie(target) if target else "", []))
            for lang, text in _by_lang(g, node, SH.name).items():
                doc.names.setdefault(lang, text)
            # the English name, as the rules show the English messages; a plain name when there is none
            doc.name = doc.names.get("en") or doc.names.get("") or doc.name
            if target and not doc.target:
                doc.target = curie(target)
            doc.rules += sorted((_rule(g, ps, default) for ps in g.objects(node, SH.property)),
                                key=lambda r: (r.severity != "must", r.path))
    return sorted(shapes.values(), key=lambda s: s.name)


def _schemes(folder: Path) -> list[Scheme]:
    out = []
    for path in sorted(folder.glob("*.ttl")):
        g = Graph().parse(path, format="turtle")
        for s in g.subjects(RDF.type, SKOS.ConceptScheme):
            concepts = []
            for c in g.subjects(SKOS.inScheme, s):
                concepts.append({"iri": str(c), "labels": _by_lang(g, c, SKOS.prefLabel),
                                 "notation": str(g.value(c, SKOS.notation) or "")})
            concepts.sort(key=lambda c: (len(c["notation"]) if c["notation"].isdigit() else 0, c["notation"],
                                         c["labels"].get("en", c["iri"])))
            out.append(Scheme(str(s), _by_lang(g, s, SKOS.prefLabel),
                              _by_lang(g, s, SKOS.definition).get("en", ""), concepts))
    return out


@lru_cache(maxsize=4)
def _read(folder: str, stamp: tuple) -> Ontology:
    root = Path(folder)
    g = Graph().parse(root / "sckg.ttl", format="turtle")
    classes = sorted((_term(g, s, "class") for s in g.subjects(RDF.type, OWL.Class)
                      if isinstance(s, URIRef) and str(s).startswith(str(SCKG))), key=lambda t: t.name)
    props = []
    for kind, cls in (("object property", OWL.ObjectProperty), ("datatype property", OWL.DatatypeProperty),
                      ("annotation property", OWL.AnnotationProperty)):
        props += [_term(g, s, kind) for s in g.subjects(RDF.type, cls) if str(s).startswith(str(SCKG))]
    props.sort(key=lambda t: t.name)
    return Ontology(str(ONTOLOGY_IRI), str(g.value(ONTOLOGY_IRI, OWL.versionIRI) or ""),
                    str(g.value(ONTOLOGY_IRI, OWL.versionInfo) or ""), _by_lang(g, ONTOLOGY_IRI, RDFS.label),
                    _by_lang(g, ONTOLOGY_IRI, URIRef(PREFIXES["dct"] + "description")), classes, props,
                    _schemes(root / "vocab"), _shapes(root / "shapes"),
                    (root / "sckg.ttl").read_text(encoding="utf-8"))


def read_ontology(folder: Path | None = None) -> Ontology:
    """The documentation data of ``ontology/`` (re-read when a file changes)."""
    if folder is None:
        from ingest.resources import resource_dir
        folder = resource_dir("ontology")
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in Path(folder).rglob("*.ttl")))
    return _read(str(folder), stamp)

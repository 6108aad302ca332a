"""Concepts the study cites but only the vocabularies define: UCLG regions, axes, organisation kinds.

The SKOS files of ontology/vocab/ describe them. When a cited concept is missing there, a minimal
description (type, scheme, English label) is added to the study graph so no reference dangles, and a
warning says so.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ingest.namespaces import SCKG
from ingest.report import WARNING, Problem
from ingest.study import REGIONS

AXIS_LABELS = {
    "economy": ("Economy", "Économie", "Economía"),
    "mobility": ("Mobility", "Mobilité", "Movilidad"),
    "environment": ("Environment", "Environnement", "Medio ambiente"),
    "people": ("People", "Citoyens", "Ciudadanía"),
    "living": ("Living", "Qualité de vie", "Calidad de vida"),
    "governance": ("Governance", "Gouvernance", "Gobernanza"),
}
REGION_LABELS = {slug: label for label, slug in REGIONS.items()}

#: (kind in the IRI, property citing it, class, scheme slug)
CITED = (
    ("region", SCKG.region, SCKG.Region, "regions"),
    ("axis", SCKG.axis, SCKG.Axis, "axes"),
    ("org-kind", SCKG.kind, SCKG.OrganisationKind, "org-kinds"),
)


def _labels(kind: str, slug: str) -> list[Literal]:
    if kind == "axis" and slug in AXIS_LABELS:
        return [Literal(t, lang=lang) for t, lang in zip(AXIS_LABELS[slug], ("en", "fr", "es"))]
    if kind == "region" and slug in REGION_LABELS:
        return [Literal(REGION_LABELS[slug], lang="en")]
    return [Literal(slug.replace("-", " ").capitalize(), lang="en")]


def complete_concepts(data: Graph, vocab: Graph, base: str) -> tuple[Graph, list[Problem]]:
    """Minimal SKOS descriptions for concepts ``data`` cites that ``vocab`` lacks, and a warning for each."""
    out, problems = Graph(), []
    for kind, prop, cls, scheme in CITED:
        for concept in sorted(set(data.objects(None, prop)) | (set(data.subjects(SKOS.altLabel, None))
                                                               if kind == "axis" else set())):
            if not str(concept).startswith(f"{base}{kind}/") or (concept, RDF.type, None) in vocab:
                continue
            slug = str(concept).rsplit("/", 1)[-1]
            out.add((concept, RDF.type, cls))
            out.add((concept, SKOS.inScheme, URIRef(f"{base}scheme/{scheme}")))
            for label in _labels(kind, slug):
                out.add((concept, SKOS.prefLabel, label))
                out.add((concept, RDFS.label, label))
            problems.append(Problem("vocabulary", None, None, "missing-concept",
                                    f"{concept} is not described in ontology/vocab; a minimal description "
                                    f"was added to the study graph", WARNING))
    return out, problems

"""Resources of the browse UI: which kinds exist, where each IRI's page lives, and labels in a language.

Pages address local resources as ``/id/{kind}/{slug}`` (the IRI minus the configured base) and any other
IRI as ``/resource?iri=…``. Only http(s) IRIs ever become links.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app
from rdflib import Literal, URIRef

from app.i18n import pick_label
from app.store import get_store
from ingest.namespaces import DEFAULT_BASE, ORG, SCHEMA, SCKG

SDG_BASE = "http://metadata.un.org/sdg/"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")
LABEL_PREDICATES = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
                    "http://purl.org/dc/terms/title", "https://schema.org/name")


@dataclass(frozen=True)
class Kind:
    """A kind of resource with a list page: its IRI path segment, class and list route."""

    name: str      # path segment under the base: practice, city, …
    cls: str       # class IRI
    plural: str    # list page path: /practices
    facet: str | None = None  # the practice facet it filters, if any


KINDS = {k.name: k for k in (
    Kind("practice", str(SCKG.Practice), "practices"),
    Kind("city", str(SCKG.City), "cities", "city"),
    Kind("country", str(SCHEMA.Country), "countries", "country"),
    Kind("region", str(SCKG.Region), "regions", "region"),
    Kind("axis", str(SCKG.Axis), "axes", "axis"),
    Kind("edition", str(SCKG.StudyEdition), "editions", "edition"),
    Kind("barrier", str(SCKG.Barrier), "barriers", "barrier"),
    Kind("enabler", str(SCKG.Enabler), "enablers", "enabler"),
    Kind("sdg", str(SCKG.SDG), "sdgs", "sdg"),
    Kind("topic", str(SCKG.Topic), "topics", "topic"),
    Kind("org", str(ORG.Organization), "organisations", "partner"),
    Kind("event", str(SCKG.LearningEvent), "events", "event"),
)}
KIND_OF_CLASS = {k.cls: k for k in KINDS.values()}


def base_iri() -> str:
    return current_app.config.get("BASE_IRI") or DEFAULT_BASE


def iri_for(kind: str, slug: str) -> URIRef | None:
    """The IRI of ``kind``/``slug``, or None when the slug is not a well-formed identifier."""
    if not SLUG.match(slug or ""):
        return None
    if kind == "sdg":
        return URIRef(SDG_BASE + slug) if slug.isdigit() else None
    return URIRef(f"{base_iri()}{kind}/{slug}")


def slug_of(iri: str, kind: str) -> str | None:
    """The slug of a local IRI of ``kind`` (or an SDG number), else None."""
    prefix = SDG_BASE if kind == "sdg" else f"{base_iri()}{kind}/"
    if iri.startswith(prefix):
        rest = iri[len(prefix):]
        return rest if SLUG.match(rest) else None
    return None


def is_http(iri: str) -> bool:
    return isinstance(iri, str) and iri.lower().startswith(("http://", "https://"))


def page_url(iri: str, suffix: str = "") -> str | None:
    """Where SCKG shows this IRI: ``/id/…`` for local IRIs, ``/resource?iri=`` for others; None if not http(s)."""
    iri = str(iri)
    if not is_http(iri):
        return None
    base = base_iri()
    if iri.startswith(base):
        rest = iri[len(base):]
        if re.match(r"^[a-z-]+/[A-Za-z0-9._~-]+$", rest):
            return f"/id/{rest}{suffix}"
    query = {"iri": iri}
    if suffix:
        query["format"] = suffix.lstrip(".")
    return "/resource?" + urlencode(query)


def values_block(var: str, terms: Iterable[URIRef]) -> str:
    """``VALUES ?var { <a> <b> }`` with every term written by rdflib's ``n3()`` (never raw user text)."""
    return "VALUES ?" + var + " { " + " ".join(URIRef(str(t)).n3() for t in terms) + " }"


def labels(iris: Iterable, lang: str) -> dict[str, str]:
    """The best label of each IRI in ``lang`` (one query for all of them); IRIs without one are absent."""
    wanted = sorted({str(i) for i in iris if is_http(str(i))})
    if not wanted:
        return {}
    path = "|".join(URIRef(p).n3() for p in LABEL_PREDICATES)  # a path: far faster here than VALUES ?p
    text = "SELECT ?s ?l WHERE { " + values_block("s", wanted) + " ?s " + path + " ?l }"
    found: dict[str, list[Literal]] = {}
    for row in get_store().query(text):
        found.setdefault(str(row["s"]), []).append(row["l"])
    return {s: pick_label(ls, lang) for s, ls in found.items()}


def fallback_label(iri: str) -> str:
    """A readable name for an IRI without a label: its last path segment."""
    tail = re.split(r"[/#]", str(iri).rstrip("/"))[-1]
    return tail or str(iri)


def kind_of(types: Iterable[str]) -> Kind | None:
    for t in types:
        if str(t) in KIND_OF_CLASS:
            return KIND_OF_CLASS[str(t)]
    return None

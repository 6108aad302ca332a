"""The practice list: facets, filters, counts, sort and pagination, computed on the server.

The filter state lives in the URL (``/practices?axis=mobility&region=europe&page=2&sort=edition``); values
are slugs turned into IRIs by :func:`app.browse_terms.iri_for`. Filtering, counting and sorting run on the
facet index of :mod:`app.browse_index` (built from the store once per generation), most selective filter
first; the practices of a page are then read with one query whose IRIs are a ``VALUES`` block of ``n3()``
terms, never raw text. A facet's counts apply every filter except its own, so several values of one facet can
be chosen together (they are OR-ed; facets are AND-ed).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from rdflib import URIRef

from app import browse_index
from app.browse_terms import iri_for, slug_of, values_block
from app.errors import BadRequest
from app.i18n import pick_text
from app.store import get_store

PREFIX = "PREFIX sckg: <https://w3id.org/sckg/ontology#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"


@dataclass(frozen=True)
class Facet:
    name: str   # URL parameter
    kind: str   # kind of its values (for slugs and pages)
    path: str   # property path from a practice to a value (as app.browse_index.PATHS reads it)


FACETS = (
    Facet("axis", "axis", "sckg:axis"),
    Facet("region", "region", "sckg:city/sckg:region"),
    Facet("country", "country", "sckg:city/sckg:country"),
    Facet("city", "city", "sckg:city"),
    Facet("edition", "edition", "sckg:edition"),
    Facet("topic", "topic", "sckg:topic|sckg:suggestedTopic"),
    Facet("sdg", "sdg", "sckg:sdg|sckg:suggestedSDG"),
    Facet("barrier", "barrier", "sckg:barrier"),
    Facet("enabler", "enabler", "sckg:enabler"),
    Facet("partner", "org", "sckg:partner"),
    Facet("event", "event", "^sckg:featuresPractice"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}
SORTS = ("title", "edition", "-edition")


def parse_filters(args) -> dict[str, list[URIRef]]:
    """The chosen facet values from request args: ``{facet: [IRI, …]}``.

    :raises BadRequest: a value is not a well-formed identifier.
    """
    out: dict[str, list[URIRef]] = {}
    for facet in FACETS:
        for slug in args.getlist(facet.name):
            if not slug:
                continue
            iri = iri_for(facet.kind, slug)
            if iri is None:
                raise BadRequest(f"{slug!r} is not a valid {facet.name} identifier (letters, digits, '-', '.', '_')")
            if iri not in out.setdefault(facet.name, []):
                out[facet.name].append(iri)
    return out


def unfiltered_counts() -> dict[str, dict[str, int]]:
    """Practices per value of every facet, over all practices (from the facet index)."""
    return browse_index.current().all_counts


def facet_counts(filters: dict[str, list[URIRef]]) -> dict[str, dict[str, int]]:
    """For each facet, practices per value given every other facet's filter."""
    index = browse_index.current()
    out = {}
    for facet in FACETS:
        others = {k: v for k, v in filters.items() if k != facet.name and v}
        out[facet.name] = index.counts_given(facet.name, others)
    return out


def total(filters: dict[str, list[URIRef]]) -> int:
    index = browse_index.current()
    ids = index.matching(filters)
    return len(index.iris) if ids is None else len(ids)


def page(filters: dict[str, list[URIRef]], sort: str, offset: int, limit: int, lang: str = "en") -> list[dict]:
    """One page of practices: IRI, title, summary (in ``lang`` where they have it), city, edition, axes (IRIs,
    labels are looked up later)."""
    index = browse_index.current()
    iris = index.page(index.matching(filters), sort if sort in SORTS else "title", int(offset), int(limit))
    return details([URIRef(i) for i in iris], lang)


DETAILS = PREFIX + """SELECT ?p ?title ?summary ?city ?edition ?axis WHERE { %s
  OPTIONAL { ?p dct:title ?title } OPTIONAL { ?p dct:description ?summary } OPTIONAL { ?p sckg:city ?city }
  OPTIONAL { ?p sckg:edition ?edition } OPTIONAL { ?p sckg:axis ?axis } }"""


def details(iris: list, lang: str = "en") -> list[dict]:
    """Title and summary (the best for ``lang``, as :func:`app.i18n.pick_text` chooses, with their language),
    city, edition and axes of some practices, in the given order."""
    if not iris:
        return []
    by: dict[str, dict] = {str(i): {"iri": str(i), "title": None, "summary": None, "city": None,
                                    "edition": None, "axes": []} for i in iris}
    texts: dict[tuple[str, str], set] = {}
    for r in get_store().query(DETAILS % values_block("p", iris)):
        item = by[str(r["p"])]
        for key in ("city", "edition"):
            if key in r and item[key] is None:
                item[key] = str(r[key])
        for key in ("title", "summary"):
            if key in r:
                texts.setdefault((item["iri"], key), set()).add(r[key])
        if "axis" in r and str(r["axis"]) not in item["axes"]:
            item["axes"].append(str(r["axis"]))
    for (iri, key), found in texts.items():
        best = pick_text(found, lang)
        if best is not None:
            by[iri][key], by[iri][key + "_lang"] = best.text, best.lang
    return [by[str(i)] for i in iris]


def url_args(filters: dict[str, list[URIRef]]) -> list[tuple[str, str]]:
    """The filters as URL arguments (slugs)."""
    out = []
    for name, iris in filters.items():
        for iri in iris:
            slug = slug_of(str(iri), FACET_BY_NAME[name].kind)
            if slug:
                out.append((name, slug))
    return out


def page_size() -> int:
    return int(current_app.config.get("PAGE_SIZE", 20))

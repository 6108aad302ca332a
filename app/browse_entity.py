"""What an entity page shows: every statement about the resource, grouped by property, plus the sections
its kind adds (a practice's related practices, a city's assessments and events, a barrier's cities, …).

Every query binds the resource's IRI through ``store.query(…, bindings={"s": iri})``; the statements about it,
which may be any number, are capped at ``PAGE_TRIPLE_LIMIT`` each way and evaluated under the query timeout.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app
from rdflib import BNode, Literal, URIRef

from app import browse_facets as facets
from app import browse_index
from app.browse_terms import (
    LABEL_PREDICATES,
    fallback_label,
    is_http,
    kind_of,
    labels,
    page_url,
    slug_of,
)
from app.errors import ResourceNotFound
from app.i18n import Text, pick_text
from app.related import related_for
from app.sparql import query_terms
from app.sparql_text import bind_values
from app.store import get_store
from ingest.namespaces import GEO, OWL, RDF, RDFS, SCKG

P = "PREFIX sckg: <https://w3id.org/sckg/ontology#>\nPREFIX qb: <http://purl.org/linked-data/cube#>\n"
OUT = "SELECT ?p ?o WHERE { ?s ?p ?o }"
IN = "SELECT ?x ?p WHERE { ?x ?p ?s }"
TYPES = "SELECT ?o WHERE { ?s a ?o }"
ASSESSMENTS = P + """SELECT ?edition ?prop ?v WHERE { ?a sckg:city ?s ; sckg:edition ?edition .
  VALUES ?prop { sckg:reportsBarrier sckg:reportsEnabler } ?a ?prop ?v }"""
CITY_EVENTS = P + "SELECT DISTINCT ?e WHERE { ?e sckg:participant ?s }"
OBSERVATIONS = P + """SELECT ?obs ?p ?o WHERE { { ?obs sckg:city ?s } UNION { ?obs ?area ?s .
  FILTER(?area = <http://purl.org/linked-data/sdmx/2009/dimension#refArea>) } ?obs a qb:Observation ; ?p ?o }"""
FACING = P + """SELECT DISTINCT ?city ?edition WHERE { ?a ?prop ?s ; sckg:city ?city ; sckg:edition ?edition }"""
PRACTICES_WITH = P + "SELECT ?p ?other WHERE { ?p ?prop ?s . ?p a sckg:Practice OPTIONAL { ?p ?otherprop ?other } }"
EVENT_CITIES = P + "SELECT DISTINCT ?c WHERE { ?s sckg:participant ?c }"
EVENT_PRACTICES = P + "SELECT DISTINCT ?p WHERE { ?s sckg:featuresPractice ?p }"
ORG_EVENTS = P + "SELECT DISTINCT ?e WHERE { ?e sckg:organiser ?s }"
EDITION_CITIES = P + "SELECT DISTINCT ?c WHERE { ?c sckg:participatedIn ?s }"
#: the notes on the resource's texts in other languages: which property, which language, which kind
TEXT_NOTES = P + """SELECT ?p ?lang ?kind WHERE { ?n sckg:textOf ?s ; sckg:textProperty ?p ; sckg:textLanguage ?lang ;
  sckg:translationKind ?kind }"""
DCT = "http://purl.org/dc/terms/"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
#: the texts a page shows on top, each the best of its properties' literals (with the properties a note on it may
#: name: the title copied to rdfs:label is noted on dct:title or skos:prefLabel)
TEXTS = {
    "title": (LABEL_PREDICATES, (f"{DCT}title", f"{SKOS_NS}prefLabel", str(RDFS.label))),
    "description": ((f"{DCT}description", f"{SKOS_NS}definition"), (f"{DCT}description", f"{SKOS_NS}definition")),
    "theme": ((str(SCKG.theme),), (str(SCKG.theme),)),
}
HIDDEN_INCOMING = {str(RDF.type)}
#: the topics suggested for a practice, with the words of its texts that matched
SUGGESTIONS = P + """SELECT ?t ?w WHERE { ?n sckg:suggestionFor ?s ; sckg:suggests ?t ; sckg:matchedText ?w }"""


def _value(term, names: dict) -> dict:
    if isinstance(term, Literal):
        return {"literal": str(term), "lang": term.language, "datatype": str(term.datatype or "")}
    if isinstance(term, BNode):
        return {"literal": "_:" + str(term), "lang": None, "datatype": ""}
    iri = str(term)
    url = page_url(iri)
    fallback = fallback_label(iri) if url and url.startswith("/id/") else iri
    return {"iri": iri, "label": names.get(iri) or fallback, "url": url,
            "http": is_http(iri)}


def describe(iri: URIRef, lang: str) -> dict:
    """The page data of one resource.

    :raises ResourceNotFound: nothing in the store mentions the IRI.
    """
    limit = max(1, int(current_app.config.get("PAGE_TRIPLE_LIMIT") or 1000))
    out_rows, out_more = _statements(OUT, iri, limit)
    in_rows, in_more = _statements(IN, iri, limit)
    if not out_rows and not in_rows:
        raise ResourceNotFound(f"nothing in SCKG is about <{iri}>")
    if out_more:  # the types decide the page's kind: never lose them to the cap
        types = [str(r["o"]) for r in query_terms(TYPES, {"s": iri})[0]]
    else:
        types = [str(r["o"]) for r in out_rows if str(r["p"]) == str(RDF.type)]
    kind = kind_of(types)
    iris = {str(iri)} | {str(r["p"]) for r in out_rows} | {str(r["o"]) for r in out_rows if isinstance(r["o"], URIRef)}
    iris |= {str(r["x"]) for r in in_rows if isinstance(r["x"], URIRef)} | {str(r["p"]) for r in in_rows}
    names = labels(iris, lang)
    facts: dict[str, list] = {}
    for r in out_rows:
        facts.setdefault(str(r["p"]), []).append(_value(r["o"], names))
    incoming: dict[str, list] = {}
    for r in in_rows:
        if str(r["p"]) not in HIDDEN_INCOMING and isinstance(r["x"], URIRef):
            incoming.setdefault(str(r["p"]), []).append(_value(r["x"], names))
    literal_of = {p: [o for o in (r["o"] for r in out_rows if str(r["p"]) == p) if isinstance(o, Literal)]
                  for p in facts}
    texts = _texts(get_store(), iri, literal_of, lang)
    title = texts.get("title") or Text(names.get(str(iri)) or fallback_label(str(iri)))
    data = {
        "iri": str(iri), "label": title.text, "title": title, "kind": kind.name if kind else None, "types": types,
        "facts": _grouped(facts, names), "incoming": _grouped(incoming, names),
        "description": texts.get("description"), "theme": texts.get("theme"),
        "same_as": [v for v in facts.get(str(OWL.sameAs), []) if v.get("http")],
        "sections": [], "point": _point(literal_of),
        "more": {"limit": limit, "out": out_more, "in": in_more,
                 "out_query": "/query?" + urlencode({"query": bind_values(OUT, {"s": iri})}),
                 "in_query": "/query?" + urlencode({"query": bind_values(IN, {"s": iri})})}
        if out_more or in_more else None,
    }
    add = SECTIONS.get(data["kind"])
    if add:
        add(iri, data, lang)
    if kind and kind.facet:
        data["practices"] = _practices_of(kind.facet, iri, lang)
    return data


def _statements(text: str, iri: URIRef, limit: int) -> tuple[list[dict], bool]:
    """The first ``limit`` rows of a statement query about ``iri``, and whether there are more. Evaluated as
    ``/sparql`` evaluates a query (:func:`app.sparql.query_terms`: a killable worker and the query timeout)."""
    rows, truncated = query_terms(f"{text} LIMIT {limit + 1:d}", {"s": iri})
    return rows[:limit], truncated or len(rows) > limit


def _texts(store, iri: URIRef, literal_of: dict, lang: str) -> dict[str, Text]:
    """The title, description and theme to show a reader of ``lang`` (see :data:`TEXTS`), each marked
    ``editorial`` when a note says the SCKG editors translated it."""
    editorial = {(str(r["p"]), str(r["lang"])) for r in store.query(TEXT_NOTES, bindings={"s": iri})
                 if str(r["kind"]) == str(SCKG.EditorialTranslation)}
    out = {}
    for key, (props, noted) in TEXTS.items():
        found = pick_text([o for p in props for o in literal_of.get(p, [])], lang)
        if found is not None:
            marked = any((p, found.lang) in editorial for p in noted)
            out[key] = Text(found.text, found.lang, marked)
    return out


def _grouped(by_prop: dict, names: dict) -> list[dict]:
    groups = [{"iri": p, "label": names.get(p) or fallback_label(p), "values": vs} for p, vs in by_prop.items()]
    for g in groups:
        g["values"].sort(key=lambda v: (v.get("label") or v.get("literal") or "").lower())
    return sorted(groups, key=lambda g: g["label"].lower())


def _point(literal_of: dict) -> dict | None:
    try:
        lat = float(literal_of[str(GEO.lat)][0])
        lon = float(literal_of[str(GEO.long)][0])
    except (KeyError, IndexError, ValueError):
        return None
    return {"lat": lat, "long": lon}


def _practices_of(facet: str, iri: URIRef, lang: str, limit: int = 50) -> dict:
    """The practices with this value, those that state it first, then those it is only suggested for (marked)."""
    filters = {facet: [iri]}
    index = browse_index.current()
    ids = index.matching(filters) or set()
    only = index.suggested.get(facet, {}).get(str(iri), set()) & ids
    first = index.page(ids - only, "edition", 0, limit)
    rest = index.page(only, "edition", 0, limit - len(first)) if only and len(first) < limit else []
    items = facets.details([URIRef(i) for i in first + rest], lang)
    names = labels([x for it in items for x in (it["city"], it["edition"]) if x], lang)
    for it in items[len(first):]:
        it["suggested"] = True
    for it in items:
        it["city_label"] = names.get(it["city"] or "", "")
        it["edition_label"] = names.get(it["edition"] or "", "")
    kind = facets.FACET_BY_NAME[facet].kind
    return {"items": items, "total": len(ids), "suggested": len(only), "facet": facet,
            "slug": slug_of(str(iri), kind)}


def _links(iris, lang: str) -> list[dict]:
    names = labels(iris, lang)
    return sorted((_value(URIRef(i), names) for i in set(map(str, iris))), key=lambda v: v["label"].lower())


def _section(data: dict, title: str, items: list[dict], notes: dict | None = None) -> None:
    data["sections"].append({"title": title, "items": items, "notes": notes or {}})


def _practice(iri, data, lang):
    by_topic: dict[str, list] = {}
    for r in get_store().query(SUGGESTIONS, bindings={"s": iri}):
        by_topic.setdefault(str(r["t"]), []).append(r["w"])
    names = labels(by_topic, lang)
    data["suggested_topics"] = sorted(({**_value(URIRef(t), names), "words": _words(ws, lang)}
                                       for t, ws in by_topic.items()), key=lambda v: v["label"].lower())
    found = related_for(get_store(), str(iri), lang)
    names = {r["iri"]: r["label"] for r in found}
    data["related"] = [{**_value(URIRef(r["iri"]), names), "score": r["score"], "reasons": r["reasons"]}
                       for r in found]


def _words(literals, lang: str) -> list[dict]:
    """The matched wordings a reader of ``lang`` sees: those in that language, else the English ones, else all."""
    by_lang: dict[str, list[str]] = {}
    for w in literals:
        by_lang.setdefault(getattr(w, "language", None) or "", []).append(str(w))
    for key in (lang, "en"):
        if by_lang.get(key):
            return [{"literal": w, "lang": key} for w in sorted(set(by_lang[key]), key=str.lower)]
    return [{"literal": w, "lang": k} for k, ws in sorted(by_lang.items()) for w in sorted(set(ws), key=str.lower)]


def _topic(iri, data, lang):
    """A topic's place in the vocabulary (broader, narrower, axes, SDGs) and its other names in ``lang``."""
    facts = {g["iri"]: g["values"] for g in data["facts"]}
    data["topic"] = {"axes": facts.get(str(SCKG.topicAxis), []), "sdgs": facts.get(str(SCKG.servesSDG), []),
                     "broader": facts.get(SKOS_NS + "broader", []), "narrower": facts.get(SKOS_NS + "narrower", []),
                     "also": [v for v in facts.get(SKOS_NS + "altLabel", []) if v.get("lang") == lang]}


def _city(iri, data, lang):
    store = get_store()
    by_edition: dict[str, dict] = {}
    for r in store.query(ASSESSMENTS, bindings={"s": iri}):
        key = "barriers" if str(r["prop"]).endswith("reportsBarrier") else "enablers"
        by_edition.setdefault(str(r["edition"]), {"barriers": set(), "enablers": set()})[key].add(str(r["v"]))
    names = labels([str(e) for e in by_edition] + [v for d in by_edition.values() for s in d.values() for v in s], lang)
    data["assessments"] = [{"edition": _value(URIRef(e), names),
                            "barriers": [_value(URIRef(b), names) for b in sorted(d["barriers"])],
                            "enablers": [_value(URIRef(x), names) for x in sorted(d["enablers"])]}
                           for e, d in sorted(by_edition.items())]
    events = [r["e"] for r in store.query(CITY_EVENTS, bindings={"s": iri})]
    if events:
        from flask_babel import gettext as _
        _section(data, _("Learning meetings"), _links(events, lang))
    obs: dict[str, dict] = {}
    for r in store.query(OBSERVATIONS, bindings={"s": iri}):
        obs.setdefault(str(r["obs"]), {})[str(r["p"])] = r["o"]
    data["observations"] = obs


def _facing(iri, data, lang, prop: str, other: str):
    """Cities that report ``prop`` = this concept, and practices with it plus the ``other`` concepts they used."""
    from flask_babel import gettext as _
    store = get_store()
    cities = store.query(FACING, bindings={"s": iri, "prop": URIRef(str(SCKG) + prop)})
    names = labels([str(r["city"]) for r in cities] + [str(r["edition"]) for r in cities], lang)
    data["cities"] = sorted(({"city": _value(r["city"], names), "edition": _value(r["edition"], names)}
                             for r in cities), key=lambda x: (x["city"]["label"].lower(), x["edition"]["iri"]))
    rows = store.query(PRACTICES_WITH, bindings={"s": iri, "prop": URIRef(str(SCKG) + data["kind"]),
                                                 "otherprop": URIRef(str(SCKG) + other)})
    by: dict[str, set] = {}
    for r in rows:
        by.setdefault(str(r["p"]), set()).update([str(r["other"])] if "other" in r else [])
    names = labels(list(by) + [o for s in by.values() for o in s], lang)
    data["pairs"] = sorted(({"practice": _value(URIRef(p), names),
                             "others": [_value(URIRef(o), names) for o in sorted(os)]} for p, os in by.items()),
                           key=lambda x: x["practice"]["label"].lower())
    data["pairs_title"] = _("Enablers used against it") if other == "enabler" else _("Barriers faced by these practices")


def _edition(iri, data, lang):
    from flask_babel import gettext as _
    cities = [r["c"] for r in get_store().query(EDITION_CITIES, bindings={"s": iri})]
    _section(data, _("Participating cities"), _links(cities, lang))


def _org(iri, data, lang):
    from flask_babel import gettext as _
    events = [r["e"] for r in get_store().query(ORG_EVENTS, bindings={"s": iri})]
    if events:
        _section(data, _("Learning meetings organised"), _links(events, lang))


def _event(iri, data, lang):
    from flask_babel import gettext as _
    store = get_store()
    practices = [r["p"] for r in store.query(EVENT_PRACTICES, bindings={"s": iri})]
    cities = [r["c"] for r in store.query(EVENT_CITIES, bindings={"s": iri})]
    if cities:
        _section(data, _("Participating cities"), _links(cities, lang))
    if practices and "practices" not in data:
        _section(data, _("Practices presented"), _links(practices, lang))


SECTIONS = {
    "practice": _practice,
    "topic": _topic,
    "city": _city,
    "barrier": lambda iri, data, lang: _facing(iri, data, lang, "reportsBarrier", "enabler"),
    "enabler": lambda iri, data, lang: _facing(iri, data, lang, "reportsEnabler", "barrier"),
    "edition": _edition,
    "org": _org,
    "event": _event,
}

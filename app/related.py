"""Related practices: for every practice, the practices that share the most with it, and why.

Two practices are related when they share features: barriers faced, enablers used, SDGs, axis, partner
organisations, learning events that featured both, or their place (same city, country or UCLG region).
Each shared feature adds an IDF-like weight (``kind weight × log(1 + N / df)``), so a barrier that three
practices share counts far more than a region shared by thousands.

The work is linear in the data, never all-pairs: an inverted index (feature → practices) yields the
candidates of each practice, rarest features first; features held by more than ``COMMON_SHARE`` of the
practices are left out of candidate generation (they still add to the score of candidates found otherwise),
long posting lists are read through a deterministic sample of ``SAMPLE``, and a practice stops gathering
candidates at ``BUDGET``. Each candidate's score is then exact; the best ``TOP_K`` are kept.

The result is materialised in its own graph, :data:`GRAPH`, as ``practice sckg:relatedPractice practice``
plus one ``sckg:Relatedness`` node per pair (``sckg:from``, ``sckg:to``, ``sckg:score``, ``sckg:reason``
in en/fr/es, one literal per language such as "also faced: Lack of funding · same city: Bilbao", and
``sckg:sharedFeature`` for each item the reason names; of the places only the most specific is named), and
replaced as a whole on every ingest. :func:`related_for` reads it back for the practice pages.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from ingest.namespaces import DEFAULT_BASE, GRAPH_BASE, SCKG

GRAPH = GRAPH_BASE + "inferred/related"
TOP_K = 10
#: a feature held by more than this share of the practices does not generate candidates
COMMON_SHARE = 0.05
#: at most this many practices are read from one posting list when generating candidates
SAMPLE = 32
#: stop generating candidates for a practice once this many are found
BUDGET = 64
LANGS = ("en", "fr", "es")
SEPARATOR = " · "

#: kind → (weight, {lang: reason prefix}); the order is the order reasons are shown in
KINDS: dict[str, tuple[float, dict[str, str]]] = {
    "barrier": (1.0, {"en": "also faced: ", "fr": "a aussi rencontré : ", "es": "también enfrentó: "}),
    "enabler": (1.0, {"en": "also used: ", "fr": "a aussi mobilisé : ", "es": "también usó: "}),
    "partner": (0.9, {"en": "same partners: ", "fr": "mêmes partenaires : ", "es": "mismos socios: "}),
    "event": (0.8, {"en": "presented at the same event: ", "fr": "présentée au même événement : ",
                    "es": "presentada en el mismo evento: "}),
    "sdg": (0.6, {"en": "same SDGs: ", "fr": "mêmes ODD : ", "es": "mismos ODS: "}),
    "axis": (0.5, {"en": "same axis: ", "fr": "même axe : ", "es": "mismo eje: "}),
    "city": (0.8, {"en": "same city: ", "fr": "même ville : ", "es": "misma ciudad: "}),
    "country": (0.4, {"en": "same country: ", "fr": "même pays : ", "es": "mismo país: "}),
    "region": (0.2, {"en": "same region: ", "fr": "même région : ", "es": "misma región: "}),
}
_PLACES = ("city", "country", "region")

_S = str(SCKG)
FEATURES_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
SELECT ?p ?k ?f WHERE {
  ?p a sckg:Practice .
  { ?p sckg:barrier ?f BIND("barrier" AS ?k) } UNION { ?p sckg:enabler ?f BIND("enabler" AS ?k) }
  UNION { ?p sckg:sdg ?f BIND("sdg" AS ?k) } UNION { ?p sckg:axis ?f BIND("axis" AS ?k) }
  UNION { ?p sckg:partner ?f BIND("partner" AS ?k) } UNION { ?f sckg:featuresPractice ?p BIND("event" AS ?k) }
  UNION { ?p sckg:city ?f BIND("city" AS ?k) }
  UNION { ?p sckg:city ?c . ?c sckg:country ?f BIND("country" AS ?k) }
  UNION { ?p sckg:city ?c . ?c sckg:region ?f BIND("region" AS ?k) }
}"""
LABELS_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?f ?l WHERE {
  { ?p a sckg:Practice . { ?p sckg:barrier|sckg:enabler|sckg:sdg|sckg:axis|sckg:partner|sckg:city ?f }
    UNION { ?f sckg:featuresPractice ?p } }
  UNION { ?c a sckg:City . ?c sckg:country|sckg:region ?f }
  ?f skos:prefLabel|rdfs:label ?l
}"""


def select_rows(store, text: str) -> list[tuple]:
    """Rows of a SELECT as tuples of (value, language) pairs, straight from the engine where embedded."""
    if getattr(store, "embedded", False):
        res = store.read_store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        out = []
        for sol in res:
            out.append(tuple((t.value, getattr(t, "language", None)) if t is not None else (None, None)
                             for t in (sol[n] for n in names)))
        return out
    keys = re.search(r"SELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s*)+)", text).group(1).replace("?", "").split()
    return [tuple((str(row[k]), getattr(row[k], "language", None)) if k in row else (None, None) for k in keys)
            for row in store.query(text)]


def read_features(store) -> tuple[list[str], list[set[int]], list[tuple[str, str]]]:
    """(practice IRIs, feature ids per practice, (kind, IRI) per feature id) from one SELECT."""
    practices: dict[str, int] = {}
    features: dict[tuple[str, str], int] = {}
    held: list[set[int]] = []
    for (p, _), (k, _), (f, _) in select_rows(store, FEATURES_QUERY):
        i = practices.get(p)
        if i is None:
            i = practices[p] = len(held)
            held.append(set())
        key = (k, f)
        j = features.get(key)
        if j is None:
            j = features[key] = len(features)
        held[i].add(j)
    return list(practices), held, list(features)


def read_labels(store) -> dict[str, dict[str, str]]:
    """IRI → {language: label} for every feature; untagged labels are stored under ``""``."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for (f, _), (text, lang) in select_rows(store, LABELS_QUERY):
        labels[f].setdefault(lang or "", text)
    return labels


def label_in(labels: Mapping[str, str], lang: str, iri: str) -> str:
    """The label in ``lang``, else English, else untagged, else any, else the IRI's last segment."""
    for key in (lang, "en", ""):
        if key in labels:
            return labels[key]
    return next(iter(labels.values()), iri.rstrip("/").rsplit("/", 1)[-1])


def rank(held: list[set[int]], kinds: list[str], *, k: int = TOP_K) -> list[list[tuple[float, int]]]:
    """Top-k ``(score, other)`` per practice, best first (ties by index). Linear in the shared features."""
    n = len(held)
    df = [0] * len(kinds)
    postings: list[list[int]] = [[] for _ in kinds]
    for i, fs in enumerate(held):
        for f in fs:
            df[f] += 1
            postings[f].append(i)
    weight = [KINDS[kind][0] * math.log(1.0 + n / d) if d else 0.0 for kind, d in zip(kinds, df)]
    cap = max(SAMPLE, int(COMMON_SHARE * n))
    out: list[list[tuple[float, int]]] = []
    for i, fs in enumerate(held):
        candidates: set[int] = set()
        for f in sorted(fs, key=df.__getitem__):
            if df[f] < 2 or df[f] > cap:
                continue
            plist = postings[f]
            if len(plist) > SAMPLE:  # a deterministic window that moves with the practice
                start = (i * 7919) % len(plist)
                plist = plist[start:start + SAMPLE] + plist[:max(0, start + SAMPLE - len(plist))]
            candidates.update(plist)
            if len(candidates) >= BUDGET:
                break
        candidates.discard(i)
        scores = {j: sum([weight[f] for f in fs & held[j]]) for j in candidates}
        best = heapq.nsmallest(k, scores, key=lambda j: (-scores[j], j))
        out.append([(scores[j], j) for j in best])
    return out


def feature_names(kinds_iris: list[tuple[str, str]], labels: Mapping[str, Mapping[str, str]]) -> list[dict]:
    """{language: label} for every feature id, in the three languages."""
    return [{lang: label_in(labels.get(iri, {}), lang, iri) for lang in LANGS} for _, iri in kinds_iris]


_KIND_RANK = {kind: n for n, kind in enumerate(KINDS)}
_PLACE_RANKS = {_KIND_RANK[p] for p in _PLACES}
_KIND_LIST = list(KINDS.values())


def reasons(shared: set[int], kinds_iris: list[tuple[str, str]], names: list[dict],
            pieces: dict | None = None) -> tuple[dict, list[int]]:
    """Why two practices are related: ``({lang: "also faced: X · also used: Y"}, named feature ids)``.

    Reasons come in the order of :data:`KINDS`; of the places only the most specific shared one is named
    (same city implies same country and region). ``pieces`` caches the wording of single features.
    """
    by_kind: dict[int, list[int]] = {}
    for f in shared:
        by_kind.setdefault(_KIND_RANK[kinds_iris[f][0]], []).append(f)
    places = sorted(_PLACE_RANKS & by_kind.keys())
    for extra in places[1:]:
        del by_kind[extra]
    pieces = {} if pieces is None else pieces
    texts: list[tuple[str, ...]] = []
    named: list[int] = []
    for rank_ in sorted(by_kind):
        fs = by_kind[rank_]
        named += fs
        key = fs[0] if len(fs) == 1 else tuple(sorted(fs))
        piece = pieces.get(key)
        if piece is None:
            prefixes = _KIND_LIST[rank_][1]
            piece = pieces[key] = tuple(prefixes[lang] + ", ".join(sorted(names[f][lang] for f in fs))
                                        for lang in LANGS)
        texts.append(piece)
    return {lang: SEPARATOR.join(t[n] for t in texts) for n, lang in enumerate(LANGS)}, named


def _reason_terms(texts: dict, named: list[int], feature_nodes: list) -> tuple[list, list]:
    return [ox.Literal(t, language=lang) for lang, t in texts.items()], [feature_nodes[f] for f in named]


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def build(practices, held, kinds_iris, ranking, labels, base: str = DEFAULT_BASE) -> list[ox.Triple]:
    """The triples of :data:`GRAPH` for a ranking, as a list."""
    return list(iter_triples(practices, held, kinds_iris, ranking, labels, base))


def iter_triples(practices, held, kinds_iris, ranking, labels, base: str = DEFAULT_BASE) -> Iterator[ox.Triple]:
    """The triples of :data:`GRAPH` for a ranking, practice by practice (the store holds one copy only)."""
    s = _S
    related, cls = ox.NamedNode(s + "relatedPractice"), ox.NamedNode(s + "Relatedness")
    p_from, p_to, p_score = ox.NamedNode(s + "from"), ox.NamedNode(s + "to"), ox.NamedNode(s + "score")
    p_reason, p_shared = ox.NamedNode(s + "reason"), ox.NamedNode(s + "sharedFeature")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    nodes = [ox.NamedNode(p) for p in practices]
    slugs = [_slug(p) for p in practices]
    feature_nodes = [ox.NamedNode(iri) for _, iri in kinds_iris]
    names = feature_names(kinds_iris, labels)
    Triple, Literal, NamedNode = ox.Triple, ox.Literal, ox.NamedNode
    memo: dict[frozenset, tuple] = {}
    pieces: dict = {}
    for i, top in enumerate(ranking):
        src = nodes[i]
        prefix = f"{base}relatedness/{slugs[i]}--"
        out: list[ox.Triple] = []
        for score, j in top:
            dst = nodes[j]
            node = NamedNode(prefix + slugs[j])
            shared = frozenset(held[i] & held[j])
            cached = memo.get(shared)
            if cached is None:
                if len(memo) > 500_000:
                    memo.clear()
                cached = memo[shared] = _reason_terms(*reasons(shared, kinds_iris, names, pieces), feature_nodes)
            texts, named = cached
            out += (Triple(src, related, dst), Triple(node, a, cls), Triple(node, p_from, src),
                    Triple(node, p_to, dst), Triple(node, p_score, Literal(f"{score:.4f}", datatype=decimal)))
            out += [Triple(node, p_shared, f) for f in named]
            out += [Triple(node, p_reason, text) for text in texts]
        yield from out


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Recompute every practice's related practices and replace :data:`GRAPH` with them.

    :raises StoreError: the store failed while reading or writing.
    """
    practices, held, kinds_iris = read_features(store)
    ranking = rank(held, [k for k, _ in kinds_iris])
    labels = read_labels(store)
    base = str(config.get("BASE_IRI") or DEFAULT_BASE)
    written = store.replace_graph(GRAPH, iter_triples(practices, held, kinds_iris, ranking, labels, base))
    return {"practices": len(practices), "pairs": sum(len(t) for t in ranking), "triples": written}


RELATED_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?to ?score ?reason ?label WHERE {
  GRAPH <https://w3id.org/sckg/graph/inferred/related> {
    ?r sckg:from ?from ; sckg:to ?to ; sckg:score ?score .
    OPTIONAL { ?r sckg:reason ?reason }
  }
  OPTIONAL { ?to rdfs:label ?label }
}"""


def related_for(store, practice_iri: str, lang: str = "en", limit: int = TOP_K) -> list[dict]:
    """The related practices of one practice, best first: ``[{iri, label, score, reasons}]``.

    Labels are in ``lang`` (else English, else any); reasons are in ``lang`` (English for other languages).

    :raises StoreError: the store failed while reading.
    """
    lang = lang if lang in LANGS else "en"
    rows = store.query(RELATED_QUERY, {"from": URIRef(practice_iri)})
    found: dict[str, dict] = {}
    for row in rows:
        iri = str(row["to"])
        item = found.setdefault(iri, {"iri": iri, "score": float(row["score"].toPython()),
                                      "labels": {}, "reasons": set()})
        if "reason" in row and row["reason"].language == lang:
            item["reasons"].update(str(row["reason"]).split(SEPARATOR))
        if "label" in row:
            item["labels"].setdefault(row["label"].language or "", str(row["label"]))
    order = {prefixes[lang]: n for n, (_, prefixes) in enumerate(KINDS.values())}

    def position(text: str) -> int:
        return next((n for prefix, n in order.items() if text.startswith(prefix)), len(order))

    out = [{"iri": it["iri"], "label": label_in(it["labels"], lang, it["iri"]), "score": it["score"],
            "reasons": sorted(it["reasons"], key=lambda t: (position(t), t))} for it in found.values()]
    out.sort(key=lambda d: (-d["score"], d["label"]))
    return out[:max(0, int(limit))]

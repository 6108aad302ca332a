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
plus one ``sckg:Relatedness`` node per pair (``sckg:from``, ``sckg:to``, ``sckg:score``, and one
``sckg:sharedFeature`` for each item the reason names; of the places only the most specific is named). The
reasons are those links: :func:`related_for` words them ("also faced: Lack of funding · same city: Bilbao")
in the reader's language from each feature's kind and label, so the graph holds no text to keep in step with
the labels. The graph is written as one N-Triples file and handed to the store whole on every ingest.
"""
from __future__ import annotations

import heapq
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from app.i18n import pick_label
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
#: the practice's own features: kind → property of the practice (``event`` is the inverse featuresPractice)
_DIRECT = ("barrier", "enabler", "sdg", "axis", "partner", "city")

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


def _feature_rows(store):
    """``(practice, kind, feature)`` IRI triples: SPARQL on any store; on the embedded one, straight from the
    engine's indexes (several times faster than decoding a 9-way UNION)."""
    engine = store.read_view()
    if engine is None:
        for row in store.query(FEATURES_QUERY):
            yield str(row["p"]), str(row["k"]), str(row["f"])
        return

    def pairs(predicate: str):
        for q in engine.quads_for_pattern(None, ox.NamedNode(_S + predicate), None):
            yield q.subject.value, q.object.value

    kind_of_practice = ox.NamedNode(_S + "Practice")
    practices = {q.subject.value for q in engine.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), kind_of_practice)}
    city_of: dict[str, set[str]] = {}
    for kind in _DIRECT:
        for p, f in pairs(kind):
            if p in practices:
                yield p, kind, f
                if kind == "city":
                    city_of.setdefault(f, set()).add(p)
    for event, p in pairs("featuresPractice"):
        if p in practices:
            yield p, "event", event
    for kind in ("country", "region"):
        for city, f in pairs(kind):
            for p in city_of.get(city, ()):
                yield p, kind, f


def read_features(store) -> tuple[list[str], list[set[int]], list[tuple[str, str]]]:
    """(practice IRIs, feature ids per practice, (kind, IRI) per feature id)."""
    practices: dict[str, int] = {}
    features: dict[tuple[str, str], int] = {}
    held: list[set[int]] = []
    for p, k, f in _feature_rows(store):
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


def label_in(labels: Mapping[str, str], lang: str, iri: str) -> str:
    """The label in ``lang`` as :func:`app.i18n.pick_label` chooses it, else the IRI's last segment."""
    return pick_label(labels, lang) or iri.rstrip("/").rsplit("/", 1)[-1]


class Index:
    """The inverted index of the features: who holds each, and what sharing it weighs."""

    def __init__(self, held: list[set[int]], kinds: list[str]):
        n = len(held)
        self.held = held
        self.df = [0] * len(kinds)
        self.postings: list[list[int]] = [[] for _ in kinds]
        for i, fs in enumerate(held):
            for f in fs:
                self.df[f] += 1
                self.postings[f].append(i)
        self.weight = [KINDS[kind][0] * math.log(1.0 + n / d) if d else 0.0 for kind, d in zip(kinds, self.df)]
        self.cap = max(SAMPLE, int(COMMON_SHARE * n))

    def top(self, i: int, k: int = TOP_K) -> list[tuple[float, int]]:
        """The best ``(score, other)`` of practice ``i``, best first (ties by index)."""
        held, df, fs = self.held, self.df, self.held[i]
        candidates: set[int] = set()
        for f in sorted(fs, key=df.__getitem__):
            if df[f] < 2 or df[f] > self.cap:
                continue
            plist = self.postings[f]
            if len(plist) > SAMPLE:  # a deterministic window that moves with the practice
                start = (i * 7919) % len(plist)
                plist = plist[start:start + SAMPLE] + plist[:max(0, start + SAMPLE - len(plist))]
            candidates.update(plist)
            if len(candidates) >= BUDGET:
                break
        candidates.discard(i)
        weight = self.weight
        scores = {j: sum([weight[f] for f in fs & held[j]]) for j in candidates}
        best = heapq.nsmallest(k, scores, key=lambda j: (-scores[j], j))
        return [(scores[j], j) for j in best]


def rank(held: list[set[int]], kinds: list[str], *, k: int = TOP_K) -> list[list[tuple[float, int]]]:
    """Top-k ``(score, other)`` per practice, best first (ties by index). Linear in the shared features."""
    index = Index(held, kinds)
    return [index.top(i, k) for i in range(len(held))]


_KIND_RANK = {kind: n for n, kind in enumerate(KINDS)}
_PLACE_RANKS = {_KIND_RANK[p] for p in _PLACES}
_KIND_LIST = list(KINDS.values())


def named(shared, kinds: list[str]) -> dict[int, list[int]]:
    """The shared features a reason names, by kind rank: every kind, but of the places only the most
    specific one (same city implies same country and region)."""
    by_kind: dict[int, list[int]] = {}
    for f in shared:
        by_kind.setdefault(_KIND_RANK[kinds[f]], []).append(f)
    for extra in sorted(_PLACE_RANKS & by_kind.keys())[1:]:
        del by_kind[extra]
    return by_kind


def reasons(shared, kinds: list[str], names: list[str], lang: str) -> list[str]:
    """Why two practices are related, in ``lang``: ``["also faced: X", "same city: Y"]`` in the order of
    :data:`KINDS`; ``names[f]`` is feature ``f``'s label in that language."""
    by_kind = named(shared, kinds)
    return [_KIND_LIST[r][1][lang] + ", ".join(sorted(names[f] for f in by_kind[r])) for r in sorted(by_kind)]


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Recompute every practice's related practices and replace :data:`GRAPH` with them.

    The graph is written to an N-Triples file and handed over whole; the store changes the graph by the
    difference.

    :raises StoreError: the store failed while reading or writing.
    """
    from app.related_graph import write_graph
    practices, held, kinds_iris = read_features(store)
    base = str(config.get("BASE_IRI") or DEFAULT_BASE)
    with tempfile.TemporaryDirectory(prefix="related-") as tmp:
        path = Path(tmp) / "related.nt"
        pairs, written = write_graph(path, practices, held, kinds_iris, Index(held, [k for k, _ in kinds_iris]), base)
        total = store.replace_graph(GRAPH, path)
    return {"practices": len(practices), "pairs": pairs, "triples": total, "written": written}


_P = "PREFIX sckg: <https://w3id.org/sckg/ontology#>\n"
RELATED_QUERY = _P + """SELECT ?to ?score ?f WHERE {
  GRAPH <https://w3id.org/sckg/graph/inferred/related> {
    ?r sckg:from ?from ; sckg:to ?to ; sckg:score ?score . OPTIONAL { ?r sckg:sharedFeature ?f } } }"""
LABELS = "?x <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def related_for(store, practice_iri: str, lang: str = "en", limit: int = TOP_K) -> list[dict]:
    """The related practices of one practice, best first: ``[{iri, label, score, reasons}]``.

    Labels and reasons are in ``lang`` (else English, else any; English wording for other languages).

    :raises StoreError: the store failed while reading.
    """
    lang = lang if lang in LANGS else "en"
    found: dict[str, dict] = {}
    for row in store.query(RELATED_QUERY, {"from": URIRef(practice_iri)}):
        item = found.setdefault(str(row["to"]), {"score": float(row["score"].toPython()), "shared": set()})
        if "f" in row:
            item["shared"].add(str(row["f"]))
    if not found:
        return []
    kind_of = {str(r["f"]): str(r["k"]) for r in store.query(FEATURES_QUERY, {"p": URIRef(practice_iri)})}
    wanted = set(found) | {f for it in found.values() for f in it["shared"]}
    values = "VALUES ?x { " + " ".join(URIRef(x).n3() for x in sorted(wanted)) + " }\n"
    labels: dict[str, dict[str, str]] = {}
    for row in store.query("SELECT ?x ?l WHERE { " + values + LABELS):
        labels.setdefault(str(row["x"]), {}).setdefault(row["l"].language or "", str(row["l"]))
    out = []
    for iri, item in found.items():
        shared = sorted(f for f in item["shared"] if f in kind_of)
        names = [label_in(labels.get(f, {}), lang, f) for f in shared]
        out.append({"iri": iri, "label": label_in(labels.get(iri, {}), lang, iri), "score": item["score"],
                    "reasons": reasons(range(len(shared)), [kind_of[f] for f in shared], names, lang)})
    out.sort(key=lambda d: (-d["score"], d["label"]))
    return out[:max(0, int(limit))]

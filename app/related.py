"""Related practices: for every practice, the practices that share the most with it, and why.

Two practices are related when they are about the same things: the topics they state or are suggested
(:mod:`app.topics`), the words of their texts (TF-IDF over the titles and summaries in every language), the
SDGs, barriers, enablers and partner organisations they share; and, weighing far less, their place (same city,
country or UCLG region), axis and the learning events that featured both. Each shared feature adds an
IDF-like weight (``kind weight × log(1 + N / df)``), so a barrier that three practices share counts far more
than a region shared by thousands; the texts add ``TEXT_WEIGHT × cosine`` of their TF-IDF vectors.

The work is linear in the data, never all-pairs: an inverted index (feature → practices, and term →
practices for the texts) yields the candidates of each practice, rarest first; features held by more than
``COMMON_SHARE`` of the practices are left out of candidate generation (they still add to the score of
candidates found otherwise), long posting lists are read through a deterministic sample of ``SAMPLE``, and a
practice stops gathering candidates at ``BUDGET`` (``TEXT_BUDGET`` more from its words). Each candidate's
score is then exact; the best ``TOP_K`` are kept.

The result is materialised in its own graph, :data:`GRAPH`, as ``practice sckg:relatedPractice practice``
plus one ``sckg:Relatedness`` node per pair (``sckg:from``, ``sckg:to``, ``sckg:score``, one
``sckg:sharedFeature`` for each item the reason names — of the places only the most specific — and one
``sckg:sharedWord`` per telling word both texts use, tagged with its language). The reasons are those links:
:func:`related_for` words them ("same topics: Open data · similar wording: portal, open") in the reader's
language, from the gettext catalogues, each feature's label and the shared words of that language; the graph
holds no sentence to keep in step with the labels. The graph is written as one N-Triples file and handed to
the store whole on every ingest.
"""
from __future__ import annotations

import heapq
import math
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from app.i18n import N_, pick_label, translate
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


#: kind → (weight, reason); the order is the order reasons are shown in ("text" is the texts' similarity, not a
#: feature). The reasons are gettext messages (app/translations), worded by :func:`reason_text`.
KINDS: dict[str, tuple[float, str]] = {
    "topic": (1.2, N_("same topics: %(items)s")),
    "text": (0.0, N_("similar wording: %(items)s")),
    "sdg": (0.8, N_("same SDGs: %(items)s")),
    "barrier": (1.0, N_("also faced: %(items)s")),
    "enabler": (1.0, N_("also used: %(items)s")),
    "partner": (0.6, N_("same partners: %(items)s")),
    "axis": (0.3, N_("same axis: %(items)s")),
    "event": (0.3, N_("presented at the same event: %(items)s")),
    "city": (0.3, N_("same city: %(items)s")),
    "country": (0.15, N_("same country: %(items)s")),
    "region": (0.08, N_("same region: %(items)s")),
}
#: the texts' cosine similarity counts this much; below TEXT_MIN it counts nothing and is no reason
TEXT_WEIGHT = 6.0
TEXT_MIN = 0.05
#: terms in more than this share of the practices are not telling (the, de, la, city …)
TEXT_MAX_DF = 0.5
#: at most this many terms per practice are kept (its highest TF-IDF weights)
TEXT_TERMS = 24
#: more candidates a practice may gather from its words, beyond BUDGET
TEXT_BUDGET = 32
#: at most this many shared words per language name the reason
TEXT_WORDS = 3
_PLACES = ("city", "country", "region")
#: the practice's own features: kind → property of the practice (``event`` is the inverse featuresPractice)
_DIRECT = ("barrier", "enabler", "sdg", "axis", "partner", "city", "topic")
#: properties read as another kind's feature: a suggested topic is a topic
_ALSO = {"suggestedTopic": "topic"}

_S = str(SCKG)
FEATURES_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
SELECT ?p ?k ?f WHERE {
  ?p a sckg:Practice .
  { ?p sckg:barrier ?f BIND("barrier" AS ?k) } UNION { ?p sckg:enabler ?f BIND("enabler" AS ?k) }
  UNION { ?p sckg:sdg ?f BIND("sdg" AS ?k) } UNION { ?p sckg:axis ?f BIND("axis" AS ?k) }
  UNION { ?p sckg:partner ?f BIND("partner" AS ?k) } UNION { ?f sckg:featuresPractice ?p BIND("event" AS ?k) }
  UNION { ?p sckg:city ?f BIND("city" AS ?k) }
  UNION { ?p sckg:topic|sckg:suggestedTopic ?f BIND("topic" AS ?k) }
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
    for predicate, kind in _ALSO.items():
        for p, f in pairs(predicate):
            if p in practices:
                yield p, kind, f
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


_TOKEN = re.compile(r"\w+")
#: function words that say nothing about what a practice is about (folded; words under three letters are
#: dropped anyway); in a small collection they are not common enough for their IDF to silence them
_STOP_TEXT = """
about after also among and any are around back been before being between both but can could did does each
for from further had has have having her here hers him his how into its itself just more most much not now
off once only other our out over own same she should some such than that the their them then there these they
this those through too under until very was were what when where which while who whom why will with would
you your first new per via well such including include includes named given gives
alors apres aupres aussi autre autres avant avec avoir ces cet cette ceux chez comme dans des deja depuis donc
dont elle elles entre est etaient etait ete etre eux fait font leur leurs lors mais meme memes moins nos notre
par parmi pas pendant peu plus pour quand que quel quelle quelles quelque quelques quels qui sans selon ses
son sont sous sur toute toutes tous tout tres une vers via ainsi afin ont
ante algo algunos algunas aqui asi aunque bajo cada como con contra cual cuales cuando del desde donde dos
durante ella ellas ellos entre era eran esa esas ese eso esos esta estas este esto estos fue fueron han hasta
las les los mas mediante mismo mucho muy nos nuestra nuestro otra otras otro otros para pero poco por porque
que quien segun ser sin sobre son sus tambien tanto tiene tienen toda todas todo todos tras una unas uno unos
unos cerca unas ademas
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


class Texts:
    """TF-IDF vectors of the practices' texts: every title and summary in every language, each word folded
    and stemmed by the stemmer of its text's language (a term is a language and a stem, so "data" and "datos"
    are two terms; a practice with texts in three languages shares words with each of them). Titles count
    twice. Terms held by one practice, or by more than :data:`TEXT_MAX_DF` of them, and words shorter than
    three letters or with digits are left out; each vector keeps its :data:`TEXT_TERMS` heaviest terms and has
    unit length, so a dot product is a cosine."""

    def __init__(self, docs: list[list[tuple[str, str, bool]]], stems=None):
        from app.search_documents import _Stems, fold
        stems = stems or _Stems()
        folded: dict[str, str] = {}
        terms: dict[tuple[str, str], int] = {}
        surface: list[dict[str, int]] = []  # per term, its written forms and how often each occurs
        counts: list[dict[int, int]] = []
        for texts in docs:
            tf: dict[int, int] = {}
            for text, lang, is_title in texts:
                lang = lang if lang in LANGS else "en"
                for word in _TOKEN.findall(text):
                    f = folded.get(word)
                    if f is None:
                        f = fold(word) if len(word) >= 3 and not any(c.isdigit() for c in word) else ""
                        f = folded[word] = "" if f in STOP_WORDS else f
                    if not f:
                        continue
                    key = (lang, stems(f, lang))
                    term = terms.get(key)
                    if term is None:
                        term = terms[key] = len(surface)
                        surface.append({})
                    forms = surface[term]
                    forms[word.lower()] = forms.get(word.lower(), 0) + 1
                    tf[term] = tf.get(term, 0) + (2 if is_title else 1)
            counts.append(tf)
        n = len(docs)
        df = [0] * len(surface)
        for tf in counts:
            for term in tf:
                df[term] += 1
        top = max(2, int(TEXT_MAX_DF * n))
        idf = [math.log(n / d) if 2 <= d <= top else 0.0 for d in df]
        self.vectors: list[dict[int, float]] = []
        for tf in counts:
            weights = {term: (1.0 + math.log(c)) * idf[term] for term, c in tf.items() if idf[term]}
            if len(weights) > TEXT_TERMS:
                weights = dict(heapq.nlargest(TEXT_TERMS, weights.items(), key=lambda kv: (kv[1], -kv[0])))
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            self.vectors.append({term: w / norm for term, w in weights.items()})
        self.df = df
        self.lang = [lang for lang, _ in terms]
        #: per term, the form it is most often written in (ties: the alphabetically first)
        self.word = [min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0] for forms in surface]
        self.postings: dict[int, list[int]] = {}
        for i, vector in enumerate(self.vectors):
            for term in vector:
                self.postings.setdefault(term, []).append(i)

    def similarity(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        return sum(a[t] * b[t] for t in a.keys() & b.keys())

    def shared_words(self, i: int, j: int) -> list[tuple[str, str]]:
        """The words that weigh most in the similarity of ``i`` and ``j``: ``(word, lang)``, at most
        :data:`TEXT_WORDS` per language, heaviest first."""
        a, b = self.vectors[i], self.vectors[j]
        out, per = [], {}
        for t in sorted(a.keys() & b.keys(), key=lambda t: (-a[t] * b[t], t)):
            lang = self.lang[t]
            if per.get(lang, 0) < TEXT_WORDS:
                per[lang] = per.get(lang, 0) + 1
                out.append((self.word[t], lang))
        return out


def read_texts(store, practices: list[str]) -> Texts:
    """The :class:`Texts` of ``practices`` (in that order), read as :func:`app.topics.read_practices` reads."""
    from app.topics import read_practices
    found = read_practices(store).texts
    return Texts([found.get(p, []) for p in practices])


class Index:
    """The inverted index of the features: who holds each, and what sharing it weighs; with ``texts``, the
    practices' words too."""

    def __init__(self, held: list[set[int]], kinds: list[str], texts: Texts | None = None):
        n = len(held)
        self.texts = texts
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
        texts = self.texts
        if texts is not None and i < len(texts.vectors):
            vector, tdf, found = texts.vectors[i], texts.df, 0
            for term in sorted(vector, key=lambda t: (tdf[t], t)):
                if tdf[term] > self.cap:
                    continue
                plist = texts.postings[term]
                if len(plist) > SAMPLE:
                    start = (i * 7919) % len(plist)
                    plist = plist[start:start + SAMPLE] + plist[:max(0, start + SAMPLE - len(plist))]
                before = len(candidates)
                candidates.update(plist)
                found += len(candidates) - before
                if found >= TEXT_BUDGET:
                    break
        candidates.discard(i)
        weight = self.weight
        scores = {j: sum([weight[f] for f in fs & held[j]]) for j in candidates}
        if texts is not None:
            for j in candidates:
                sim = texts.similarity(i, j)
                if sim >= TEXT_MIN:
                    scores[j] += TEXT_WEIGHT * sim
        best = heapq.nsmallest(k, scores, key=lambda j: (-scores[j], j))
        return [(scores[j], j) for j in best if scores[j] > 0]

    def shared_words(self, i: int, j: int) -> list[tuple[str, str]]:
        """The words that name the texts' similarity (none below :data:`TEXT_MIN`)."""
        texts = self.texts
        if texts is None or texts.similarity(i, j) < TEXT_MIN:
            return []
        return texts.shared_words(i, j)


def rank(held: list[set[int]], kinds: list[str], *, k: int = TOP_K,
         texts: Texts | None = None) -> list[list[tuple[float, int]]]:
    """Top-k ``(score, other)`` per practice, best first (ties by index). Linear in the shared features."""
    index = Index(held, kinds, texts)
    return [index.top(i, k) for i in range(len(held))]


_KIND_RANK = {kind: n for n, kind in enumerate(KINDS)}
_PLACE_RANKS = {_KIND_RANK[p] for p in _PLACES}
_KIND_NAMES = list(KINDS)


def named(shared, kinds: list[str]) -> dict[int, list[int]]:
    """The shared features a reason names, by kind rank: every kind, but of the places only the most
    specific one (same city implies same country and region)."""
    by_kind: dict[int, list[int]] = {}
    for f in shared:
        by_kind.setdefault(_KIND_RANK[kinds[f]], []).append(f)
    for extra in sorted(_PLACE_RANKS & by_kind.keys())[1:]:
        del by_kind[extra]
    return by_kind


def reason_text(kind: str, items: list[str], lang: str) -> str:
    """One reason in ``lang``, from the gettext catalogue: ``reason_text("barrier", ["X"], "fr")`` →
    ``"a aussi rencontré : X"``."""
    return translate(KINDS[kind][1], lang, items=", ".join(items))


def reasons(shared, kinds: list[str], names: list[str], lang: str, words: list[tuple[str, str]] = ()) -> list[str]:
    """Why two practices are related, in ``lang``: ``["also faced: X", "same city: Y"]`` in the order of
    :data:`KINDS`; ``names[f]`` is feature ``f``'s label in that language, ``words`` the shared words
    ``(word, lang)`` of the texts (those of ``lang`` are named, else the English ones, else the others)."""
    by_kind = named(shared, kinds)
    if words:
        by_kind[_KIND_RANK["text"]] = []
    out = []
    for r in sorted(by_kind):
        kind = _KIND_NAMES[r]
        if kind == "text":
            mine = [w for w, tag in words if tag == lang] or [w for w, tag in words if tag == "en"] or \
                [w for w, _ in words]
            out.append(reason_text(kind, list(dict.fromkeys(mine)), lang))
        else:
            out.append(reason_text(kind, sorted(names[f] for f in by_kind[r]), lang))
    return out


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Recompute every practice's related practices and replace :data:`GRAPH` with them.

    The graph is written to an N-Triples file and handed over whole; the store changes the graph by the
    difference.

    :raises StoreError: the store failed while reading or writing.
    """
    from app.related_graph import write_graph
    practices, held, kinds_iris = read_features(store)
    texts = read_texts(store, practices)
    base = str(config.get("BASE_IRI") or DEFAULT_BASE)
    with tempfile.TemporaryDirectory(prefix="related-") as tmp:
        path = Path(tmp) / "related.nt"
        index = Index(held, [k for k, _ in kinds_iris], texts)
        pairs, written = write_graph(path, practices, held, kinds_iris, index, base)
        total = store.replace_graph(GRAPH, path)
    return {"practices": len(practices), "pairs": pairs, "triples": total, "written": written}


_P = "PREFIX sckg: <https://w3id.org/sckg/ontology#>\n"
RELATED_QUERY = _P + """SELECT ?to ?score ?f WHERE {
  GRAPH <https://w3id.org/sckg/graph/inferred/related> {
    ?r sckg:from ?from ; sckg:to ?to ; sckg:score ?score . OPTIONAL { ?r sckg:sharedFeature ?f } } }"""
LABELS = "?x <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
WORDS_QUERY = _P + """SELECT ?to ?w WHERE {
  GRAPH <https://w3id.org/sckg/graph/inferred/related> { ?r sckg:from ?from ; sckg:to ?to ; sckg:sharedWord ?w } }"""


def related_for(store, practice_iri: str, lang: str = "en", limit: int = TOP_K) -> list[dict]:
    """The related practices of one practice, best first: ``[{iri, label, score, reasons}]``.

    Labels and reasons are in ``lang`` (labels else English, else any; the reasons' wording from the
    catalogue of ``lang``).

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
    words: dict[str, list[tuple[str, str]]] = {}
    for row in store.query(WORDS_QUERY, {"from": URIRef(practice_iri)}):
        words.setdefault(str(row["to"]), []).append((str(row["w"]), row["w"].language or ""))
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
                    "reasons": reasons(range(len(shared)), [kind_of[f] for f in shared], names, lang,
                                       sorted(words.get(iri, [])))})
    out.sort(key=lambda d: (-d["score"], d["label"]))
    return out[:max(0, int(limit))]

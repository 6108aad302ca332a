"""Topics a practice is about: the stated ones (``sckg:topic``) and the ones its texts suggest.

The topic vocabulary (``ontology/vocab/topics.ttl``) labels every topic in English, French and Spanish
(``skos:prefLabel`` and ``skos:altLabel``). :class:`Matcher` turns each label into the Snowball stems of its
words (accents folded, the stemmer of the label's language) and looks for that sequence of stems in every text
of a practice written in the same language: its titles and summaries in all their languages. A label found in a
title counts twice; a topic whose matches count :data:`MIN_SCORE` or more is suggested, unless it is stated.

:func:`refresh` (the ``topics`` derived step) writes the graph :data:`GRAPH`:

- ``practice sckg:suggestedTopic topic`` for every suggested topic, and an ``sckg:TopicSuggestion`` node
  ``{base}topic-suggestion/{practice-slug}--{topic-slug}`` with ``sckg:suggestionFor``, ``sckg:suggests`` and one
  ``sckg:matchedText`` per wording found (as written, with its language tag);
- ``practice sckg:suggestedSDG goal`` for a practice that states no SDG: every goal its stated topics serve
  (``sckg:servesSDG``), or for a practice that states no topic either, the goals of its suggested topics.

Stated links are never written here, so ``sckg:topic`` and ``sckg:sdg`` stay what the sources say.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from app.search_documents import _Stems
from app.search_documents import fold as _fold
from ingest.namespaces import DEFAULT_BASE, GRAPH_BASE, SCKG

GRAPH = GRAPH_BASE + "inferred/topics"
#: a topic is suggested when its matches count at least this much (a match in a title counts 2)
MIN_SCORE = 2
#: at most this many matched wordings are recorded per suggestion
MAX_WORDINGS = 8
LANGS = ("en", "fr", "es")

_S = str(SCKG)
_DCT = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TOKEN = re.compile(r"\w+")

TOPICS_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?t ?l WHERE { ?t a sckg:Topic . { ?t skos:prefLabel ?l } UNION { ?t skos:altLabel ?l } }"""
SERVES_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
SELECT ?t ?g WHERE { ?t a sckg:Topic ; sckg:servesSDG ?g }"""
TEXTS_QUERY = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?p ?k ?o WHERE { ?p a sckg:Practice .
  { ?p dct:title ?o BIND("title" AS ?k) } UNION { ?p dct:description ?o BIND("summary" AS ?k) }
  UNION { ?p sckg:topic ?o BIND("topic" AS ?k) } UNION { ?p sckg:sdg ?o BIND("sdg" AS ?k) } }"""


class Practices:
    """What the matcher and the ranking read of every practice: texts (``(text, lang, is_title)``), stated
    topics and stated SDGs, by practice IRI, in the order the store lists the practices."""

    def __init__(self):
        self.iris: list[str] = []
        self.texts: dict[str, list[tuple[str, str, bool]]] = {}
        self.topics: dict[str, set[str]] = {}
        self.sdgs: dict[str, set[str]] = {}

    def add(self, p: str, kind: str, value: str, lang: str = "") -> None:
        if p not in self.texts:
            self.iris.append(p)
            self.texts[p], self.topics[p], self.sdgs[p] = [], set(), set()
        if kind in ("title", "summary"):
            self.texts[p].append((value, (lang or "en").lower().split("-")[0], kind == "title"))
        elif kind == "topic":
            self.topics[p].add(value)
        elif kind == "sdg":
            self.sdgs[p].add(value)


def read_practices(store) -> Practices:
    """Every practice's texts, stated topics and stated SDGs: straight from the engine's indexes on the
    embedded store, else one SELECT."""
    out = Practices()
    engine = store.read_view()
    if engine is None:
        for row in store.query(TEXTS_QUERY):
            o = row["o"]
            out.add(str(row["p"]), str(row["k"]), str(o), getattr(o, "language", None) or "")
        return out
    practices = {q.subject.value for q in engine.quads_for_pattern(
        None, ox.NamedNode(_TYPE), ox.NamedNode(_S + "Practice"))}
    for p in sorted(practices):
        out.add(p, "", "")
    for kind, predicate in (("title", _DCT + "title"), ("summary", _DCT + "description"),
                            ("topic", _S + "topic"), ("sdg", _S + "sdg")):
        for q in engine.quads_for_pattern(None, ox.NamedNode(predicate), None):
            p = q.subject.value
            if p in practices:
                out.add(p, kind, q.object.value, getattr(q.object, "language", None) or "")
    return out


class Matcher:
    """Topic labels as stem sequences per language, and the search for them in texts."""

    def __init__(self, labels: Mapping[str, Iterable[tuple[str, str]]], stems: _Stems | None = None):
        """``labels``: topic IRI → ``(label, lang)`` pairs (any of en, fr, es; untagged counts as English)."""
        self.stems = stems or _Stems()
        #: (word as written, lang) → its stem (texts repeat their words a lot)
        self._memo: dict[tuple[str, str], str] = {}
        #: lang → first stem → [(stems, topic)], longest first
        self.index: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
        for topic, pairs in labels.items():
            for label, lang in pairs:
                lang = (lang or "en").lower().split("-")[0]
                if lang not in LANGS:
                    continue
                seq = tuple(self.stems(_fold(w), lang) for w in _TOKEN.findall(label))
                if seq:
                    bucket = self.index.setdefault(lang, {}).setdefault(seq[0], [])
                    if (seq, topic) not in bucket:
                        bucket.append((seq, topic))
        for buckets in self.index.values():
            for bucket in buckets.values():
                bucket.sort(key=lambda e: (-len(e[0]), e[1]))

    def _stem(self, word: str, lang: str) -> str:
        key = (word, lang)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) > 500_000:
                self._memo.clear()
            found = self._memo[key] = self.stems(_fold(word), lang)
        return found

    def match(self, texts: Iterable[tuple[str, str, bool]]) -> dict[str, tuple[int, list[tuple[str, str]]]]:
        """topic → (score, [(wording as written, lang)]) for the topics whose labels the texts contain."""
        found: dict[str, list] = {}
        for text, lang, is_title in texts:
            index = self.index.get(lang)
            if not index:
                continue
            tokens = list(_TOKEN.finditer(text))
            seq = [self._stem(t.group(), lang) for t in tokens]
            n = len(seq)
            for i, stem in enumerate(seq):
                for labels_stems, topic in index.get(stem, ()):
                    k = len(labels_stems)
                    if i + k <= n and tuple(seq[i:i + k]) == labels_stems:
                        entry = found.setdefault(topic, [0, []])
                        entry[0] += 2 if is_title else 1
                        wording = text[tokens[i].start():tokens[i + k - 1].end()]
                        if len(entry[1]) < MAX_WORDINGS and all(w.lower() != wording.lower() or l != lang
                                                                for w, l in entry[1]):
                            entry[1].append((wording, lang))
        return {t: (score, words) for t, (score, words) in found.items()}


def read_vocabulary(store) -> tuple[dict[str, list[tuple[str, str]]], dict[str, set[str]]]:
    """(topic → its labels as ``(text, lang)``, topic → the SDGs it serves) from the store."""
    labels: dict[str, list[tuple[str, str]]] = {}
    for row in store.query(TOPICS_QUERY):
        labels.setdefault(str(row["t"]), []).append((str(row["l"]), getattr(row["l"], "language", None) or ""))
    serves: dict[str, set[str]] = {}
    for row in store.query(SERVES_QUERY):
        serves.setdefault(str(row["t"]), set()).add(str(row["g"]))
    return labels, serves


def suggest(practices: Practices, matcher: Matcher, serves: Mapping[str, set[str]]):
    """For each practice: (suggested topics with their wordings, suggested SDGs), both kept apart from what is
    stated. SDGs are suggested only for a practice that states none: those its stated topics serve, else those
    its suggested topics serve. Yields ``(practice, {topic: [(wording, lang)]}, {sdg})``."""
    for p in practices.iris:
        stated = practices.topics[p]
        topics = {t: words for t, (score, words) in matcher.match(practices.texts[p]).items()
                  if score >= MIN_SCORE and t not in stated}
        sdgs: set[str] = set()
        if not practices.sdgs[p]:
            for t in stated or set(topics):
                sdgs |= serves.get(t, set())
        yield p, topics, sdgs


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def triples(suggestions, base: str = DEFAULT_BASE):
    """The triples of :data:`GRAPH` for the output of :func:`suggest`."""
    topic_p, sdg_p = ox.NamedNode(_S + "suggestedTopic"), ox.NamedNode(_S + "suggestedSDG")
    typ, cls = ox.NamedNode(_TYPE), ox.NamedNode(_S + "TopicSuggestion")
    of, suggests, text = (ox.NamedNode(_S + n) for n in ("suggestionFor", "suggests", "matchedText"))
    for p, topics, sdgs in suggestions:
        practice = ox.NamedNode(p)
        for t in sorted(topics):
            topic = ox.NamedNode(t)
            node = ox.NamedNode(f"{base}topic-suggestion/{_slug(p)}--{_slug(t)}")
            yield ox.Triple(practice, topic_p, topic)
            yield ox.Triple(node, typ, cls)
            yield ox.Triple(node, of, practice)
            yield ox.Triple(node, suggests, topic)
            for wording, lang in topics[t]:
                yield ox.Triple(node, text, ox.Literal(wording, language=lang))
        for g in sorted(sdgs):
            yield ox.Triple(practice, sdg_p, ox.NamedNode(g))


def compute(store) -> tuple[Practices, list]:
    """The practices as read, and their suggestions (see :func:`suggest`)."""
    labels, serves = read_vocabulary(store)
    practices = read_practices(store)
    return practices, list(suggest(practices, Matcher(labels), serves))


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Recompute the suggested topics and SDGs of every practice and replace :data:`GRAPH` with them.

    :raises StoreError: the store failed while reading or writing.
    """
    practices, found = compute(store)
    base = str(config.get("BASE_IRI") or DEFAULT_BASE)
    with tempfile.TemporaryDirectory(prefix="topics-") as tmp:
        path = Path(tmp) / "topics.nt"
        ox.serialize(triples(found, base), output=str(path), format=ox.RdfFormat.N_TRIPLES)
        total = store.replace_graph(GRAPH, path)
    return {"practices": len(practices.iris), "suggested topics": sum(len(t) for _, t, _ in found),
            "suggested SDGs": sum(len(s) for _, _, s in found), "triples": total}

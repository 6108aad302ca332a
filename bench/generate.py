"""A seeded generator of study-shaped synthetic data, following docs/model.md.

``generate(n_practices, seed=42, observations=False)`` yields N-Quads lines: practices with their city,
axis, edition, SDGs, barriers, enablers and partners; cities with country, UCLG region, population and
WGS84 position; countries; editions; barriers and enablers (SKOS concepts); organisations; learning
events that feature practices (with their ``sckg:EventPractice`` rows); all in the study graph
``https://w3id.org/sckg/graph/study``. With ``vocab=True`` (the default) the labels the queries need
(six axes in en/fr/es, the 17 SDGs, the UCLG regions) go to ``…/graph/vocab``; pass ``vocab=False`` when
the real ontology and vocabulary graphs are loaded separately. With ``observations=True`` every city gets
partner ``qb:Observation`` rows (city × year × indicator) in ``…/graph/partner/bench/indicators``.

Sizes used by the benchmark (triples measured with ``--count``, see bench/README.md):

=====  ============  ================  ==============
size   practices     observations      ≈ triples
=====  ============  ================  ==============
S      460           no                10 365
M      46 000        no                1 006 635
L      140 000       yes               9 917 316
=====  ============  ================  ==============

CLI: ``python bench/generate.py --practices 30000 --seed 42 --out /tmp/m.nq [--observations]``.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator

from ingest.concepts import AXIS_LABELS

ID = "https://w3id.org/sckg/id/"
SCKG = "https://w3id.org/sckg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
QB = "http://purl.org/linked-data/cube#"
DCAT = "http://www.w3.org/ns/dcat#"
STUDY = "https://w3id.org/sckg/graph/study"
VOCAB = "https://w3id.org/sckg/graph/vocab"
PARTNER = "https://w3id.org/sckg/graph/partner/bench/indicators"

#: practices per size name, and whether the size carries partner observations
SIZES = {"S": (460, False), "M": (46_000, False), "L": (140_000, True)}

EDITIONS = [2012, 2017, 2019, 2021, 2023]
AXES = AXIS_LABELS  # the six axes and their labels in en/fr/es
REGIONS = {
    "africa": "Africa", "asia-pacific": "Asia-Pacific", "eurasia": "Eurasia", "europe": "Europe",
    "latin-america": "Latin America", "middle-east-west-asia": "Middle East and West Asia",
    "north-america": "North America",
}
COUNTRIES = [  # (iso2, name, region)
    ("es", "Spain", "europe"), ("fr", "France", "europe"), ("pt", "Portugal", "europe"), ("it", "Italy", "europe"),
    ("de", "Germany", "europe"), ("gb", "United Kingdom", "europe"), ("uy", "Uruguay", "latin-america"),
    ("br", "Brazil", "latin-america"), ("ar", "Argentina", "latin-america"), ("mx", "Mexico", "latin-america"),
    ("co", "Colombia", "latin-america"), ("sn", "Senegal", "africa"), ("ma", "Morocco", "africa"),
    ("za", "South Africa", "africa"), ("ke", "Kenya", "africa"), ("kr", "Korea, Republic of", "asia-pacific"),
    ("jp", "Japan", "asia-pacific"), ("id", "Indonesia", "asia-pacific"), ("in", "India", "asia-pacific"),
    ("ru", "Russian Federation", "eurasia"), ("kz", "Kazakhstan", "eurasia"), ("tr", "Türkiye", "middle-east-west-asia"),
    ("jo", "Jordan", "middle-east-west-asia"), ("ca", "Canada", "north-america"), ("us", "United States", "north-america"),
]
SDG_TITLES = [
    "No poverty", "Zero hunger", "Good health and well-being", "Quality education", "Gender equality",
    "Clean water and sanitation", "Affordable and clean energy", "Decent work and economic growth",
    "Industry, innovation and infrastructure", "Reduced inequalities", "Sustainable cities and communities",
    "Responsible consumption and production", "Climate action", "Life below water", "Life on land",
    "Peace, justice and strong institutions", "Partnerships for the goals",
]
ORG_KINDS = ["network", "city-government", "company", "university", "ngo", "intergovernmental"]  # ontology/vocab/org-kinds.ttl
RELATIONS = ["presented", "case-study", "study-visit", "co-organiser"]
INDICATORS = [("broadband-households", "percent"), ("open-datasets", "count"),
              ("online-services", "count"), ("public-wifi-hotspots", "count")]
WORDS = ("open data platform citizen digital mobility energy smart service participation water waste "
         "governance inclusion literacy broadband sensor network budget health learning transport "
         "tourism heritage safety housing innovation café résumé plaza años cidade").split()


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class _Writer:
    """Formats one quad per line; subjects and predicates are IRIs minted here, never outside input."""

    def __init__(self, graph: str):
        self.g = f"<{graph}>"

    def __call__(self, s: str, p: str, o: str) -> str:
        return f"<{s}> <{p}> {o} {self.g} .\n"


def _iri(value: str) -> str:
    return f"<{value}>"


def _sentence(rnd: random.Random, n: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def _vocab() -> Iterator[str]:
    q = _Writer(VOCAB)
    for slug, (en, fr, es) in AXES.items():
        a = f"{ID}axis/{slug}"
        yield q(a, RDF + "type", _iri(SCKG + "Axis"))
        yield q(a, RDF + "type", _iri(SKOS + "Concept"))
        yield q(a, SKOS + "inScheme", _iri(ID + "scheme/axes"))
        for label, lang in ((en, "en"), (fr, "fr"), (es, "es")):
            yield q(a, SKOS + "prefLabel", f"{_lit(label)}@{lang}")
        yield q(a, RDFS + "label", f"{_lit(en)}@en")
    for slug, name in REGIONS.items():
        r = f"{ID}region/{slug}"
        yield q(r, RDF + "type", _iri(SCKG + "Region"))
        yield q(r, SKOS + "inScheme", _iri(ID + "scheme/regions"))
        yield q(r, SKOS + "prefLabel", f"{_lit(name)}@en")
        yield q(r, RDFS + "label", f"{_lit(name)}@en")
    for n, title in enumerate(SDG_TITLES, 1):
        g = f"http://metadata.un.org/sdg/{n}"
        yield q(g, RDF + "type", _iri(SCKG + "SDG"))
        yield q(g, SKOS + "inScheme", _iri(ID + "scheme/sdgs"))
        yield q(g, SKOS + "notation", _typed(n, "integer"))
        yield q(g, SKOS + "prefLabel", f"{_lit(title)}@en")
        yield q(g, RDFS + "label", f"{_lit(title)}@en")


def _concepts(q: _Writer, kind: str, cls: str, count: int, rnd: random.Random) -> Iterator[str]:
    for i in range(count):
        c = f"{ID}{kind}/{kind}-{i}"
        label = f"{kind.capitalize()} {i}: {_sentence(rnd, 3)}"
        yield q(c, RDF + "type", _iri(SCKG + cls))
        yield q(c, RDF + "type", _iri(SKOS + "Concept"))
        yield q(c, SKOS + "inScheme", _iri(f"{ID}scheme/{kind}s"))
        yield q(c, SKOS + "notation", _lit(f"{kind}-{i}"))
        yield q(c, SKOS + "prefLabel", f"{_lit(label)}@en")
        yield q(c, RDFS + "label", f"{_lit(label)}@en")
        yield q(c, SKOS + "definition", f"{_lit(_sentence(rnd, 12))}@en")


def generate(n_practices: int, seed: int = 42, observations: bool = False, *, vocab: bool = True) -> Iterator[str]:
    """Yield N-Quads lines for ``n_practices`` practices and everything they point to.

    The same ``(n_practices, seed, observations, vocab)`` always yields the same lines.

    :raises ValueError: for a negative number of practices.
    """
    if n_practices < 0:
        raise ValueError("n_practices must be >= 0")
    rnd = random.Random(seed)
    q = _Writer(STUDY)
    n_cities = max(10, n_practices // 8)
    n_orgs = max(10, n_practices // 10)
    n_events = max(3, n_practices // 25)
    n_barriers = n_enablers = max(10, min(200, n_practices // 100))
    if vocab:
        yield from _vocab()
    for year in EDITIONS:
        e = f"{ID}edition/{year}"
        yield q(e, RDF + "type", _iri(SCKG + "StudyEdition"))
        yield q(e, RDF + "type", _iri(DCAT + "Dataset"))
        yield q(e, SCKG + "year", _typed(year, "gYear"))
        yield q(e, DCT + "title", f"{_lit(f'Smart Cities Study {year}')}@en")
        yield q(e, RDFS + "label", f"{_lit(f'Smart Cities Study {year}')}@en")
        yield q(e, DCT + "identifier", _lit(str(year)))
    for iso2, name, region in COUNTRIES:
        c = f"{ID}country/{iso2}"
        yield q(c, RDF + "type", _iri(SCHEMA + "Country"))
        yield q(c, RDFS + "label", f"{_lit(name)}@en")
        yield q(c, SCKG + "iso2", _lit(iso2.upper()))
    yield from _concepts(q, "barrier", "Barrier", n_barriers, rnd)
    yield from _concepts(q, "enabler", "Enabler", n_enablers, rnd)
    for i in range(n_orgs):
        o = f"{ID}org/org-{i}"
        name = f"Organisation {i} {_sentence(rnd, 2)}"
        yield q(o, RDF + "type", _iri(ORG + "Organization"))
        yield q(o, RDFS + "label", _lit(name))
        yield q(o, SKOS + "prefLabel", _lit(name))
        yield q(o, SCKG + "kind", _iri(f"{ID}org-kind/{rnd.choice(ORG_KINDS)}"))
        yield q(o, DCT + "identifier", _lit(f"org-{i}"))
    city_country = []
    for i in range(n_cities):
        c = f"{ID}city/city-{i}"
        iso2, _, region = rnd.choice(COUNTRIES)
        city_country.append(iso2)
        name = f"City {i} {rnd.choice(WORDS).capitalize()}"
        yield q(c, RDF + "type", _iri(SCKG + "City"))
        yield q(c, RDFS + "label", _lit(name))
        yield q(c, SCHEMA + "name", _lit(name))
        yield q(c, DCT + "identifier", _lit(f"city-{i}"))
        yield q(c, SCKG + "country", _iri(f"{ID}country/{iso2}"))
        yield q(c, SCKG + "region", _iri(f"{ID}region/{region}"))
        yield q(c, SCKG + "population", _typed(rnd.randint(20_000, 9_000_000), "integer"))
        yield q(c, SCKG + "populationYear", _typed(rnd.choice(EDITIONS), "gYear"))
        yield q(c, GEO + "lat", _typed(f"{rnd.uniform(-60, 70):.4f}", "decimal"))
        yield q(c, GEO + "long", _typed(f"{rnd.uniform(-170, 170):.4f}", "decimal"))
        for year in sorted(rnd.sample(EDITIONS, rnd.randint(1, 3))):
            yield q(c, SCKG + "participatedIn", _iri(f"{ID}edition/{year}"))
    axes = list(AXES)
    for i in range(n_practices):
        p = f"{ID}practice/practice-{i}"
        title = f"Practice {i}: {_sentence(rnd, 4)}"
        axis = rnd.choice(axes)
        yield q(p, RDF + "type", _iri(SCKG + "Practice"))
        yield q(p, DCT + "title", f"{_lit(title)}@en")
        yield q(p, RDFS + "label", f"{_lit(title)}@en")
        yield q(p, DCT + "identifier", _lit(f"practice-{i}"))
        yield q(p, SCKG + "city", _iri(f"{ID}city/city-{rnd.randrange(n_cities)}"))
        yield q(p, SCKG + "edition", _iri(f"{ID}edition/{rnd.choice(EDITIONS)}"))
        yield q(p, SCKG + "axis", _iri(f"{ID}axis/{axis}"))
        yield q(p, SCKG + "axisLabel", f"{_lit('Smart ' + axis)}@en")
        yield q(p, DCT + "description", f"{_lit(_sentence(rnd, 30))}@en")
        yield q(p, SCKG + "startYear", _typed(rnd.randint(2005, 2024), "gYear"))
        for n in rnd.sample(range(1, 18), rnd.randint(0, 3)):
            yield q(p, SCKG + "sdg", _iri(f"http://metadata.un.org/sdg/{n}"))
        for b in rnd.sample(range(n_barriers), rnd.randint(0, 3)):
            yield q(p, SCKG + "barrier", _iri(f"{ID}barrier/barrier-{b}"))
        for b in rnd.sample(range(n_enablers), rnd.randint(1, 3)):
            yield q(p, SCKG + "enabler", _iri(f"{ID}enabler/enabler-{b}"))
        for b in rnd.sample(range(n_orgs), rnd.randint(0, 3)):
            yield q(p, SCKG + "partner", _iri(f"{ID}org/org-{b}"))
        yield q(p, FOAF + "homepage", _iri(f"https://example.org/practice/{i}"))
        yield q(p, DCT + "source", _iri(f"https://uclg-digitalcities.org/en/practice/practice-{i}/"))
    for i in range(n_events):
        e = f"{ID}event/event-{i}"
        title = f"Learning meeting {i}: {_sentence(rnd, 3)}"
        yield q(e, RDF + "type", _iri(SCKG + "LearningEvent"))
        yield q(e, RDF + "type", _iri(SCHEMA + "Event"))
        yield q(e, DCT + "title", f"{_lit(title)}@en")
        yield q(e, RDFS + "label", f"{_lit(title)}@en")
        yield q(e, SCHEMA + "startDate", _typed(f"{rnd.randint(2010, 2025)}-{rnd.randint(1, 12):02d}-"
                                                   f"{rnd.randint(1, 28):02d}", "date"))
        yield q(e, SCHEMA + "location", _lit(f"City {rnd.randrange(n_cities)}"))
        yield q(e, SCKG + "country", _iri(f"{ID}country/{rnd.choice(COUNTRIES)[0]}"))
        yield q(e, SCKG + "organiser", _iri(f"{ID}org/org-{rnd.randrange(n_orgs)}"))
        for j in rnd.sample(range(n_practices), min(n_practices, rnd.randint(2, 8))):
            row = f"{ID}event-practice/event-{i}--practice-{j}"
            yield q(e, SCKG + "featuresPractice", _iri(f"{ID}practice/practice-{j}"))
            yield q(row, RDF + "type", _iri(SCKG + "EventPractice"))
            yield q(row, SCKG + "event", _iri(e))
            yield q(row, SCKG + "practice", _iri(f"{ID}practice/practice-{j}"))
            yield q(row, SCKG + "relation", _lit(rnd.choice(RELATIONS)))
    if observations:
        yield from _observations(n_cities, rnd)


def _observations(n_cities: int, rnd: random.Random) -> Iterator[str]:
    """One ``qb:Observation`` per city × year (2012–2025) × indicator, in the partner graph."""
    q = _Writer(PARTNER)
    ds = f"{ID}dataset/bench-indicators"
    yield q(ds, RDF + "type", _iri(QB + "DataSet"))
    yield q(ds, RDFS + "label", f"{_lit('Synthetic city indicators')}@en")
    for c in range(n_cities):
        city = _iri(f"{ID}city/city-{c}")
        for year in range(2012, 2026):
            for ind, unit in INDICATORS:
                o = f"{ID}observation/bench-{c}-{year}-{ind}"
                yield q(o, RDF + "type", _iri(QB + "Observation"))
                yield q(o, QB + "dataSet", _iri(ds))
                yield q(o, SCKG + "city", city)
                yield q(o, SCKG + "indicator", _iri(f"{ID}indicator/{ind}"))
                yield q(o, SCKG + "period", _typed(year, "gYear"))
                yield q(o, SCKG + "value", _typed(f"{rnd.uniform(0, 1000):.2f}", "decimal"))
                yield q(o, SCKG + "unit", _lit(unit))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--practices", type=int, help="number of practices (or use --size)")
    ap.add_argument("--size", choices=sorted(SIZES), help="a named size: S, M or L")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--observations", action="store_true", help="add partner qb:Observation rows")
    ap.add_argument("--no-vocab", action="store_true", help="leave out axis/SDG/region labels")
    ap.add_argument("--out", default="-", help="output file (N-Quads); - for stdout")
    ap.add_argument("--count", action="store_true", help="print the number of quads written to stderr")
    args = ap.parse_args(argv)
    if args.practices is None and args.size is None:
        ap.error("give --practices N or --size S|M|L")
    n, obs = SIZES[args.size] if args.size else (args.practices, False)
    obs = obs or args.observations
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    written = 0
    try:
        for line in generate(n, seed=args.seed, observations=obs, vocab=not args.no_vocab):
            out.write(line)
            written += 1
    finally:
        if out is not sys.stdout:
            out.close()
    if args.count:
        print(f"{written} quads", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

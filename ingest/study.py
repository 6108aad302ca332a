"""The layout of the Smart Cities Study files (data/study/): one :class:`FileSpec` per CSV file.

Every column of every file is listed here; ``tests/ingest/test_map.py`` checks that the mapper covers each.
"""
from __future__ import annotations

from ingest.spec import Column as C
from ingest.spec import FileSpec

AXES = ("economy", "mobility", "environment", "people", "living", "governance")
#: UCLG world regions as written in cities.csv → the slug of their IRI
REGIONS = {
    "Africa": "africa",
    "Asia-Pacific": "asia-pacific",
    "Eurasia": "eurasia",
    "Europe": "europe",
    "Latin America": "latin-america",
    "Middle East & West Asia": "middle-east-west-asia",
    "North America": "north-america",
}
ORG_KINDS = ("network", "un-agency", "city-government", "company", "university", "ngo", "funder",
             "public-agency", "intergovernmental", "research-centre")
LANGUAGES = ("en", "es", "fr")
EVENT_RELATIONS = ("presented", "case-study", "study-visit", "co-organiser")

SOURCE = C("source_url", "iri", required=True, help="the web page the row was taken from")
#: the languages a text may have besides English, and their names in help texts
OTHER_LANGUAGES = {"es": "Spanish", "fr": "French"}


def translations(*columns: str) -> tuple[C, ...]:
    """The Spanish and French columns of some English text columns, their sources and the `translation` column."""
    texts = tuple(C(f"{col}_{lang}", lang=lang, of=col, optional=True, help=f"the {col} in {name}")
                  for col in columns for lang, name in OTHER_LANGUAGES.items())
    sources = tuple(C(f"source_url_{lang}", "iris", optional=True,
                      help=f"the {name} source of the texts marked source")
                    for lang, name in OTHER_LANGUAGES.items())
    kind = C("translation", "translation", optional=True,
             help="where each text in another language comes from: source (paraphrased from a source in that "
                  "language) or editorial (translated by the SCKG editors)")
    return texts + sources + (kind,)


#: columns of cities.csv that place a city by hand, overriding what the GeoNames link step finds by name;
#: the header may leave them out
PLACE_COLUMNS = (
    C("latitude", "latitude", optional=True,
      help="where the city lies, with longitude; overrides the coordinates GeoNames gives (needed when GeoNames "
           "does not know the place, e.g. a province or a metropolitan area)"),
    C("longitude", "longitude", optional=True, help="where the city lies, with latitude"),
    C("geonames_id", "geonames", optional=True,
      help="the GeoNames place the city is; overrides the match by name (needed when the name finds the wrong "
           "place or none)"),
    C("wikidata_qid", "qid", optional=True, help="the Wikidata item of the local government or place"),
)

SPECS: dict[str, FileSpec] = {s.name: s for s in (
    FileSpec("editions.csv", (
        C("year", "year", required=True, help="the study year; also the edition's identifier"),
        C("title", required=True, help="title as published (English version)"),
        C("theme", help="what the edition focused on, in your own words"),
        C("number_of_cities", "int", help="participating cities as stated by the community"),
        C("number_of_countries", "int", help="participating countries as stated by the community"),
        SOURCE,
        *translations("title", "theme"),
    ), key=("year",), description="one row per study edition"),
    FileSpec("cities.csv", (
        C("city_id", "slug", required=True, help="identifier of the city, e.g. bilbao"),
        C("name", required=True, help="the city's name as the source spells it"),
        C("country_iso2", "iso2", help="country code; empty only when the place has no single country"),
        C("country_name", help="the country's English name"),
        C("region", "enum", values=tuple(REGIONS), help="UCLG world region"),
        C("population", "int", help="inhabitants, only with population_year"),
        C("population_year", "year", help="year of the population figure"),
        C("editions", "years", ref="editions.csv", help="study years the city took part in"),
        SOURCE,
        C("population_source_url", "iri", help="the page giving the population figure"),
        *PLACE_COLUMNS,
    ), key=("city_id",), description="local governments of the study, its practices and events"),
    FileSpec("city_participation.csv", (
        C("city_id", "slug", required=True, ref="cities.csv"),
        C("edition", "year", required=True, ref="editions.csv"),
        SOURCE,
    ), key=("city_id", "edition"), description="a city named as a participant of an edition"),
    FileSpec("practices.csv", (
        C("practice_id", "slug", required=True, help="identifier of the practice, e.g. bilbao-data-government"),
        C("title", required=True, help="the practice's name as the source gives it"),
        C("city_id", "slug", required=True, ref="cities.csv", help="the city that owns the practice"),
        C("edition", "year", ref="editions.csv", help="study year; empty when not a study case"),
        C("axis", "enum", values=AXES, help="the study axis the source places the practice under"),
        C("axis_label", help="the axis wording the source uses"),
        C("summary", help="one to three sentences in your own words"),
        C("start_year", "year", help="year the practice started"),
        C("sdgs", "sdgs", ref="sdgs.csv", help="SDG numbers the source links to the practice"),
        C("barriers", "slugs", ref="barriers.csv", help="barriers the source ties to the practice"),
        C("enablers", "slugs", ref="enablers.csv", help="enablers the source ties to the practice"),
        C("topics", "topics", optional=True, help="what the practice is about, from the topic vocabulary"),
        C("partners", "slugs", ref="organisations.csv", help="partner organisations"),
        C("website", "iri", help="the practice's own web site"),
        SOURCE,
        *translations("title", "summary"),
    ), key=("practice_id",), description="good practices documented by the study or the community"),
    FileSpec("barriers.csv", (
        C("id", "slug", required=True), C("label", required=True), C("definition"), SOURCE,
        *translations("label", "definition"),
    ), key=("id",), description="obstacles the studies name"),
    FileSpec("enablers.csv", (
        C("id", "slug", required=True), C("label", required=True), C("definition"), SOURCE,
        *translations("label", "definition"),
    ), key=("id",), description="facilitating factors the studies name"),
    FileSpec("city_barriers.csv", (
        C("city_id", "slug", required=True, ref="cities.csv"),
        C("edition", "year", required=True, ref="editions.csv"),
        C("barrier_id", "slug", required=True, ref="barriers.csv"),
        SOURCE,
    ), key=("city_id", "edition", "barrier_id"), description="a barrier a city reported in an edition"),
    FileSpec("city_enablers.csv", (
        C("city_id", "slug", required=True, ref="cities.csv"),
        C("edition", "year", required=True, ref="editions.csv"),
        C("enabler_id", "slug", required=True, ref="enablers.csv"),
        SOURCE,
    ), key=("city_id", "edition", "enabler_id"), description="an enabler a city reported in an edition"),
    FileSpec("assessments.csv", (
        C("city_id", "slug", required=True, ref="cities.csv"),
        C("edition", "year", required=True, ref="editions.csv"),
        C("axis", "enum", values=AXES, help="empty for an assessment of the city as a whole"),
        C("situation", help="where the city stands, in your own words"),
        C("opportunities", help="opportunities the city sees"),
        C("barriers", "slugs", ref="barriers.csv"),
        C("enablers", "slugs", ref="enablers.csv"),
        SOURCE,
    ), key=("city_id", "edition", "axis"), optional=True,
        description="a city's self-assessment in an edition, per axis (template; may be header only)"),
    FileSpec("organisations.csv", (
        C("org_id", "slug", required=True),
        C("name", required=True),
        C("acronym"),
        C("kind", "enum", values=ORG_KINDS),
        C("website", "iri"),
        C("role", help="what the organisation does in the community's activities"),
        SOURCE,
    ), key=("org_id",), description="networks, agencies, funders, companies, city governments"),
    FileSpec("org_collaborations.csv", (
        C("org_id", "slug", required=True, ref="organisations.csv"),
        C("partner_org_id", "slug", required=True, ref="organisations.csv"),
        C("year", "year"),
        C("activity", help="what they did together"),
        SOURCE,
    ), description="dated collaborations between organisations"),
    FileSpec("sdgs.csv", (
        C("number", "sdg", required=True),
        C("short_title", required=True),
        C("iri", "iri", required=True),
        C("wikidata_qid", help="Wikidata item, e.g. Q7649586"),
        SOURCE,
    ), key=("number",), description="the 17 Sustainable Development Goals"),
    FileSpec("axis_labels.csv", (
        C("edition", "year", required=True, ref="editions.csv"),
        C("language", "enum", required=True, values=LANGUAGES),
        C("original_label", required=True),
        C("axis", "enum", required=True, values=AXES),
        SOURCE,
    ), description="how each edition names its areas, mapped onto the six axes"),
    FileSpec("events.csv", (
        C("event_id", "slug", required=True),
        C("title", required=True),
        C("start_date", "date"),
        C("end_date", "date"),
        C("place", help="city or venue as the source names it"),
        C("country_iso2", "iso2"),
        C("organisers", "slugs", ref="organisations.csv"),
        C("editions", "years", ref="editions.csv"),
        C("description"),
        SOURCE,
        *translations("description"),
    ), key=("event_id",), description="learning meetings, workshops, summits"),
    FileSpec("event_practices.csv", (
        C("event_id", "slug", required=True, ref="events.csv"),
        C("practice_id", "slug", required=True, ref="practices.csv"),
        SOURCE,
        C("relation", "enum", values=EVENT_RELATIONS),
    ), key=("event_id", "practice_id"), description="practices linked to events"),
    FileSpec("event_cities.csv", (
        C("event_id", "slug", required=True, ref="events.csv"),
        C("city_id", "slug", required=True, ref="cities.csv"),
        C("role", help="participant, presenter, panellist, host…"),
        SOURCE,
    ), key=("event_id", "city_id"), description="cities taking part in events"),
    FileSpec("edition_sdgs.csv", (
        C("edition", "year", required=True, ref="editions.csv"),
        C("sdg", "sdg", required=True, ref="sdgs.csv"),
        C("share_of_cities_pct", "decimal", help="percentage of participating cities, as reported"),
        C("finding", help="what the edition reports about the goal, in your own words"),
        SOURCE,
    ), key=("edition", "sdg"), optional=True, description="SDGs an edition reports at edition level"),
)}

#: the column of each file holding the id other files cite (referenced files only)
ID_COLUMN = {"editions.csv": "year", "cities.csv": "city_id", "practices.csv": "practice_id",
             "barriers.csv": "id", "enablers.csv": "id", "organisations.csv": "org_id",
             "events.csv": "event_id", "sdgs.csv": "number"}

"""Mapping the study records to RDF, exactly as docs/model.md says, remembering where each subject came from.

``map_study(tables, base)`` takes the records of every study file (``{"practices.csv": [Record, …], …}``) and
returns the graph plus :class:`Origins`, which lets validation results be reported as file:row:column.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SKOS, XSD

from ingest.errors import InputProblems
from ingest.namespaces import DEFAULT_BASE, GEO, GEONAMES, SCHEMA, SCKG, WIKIDATA
from ingest.read import Record, date_precision, translation_pairs
from ingest.report import Problem
from ingest.sdg_labels import ES as SDG_ES
from ingest.sdg_labels import FR as SDG_FR
from ingest.study import ID_COLUMN, REGIONS, SPECS


@dataclass
class Origins:
    """Where each subject came from (file, line), and which column each (file, predicate) was written from."""

    rows: dict[URIRef, tuple[str, int]] = field(default_factory=dict)
    columns: dict[tuple[str, URIRef], str] = field(default_factory=dict)

    def locate(self, subject, predicate=None) -> tuple[str | None, int | None, str | None]:
        file, line = self.rows.get(subject, (None, None))
        column = self.columns.get((file, predicate)) if file and predicate is not None else None
        return file, line, column


def check_references(tables: dict[str, list[Record]]) -> list[Problem]:
    """Every cell that cites another file's id must name an id that file has.

    Returns one problem per unknown id, located at the citing file:row:column.
    """
    known = {f: {r[col] for r in tables.get(f, [])} for f, col in ID_COLUMN.items()}
    known["sdgs.csv"] = {str(int(n)) for n in known["sdgs.csv"] if n.isdigit()}
    problems = []
    for name, records in tables.items():
        spec = SPECS.get(name)
        if spec is None:
            continue
        for col in spec.columns:
            if not col.ref:
                continue
            what = col.ref.removesuffix(".csv")
            for rec in records:
                values = rec.items(col.name) if col.kind in ("slugs", "years", "sdgs") else [rec[col.name]]
                for v in values:
                    key = str(int(v)) if col.kind in ("sdg", "sdgs") and v.isdigit() else v
                    if v and key not in known[col.ref]:
                        problems.append(Problem(name, rec.line, col.name, "unknown-reference",
                                                f"'{v}' is not in {col.ref}; add it there first or correct "
                                                f"the {what} id"))
    return problems


#: the value of the `translation` column → the kind of text it names (docs/model.md, "Texts in other languages")
TRANSLATION_KIND = {"source": SCKG.SourceText, "editorial": SCKG.EditorialTranslation}
LANGUAGE_NAMES = {"es": "Spanish", "fr": "French"}


class _Mapper:
    def __init__(self, base: str):
        self.base = base
        self.g = Graph()
        self.origins = Origins()
        self._noted: set[tuple] = set()

    def iri(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{slug}")

    def node(self, kind: str, slug: str, cls: URIRef, rec: Record) -> URIRef:
        s = self.iri(kind, slug)
        self.g.add((s, RDF.type, cls))
        self.g.add((s, DCTERMS.identifier, Literal(slug)))
        self.origins.rows.setdefault(s, (rec.file, rec.line))
        if rec["source_url"]:
            self.put(s, DCTERMS.source, URIRef(rec["source_url"]), rec, "source_url")
        return s

    def put(self, s, p, o, rec: Record | None = None, column: str | None = None) -> None:
        self.g.add((s, p, o))
        if rec is not None and column:
            self.origins.columns.setdefault((rec.file, p), column)

    def text(self, s, p, rec, column, lang="en"):
        """The English text of ``column`` and, where the file has them, its Spanish and French columns
        (``{column}_es``, ``{column}_fr``), each tagged with its language; each of these gets a
        :class:`sckg:TranslatedText` note the first time its column is mapped."""
        if rec[column]:
            self.put(s, p, Literal(rec[column], lang=lang), rec, column)
        for other in LANGUAGE_NAMES:
            name = f"{column}_{other}"
            if rec[name]:
                self.put(s, p, Literal(rec[name], lang=other), rec, name)
                self.note(s, p, rec, column, other)

    def note(self, s, p, rec, column, lang) -> None:
        """The note saying where the ``lang`` text of ``column`` comes from (the row's `translation` pair)."""
        if (s, column, lang) in self._noted:
            return
        self._noted.add((s, column, lang))
        kinds = dict(translation_pairs(rec["translation"]))
        kind = TRANSLATION_KIND.get(kinds.get(f"{column}_{lang}", ""))
        n = URIRef(f"{self.base}translation/{s.rsplit('/', 2)[-2]}-{s.rsplit('/', 1)[-1]}--{column}-{lang}")
        self.g.add((n, RDF.type, SCKG.TranslatedText))
        self.origins.rows.setdefault(n, (rec.file, rec.line))
        self.g.add((n, SCKG.textOf, s))
        self.g.add((n, SCKG.textProperty, p))
        self.g.add((n, SCKG.textLanguage, Literal(lang, datatype=XSD.language)))
        self.g.add((n, RDFS.label, Literal(f"{s.rsplit('/', 1)[-1]}: {column} in {LANGUAGE_NAMES[lang]}", lang="en")))
        if kind is not None:
            self.put(n, SCKG.translationKind, kind, rec, "translation")
        if kind == SCKG.SourceText:
            for url in rec.items(f"source_url_{lang}"):
                self.put(n, DCTERMS.source, URIRef(url), rec, f"source_url_{lang}")

    def typed(self, s, p, rec, column, datatype):
        if rec[column]:
            self.put(s, p, Literal(rec[column], datatype=datatype), rec, column)

    def link(self, s, p, kind, rec, column, many=False):
        for v in (rec.items(column) if many else [rec[column]] if rec[column] else []):
            self.put(s, p, self.iri(kind, v), rec, column)

    def country(self, iso2: str, name: str | None = None) -> URIRef:
        c = self.iri("country", iso2.lower())
        if (c, RDF.type, SCHEMA.Country) not in self.g:
            self.g.add((c, RDF.type, SCHEMA.Country))
            self.g.add((c, DCTERMS.identifier, Literal(iso2.lower())))
            self.g.add((c, SCKG.iso2, Literal(iso2)))
            known = pycountry.countries.get(alpha_2=iso2)
            label = name or (known.name if known else iso2)
            self.g.add((c, RDFS.label, Literal(label, lang="en")))
        return c


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD[date_precision(value) or "string"])


def map_study(tables: dict[str, list[Record]], base: str | None = None) -> tuple[Graph, Origins]:
    """The RDF of the study files (docs/model.md), and where each subject came from.

    :raises InputProblems: when a cell cites an id its target file lacks (file:row:column of each).
    """
    problems = check_references(tables)
    if problems:
        raise InputProblems(problems)
    m = _Mapper(base or DEFAULT_BASE)
    rows = lambda name: tables.get(name, [])  # noqa: E731
    g = m.g
    city_names = {r["city_id"]: r["name"] for r in rows("cities.csv")}
    for r in rows("editions.csv"):
        s = m.node("edition", r["year"], SCKG.StudyEdition, r)
        m.typed(s, SCKG.year, r, "year", XSD.gYear)
        m.text(s, DCTERMS.title, r, "title")
        m.text(s, RDFS.label, r, "title")
        m.text(s, SCKG.theme, r, "theme")
        m.typed(s, SCKG.numberOfCities, r, "number_of_cities", XSD.integer)
        m.typed(s, SCKG.numberOfCountries, r, "number_of_countries", XSD.integer)
    for r in rows("cities.csv"):
        s = m.node("city", r["city_id"], SCKG.City, r)
        m.put(s, RDFS.label, Literal(r["name"]), r, "name")
        m.put(s, SCHEMA.name, Literal(r["name"]), r, "name")
        if r["country_iso2"]:
            m.put(s, SCKG.country, m.country(r["country_iso2"], r["country_name"] or None), r, "country_iso2")
            m.origins.columns.setdefault((r.file, SCKG.country), "country_iso2")
        if r["region"]:
            m.put(s, SCKG.region, m.iri("region", REGIONS[r["region"]]), r, "region")
        m.typed(s, SCKG.population, r, "population", XSD.integer)
        m.typed(s, SCKG.populationYear, r, "population_year", XSD.gYear)
        if r["population_source_url"]:
            m.put(s, SCKG.populationSource, URIRef(r["population_source_url"]), r, "population_source_url")
        m.link(s, SCKG.participatedIn, "edition", r, "editions", many=True)
        # placed by hand: these override what the link step finds by name (ingest.link); a shape result on
        # the links names these columns, also where the link step wrote them
        for prop, column in ((GEO.lat, "latitude"), (GEO.long, "longitude"), (OWL.sameAs, "geonames_id")):
            m.origins.columns.setdefault((r.file, prop), column)
        m.typed(s, GEO.lat, r, "latitude", XSD.decimal)
        m.typed(s, GEO.long, r, "longitude", XSD.decimal)
        if r["geonames_id"]:
            m.put(s, OWL.sameAs, URIRef(GEONAMES.format(int(r["geonames_id"]))), r, "geonames_id")
        if r["wikidata_qid"]:
            m.put(s, OWL.sameAs, WIKIDATA[r["wikidata_qid"]], r, "wikidata_qid")
    for r in rows("city_participation.csv"):
        slug = f"{r['city_id']}-{r['edition']}"
        s = m.node("participation", slug, SCKG.Participation, r)
        city, edition = m.iri("city", r["city_id"]), m.iri("edition", r["edition"])
        m.put(s, SCKG.city, city, r, "city_id")
        m.put(s, SCKG.edition, edition, r, "edition")
        m.put(s, RDFS.label, Literal(f"{city_names[r['city_id']]} in the {r['edition']} study", lang="en"))
        g.add((city, SCKG.participatedIn, edition))
    for r in rows("practices.csv"):
        s = m.node("practice", r["practice_id"], SCKG.Practice, r)
        m.text(s, DCTERMS.title, r, "title")
        m.text(s, RDFS.label, r, "title")
        m.link(s, SCKG.city, "city", r, "city_id")
        m.link(s, SCKG.edition, "edition", r, "edition")
        m.link(s, SCKG.axis, "axis", r, "axis")
        m.text(s, SCKG.axisLabel, r, "axis_label")
        m.text(s, DCTERMS.description, r, "summary")
        m.typed(s, SCKG.startYear, r, "start_year", XSD.gYear)
        for n in r.items("sdgs"):
            m.put(s, SCKG.sdg, URIRef(f"http://metadata.un.org/sdg/{int(n)}"), r, "sdgs")
        m.link(s, SCKG.barrier, "barrier", r, "barriers", many=True)
        m.link(s, SCKG.enabler, "enabler", r, "enablers", many=True)
        m.link(s, SCKG.topic, "topic", r, "topics", many=True)
        m.link(s, SCKG.partner, "org", r, "partners", many=True)
        if r["website"]:
            m.put(s, FOAF.homepage, URIRef(r["website"]), r, "website")
    for name, kind, cls in (("barriers.csv", "barrier", SCKG.Barrier), ("enablers.csv", "enabler", SCKG.Enabler)):
        for r in rows(name):
            s = m.node(kind, r["id"], cls, r)
            m.put(s, SKOS.notation, Literal(r["id"]), r, "id")
            m.text(s, SKOS.prefLabel, r, "label")
            m.text(s, RDFS.label, r, "label")
            m.text(s, SKOS.definition, r, "definition")
            m.put(s, SKOS.inScheme, m.iri("scheme", kind + "s"))
    _map_assessments(m, rows, city_names)
    for r in rows("organisations.csv"):
        s = m.node("org", r["org_id"], ORG.Organization, r)
        m.put(s, RDFS.label, Literal(r["name"]), r, "name")
        m.put(s, SKOS.prefLabel, Literal(r["name"]), r, "name")
        if r["acronym"]:
            m.put(s, SKOS.altLabel, Literal(r["acronym"]), r, "acronym")
            m.put(s, SCKG.acronym, Literal(r["acronym"]), r, "acronym")
        m.link(s, SCKG.kind, "org-kind", r, "kind")
        if r["website"]:
            m.put(s, FOAF.homepage, URIRef(r["website"]), r, "website")
        m.text(s, SCKG.role, r, "role")
    repeats: dict[str, int] = defaultdict(int)
    org_names = {r["org_id"]: r["name"] for r in rows("organisations.csv")}
    for r in rows("org_collaborations.csv"):
        slug = f"{r['org_id']}--{r['partner_org_id']}--{r['year']}"
        repeats[slug] += 1
        if repeats[slug] > 1:
            slug += f"-{repeats[slug]}"
        s = m.node("collaboration", slug, SCKG.Collaboration, r)
        a, b = m.iri("org", r["org_id"]), m.iri("org", r["partner_org_id"])
        m.put(s, SCKG.organisation, a, r, "org_id")
        m.put(s, SCKG.partnerOrganisation, b, r, "partner_org_id")
        m.typed(s, SCKG.year, r, "year", XSD.gYear)
        m.text(s, DCTERMS.description, r, "activity")
        label = f"{org_names[r['org_id']]} with {org_names[r['partner_org_id']]}" + \
            (f" ({r['year']})" if r["year"] else "")
        m.put(s, RDFS.label, Literal(label, lang="en"))
        g.add((a, SCKG.collaboratesWith, b))
        g.add((b, SCKG.collaboratesWith, a))
    for r in rows("sdgs.csv"):
        n = int(r["number"])
        s = URIRef(r["iri"])
        m.origins.rows.setdefault(s, (r.file, r.line))
        m.put(s, RDF.type, SCKG.SDG)
        m.put(s, DCTERMS.identifier, Literal(str(n)))
        m.put(s, SKOS.notation, Literal(n, datatype=XSD.integer), r, "number")
        m.text(s, SKOS.prefLabel, r, "short_title")
        m.text(s, RDFS.label, r, "short_title")
        m.put(s, SKOS.prefLabel, Literal(SDG_FR[n], lang="fr"))
        m.put(s, SKOS.prefLabel, Literal(SDG_ES[n], lang="es"))
        m.put(s, SKOS.inScheme, m.iri("scheme", "sdgs"))
        if r["wikidata_qid"]:
            m.put(s, OWL.sameAs, WIKIDATA[r["wikidata_qid"]], r, "wikidata_qid")
        m.put(s, DCTERMS.source, URIRef(r["source_url"]), r, "source_url")
    for i, r in enumerate(rows("axis_labels.csv"), start=1):
        s = m.node("axis-label", f"{r['edition']}-{r['language']}-{i}", SCKG.AxisLabel, r)
        label = Literal(r["original_label"], lang=r["language"])
        m.put(s, SCKG.edition, m.iri("edition", r["edition"]), r, "edition")
        m.put(s, SCKG.axis, m.iri("axis", r["axis"]), r, "axis")
        m.put(s, RDFS.label, label, r, "original_label")
        g.add((m.iri("axis", r["axis"]), SKOS.altLabel, label))
    for r in rows("edition_sdgs.csv"):
        n = int(r["sdg"])
        s = m.node("edition-sdg", f"{r['edition']}-{n}", SCKG.EditionSDG, r)
        m.put(s, SCKG.edition, m.iri("edition", r["edition"]), r, "edition")
        m.put(s, SCKG.sdg, URIRef(f"http://metadata.un.org/sdg/{n}"), r, "sdg")
        m.typed(s, SCKG.shareOfCities, r, "share_of_cities_pct", XSD.decimal)
        m.text(s, DCTERMS.description, r, "finding")
        m.put(s, RDFS.label, Literal(f"SDG {n} in the {r['edition']} study", lang="en"))
    _map_events(m, rows)
    return g, m.origins


def _map_assessments(m: _Mapper, rows, city_names) -> None:
    for name, p, col in (("city_barriers.csv", SCKG.reportsBarrier, "barrier_id"),
                         ("city_enablers.csv", SCKG.reportsEnabler, "enabler_id")):
        kind = "barrier" if col == "barrier_id" else "enabler"
        for r in rows(name):
            s = m.node("assessment", f"{r['city_id']}-{r['edition']}", SCKG.Assessment, r)
            m.put(s, SCKG.city, m.iri("city", r["city_id"]), r, "city_id")
            m.put(s, SCKG.edition, m.iri("edition", r["edition"]), r, "edition")
            m.put(s, p, m.iri(kind, r[col]), r, col)
            m.put(s, RDFS.label, Literal(f"{city_names[r['city_id']]} in the {r['edition']} study: "
                                         f"assessment", lang="en"))
    for r in rows("assessments.csv"):
        slug = f"{r['city_id']}-{r['edition']}" + (f"-{r['axis']}" if r["axis"] else "")
        s = m.node("assessment", slug, SCKG.Assessment, r)
        m.put(s, SCKG.city, m.iri("city", r["city_id"]), r, "city_id")
        m.put(s, SCKG.edition, m.iri("edition", r["edition"]), r, "edition")
        m.link(s, SCKG.axis, "axis", r, "axis")
        m.text(s, SCKG.situation, r, "situation")
        m.text(s, SCKG.opportunities, r, "opportunities")
        m.link(s, SCKG.reportsBarrier, "barrier", r, "barriers", many=True)
        m.link(s, SCKG.reportsEnabler, "enabler", r, "enablers", many=True)
        label = f"{city_names[r['city_id']]} in the {r['edition']} study: assessment" + \
            (f" ({r['axis']})" if r["axis"] else "")
        m.put(s, RDFS.label, Literal(label, lang="en"))


def _map_events(m: _Mapper, rows) -> None:
    titles = {r["event_id"]: r["title"] for r in rows("events.csv")}
    practice_titles = {r["practice_id"]: r["title"] for r in rows("practices.csv")}
    city_names = {r["city_id"]: r["name"] for r in rows("cities.csv")}
    for r in rows("events.csv"):
        s = m.node("event", r["event_id"], SCKG.LearningEvent, r)
        m.text(s, DCTERMS.title, r, "title")
        m.text(s, RDFS.label, r, "title")
        if r["start_date"]:
            m.put(s, SCHEMA.startDate, _date(r["start_date"]), r, "start_date")
        if r["end_date"]:
            m.put(s, SCHEMA.endDate, _date(r["end_date"]), r, "end_date")
        if r["place"]:
            m.put(s, SCHEMA.location, Literal(r["place"]), r, "place")
        if r["country_iso2"]:
            m.put(s, SCKG.country, m.country(r["country_iso2"]), r, "country_iso2")
        m.link(s, SCKG.organiser, "org", r, "organisers", many=True)
        m.link(s, SCKG.edition, "edition", r, "editions", many=True)
        m.text(s, DCTERMS.description, r, "description")
    for r in rows("event_practices.csv"):
        s = m.node("event-practice", f"{r['event_id']}--{r['practice_id']}", SCKG.EventPractice, r)
        e, p = m.iri("event", r["event_id"]), m.iri("practice", r["practice_id"])
        m.put(s, SCKG.event, e, r, "event_id")
        m.put(s, SCKG.practice, p, r, "practice_id")
        if r["relation"]:
            m.put(s, SCKG.relation, Literal(r["relation"]), r, "relation")
        m.put(s, RDFS.label, Literal(f"{practice_titles[r['practice_id']]} at {titles[r['event_id']]}", lang="en"))
        m.g.add((e, SCKG.featuresPractice, p))
    for r in rows("event_cities.csv"):
        s = m.node("event-city", f"{r['event_id']}--{r['city_id']}", SCKG.EventCity, r)
        e, c = m.iri("event", r["event_id"]), m.iri("city", r["city_id"])
        m.put(s, SCKG.event, e, r, "event_id")
        m.put(s, SCKG.city, c, r, "city_id")
        if r["role"]:
            m.put(s, SCKG.role, Literal(r["role"]), r, "role")
        m.put(s, RDFS.label, Literal(f"{city_names[r['city_id']]} at {titles[r['event_id']]}", lang="en"))
        m.g.add((e, SCKG.participant, c))

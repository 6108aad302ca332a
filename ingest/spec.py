"""Declarative descriptions of tabular sources: which columns a file has, which must be filled, what each holds.

A :class:`FileSpec` is data, not code: the reader checks rows against it and the mapper turns rows into RDF
following it, so a new column is one line here plus one line in the mapper.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` says what a cell holds (see :data:`KINDS`); ``ref`` names the file whose ids it cites."""

    name: str
    kind: str = "text"
    required: bool = False
    ref: str | None = None
    values: tuple[str, ...] = ()
    help: str = ""
    #: for a text in another language: the language (``es``, ``fr``) and the English column it renders
    lang: str | None = None
    of: str | None = None
    #: the header may leave the column out (the language columns: a file written in English only stays valid)
    optional: bool = False


#: what each kind of cell holds, in words a data-entry person understands (used in messages and docs)
KINDS = {
    "slug": "an identifier of lower-case letters, digits and hyphens, e.g. bilbao-data-government",
    "slugs": "identifiers separated by ';' without spaces, e.g. uclg;un-habitat",
    "text": "free text",
    "int": "a whole number without separators, e.g. 9209944",
    "decimal": "a number with an optional decimal point, e.g. 46 or 45.5",
    "year": "a four-digit year, e.g. 2023",
    "years": "four-digit years separated by ';', e.g. 2012;2021",
    "date": "an ISO 8601 date: 2023-05-10, 2021-11 or 2005",
    "iri": "a web address starting with http:// or https://",
    "iris": "one or two web addresses starting with http:// or https://, separated by ';'",
    "translation": "pairs column:source or column:editorial separated by ';', one for every filled text in "
                   "another language, e.g. title_es:source;summary_fr:editorial",
    "iso2": "an ISO 3166-1 alpha-2 country code in capitals, e.g. ES",
    "latitude": "decimal degrees north (negative: south) between -90 and 90, with a point, e.g. 43.26271",
    "longitude": "decimal degrees east (negative: west) between -180 and 180, with a point, e.g. -2.92528",
    "geonames": "a GeoNames id: the number in the place's GeoNames address, e.g. 3128026 for "
                "https://www.geonames.org/3128026/",
    "qid": "a Wikidata item id: Q and digits, e.g. Q8692",
    "sdg": "an SDG number from 1 to 17",
    "sdgs": "SDG numbers from 1 to 17 separated by ';', e.g. 9;11",
    "topics": "topic identifiers of ontology/vocab/topics.ttl separated by ';' without spaces, e.g. "
              "open-data;participation",
    "enum": "one of a fixed list of values",
}


#: the values of a `translation` column: where a text in another language comes from
TRANSLATION_KINDS = ("source", "editorial")


@dataclass(frozen=True)
class FileSpec:
    """One file of a source layout: its name, columns (in order) and the columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    optional: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def header_columns(self) -> list[str]:
        """The columns every header must have."""
        return [c.name for c in self.columns if not c.optional]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def translated(self) -> list[Column]:
        """The columns holding a text in another language (``title_es``, ``summary_fr`` …)."""
        return [c for c in self.columns if c.lang]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

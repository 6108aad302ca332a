"""Rows of a partner table → places and observation records, as the mapping says.

Wide tables are melted: every column whose title matches a measure's ``melt`` pattern yields one
observation per row, its period taken from the title. Long tables name a value column and a period
column. Cells listed in the mapping's ``null`` values are reported and skipped; any other text where a
number is expected stops the run with the file, row and column.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ingest.errors import InputError, TooManyTriples
from ingest.partners.codes import country_code, geonames_iri
from ingest.partners.mapping import Mapping
from ingest.partners.tables import Table

YEAR = re.compile(r"^\d{4}$")


@dataclass
class Place:
    key: str
    name: str
    code: str | None
    country_name: str | None
    iso2: str | None
    row: int
    lat: Decimal | None = None
    long: Decimal | None = None
    #: the GeoNames IRI the partner gives for the place (a column of role geonamesId)
    geonames: str | None = None


@dataclass(frozen=True)
class Observation:
    place: str
    indicator: str
    period: str
    value: Decimal
    row: int
    column: str


@dataclass
class Records:
    places: dict[str, Place] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_rows: list[str] = field(default_factory=list)
    rows: int = 0
    skipped_cells: int = 0


def _norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def _locate(table: Table, mapping: Mapping) -> dict[str, int]:
    found = {_norm(h): i for i, h in enumerate(table.header) if h}
    index: dict[str, int] = {}
    missing = []
    for col in mapping.columns:
        hit = next((found[_norm(t)] for t in col.titles if _norm(t) in found), None)
        if hit is not None:
            index[col.name] = hit
        elif col.required:
            missing.append(col)
    if missing:
        col = missing[0]
        melted = [m.melt for m in mapping.measures if m.melt is not None]
        free = [h for i, h in enumerate(table.header) if h and i not in index.values()
                and not any(rx.fullmatch(h) for rx in melted)]
        close = difflib.get_close_matches(col.titles[0], free, n=1, cutoff=0.5)
        hint = f"; the closest unclaimed title is {close[0]!r} (renamed?)" if close else ""
        raise InputError(table.where, mapping.header_row,
                         f"no column titled {col.titles[0]!r} (column {col.name!r} of the mapping){hint}",
                         column=col.titles[0])
    return index


def _melted(table: Table, mapping: Mapping) -> list[tuple[int, str, str, str]]:
    """(column index, title, indicator, period) for every column a melt pattern matches."""
    out = []
    for m in (m for m in mapping.measures if m.melt is not None):
        hits = 0
        for i, title in enumerate(table.header):
            match = m.melt.fullmatch(title) if title else None
            if not match:
                continue
            period = match.group("period").strip()
            if not YEAR.match(period):
                raise InputError(table.where, mapping.header_row,
                                 f"the period {period!r} in this column title is not a four-digit year", column=title)
            out.append((i, title, m.indicator, period))
            hits += 1
        if not hits:
            raise InputError(table.where, mapping.header_row,
                             f"no column title matches the pattern {m.melt.pattern!r} of indicator {m.indicator!r}")
    return out


def _is_null(value, mapping: Mapping) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip().casefold() in {n.casefold() for n in mapping.nulls}


def _decimal(value, where: str, row: int, column: str) -> Decimal:
    if isinstance(value, bool):
        raise InputError(where, row, f"{value!r} is not a number", column=column)
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise InputError(where, row, f"{value!r} is not a number; if it means 'no value', list it in the "
                         "mapping's \"null\" values", column=column)
    return d


def _period(value, where: str, row: int, column: str) -> str:
    text = str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value).strip()
    if not YEAR.match(text):
        raise InputError(where, row, f"the period {value!r} is not a four-digit year", column=column)
    return text


def _text(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def place_key(code: str | None, name: str, iso2: str | None) -> str:
    """A lower-case slug for the partner's place: its code, else name + country."""
    base = code or f"{iso2 or 'xx'}-{name}"
    slug = re.sub(r"[^a-z0-9]+", "-", base.casefold()).strip("-")
    return slug or "place"


#: the fewest triples the Data Cube writes for one observation and for one place (ingest/partners/cube.py)
OBSERVATION_TRIPLES, PLACE_TRIPLES = 8, 6


def triple_budget_error(at_least: int, budget: int, where: str) -> TooManyTriples:
    return TooManyTriples(f"{where} maps to more than {budget} triples (at least {at_least} so far), the most one "
                          f"upload may write (MAX_UPLOAD_TRIPLES); nothing was written. Split the file into "
                          f"smaller ones, or have the operator load it with 'sckg partner ingest'")


def build_records(table: Table, mapping: Mapping, country_iso2: Callable[[str], str | None],
                  max_triples: int | None = None) -> Records:
    """Turn the table into places and observations; with ``max_triples``, stop as soon as they would make
    more triples than that (counting the fewest each one makes), before the rest of the table is mapped.

    :raises InputError: a declared column is missing, a melt pattern matches nothing, a period is not a
        year, or a value is text the mapping does not declare as null.
    :raises TooManyTriples: over ``max_triples``.
    """
    index = _locate(table, mapping)
    melted = _melted(table, mapping)
    roles = {c.role: c.name for c in mapping.columns if c.role}
    titles = {c.name: table.header[index[c.name]] for c in mapping.columns if c.name in index}
    out = Records()
    where = table.where
    unknown_countries: set[str] = set()
    converted_codes: set[str] = set()
    for n, values in table.rows:
        cells = {name: (values[i] if i < len(values) else None) for name, i in index.items()}
        empty = [c for c in mapping.skip_when_empty if _text(cells.get(c)) is None]
        if empty:
            label = _text(cells.get(roles.get("cityName", ""))) or _text(cells.get(roles.get("country", ""))) or "?"
            out.skipped_rows.append(f"row {n} ({label}): {mapping.skip_reason}")
            continue
        out.rows += 1
        name = _text(cells.get(roles.get("cityName", ""))) or _text(cells.get(roles.get("cityCode", "")))
        code = _text(cells.get(roles.get("cityCode", "")))
        if not name:
            raise InputError(where, n, "the row has no city name or code", column=titles.get(roles.get("cityName")))
        country = _text(cells.get(roles.get("country", "")))
        iso2 = _text(cells.get(roles.get("countryCode", "")))
        if iso2:
            try:
                iso2, converted = country_code(iso2)
            except ValueError as e:
                raise InputError(where, n, str(e), column=titles.get(roles["countryCode"])) from None
            if converted and not converted_codes:
                out.warnings.append(f"{where} column {titles.get(roles['countryCode'])!r}: country codes read as "
                                    f"ISO 3166 alpha-3 or numeric M49 and converted to alpha-2 (row {n}: "
                                    f"{converted}); check that the column holds country codes")
            if converted:
                converted_codes.add(converted)
        elif country:
            iso2 = country_iso2(country)
            if iso2 is None and country not in unknown_countries:
                unknown_countries.add(country)
                out.warnings.append(f"{where} row {n}: country {country!r} has no ISO 3166 code (add it to the "
                                    "SSSOM table); its places are matched by name only")
        key = place_key(code, name, iso2)
        place = out.places.get(key)
        if place is None:
            place = out.places[key] = Place(key, name, code, country, iso2, n)
            for role, attr in (("latitude", "lat"), ("longitude", "long")):
                col = roles.get(role)
                if col and not _is_null(cells.get(col), mapping):
                    setattr(place, attr, _decimal(cells[col], where, n, titles[col]))
            col = roles.get("geonamesId")
            if col and not _is_null(cells.get(col), mapping):
                try:
                    place.geonames = geonames_iri(cells[col])
                except ValueError as e:
                    raise InputError(where, n, str(e), column=titles[col]) from None
        for i, title, indicator, period in melted:
            _add(out, mapping, where, n, title, key, indicator, period, values[i] if i < len(values) else None)
        for m in (m for m in mapping.measures if m.melt is None):
            indicator = m.indicator
            if m.indicator_column:
                indicator = _text(cells.get(m.indicator_column))
                if indicator not in mapping.indicators:
                    raise InputError(where, n, f"indicator {indicator!r} is not described in the mapping",
                                     column=titles[m.indicator_column])
            period = m.period_value or _period(cells.get(m.period), where, n, titles[m.period])
            _add(out, mapping, where, n, titles[m.value], key, indicator, period, cells.get(m.value))
        if max_triples is not None:
            at_least = len(out.observations) * OBSERVATION_TRIPLES + len(out.places) * PLACE_TRIPLES
            if at_least > max_triples:
                raise triple_budget_error(at_least, max_triples, f"{where} (row {n})")
    return out


def _add(out: Records, mapping: Mapping, where: str, n: int, title: str, key: str, indicator: str,
         period: str, value) -> None:
    if _is_null(value, mapping):
        out.skipped_cells += 1
        shown = "empty" if value is None or str(value).strip() == "" else repr(value)
        out.warnings.append(f"{where} row {n}, column {title!r}: no value ({shown}); observation skipped")
        return
    out.observations.append(Observation(key, indicator, period, _decimal(value, where, n, title), n, title))

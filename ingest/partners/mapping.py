"""The partner mapping document: a small JSON file whose vocabulary follows CSV on the Web (CSVW).

CSVW terms used as CSVW defines them: ``url`` (the source file), ``dialect.headerRowCount``,
``tableSchema.columns[*].name/titles/datatype/required`` and ``null`` (cell values that mean "no value").
SCKG adds what CSVW cannot say: ``sheet`` (the workbook sheet), a ``role`` per column (cityName, cityCode,
country, countryCode, latitude, longitude), ``measures`` (how cells become observations, including the
``melt`` of wide year columns) and the dataset's description (publisher, licence, citation, caveats).
See docs/partners.md for the full reference.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import MappingError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
FORMATS = ("xlsx", "csv", "json")
ROLES = ("cityName", "cityCode", "country", "countryCode", "latitude", "longitude", "geonamesId", "period",
         "value", "indicator", "note")
DATATYPES = ("string", "decimal", "integer", "gYear")


@dataclass(frozen=True)
class Column:
    name: str
    titles: tuple[str, ...]
    role: str | None = None
    datatype: str = "string"
    required: bool = True


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    unit_label: str
    description: str = ""
    sdg: tuple[str, ...] = ()
    sdg_indicator: str | None = None


@dataclass(frozen=True)
class Measure:
    """One way cells become observations: ``melt`` (a title pattern whose ``period`` group names the year)
    or ``value`` (a column) with ``period`` (a column) or a fixed ``period_value``."""
    indicator: str | None
    melt: re.Pattern | None = None
    value: str | None = None
    period: str | None = None
    period_value: str | None = None
    indicator_column: str | None = None


@dataclass(frozen=True)
class MetadataSheet:
    sheet: str
    title_cell: str | None = None
    labels: dict = field(default_factory=dict)  # field -> the label in the sheet's label column
    description_contains: str | None = None


@dataclass
class Mapping:
    path: Path
    partner: str
    dataset: str
    title: str
    url: str
    formats: tuple[str, ...]
    columns: list[Column]
    measures: list[Measure]
    indicators: dict[str, Indicator]
    sheet: str | None = None
    header_row: int = 1
    nulls: tuple[str, ...] = ("",)
    skip_when_empty: tuple[str, ...] = ()
    skip_reason: str = "row skipped"
    publisher: str | None = None
    license: str | None = None
    rights: str | None = None
    citation: str | None = None
    description: str | None = None
    source: str | None = None
    caveats: tuple[str, ...] = ()
    metadata_sheet: MetadataSheet | None = None
    sssom: str | None = None
    max_distance_km: float = 30.0

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    def source_path(self) -> Path:
        return (self.path.parent / self.url).resolve()

    def sssom_path(self) -> Path | None:
        return (self.path.parent / self.sssom).resolve() if self.sssom else None


def _need(doc: dict, key: str, where: str):
    if key not in doc or doc[key] in (None, ""):
        raise MappingError(f"{where}: the mapping must give {key!r}")
    return doc[key]


def _titles(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (str(value),)


def _column(doc: dict, where: str) -> Column:
    name = _need(doc, "name", where)
    role = doc.get("role")
    if role is not None and role not in ROLES:
        raise MappingError(f"{where}: column {name!r} has unknown role {role!r}; expected one of {', '.join(ROLES)}")
    datatype = doc.get("datatype", "string")
    if datatype not in DATATYPES:
        raise MappingError(f"{where}: column {name!r} has unknown datatype {datatype!r}")
    return Column(name, _titles(doc.get("titles", name)), role, datatype, bool(doc.get("required", True)))


def _indicator(key: str, doc: dict, where: str) -> Indicator:
    if not SLUG.match(key):
        raise MappingError(f"{where}: indicator id {key!r} must be a lower-case slug")
    return Indicator(key, _need(doc, "label", f"{where}: indicator {key}"), _need(doc, "unit", f"{where}: {key}"),
                     doc.get("unitLabel", ""), doc.get("description", ""), tuple(doc.get("sdg", ())),
                     doc.get("sdgIndicator"))


def _measure(doc: dict, where: str, indicators: dict, columns: dict) -> Measure:
    ind = doc.get("indicator")
    if ind is not None and ind not in indicators:
        raise MappingError(f"{where}: measure names indicator {ind!r}, which the mapping does not describe")
    if "melt" in doc:
        pattern = doc["melt"].get("titles", "")
        try:
            rx = re.compile(pattern)
        except re.error as e:
            raise MappingError(f"{where}: melt pattern {pattern!r} is not a regular expression: {e}") from e
        if "period" not in rx.groupindex:
            raise MappingError(f"{where}: melt pattern {pattern!r} needs a named group (?P<period>…)")
        if ind is None:
            raise MappingError(f"{where}: a melt measure needs an indicator")
        return Measure(ind, melt=rx)
    value = _need(doc, "value", where)
    for col in (value, doc.get("period"), doc.get("indicatorColumn")):
        if col is not None and col not in columns:
            raise MappingError(f"{where}: measure refers to column {col!r}, which tableSchema does not declare")
    if ind is None and not doc.get("indicatorColumn"):
        raise MappingError(f"{where}: a measure needs an indicator or an indicatorColumn")
    if not doc.get("period") and not doc.get("periodValue"):
        raise MappingError(f"{where}: a measure needs a period column or a periodValue")
    return Measure(ind, value=value, period=doc.get("period"), period_value=doc.get("periodValue"),
                   indicator_column=doc.get("indicatorColumn"))


def parse_mapping(doc: dict, path: Path) -> Mapping:
    """Check a mapping document and build a :class:`Mapping`.

    :raises MappingError: naming the mapping file and the missing or wrong entry.
    """
    where = str(path)
    partner, dataset = _need(doc, "partner", where), _need(doc, "dataset", where)
    for key, val in (("partner", partner), ("dataset", dataset)):
        if not SLUG.match(str(val)):
            raise MappingError(f"{where}: {key} {val!r} must be a lower-case slug (a-z, 0-9, -)")
    formats = tuple(doc.get("formats") or [Path(_need(doc, "url", where)).suffix.lstrip(".").lower()])
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise MappingError(f"{where}: unknown format(s) {', '.join(bad)}; expected some of {', '.join(FORMATS)}")
    schema = _need(doc, "tableSchema", where)
    columns = [_column(c, where) for c in _need(schema, "columns", where)]
    by_name = {c.name: c for c in columns}
    if len(by_name) != len(columns):
        raise MappingError(f"{where}: column names must be unique")
    if not any(c.role in ("cityName", "cityCode") for c in columns):
        raise MappingError(f"{where}: one column must have the role cityName or cityCode")
    indicators = {k: _indicator(k, v, where) for k, v in _need(doc, "indicators", where).items()}
    measures = [_measure(m, where, indicators, by_name) for m in _need(doc, "measures", where)]
    meta = doc.get("metadataSheet")
    skip = doc.get("skipRows") or {}
    for name in skip.get("whenEmpty", []):
        if name not in by_name:
            raise MappingError(f"{where}: skipRows names column {name!r}, which tableSchema does not declare")
    nulls = doc.get("null", [""])
    return Mapping(
        path=path, partner=partner, dataset=dataset, title=_need(doc, "title", where), url=_need(doc, "url", where),
        formats=formats, columns=columns, measures=measures, indicators=indicators, sheet=doc.get("sheet"),
        header_row=int((doc.get("dialect") or {}).get("headerRowCount", 1)),
        nulls=tuple(nulls if isinstance(nulls, list) else [nulls]),
        skip_when_empty=tuple(skip.get("whenEmpty", [])), skip_reason=skip.get("reason", "row skipped"),
        publisher=doc.get("publisher"), license=doc.get("license"), rights=doc.get("rights"), citation=doc.get("citation"),
        description=doc.get("description"), source=doc.get("source"), caveats=tuple(doc.get("caveats", [])),
        metadata_sheet=MetadataSheet(meta["sheet"], meta.get("title"), dict(meta.get("labels", {})),
                                     meta.get("descriptionContains")) if meta else None,
        sssom=doc.get("sssom"), max_distance_km=float(doc.get("maxDistanceKm", 30.0)),
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file (JSON).

    :raises MappingError: the file is missing, is not JSON, or is not a valid mapping.
    """
    path = Path(path).resolve()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise MappingError(f"{path}: no such mapping file") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise MappingError(f"{path}: the mapping is not valid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise MappingError(f"{path}: the mapping must be a JSON object")
    return parse_mapping(doc, path)


def find_mapping(partners_dir: Path, partner: str, name: str) -> Path:
    """The mapping file ``{partners_dir}/{partner}/{name}.mapping.json``; names are slugs, never paths.

    :raises MappingError: a name that is not a slug, or no such mapping.
    """
    if not SLUG.match(partner) or not SLUG.match(name):
        raise MappingError(f"partner and mapping names are lower-case slugs, not {partner!r} / {name!r}")
    path = partners_dir / partner / f"{name}.mapping.json"
    if not path.is_file():
        raise MappingError(f"partner {partner!r} has no mapping named {name!r}")
    return path

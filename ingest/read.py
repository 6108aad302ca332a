"""Reading CSV sources into records, checking every cell against the file's :class:`FileSpec`.

All problems of a file are collected before anything is raised, so a user fixes them in one pass.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry

from ingest.errors import InputProblems
from ingest.report import Problem
from ingest.spec import TRANSLATION_KINDS, Column, FileSpec

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR = re.compile(r"^[0-9]{4}$")
INT = re.compile(r"^[0-9]+$")
DECIMAL = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
#: the separators a CSV file may use: comma, semicolon (Excel's default in French and Spanish settings), tab
SEPARATORS = ",;\t"
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_NOT_IN_URL = '<>"{}|\\^`'


@dataclass(frozen=True)
class Record:
    """One data row: the file it came from, its line (header = line 1) and its cells by column name."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def items(self, column: str) -> list[str]:
        """The ';'-separated values of a multi-valued cell (empty list for an empty cell)."""
        return [v.strip() for v in self[column].split(";") if v.strip()]


def date_precision(value: str) -> str | None:
    """The XSD type a date has by its precision: ``"2023-05-10"`` → ``"date"``, ``"2021-11"`` → ``"gYearMonth"``,
    ``"2005"`` → ``"gYear"``; None if the text is not a valid ISO 8601 date of one of these forms."""
    m = DATE.match(value)
    if not m:
        return None
    year, month, day = m.groups()
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return "date"
        if month:
            dt.date(int(year), int(month), 1)
            return "gYearMonth"
    except ValueError:
        return None
    return "gYear"


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not a web address, in words (None when it is one): a missing scheme, a space, no host…"""
    low = value.lower()
    if not low.startswith(("http://", "https://")):
        if low.startswith(("www.", "//")) or "." in value.split("/", 1)[0]:
            return "it does not start with http:// or https://; add https:// in front"
        return "it does not start with http:// or https://"
    rest = value.split("://", 1)[1]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    for i, ch in enumerate(value):
        if ch.isspace():
            what = "a space" if ch == " " else f"a whitespace character ({ch!r})"
            return (f"it contains {what} at character {i + 1}; remove it, or write it as %20 if it belongs "
                    f"to the address")
    if not host or host.startswith(("@", ":")):
        return "it names no host after the ://, e.g. https://example.org/page"
    for i, ch in enumerate(value):
        if ch in _NOT_IN_URL or ord(ch) < 32:
            return f"it contains the character {ch!r} at character {i + 1}, which a web address cannot hold"
    if not IRI.match(value):
        return "it is not a valid web address"
    return None


def check_cell(col: Column, value: str) -> list[tuple[str, str]]:
    """Problems of one non-empty cell as (rule, message) pairs."""
    k, n = col.kind, col.name
    if k == "slug" and not SLUG.match(value):
        return [("slug-format", f"{n} '{value}' must use only lower-case letters, digits and single hyphens, "
                                f"e.g. bilbao-data-government")]
    if k == "slugs":
        return [("slug-format", f"{n}: '{v}' must use only lower-case letters, digits and single hyphens; "
                                f"separate several with ';' and no spaces")
                for v in value.split(";") if not SLUG.match(v)]
    if k == "year" and not YEAR.match(value):
        return [("year-format", f"{n} must be a four-digit year, e.g. 2023; got '{value}'")]
    if k == "years":
        return [("year-format", f"{n}: '{v}' must be a four-digit year; separate several with ';', e.g. 2012;2021")
                for v in value.split(";") if not YEAR.match(v)]
    if k == "int" and not INT.match(value):
        return [("number-format", f"{n} must be a whole number without spaces or separators; got '{value}'")]
    if k == "date" and date_precision(value) is None:
        return [("date-format", f"{n} must be a date written 2023-05-10, 2021-11 or 2005; got '{value}'")]
    if k == "decimal" and not DECIMAL.match(value):
        return [("number-format", (f"{n} must be a number such as 46 or 45.5, without spaces, signs or "
                                   f"separators; got '{value}'"))]
    if k == "iri" and (why := iri_problem(value)):
        return [("iri-format", f"{n} must be a web address (http:// or https://), but {why}; got '{value}'")]
    if k == "iris":
        return [("iri-format", (f"{n}: '{v}' must be a web address (http:// or https://), but {why}; "
                                f"separate two addresses with ';' and no spaces")) for v in value.split(";") if (why := iri_problem(v))]
    if k == "iso2" and (not re.match(r"^[A-Z]{2}$", value) or pycountry.countries.get(alpha_2=value) is None):
        return [("country-code", f"{n} '{value}' is not an ISO 3166-1 alpha-2 country code (two capitals, e.g. ES)")]
    if k in ("latitude", "longitude"):
        limit = 90 if k == "latitude" else 180
        if "," in value and DECIMAL.match(value.lstrip("-").replace(",", ".", 1)):
            return [("number-format", (f"{n} must be written with a decimal point, not a comma: "
                                       f"{value.replace(',', '.', 1)}; got '{value}'"))]
        if not DECIMAL.match(value.lstrip("-")) or value.startswith("--"):
            return [("number-format", (f"{n} must be decimal degrees such as 41.38879 or -2.92528 (no °, "
                                       f"N/S/E/W or minutes); got '{value}'"))]
        if abs(float(value)) > limit:
            return [("number-format", (f"{n} must lie between -{limit} and {limit}; got '{value}' (latitude "
                                       f"and longitude swapped?)"))]
        return []
    if k == "geonames" and not INT.match(value):
        hint = ("give only the number of the address, e.g. 3128026"
                if "geonames" in value.lower() else "e.g. 3128026")
        return [("number-format", f"{n} must be a GeoNames id, a whole number; {hint}; got '{value}'")]
    if k == "qid" and not re.match(r"^Q[1-9][0-9]*$", value):
        return [("number-format", f"{n} must be a Wikidata id: Q and digits, e.g. Q8692; got '{value}'")]
    if k in ("sdg", "sdgs"):
        out = []
        for v in (value.split(";") if k == "sdgs" else [value]):
            if not INT.match(v):
                out.append(("sdg-range", f"'{v}' is not an SDG number; use numbers 1 to 17 separated by ';'"))
            elif not 1 <= int(v) <= 17:
                out.append(("sdg-range", f"SDG {int(v)} does not exist; use numbers 1 to 17 separated by ';'"))
        return out
    if k == "topics":
        from ingest.topics import topic_slugs
        known = topic_slugs()
        out = []
        for v in value.split(";"):
            if not SLUG.match(v):
                out.append(("slug-format", (f"{n}: '{v}' must use only lower-case letters, digits and single "
                                            f"hyphens; separate several with ';' and no spaces")))
            elif v not in known:
                out.append(("unknown-topic", (f"{n}: '{v}' is not a topic of ontology/vocab/topics.ttl; use one "
                                              f"of: {', '.join(known)}")))
        return out
    if k == "enum" and value not in col.values:
        return [("allowed-values", f"{n} '{value}' is not allowed; use one of: {', '.join(col.values)}")]
    return []


def translation_pairs(value: str) -> list[tuple[str, str]]:
    """``"title_es:source;summary_fr:editorial"`` → ``[("title_es", "source"), ("summary_fr", "editorial")]``
    (a pair without ':' has an empty kind)."""
    return [(c.strip(), k.strip()) for c, _, k in (p.partition(":") for p in value.split(";") if p.strip())]


def check_translation(spec: FileSpec, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """Problems of a row's `translation` cell as (column, rule, message): every pair names a text column of
    another language of this file and says source or editorial; every filled text of another language has
    exactly one pair; a text marked source has the source_url of its language."""
    texts = {c.name: c for c in spec.translated}
    if not texts:
        return []
    out, seen = [], set()
    for column, kind in translation_pairs(values.get("translation", "")):
        if column not in texts:
            what = "is not a text in another language" if column in values else f"is not a column of {spec.name}"
            out.append(("translation", "translation-column",
                        f"translation names '{column}', which {what}; name one of: {', '.join(texts)}"))
            continue
        if kind not in TRANSLATION_KINDS:
            out.append(("translation", "translation-kind",
                        (f"translation: '{column}:{kind}' must say source (paraphrased from a source in that "
                         f"language) or editorial (translated by the SCKG editors), e.g. {column}:editorial")))
        if column in seen:
            out.append(("translation", "translation-twice", f"translation names '{column}' twice"))
        seen.add(column)
        if not values.get(column):
            out.append(("translation", "translation-column",
                        f"translation names '{column}', but that cell is empty; fill it or remove the pair"))
        elif kind == "source" and not values.get(f"source_url_{texts[column].lang}"):
            out.append((f"source_url_{texts[column].lang}", "translation-source",
                        (f"{column} is marked source, so source_url_{texts[column].lang} must give the page it "
                         f"was taken from")))
    for column in texts:
        if values.get(column) and column not in seen:
            out.append(("translation", "translation-missing",
                        (f"{column} is filled, so translation needs a pair '{column}:source' or "
                         f"'{column}:editorial'")))
    return out


def sniff_separator(first_line: str) -> str:
    """The separator of a CSV file judged from its header line: comma, semicolon or tab (comma when the line
    has a single column or the sniffer cannot tell)."""
    try:
        found = csv.Sniffer().sniff(first_line, delimiters=SEPARATORS).delimiter
    except csv.Error:
        found = None
    if found is None or found not in SEPARATORS:
        counts = {d: first_line.count(d) for d in SEPARATORS}
        best = max(counts, key=lambda d: counts[d])
        found = best if counts[best] else ","
    return found


def _first_line(text: str) -> str:
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def _decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    name = path.name
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        column = None
        if line > 1:
            first = data[:data.find(b"\n")].decode("utf-8", "replace")
            sep = sniff_separator(first)
            header = next(csv.reader([first], delimiter=sep), [])
            cell = len(next(csv.reader([data[start:e.start].decode("utf-8", "replace")], delimiter=sep),
                            [""])) - 1
            column = header[cell] if 0 <= cell < len(header) else None
        bad = data[e.start:e.start + 1].hex()
        return None, [Problem(name, line, column, "encoding",
                              f"the file is not UTF-8: byte 0x{bad} at offset {e.start} cannot be read; "
                              f"save the file as 'CSV UTF-8' and try again")]


def read_csv(path: str | Path, spec: FileSpec) -> list[Record]:
    """Read one CSV file of the layout ``spec`` into records.

    :raises InputProblems: listing every problem of the file (encoding, empty file, header, cells, duplicate ids).
    :raises OSError: if the file cannot be opened.
    """
    path = Path(path)
    records, problems = parse_csv(path.name, path.read_bytes(), spec)
    if problems:
        raise InputProblems(problems)
    return records


def parse_csv(name: str, data: bytes, spec: FileSpec) -> tuple[list[Record], list[Problem]]:
    """The records of CSV bytes and the problems found in them (both lists; records may be partial)."""
    text, problems = _decode(Path(name), data)
    if text is None:
        return [], problems
    if not text.strip():
        return [], [Problem(name, 1, None, "empty-file",
                            f"the file is empty; it needs at least the header row: {','.join(spec.names)}")]
    sep = sniff_separator(_first_line(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        return [], [Problem(name, 1, None, "csv-syntax", f"the header row cannot be read: {e}")]
    for col in spec.header_columns:
        if col not in header:
            problems.append(Problem(name, 1, col, "missing-column",
                                    f"the header lacks the column '{col}'; {name} needs the columns: "
                                    f"{', '.join(spec.header_columns)}"))
    for i, col in enumerate(header):
        if col not in spec.names:
            problems.append(Problem(name, 1, col or f"column {i + 1}", "unknown-column",
                                    f"'{col}' is not a column of {name}; the columns are: {', '.join(spec.names)}"))
        elif header.index(col) != i:
            problems.append(Problem(name, 1, col, "duplicate-column", f"the column '{col}' appears twice"))
    if problems and len(header) == 1 and len(spec.header_columns) > 1:
        problems = [Problem(name, 1, None, "missing-column",
                            f"the header row was read as a single column '{header[0][:60]}'; separate the "
                            f"columns with commas (or semicolons, or tabs), e.g. {','.join(spec.header_columns[:3])},…")]
    if problems:
        return [], problems
    records: list[Record] = []
    seen: dict[tuple, int] = {}
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(Problem(name, last + 1, None, "csv-syntax",
                                    f"the row cannot be read ({e}); check its quotes"))
            break
        line, last = last + 1, reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(name, line, f"column {len(header) + 1}", "extra-cell",
                                    f"the row has {len(cells)} cells but the header has {len(header)}; "
                                    f"put quotes around cells that contain {SEPARATOR_NAMES[sep]}s"))
            continue
        if len(cells) < len(header):
            problems.append(Problem(name, line, header[len(cells)], "missing-cell",
                                    f"the row has {len(cells)} cells but the header has {len(header)}; "
                                    f"every row needs all {len(header)} columns, even empty ones"))
            continue
        values = {h: c.strip() for h, c in zip(header, cells)}
        for col in spec.columns:
            v = values.get(col.name, "")
            if not v:
                if col.required:
                    problems.append(Problem(name, line, col.name, "required",
                                            f"{col.name} is required and is empty"))
                continue
            problems.extend(Problem(name, line, col.name, rule, msg) for rule, msg in check_cell(col, v))
        problems.extend(Problem(name, line, column, rule, msg)
                        for column, rule, msg in check_translation(spec, values))
        if "latitude" in spec.names and bool(values.get("latitude")) != bool(values.get("longitude")):
            given, other = ("latitude", "longitude") if values.get("latitude") else ("longitude", "latitude")
            problems.append(Problem(name, line, other, "coordinates-pair",
                                    f"{given} is filled, so {other} is needed too; give both or neither"))
        if spec.key:
            key = tuple(values[k] for k in spec.key)
            if key in seen:
                what = ", ".join(f"{k} '{values[k]}'" for k in spec.key)
                problems.append(Problem(name, line, spec.key[0], "duplicate-id",
                                        f"{what} is used twice (first on line {seen[key]}); ids must be unique"))
            else:
                seen[key] = line
        records.append(Record(name, line, values))
    return records, problems

"""An edition report as data: every table is the answer of one named ``report-*`` query of queries/.

The page, the CSV/XLSX exports and ``sckg report`` all read the :class:`Report` built here, so a figure in
a report can always be recomputed over SPARQL with the query named next to it.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef

from app.errors import BadRequest, QueryTimeout, ResourceNotFound
from app.i18n import N_
from app.queries import NamedQuery, load_queries, run_named

#: (key, query, title, empty-state text); the order is the order of the report. Titles and texts are gettext
#: messages, shown in the reader's language; the exports keep them in English.
SECTIONS = (
    ("cities-by-region", "report-cities-by-region", N_("Participating cities and countries by UCLG region"),
     N_("No participating city of this edition is recorded in the dataset.")),
    ("participating-cities", "report-participating-cities", N_("Participating cities"),
     N_("No participating city of this edition is recorded in the dataset.")),
    ("practices-by-axis", "report-practices-by-axis", N_("Good practices per axis"),
     N_("The dataset holds no good practice of this edition.")),
    ("top-barriers", "report-top-barriers", N_("Most-cited barriers"),
     N_("No good practice or city assessment of this edition names a barrier in the dataset.")),
    ("top-enablers", "report-top-enablers", N_("Most-cited enablers"),
     N_("No good practice or city assessment of this edition names an enabler in the dataset.")),
    ("barriers-by-axis-region", "report-barriers-by-axis-region", N_("Barriers per axis and region"),
     N_("No barrier of this edition to break down.")),
    ("enablers-by-axis-region", "report-enablers-by-axis-region", N_("Enablers per axis and region"),
     N_("No enabler of this edition to break down.")),
    ("axis-sdg-matrix", "report-axis-sdg-matrix", N_("Axis × SDG coverage"),
     N_("No good practice of this edition has an axis and a stated or suggested SDG in the dataset.")),
    ("transferable-practices", "report-transferable-practices", N_("Practices transferable to participating cities"),
     N_("No participating city of this edition reports a barrier that another city's practice faced.")),
    ("new-cities", "report-new-cities", N_("New cities since the previous edition"),
     N_("No city is new compared with the previous edition, or there is no previous edition.")),
    ("axis-change", "report-axis-change", N_("Axes that grew or shrank since the previous edition"),
     N_("There is no previous edition to compare with.")),
)
#: the words a report table heads its columns with (the variables of the report queries), gettext messages
COLUMN_TITLES = {
    "region": N_("Region"), "regionLabel": N_("Region"), "cities": N_("Cities"), "countries": N_("Countries"),
    "country": N_("Country"),
    "city": N_("City"), "cityName": N_("City"), "countryName": N_("Country"), "axis": N_("Axis"),
    "axisLabel": N_("Axis"), "practices": N_("Practices"), "barrier": N_("Barrier"), "enabler": N_("Enabler"),
    "barrierLabel": N_("Barrier"), "label": N_("Name"), "citations": N_("Citations"), "goal": N_("SDG"),
    "goalNumber": N_("SDG number"), "suggestedPractices": N_("Practices for which it is suggested"),
    "practice": N_("Practice"), "title": N_("Title"), "otherCityName": N_("City of the practice"),
    "enablers": N_("Enablers"), "previousYear": N_("Previous edition"), "current": N_("Practices now"),
    "previousPractices": N_("Practices in the previous edition"), "change": N_("Change"),
    "edition": N_("Edition"), "year": N_("Year"), "statedCities": N_("Cities stated"),
}
#: a column that only labels the IRI column before it is left out of the page (the IRI is shown by its label)
LABEL_OF = {"regionLabel": "region", "axisLabel": "axis", "cityName": "city", "barrierLabel": "barrier",
            "goalNumber": "goal", "countryName": "country"}


def shown_columns(table) -> list[str]:
    """The columns a report page shows: not the edition (the page's own), nor a label column whose IRI column
    is there (the page shows the IRI by its label in the reader's language)."""
    cols = table.columns
    return [c for c in cols if c != "edition" and LABEL_OF.get(c) not in cols
            and not (c == "label" and ("barrier" in cols or "enabler" in cols))]


_YEAR = re.compile(r"^\d{4}$")
#: how a report runs one named query with its parameters: rows of rdflib terms (a :class:`Rows` when they
#: may have been cut at a row limit)
Runner = Callable[[NamedQuery, Mapping[str, str]], list]


class Rows(list):
    """Rows of an answer, and whether a row limit cut it."""

    def __init__(self, rows=(), truncated: bool = False):
        super().__init__(rows)
        self.truncated = truncated


def in_process(store) -> Runner:
    """The runner of ``sckg report``: the named queries evaluated in this process, without limits."""
    return lambda nq, params: run_named(store, nq, params)


@dataclass
class Table:
    key: str
    query: str
    title: str
    description: str
    empty: str
    columns: list[str]
    rows: list[dict[str, str]]
    #: why the table could not be computed (its query ran out of time or memory); None when it was
    error: str | None = None
    #: the rows stop at the row limit
    truncated: bool = False
    #: the error may not recur (a timeout: the machine may have been busy); one out of memory recurs
    transient: bool = False


@dataclass
class Report:
    year: str
    edition: str
    summary: dict[str, str]
    previous: str | None
    previous_summary: dict[str, str] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)

    def caveat(self, key: str, lang: str = "en") -> str | None:
        """A warning for comparisons the data cannot support (the previous edition documents nothing), in
        ``lang``."""
        from app.i18n import translate
        if not self.previous or key not in ("new-cities", "axis-change"):
            return None
        if key == "new-cities" and self.previous_summary.get("cities") == "0":
            return translate(N_("The dataset documents no participating city for %(previous)s, so every city of "
                                "%(year)s counts as new here; this reflects the coverage of the sources, not the "
                                "study."), lang, previous=self.previous, year=self.year)
        if key == "axis-change" and self.previous_summary.get("practices") == "0" and \
                self.summary.get("practices") == "0":
            return translate(N_("The dataset documents no good practice for %(previous)s nor for %(year)s."), lang,
                             previous=self.previous, year=self.year)
        return None

    def table(self, key: str) -> Table:
        """:raises BadRequest: no table has that key (the message lists them)."""
        for t in self.tables:
            if t.key == key:
                return t
        raise BadRequest(f"the report has no table {key!r}; tables: {', '.join(t.key for t in self.tables)}")


def _plain(row: dict) -> dict[str, str]:
    return {k: str(v) for k, v in row.items()}


def projection(text: str) -> list[str]:
    """The variables a SELECT projects, in order: plain ``?v`` outside parentheses and ``AS ?alias``."""
    head = text.split("SELECT", 1)[1].split("WHERE", 1)[0] if "SELECT" in text else ""
    out, depth = [], 0
    for m in re.finditer(r"[()]|\bAS\s+\?(\w+)|\?(\w+)", head):
        token = m.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif m.group(1) and depth == 1:
            out.append(m.group(1))
        elif m.group(2) and depth == 0:
            out.append(m.group(2))
    return out


def build_report(store, year: str, base_iri: str, queries: dict[str, NamedQuery] | None = None,
                 run: Runner | None = None) -> Report:
    """Run every report query for one edition, each through ``run(query, params)`` (by default in this
    process on ``store``; the web passes the guarded path of ``/sparql``). A table whose query ran out of time
    or memory is kept with its ``error``; the rest of the report is still built.

    :raises BadRequest: the edition is not a four-digit year.
    :raises ResourceNotFound: the store has no such edition.
    """
    if not _YEAR.match(year or ""):
        raise BadRequest(f"an edition is a four-digit year such as 2021, got {year!r}")
    queries = load_queries() if queries is None else queries
    run = run or in_process(store)
    edition = URIRef(f"{base_iri}edition/{year}")
    params = {"edition": str(edition)}
    summary = run(queries["report-summary"], params)
    if not summary:
        raise ResourceNotFound(f"the dataset has no study edition {year}; /reports/ lists the editions")
    previous = run(queries["report-previous-edition"], params)
    report = Report(year, str(edition), _plain(summary[0]), str(previous[0]["previousYear"]) if previous else None)
    if previous:
        before = run(queries["report-summary"], {"edition": str(previous[0]["previous"])})
        report.previous_summary = _plain(before[0]) if before else {}
    for key, name, title, empty in SECTIONS:
        q = queries[name]
        answer, error, transient = Rows(), None, False
        try:
            answer = run(q, params)
        except (QueryTimeout, BadRequest) as e:
            error, transient = e.message, isinstance(e, QueryTimeout)
        report.tables.append(Table(key, name, title, q.description, empty, projection(q.text),
                                   [_plain(r) for r in answer], error, getattr(answer, "truncated", False), transient))
    return report


def table_csv(table: Table) -> str:
    import csv
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(table.columns)
    for r in table.rows:
        w.writerow([r.get(c, "") for c in table.columns])
    return buf.getvalue()


def _number(value: str):
    return int(value) if re.fullmatch(r"-?\d+", value or "") else value


def report_xlsx(report: Report) -> bytes:
    """A workbook: a summary sheet, then one sheet per table (its query named in the first row)."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    ws.append(["field", "value"])
    for k, v in report.summary.items():
        ws.append([k, _number(v)])
    for t in report.tables:
        sheet = wb.create_sheet(t.key[:31])
        if t.error:
            sheet.append([f"This table could not be computed: {t.error}"])
            continue
        sheet.append(t.columns)
        for r in t.rows:
            sheet.append([_number(r.get(c, "")) for c in t.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def editions(store, queries: dict[str, NamedQuery] | None = None, run: Runner | None = None) -> list[dict[str, str]]:
    """The study editions with their figures (``study-editions``), run as :func:`build_report` runs its queries."""
    queries = load_queries() if queries is None else queries
    run = run or in_process(store)
    return [_plain(r) for r in run(queries["study-editions"], {})]

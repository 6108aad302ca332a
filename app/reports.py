"""Edition reports: ``/reports/`` (the editions) and ``/reports/{year}`` (HTML with SVG charts; the tables as
``?format=csv&table=KEY`` or the whole report as ``?format=xlsx``).

Every figure is the answer of a named ``report-*`` query (see :mod:`app.report_data`).
"""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Flask, Response, current_app, has_request_context, render_template, request

from app.browse_terms import labels
from app.errors import BadRequest, TableUnavailable
from app.i18n import current_language, translate
from app.queries import NamedQuery, bindings_for
from app.report_data import COLUMN_TITLES, Report, Rows, build_report, editions, report_xlsx, shown_columns, table_csv
from app.report_svg import bar_chart, heatmap
from app.sparql import query_terms
from app.store import get_store

bp = Blueprint("reports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOP = 15


def init_app(app: Flask) -> None:
    app.add_template_global(local_href, "report_href")


def local_href(iri: str) -> str:
    """The page of a resource: ``/id/…`` for our own IRIs, ``/resource?iri=…`` for others."""
    from urllib.parse import urlencode
    base = current_app.config.get("BASE_IRI", "https://w3id.org/sckg/id/")
    if iri.startswith(base):
        return "/id/" + iri[len(base):]
    return "/resource?" + urlencode({"iri": iri})


def _label_in(row: dict, key: str, iri_key: str, names: dict | None = None) -> str:
    """A row's label: its IRI's label in the reader's language (``names``), else the query's label, else the
    last segment of its IRI, else "(none stated)" (an axis the source leaves empty)."""
    iri = row.get(iri_key, "")
    return (names or {}).get(iri) or row.get(key) or iri.rsplit("/", 1)[-1] or "(none stated)"


def charts(report: Report, names: dict | None = None, lang: str = "en") -> dict:
    """The SVG charts of a report, by table key (only for tables with rows), titled and labelled in ``lang``
    (``names``: the label of each IRI in that language)."""
    _label = partial(_label_in, names=names)

    def word(column: str) -> str:
        return translate(COLUMN_TITLES.get(column, column), lang)

    out = {}
    t = report.table("cities-by-region")
    if t.rows:
        out[t.key] = bar_chart(translate(t.title, lang), [_label(r, "regionLabel", "region") for r in t.rows],
                               [(word("cities"), [int(r["cities"]) for r in t.rows]),
                                (word("countries"), [int(r["countries"]) for r in t.rows])])
    t = report.table("practices-by-axis")
    if t.rows:
        out[t.key] = bar_chart(translate(t.title, lang), [_label(r, "axisLabel", "axis") for r in t.rows],
                               [(word("practices"), [int(r["practices"]) for r in t.rows])])
    for key in ("top-barriers", "top-enablers"):
        t = report.table(key)
        if t.rows:
            rows = t.rows[:TOP]
            out[key] = bar_chart(translate(t.title, lang), [_label(r, "label", key[4:-1]) for r in rows],
                                 [(word("citations"), [int(r["citations"]) for r in rows])])
    t = report.table("axis-sdg-matrix")
    if t.rows:
        axes = sorted({_label(r, "axisLabel", "axis") for r in t.rows})
        goals = sorted({r.get("goalNumber", r["goal"].rsplit("/", 1)[-1]) for r in t.rows}, key=_sdg_order)
        values = {(_label(r, "axisLabel", "axis"), r.get("goalNumber", r["goal"].rsplit("/", 1)[-1])):
                  int(r["practices"]) + int(r.get("suggestedPractices") or 0) for r in t.rows}
        out[t.key] = heatmap(translate(t.title, lang), axes, goals, values)
    t = report.table("axis-change")
    if any(int(r["current"]) or int(r["previousPractices"]) for r in t.rows):
        out[t.key] = bar_chart(translate(t.title, lang), [_label(r, "axisLabel", "axis") for r in t.rows],
                               [(report.previous or "previous", [int(r["previousPractices"]) for r in t.rows]),
                                (report.year, [int(r["current"]) for r in t.rows])])
    return out


def _sdg_order(value: str):
    return (0, int(value)) if value.isdigit() else (1, value)


def render_report(report: Report, inline_css: str | None = None) -> str:
    """The report page in the reader's language (English outside a request): titles, headings and column
    headers from the catalogues, every IRI by its label in that language (regions, axes, barriers …)."""
    lang = current_language() if has_request_context() else "en"
    iris = {v for t in report.tables for r in t.rows for v in r.values() if v.startswith(("http://", "https://"))}
    iris.add(report.edition)
    names = labels(iris, lang)
    return render_template("reports/edition.html", report=report, charts=charts(report, names, lang),
                           inline_css=inline_css, names=names, shown_columns=shown_columns,
                           column_title=lambda c: translate(COLUMN_TITLES.get(c, c), lang))


@bp.get("/reports/")
def index():
    found = editions(get_store(), run=_guarded)
    names = labels([e["edition"] for e in found if e.get("edition")], current_language())
    for e in found:
        e["title"] = names.get(e.get("edition", "")) or e.get("title", "")
    return render_template("reports/index.html", editions=found)


_cache: dict = {}


def _guarded(nq: NamedQuery, params) -> list:
    """A report query run as ``/sparql`` runs queries: in a killable worker, under the timeout and memory cap."""
    rows, truncated = query_terms(nq.text, bindings_for(nq, params))
    return Rows(rows, truncated)


def cached_report(store, year: str, base_iri: str) -> Report:
    """The report of an edition, computed once per version of the store (``store.generation``); one with a
    table that ran out of time is not kept, so it is tried again on the next request (a table out of memory
    would fail again, so that report is kept)."""
    key = (id(store), store.generation, year, base_iri)
    if key not in _cache:
        report = build_report(store, year, base_iri, run=_guarded)
        if any(t.transient for t in report.tables):
            return report
        if len(_cache) > 32 or any(k[:2] != key[:2] for k in _cache):
            _cache.clear()
        _cache[key] = report
    return _cache[key]


@bp.get("/reports/<year>")
def edition(year: str):
    report = cached_report(get_store(), year, current_app.config["BASE_IRI"])
    fmt = request.args.get("format", "html")
    if fmt == "html":
        return render_report(report)
    if fmt == "csv":
        key = request.args.get("table")
        if not key:
            raise BadRequest("a CSV holds one table: add table=KEY (one of "
                             f"{', '.join(t.key for t in report.tables)}), or use format=xlsx for all of them")
        table = report.table(key)
        if table.error:
            raise TableUnavailable(f"the table {key!r} could not be computed: {table.error}")
        body = table_csv(table)
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="sckg-report-{report.year}-{key}.csv"',
            "SCKG-Truncated": "true" if table.truncated else "false"})
    if fmt == "xlsx":
        return Response(report_xlsx(report), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="sckg-report-{report.year}.xlsx"'})
    raise BadRequest(f"unknown format {fmt!r}: use html, csv or xlsx")

"""The query page: a SPARQL editor, the named queries of ``queries/`` as one-click examples with parameter
forms, results as a table whose IRIs link to their pages, a bar chart for two-column results, a map for
results with coordinates, CSV/JSON downloads, and shareable URLs (``/query?name=…&p_goal=…`` or
``/query?query=…``).

Queries pass the same safety checks as the SPARQL endpoint (no SERVICE/LOAD, bounded nesting) and named
parameters are bound by the store, never spliced.
"""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, render_template, request
from rdflib import BNode, Graph, URIRef

from app.browse_terms import is_http, labels, page_url
from app.browse_web import csv_response, json_response, vendor_path, wanted_format
from app.errors import BadRequest
from app.i18n import current_language
from app.guard import check_query
from app.sparql import query_terms
from app.browse_map import HEIGHT, WIDTH, markers
from ingest.namespaces import PREFIXES

bp = Blueprint("query_page", __name__)
SHOWN = 1000
NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger")


@functools.lru_cache(maxsize=1)
def _library_cached(directory: str):
    from app.queries import load_queries
    return load_queries(directory or None)


def library() -> dict:
    """The named queries (empty when queries/ is missing or not readable yet)."""
    try:
        return _library_cached(str(current_app.config.get("QUERIES_DIR") or ""))
    except (OSError, ImportError, ValueError):
        return {}


def _cell(term, names: dict) -> dict:
    if term is None:
        return {"literal": "", "lang": None}
    if isinstance(term, URIRef):
        iri = str(term)
        return {"iri": iri, "label": names.get(iri) or iri, "url": page_url(iri), "http": is_http(iri)}
    if isinstance(term, BNode):
        return {"literal": "_:" + str(term), "lang": None}
    dt = str(term.datatype or "")
    return {"literal": str(term), "lang": term.language, "numeric": dt.rsplit("#", 1)[-1] in NUMERIC}


def run(text: str, bindings: dict | None) -> dict:
    """Evaluate as ``/sparql`` does (a killable worker, the timeout, the row cap: :func:`app.sparql.query_terms`)
    and shape the answer: ``{columns, rows}`` (cells), ``{boolean}`` or triples as rows.

    :raises BadRequest: the query is refused by the safety checks, or it could not be evaluated.
    :raises QuerySyntaxError: it does not parse.
    :raises QueryTimeout: it ran longer than the timeout.
    """
    check_query(text, current_app.config.get("ALLOWED_SERVICE_HOSTS", ""))
    result, truncated = query_terms(text, bindings or None)
    if isinstance(result, bool):
        return {"boolean": result, "columns": [], "rows": [], "raw": [], "truncated": False}
    if isinstance(result, Graph):
        columns = ["subject", "predicate", "object"]
        raw = [dict(zip(columns, t)) for t in result]
    else:
        raw = result
        columns = []
        for row in raw:
            for k in row:
                if k not in columns:
                    columns.append(k)
    shown = raw[:SHOWN]
    names = labels([v for r in shown for v in r.values() if isinstance(v, URIRef)], current_language())
    rows = [[_cell(r.get(c), names) for c in columns] for r in shown]
    return {"columns": columns, "rows": rows, "raw": raw, "total": len(raw), "boolean": None, "truncated": truncated}


def bar_chart(answer: dict) -> list[dict] | None:
    """Bars for a two-column answer whose second column is numeric (at most 40, largest first)."""
    if len(answer["columns"]) != 2 or not answer["rows"]:
        return None
    bars = []
    for label, value in answer["rows"]:
        if not value.get("numeric"):
            return None
        try:
            bars.append({"label": label.get("label") or label.get("literal") or "", "value": float(value["literal"]),
                         "url": label.get("url")})
        except ValueError:
            return None
    bars = sorted(bars, key=lambda b: -b["value"])[:40]
    top = max((b["value"] for b in bars), default=0) or 1
    for i, b in enumerate(bars):
        b["width"] = round(max(b["value"], 0) / top * 560, 1)
        b["y"] = i * 22
    return bars


def map_points(answer: dict) -> list[dict] | None:
    cols = [c.lower() for c in answer["columns"]]
    lat = next((i for i, c in enumerate(cols) if c in ("lat", "latitude")), None)
    lon = next((i for i, c in enumerate(cols) if c in ("long", "lon", "lng", "longitude")), None)
    if lat is None or lon is None:
        return None
    points = []
    for row in answer["rows"]:
        first = next((c for c in row if c.get("iri")), None)
        points.append({"lat": row[lat].get("literal"), "long": row[lon].get("literal"),
                       "label": (first or {}).get("label") or "", "url": (first or {}).get("url")})
    return markers(points) or None


def example_groups(queries: dict) -> list[tuple[str, list, bool]]:
    """(title, queries, open?) groups: questions first, then reports, data checks and inference rules."""
    from flask_babel import gettext as _
    groups = {"q": [], "r": [], "c": [], "i": []}
    for nq in queries.values():
        key = "c" if nq.is_violation else "i" if nq.is_construct else "r" if nq.name.startswith("report-") else "q"
        groups[key].append(nq)
    titles = {"q": _("Questions"), "r": _("Edition reports"), "c": _("Data checks"), "i": _("Inference rules")}
    return [(titles[k], v, k == "q") for k, v in groups.items() if v]


@bp.route("/query")
def query_page():
    queries = library()
    name = request.args.get("name", "")
    nq = queries.get(name) if name else None
    if name and nq is None:
        raise BadRequest(f"there is no example query named {name!r}")
    text = request.args.get("query", "").strip() or (nq.text if nq else "")
    params = {p.name: request.args.get("p_" + p.name, "").strip() or (p.default or "") for p in nq.params} if nq else {}
    answer = None
    if text and (request.args.get("query") or nq):
        from app.queries import bindings_for
        bindings = bindings_for(nq, {k: v for k, v in params.items() if v}) if nq else None
        answer = run(text, bindings)
    fmt = wanted_format()
    if answer is not None and fmt == "csv":
        rows = [{c: str(r.get(c, "")) for c in answer["columns"]} for r in answer["raw"]]
        return csv_response(rows, answer["columns"], name or "query")
    if answer is not None and fmt == "json":
        return json_response({"head": {"vars": answer["columns"]}, "boolean": answer["boolean"],
                              "results": {"bindings": [{c: str(v) for c, v in r.items()} for r in answer["raw"]]}})
    return render_template("query.html", queries=queries, groups=example_groups(queries), nq=nq, text=text, params=params, answer=answer,
                           chart=bar_chart(answer) if answer else None, points=map_points(answer) if answer else None,
                           width=WIDTH, height=HEIGHT, prefixes=PREFIXES,
                           editor=vendor_path("yasgui.min.js") is not None)


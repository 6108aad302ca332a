"""Search, the map of cities and the land outline it is drawn on.

Search goes through :mod:`app.search` (the full-text index); its snippets arrive as ``(text, is_match)``
pairs and the template marks the matches, so nothing from the data is ever rendered as markup.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from app import browse_facets as facets
from app.browse_terms import fallback_label, labels, page_url
from app.browse_web import cached, csv_response, json_response, wanted_format
from app.errors import BadRequest
from app.i18n import current_language
from app.store import get_store
from app.browse_map import HEIGHT, WIDTH, land_path, markers

bp = Blueprint("tools", __name__)
MAX_Q = 200
CITIES = """PREFIX sckg: <https://w3id.org/sckg/ontology#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?c ?lat ?long WHERE { ?c a sckg:City ; geo:lat ?lat ; geo:long ?long }"""


def _query_text() -> str:
    q = request.args.get("q", "").strip()
    if len(q) > MAX_Q:
        raise BadRequest(f"a search is at most {MAX_Q} characters")
    return q


@bp.route("/search")
@bp.route("/search.<any(json,csv):ext>")
@cached
def search(ext=None):
    """Ranked hits for ``?q=`` with highlighted snippets, a page at a time."""
    from app import search as index
    q = _query_text()
    fmt = wanted_format()
    lang = current_language()
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    size = facets.page_size()
    found = {"total": 0, "hits": []}
    if q:
        found = index.search(current_app.config, q, lang, limit=size, offset=(number - 1) * size)
    hits = [{**h, "url": page_url(h["iri"])} for h in found["hits"]]
    if fmt == "json":
        return json_response({"q": q, "total": found["total"], "hits": hits})
    if fmt == "csv":
        rows = [{**h, "snippet": "".join(t for t, _ in h.get("snippet") or [])} for h in hits]
        return csv_response(rows, ["iri", "kind", "label", "score", "snippet"], "search")
    pages = max(1, (found["total"] + size - 1) // size)
    return render_template("search.html", q=q, hits=hits, total=found["total"], page=number, pages=pages)


@bp.route("/search/suggest")
def suggest():
    """Completions for the search box as JSON: ``[{label, kind, url}]``."""
    from app import search as index
    q = _query_text()
    items = index.suggest(current_app.config, q, current_language(), limit=8) if q else []
    return json_response([{"label": i["label"], "kind": kind_title(i["kind"]), "url": page_url(i["iri"])}
                          for i in items])


def kind_title(kind: str) -> str:
    """The name of a kind of resource in the page's language."""
    from flask_babel import gettext as _
    return {"practice": _("Practice"), "city": _("City"), "country": _("Country"), "region": _("World region"),
            "axis": _("Axis"), "edition": _("Study edition"), "barrier": _("Barrier"), "enabler": _("Enabler"),
            "sdg": _("SDG"), "organisation": _("Organisation"), "org": _("Organisation"),
            "event": _("Learning meeting")}.get(kind, kind)


def city_points(lang: str) -> list[dict]:
    """Cities with coordinates, as map markers (memoised per store generation and language)."""
    from app import browse_index
    memo = browse_index.current().memo
    if ("map", lang) not in memo:
        memo[("map", lang)] = _city_points(lang)
    return memo[("map", lang)]


def _city_points(lang: str) -> list[dict]:
    rows = get_store().query(CITIES)
    names = labels([str(r["c"]) for r in rows], lang)
    counts = facets.unfiltered_counts().get("city", {})
    points = [{"iri": str(r["c"]), "label": names.get(str(r["c"])) or fallback_label(str(r["c"])),
               "lat": float(r["lat"]), "long": float(r["long"]), "practices": counts.get(str(r["c"]), 0),
               "url": page_url(str(r["c"]))} for r in rows]
    # big dots first, so that smaller neighbours drawn later stay clickable
    return markers(sorted(points, key=lambda p: (-p["practices"], p["label"].lower())))


@bp.route("/map")
@bp.route("/map.<any(json,csv):ext>")
@cached
def world_map(ext=None):
    """Every city with coordinates on the offline world outline, sized by its number of practices."""
    points = city_points(current_language())
    fmt = wanted_format()
    if fmt == "json":
        return json_response({"total": len(points), "items": points})
    if fmt == "csv":
        return csv_response(points, ["iri", "label", "lat", "long", "practices"], "cities-map")
    return render_template("map.html", points=points, width=WIDTH, height=HEIGHT)


@bp.route("/map/land.svg")
def land_svg():
    """The land outline as a standalone SVG image (empty without the npm package)."""
    body = render_template("land.svg", path=land_path(), width=WIDTH, height=HEIGHT)
    resp = Response(body, mimetype="image/svg+xml")
    resp.cache_control.max_age = 86400
    resp.cache_control.public = True
    return resp


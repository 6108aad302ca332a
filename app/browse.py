"""The browse UI: home, the practice list with facets, and the list page of every other kind.

Entity pages (``/id/…``, ``/resource``) live in :mod:`app.linked_data`; search, map and the query editor in
:mod:`app.browse_tools`. ``init_app`` installs what every response shares (languages, security headers).
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext as _
from rdflib import URIRef

from app import browse_facets as facets
from app import browse_index
from app import i18n
from app.browse_terms import KINDS, fallback_label, labels, page_url, slug_of
from app.browse_web import cached, csv_response, json_response, security_headers, serve_vendor, wanted_format
from app.errors import NotFound
from app.store import get_store

bp = Blueprint("browse", __name__)


def init_app(app: Flask) -> None:
    from app import browse_query, browse_tools, linked_data
    i18n.init_app(app)
    app.after_request(security_headers)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(browse_tools.bp)
    app.register_blueprint(browse_query.bp)
    app.add_template_global(page_url, "page_url")
    app.add_template_global(_lang_url, "lang_url")
    app.add_template_global(_list_url, "list_url")


def _lang_url(lang: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.path + "?" + urlencode(args)


def _list_url(**changes) -> str:
    """The current list URL with some arguments replaced (None removes one); ``page`` resets unless given."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k != "page"]
    for k, v in changes.items():
        if isinstance(v, list):
            args += [(k, x) for x in v]
        elif v is not None:
            args.append((k, v))
    return request.path + ("?" + urlencode(args) if args else "")


# --- home -------------------------------------------------------------------------------------------

COUNT_CLASSES = ("practice", "city", "country", "edition", "barrier", "enabler", "org", "event")


def home_data(lang: str) -> dict:
    memo = browse_index.current().memo  # lives as long as this store generation
    if "class-counts" not in memo:
        found = {}
        for k in COUNT_CLASSES:
            rows = get_store().query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c }",
                                     bindings={"c": URIRef(KINDS[k].cls)})
            found[k] = int(rows[0]["n"]) if rows else 0
        memo["class-counts"] = found
    counts = dict(memo["class-counts"])
    base = facets.unfiltered_counts()
    entry = {}
    for name in ("axis", "region", "sdg", "edition"):
        entry[name] = base.get(name, {})
    names = labels([i for d in entry.values() for i in d], lang)
    index = browse_index.current()
    points = {}
    for name, values in entry.items():
        kind = facets.FACET_BY_NAME[name].kind
        items = [{"slug": slug_of(i, kind), "label": names.get(i) or fallback_label(i), "count": n, "iri": i,
                  "suggested": index.suggested_count(name, i)}
                 for i, n in values.items() if slug_of(i, kind)]
        key = (lambda x: int(x["slug"])) if name == "sdg" else \
            (lambda x: x["slug"]) if name == "edition" else (lambda x: x["label"].lower())
        points[name] = sorted(items, key=key)
    return {"counts": counts, "points": points}


@bp.route("/")
@cached
def index():
    data = home_data(i18n.current_language())
    if wanted_format() == "json":
        return json_response(data)
    return render_template("index.html", **data)


# --- practices ----------------------------------------------------------------------------------------

#: most values a facet shows (the most frequent; chosen values are always shown)
FACET_VALUES_SHOWN = 20
PRACTICE_COLUMNS = ["iri", "title", "city", "city_label", "edition", "axes", "summary"]


@bp.route("/practices")
@bp.route("/practices.<any(json,csv):ext>")
@cached
def practices(ext=None):
    """The practice list: filters from the URL, facet counts, sort, page; JSON and CSV twins."""
    lang = i18n.current_language()
    fmt = wanted_format()
    filters = facets.parse_filters(request.args)
    sort = request.args.get("sort", "title")
    if sort not in facets.SORTS:  # an unknown sort falls back to titles
        sort = "title"
    size = facets.page_size()
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    n = facets.total(filters)
    everything = fmt != "html" and "page" not in request.args
    limit = min(n, 10000) if everything else size
    offset = 0 if everything else (number - 1) * size
    items = facets.page(filters, sort, offset, max(limit, 1), lang)
    names = labels([x for it in items for x in [it["city"], it["edition"], *it["axes"]] if x], lang)
    for it in items:
        it["city_label"] = names.get(it["city"] or "", "")
        it["edition_label"] = names.get(it["edition"] or "", "")
        it["axis_labels"] = [names.get(a) or fallback_label(a) for a in it["axes"]]
    if fmt == "csv":
        return csv_response(items, PRACTICE_COLUMNS, "practices")
    counts = facets.facet_counts(filters)
    if fmt == "json":
        return json_response({"total": n, "offset": offset, "items": items, "filters": {
            k: [str(i) for i in v] for k, v in filters.items()}, "facets": counts})
    shown = {name: sorted(c.items(), key=lambda kv: -kv[1])[:FACET_VALUES_SHOWN] for name, c in counts.items()}
    value_names = labels([i for c in shown.values() for i, _n in c] + [i for v in filters.values() for i in v], lang)
    groups = []
    index = browse_index.current()
    for facet in facets.FACETS:
        chosen = {str(i) for i in filters.get(facet.name, [])}
        top = dict(shown[facet.name]) | {i: counts[facet.name].get(i, 0) for i in chosen}
        others = {k: v for k, v in filters.items() if k != facet.name and v}
        values = [{"iri": i, "slug": slug_of(i, facet.kind), "label": value_names.get(i) or fallback_label(i),
                   "count": c, "chosen": i in chosen,
                   "suggested": index.suggested_count(facet.name, i, others) if facet.name in index.suggested else 0}
                  for i, c in top.items() if slug_of(i, facet.kind) and c]
        for iri in chosen - set(counts[facet.name]):
            values.append({"iri": iri, "slug": slug_of(iri, facet.kind), "count": 0, "chosen": True,
                           "label": value_names.get(iri) or fallback_label(iri)})
        values.sort(key=lambda v: (not v["chosen"], -v["count"], v["label"].lower()))
        groups.append({"name": facet.name, "values": values, "chosen": len(chosen)})
    pages = max(1, (n + size - 1) // size)
    chosen = facets.url_args(filters)
    chips = [{"name": name, "slug": slug, "remaining": [s for n2, s in chosen if n2 == name and s != slug],
              "label": value_names.get(str(iri)) or slug}
             for (name, slug), iri in zip(chosen, [i for v in filters.values() for i in v])]
    return render_template("practices.html", items=items, total=n, groups=groups, page=number, pages=pages,
                           sort=sort, chosen=chosen, chips=chips)


# --- lists of other kinds -----------------------------------------------------------------------------

LIST_KINDS = {k.plural: k for k in KINDS.values() if k.name != "practice"}


LIST_PAGE = 200


def list_items(kind, lang: str) -> list[dict]:
    """Every resource of a kind with its label and number of practices, sorted (memoised per generation)."""
    memo = browse_index.current().memo
    key = ("list", kind.name, lang)
    if key not in memo:
        memo[key] = _list_items(kind, lang)
    return memo[key]


def _list_items(kind, lang: str) -> list[dict]:
    rows = get_store().query("SELECT DISTINCT ?s WHERE { ?s a ?c }", bindings={"c": URIRef(kind.cls)})
    iris = [str(r["s"]) for r in rows if isinstance(r.get("s"), URIRef)]
    names = labels(iris, lang)
    counts = facets.unfiltered_counts().get(kind.facet or "", {})
    index = browse_index.current()
    items = [{"iri": i, "label": names.get(i) or fallback_label(i), "practices": counts.get(i, 0),
              "suggested": index.suggested_count(kind.facet or "", i), "slug": slug_of(i, kind.name)} for i in iris]
    if kind.name == "sdg":
        items.sort(key=lambda x: int(x["slug"]) if (x["slug"] or "").isdigit() else 99)
    elif kind.name == "edition":
        items.sort(key=lambda x: x["iri"])
    else:
        items.sort(key=lambda x: x["label"].lower())
    return items


@bp.route("/<any(" + ",".join(LIST_KINDS) + "):plural>")
@bp.route("/<any(" + ",".join(LIST_KINDS) + "):plural>.<any(json,csv):ext>")
@cached
def kind_list(plural: str, ext=None):
    kind = LIST_KINDS.get(plural)
    if kind is None:
        raise NotFound(f"no list {plural!r}")
    items = list_items(kind, i18n.current_language())
    fmt = wanted_format()
    if fmt == "json":
        return json_response({"total": len(items), "items": items})
    if fmt == "csv":
        return csv_response(items, ["iri", "label", "practices", "suggested"], plural)
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, (len(items) + LIST_PAGE - 1) // LIST_PAGE)
    shown = items[(number - 1) * LIST_PAGE:number * LIST_PAGE]
    return render_template("list.html", kind=kind, items=shown, total=len(items), page=number, pages=pages,
                           title=list_title(plural))


def list_title(plural: str) -> str:
    return {
        "cities": _("Cities"), "countries": _("Countries"), "regions": _("UCLG world regions"),
        "axes": _("Axes"), "editions": _("Study editions"), "barriers": _("Barriers"), "enablers": _("Enablers"),
        "sdgs": _("Sustainable Development Goals"), "organisations": _("Organisations"),
        "events": _("Learning meetings"), "topics": _("Topics"),
    }.get(plural, plural)


@bp.route("/vendor/<name>")
def vendor(name: str):
    return serve_vendor(name)

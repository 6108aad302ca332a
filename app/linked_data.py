"""Dereferenceable resources: ``/id/{kind}/{slug}`` and ``/resource?iri=IRI``.

Browsers get the HTML page (with schema.org JSON-LD and ``<link rel="alternate">``); RDF clients get Turtle,
JSON-LD, RDF/XML or N-Triples, chosen by the ``Accept`` header, a ``.ttl``/``.jsonld``/``.rdf``/``.nt``
suffix, or ``?format=``. Every response names its alternates in a ``Link:`` header. Unknown IRIs are 404.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Graph, URIRef

from app.browse_entity import describe
from app.browse_terms import page_url
from app.browse_web import cached
from app.errors import BadRequest, NotAcceptable, ResourceNotFound
from app.i18n import current_language
from app.sparql import query_terms
from ingest.namespaces import PREFIXES

bp = Blueprint("linked_data", __name__)

#: suffix -> (media type, rdflib serializer name)
FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
    "nt": ("application/n-triples", "nt"),
}
BY_MEDIA = {media: ext for ext, (media, _) in FORMATS.items()}
_HTML = ("text/html", "application/xhtml+xml")
CONSTRUCT = """CONSTRUCT { ?s ?p ?o . ?x ?q ?s } WHERE { { ?s ?p ?o } UNION { ?x ?q ?s } }"""
SCHEMA_TYPES = {"practice": "Project", "city": "City", "country": "Country", "event": "Event",
                "org": "Organization", "edition": "Dataset"}
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


def _choose_format(suffix: str | None) -> str:
    """``html`` or one of :data:`FORMATS`' suffixes.

    :raises NotAcceptable: the client accepts none of them.
    """
    asked = suffix or request.args.get("format")
    if asked:
        if asked == "html" or asked in FORMATS:
            return asked
        raise NotAcceptable(f"unknown format {asked!r}; use html, {', '.join(FORMATS)}")
    if not request.accept_mimetypes:
        return "html"
    best = request.accept_mimetypes.best_match([*_HTML, *BY_MEDIA, "application/json"])
    if best is None:
        raise NotAcceptable("this resource is available as text/html, " + ", ".join(BY_MEDIA))
    if best == "application/json":  # plain JSON clients get JSON-LD
        return "jsonld"
    return "html" if best in _HTML else BY_MEDIA[best]


def _link_header(iri: str) -> str:
    parts = [f'<{page_url(iri, "." + ext) if ext else page_url(iri)}>; rel="alternate"; type="{media}"'
             for ext, (media, _) in FORMATS.items()]
    return ", ".join(parts)


def rdf_graph(iri: URIRef) -> tuple[Graph, bool]:
    """The triples with the resource as subject or object, at most ``RESULT_LIMIT`` of them and evaluated under
    the query timeout, as ``/sparql`` would (:func:`app.sparql.query_terms`); and whether the cap cut them.

    :raises ResourceNotFound: there is none.
    :raises QueryTimeout: the query ran out of time.
    """
    graph, truncated = query_terms(CONSTRUCT, {"s": iri})
    if not isinstance(graph, Graph) or len(graph) == 0:
        raise ResourceNotFound(f"nothing in SCKG is about <{iri}>")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph, truncated


def schema_org(data: dict) -> dict:
    """A schema.org description of the resource for search engines (embedded as JSON-LD)."""
    out = {"@context": "https://schema.org", "@id": data["iri"],
           "@type": SCHEMA_TYPES.get(data["kind"] or "", "DefinedTerm"), "name": data["label"],
           "url": request.url_root.rstrip("/") + (page_url(data["iri"]) or "")}
    if data.get("description"):
        out["description"] = str(data["description"])
    if data.get("same_as"):
        out["sameAs"] = [v["iri"] for v in data["same_as"]]
    if data.get("point"):
        out["geo"] = {"@type": "GeoCoordinates", "latitude": data["point"]["lat"],
                      "longitude": data["point"]["long"]}
    return out


def serve(iri: URIRef, suffix: str | None = None) -> Response:
    fmt = _choose_format(suffix)
    if fmt == "html":
        data = describe(iri, current_language())
        template = {"practice": "practice.html", "city": "place.html", "country": "place.html",
                    "topic": "topic.html"}.get(
            data["kind"] or "", "concept.html")
        body = render_template(template, d=data, jsonld=schema_org(data),
                               alternates=[(ext, media, page_url(str(iri), "." + ext))
                                           for ext, (media, _) in FORMATS.items()])
        resp = Response(body, mimetype="text/html")
    else:
        media, name = FORMATS[fmt]
        graph, truncated = rdf_graph(iri)
        resp = Response(graph.serialize(format=name), mimetype=media)
        resp.headers["SCKG-Result-Limit"] = str(current_app.config.get("RESULT_LIMIT") or "")
        resp.headers["SCKG-Truncated"] = "true" if truncated else "false"
    resp.headers["Link"] = _link_header(str(iri))
    resp.headers["Vary"] = "Accept"
    return resp


@bp.route("/id/<kind>/<slug>")
@cached
def resource_by_id(kind: str, slug: str):
    from app.browse_terms import base_iri
    suffix = None
    stem, dot, ext = slug.rpartition(".")
    if dot and ext in FORMATS:
        slug, suffix = stem, ext
    if not re.match(r"^[a-z][a-z-]*$", kind) or not re.match(r"^[A-Za-z0-9._~-]+$", slug):
        raise ResourceNotFound(f"/id/{kind}/{slug} is not an SCKG identifier")
    return serve(URIRef(f"{base_iri()}{kind}/{slug}"), suffix)


@bp.route("/resource")
@cached
def resource():
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BadRequest("give the resource as /resource?iri=IRI")
    if not _IRI.match(iri):
        raise BadRequest(f"{iri!r} is not an http(s) IRI")
    return serve(URIRef(iri))

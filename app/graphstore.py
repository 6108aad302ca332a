"""The write paths: ``/update`` (SPARQL 1.1 Update) and ``/graph-store`` (SPARQL 1.1 Graph Store HTTP Protocol).

Writes need ``Authorization: Bearer <token>`` whose scope covers every graph written (:mod:`app.auth`);
``READ_ONLY`` answers 403 on every write. One request is one transaction; a malformed body writes nothing.
A write answers once the engine committed it; derived data and dumps follow in the background
(:mod:`app.derived.refresher`, its state on ``/status``), and the answer says so in ``SCKG-Derived``.
Graph Store reads are public: GET/HEAD on ``?graph=IRI`` or ``?default``.
"""
from __future__ import annotations

import logging
import re
import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for

from app import auth, guard, protocol
from app.errors import (BadRequest, Forbidden, NotFound, PayloadTooLarge, QuerySyntaxError,
                        UnsupportedMediaType)
from app.executor import Job
from app.store import get_store
from ingest.errors import KGError
from ingest.partners.context import NAMED_GRAPHS, inline_contexts

bp = Blueprint("graphstore", __name__)
log = logging.getLogger("sckg")

#: where a POST to /graph-store puts a new graph, under the graph store's own URL
UPLOADS = "uploads/"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _writer() -> auth.Token:
    """:raises Forbidden: read-only mode. :raises Unauthorized: no valid token."""
    if current_app.config.get("READ_ONLY"):
        raise Forbidden("this SCKG is read-only: every write is refused")
    return auth.authenticate(request.headers.get("Authorization"), current_app.config["TOKENS"])


def _after_write() -> None:
    current_app.extensions["sckg.refresher"].request()


def _written(status: int, headers: dict | None = None) -> Response:
    """The answer to a committed write: derived data is being refreshed (``/status`` says when it is done)."""
    return Response(status=status, headers={**(headers or {}), "SCKG-Derived": "refreshing",
                                            "Link": '</status>; rel="status"'})


# --- /update ------------------------------------------------------------------------------------

@bp.route("/update", methods=["POST"])
def update():
    """Apply a SPARQL Update as one transaction."""
    protocol.check_url()
    token = _writer()
    limit = current_app.config["MAX_QUERY_BYTES"]
    fields = {k: request.args.getlist(k) for k in request.args}
    mt, params = protocol.media_type()
    if mt == "application/x-www-form-urlencoded":
        for k, v in protocol.form_fields(limit).items():
            fields.setdefault(k, []).extend(v)
        if "query" in fields:
            raise BadRequest("this endpoint applies updates; send queries to /sparql")
    elif mt == "application/sparql-update":
        protocol.require_utf8_charset(params)
        fields["update"] = [protocol.utf8(protocol.read_body(limit, "update"), "update")]
    else:
        raise UnsupportedMediaType("an update is POSTed as application/sparql-update or "
                                   f"application/x-www-form-urlencoded, not {mt or 'a body without type'!r}")
    text = protocol.single(fields, "update")
    if not text:
        raise BadRequest("no update given")
    guard.check_query(text, "")
    base = request.base_url
    scope = guard.update_scope(text, base)
    using = protocol.iri_list(fields, "using-graph-uri") or ()
    using_named = protocol.iri_list(fields, "using-named-graph-uri") or ()
    auth.authorize(token, scope.graphs | set(using) | set(using_named), default_graph=scope.needs_all)
    if using or using_named:
        if scope.has_dataset_clause:
            raise BadRequest("the update has USING or WITH clauses and using-graph-uri/using-named-graph-uri "
                             "parameters; give the dataset one way only")
        clause = "".join(f" USING {ox.NamedNode(g)}" for g in using) + \
            "".join(f" USING NAMED {ox.NamedNode(g)}" for g in using_named) + " "
        for pos in sorted(scope.where_positions, reverse=True):
            text = text[:pos] + clause + text[pos:]
    text = f"BASE {ox.NamedNode(base)}\n" + text
    get_store().update(text)
    _after_write()
    return _written(204)


# --- /graph-store -------------------------------------------------------------------------------

def _target() -> str | None:
    """The graph a request names: an IRI, or None for the default graph.

    :raises BadRequest: neither or both of ?graph and ?default, or a bad IRI.
    """
    if request.view_args and request.view_args.get("rest"):  # direct identification: the URL is the graph
        if "graph" in request.args or "default" in request.args:
            raise BadRequest("a graph named by its URL takes no ?graph or ?default")
        return protocol.iri(request.base_url, "graph")
    graph = request.args.getlist("graph")
    if "default" in request.args:
        if graph:
            raise BadRequest("give either ?graph=IRI or ?default, not both")
        return None
    if len(graph) != 1:
        raise BadRequest("name the graph with ?graph=IRI (once), or use ?default")
    return protocol.iri(graph[0], "graph")


def _exists(graph: str | None) -> bool:
    return graph is None or graph in get_store().graphs()


def _rdf_format(content_type: str, filename: str | None) -> ox.RdfFormat | None:
    """The syntax a media type names, else the one a file name's extension names (``.ttl.gz`` is Turtle)."""
    fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
    if fmt is None and filename:
        stem = filename.lower().removesuffix(".gz")
        if "." in stem:
            fmt = ox.RdfFormat.from_extension(stem.rsplit(".", 1)[1])
    return fmt


def _parse(payload: bytes, content_type: str, base: str | None, filename: str | None = None) -> list[ox.Triple]:
    """The triples of an uploaded RDF document (of one graph: a dataset syntax may use only its default graph).

    :raises UnsupportedMediaType: a syntax pyoxigraph does not read.
    :raises BadRequest: the document does not parse (the message names line and column), it has data in a
        named graph, or it is RDF/XML with a DOCTYPE or entity declaration.
    """
    fmt = _rdf_format(content_type, filename)
    if fmt is None:
        raise UnsupportedMediaType(f"cannot read RDF sent as {content_type or 'a body without type'!r}; send "
                                   "Turtle, N-Triples, N-Quads, TriG, N3, RDF/XML or JSON-LD (gzip-compressed "
                                   "or not)")
    if fmt == ox.RdfFormat.RDF_XML and _DOCTYPE.search(payload):
        raise BadRequest("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities are never expanded)")
    if fmt == ox.RdfFormat.JSON_LD:  # SCKG's context by URL is put inline; no other context is fetched
        from app.partners_http import sckg_contexts
        try:
            payload = inline_contexts(payload, sckg_contexts(), "the JSON-LD upload")
        except KGError as e:
            raise BadRequest(e.message) from None
    triples = []
    try:
        for q in ox.parse(payload, format=fmt, base_iri=base):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                raise BadRequest(NAMED_GRAPHS if fmt == ox.RdfFormat.JSON_LD else
                                 f"named graphs are not accepted in a graph upload: the {fmt.name} document has "
                                 f"data in the graph {q.graph_name}; put the triples in its default graph")
            triples.append(ox.Triple(q.subject, q.predicate, q.object))
    except SyntaxError as e:
        raise BadRequest(f"the {fmt.name} document does not parse: {e}") from None
    except ValueError as e:
        raise BadRequest(f"the {fmt.name} document cannot be read: {e}") from None
    return triples


def _upload(base: str | None) -> list[ox.Triple]:
    """The triples of the request's upload: a body (``Content-Encoding: gzip`` is decoded, and so is a gzip
    file sent as is) or ``multipart/form-data`` parts (``.nt.gz``, ``.ttl.gz`` … decoded). ``MAX_UPLOAD_BYTES``
    bounds the decoded bytes as well as the bytes sent.

    :raises PayloadTooLarge, BadRequest, UnsupportedMediaType: see :func:`app.protocol.body_chunks`, :func:`_parse`.
    """
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    mt, _ = protocol.media_type()
    if mt == "multipart/form-data":
        if protocol.content_coding():
            raise UnsupportedMediaType("a multipart upload is not decoded as a whole; send its files gzip-compressed "
                                       "(.nt.gz, .ttl.gz …) instead")
        if request.content_length is None or request.content_length > limit:
            raise PayloadTooLarge(f"a multipart upload must declare its length, at most {limit} bytes")
        triples: list[ox.Triple] = []
        left = limit  # for the parts' decoded bytes together
        for part in request.files.values():
            data = protocol.maybe_gunzip(part.read(limit + 1), left, "upload")
            left -= len(data)
            if left < 0:
                raise PayloadTooLarge(f"the upload's files hold more than {limit} bytes, the most accepted")
            triples += _parse(data, part.mimetype, base, part.filename)
        return triples
    return _parse(protocol.maybe_gunzip(protocol.read_body(limit, "upload"), limit, "upload"), mt, base)


def _default_graph_text(triples: list[ox.Triple], replace: bool) -> str:
    body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    return ("DROP SILENT DEFAULT ;\n" if replace else "") + "INSERT DATA {\n" + body + "\n}"


@bp.route("/graph-store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
@bp.route("/graph-store/<path:rest>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store(rest: str | None = None):
    """SPARQL 1.1 Graph Store HTTP Protocol: ``?graph=IRI``, ``?default``, or a graph named by its own URL."""
    protocol.check_url()
    if request.method in ("GET", "HEAD"):
        return _get(_target())
    token = _writer()
    store = get_store()
    if request.method == "POST" and not rest and "graph" not in request.args and "default" not in request.args:
        # the new graph is named by a URL this server answers (direct identification), so its Location is
        # both the graph's IRI and where a GET finds it, on whatever host the server is reached
        graph = protocol.iri(url_for("graphstore.graph_store", rest=UPLOADS + uuid.uuid4().hex, _external=True),
                             "graph")
        auth.authorize(token, [graph])
        triples = _upload(graph)
        store.add_to_graph(graph, triples)
        _after_write()
        return _written(201, {"Location": graph})
    graph = _target()
    auth.authorize(token, [graph] if graph else [], default_graph=graph is None)
    existed = _exists(graph)
    if request.method == "DELETE":
        if not existed:
            raise NotFound(f"no graph {graph} in the store")
        store.update("DROP SILENT DEFAULT") if graph is None else store.drop_graph(graph)
    else:
        triples = _upload(graph or request.base_url)
        replace = request.method == "PUT"
        if graph is None:
            store.update(_default_graph_text(triples, replace))
        elif replace:
            store.replace_graph(graph, triples)
        else:
            store.add_to_graph(graph, triples)
    _after_write()
    return _written(201 if request.method in ("PUT", "POST") and not existed else 204)


def _get(graph: str | None) -> Response:
    if not _exists(graph):
        raise NotFound(f"no graph {graph} in the store")
    media = protocol.negotiate(protocol.GRAPH_TYPES, "text/turtle", names=protocol.GRAPH_FORMAT_NAMES)
    fmt = protocol.GRAPH_TYPES[media]
    from app.sparql import run_job
    job = Job("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=fmt,
              default_graphs=(graph,) if graph else (), named_graphs=())
    try:
        answer = run_job(job)
    except QuerySyntaxError as e:  # our own query: never the client's fault
        raise KGError(str(e)) from None
    return Response(answer.body, content_type=media + "; charset=utf-8")

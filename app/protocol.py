"""Request handling shared by the SPARQL endpoints: bounded bodies, IRI parameters, content negotiation.

:func:`read_body` never reads more than the cap; :func:`iri_param` turns a parameter into a checked IRI;
:func:`negotiate` picks a format from ``Accept`` (or the ``format`` parameter) among what is offered.
"""
from __future__ import annotations

import zlib
from functools import lru_cache
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from app.errors import BadRequest, NotAcceptable, PayloadTooLarge, UnsupportedMediaType, URITooLong

MAX_URL_BYTES = 8192

#: SELECT/ASK answers: media type -> result format
RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
#: graphs: media type -> RDF syntax; the quad syntaxes come last so a wildcard never picks them
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
    "application/trig": "trig", "application/n-quads": "nquads",
}
_QUAD_TYPES = ("application/trig", "application/n-quads")
#: short names accepted by ?format=
FORMAT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "jsonld": "application/ld+json",
    "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml",
    "trig": "application/trig", "nquads": "application/n-quads", "nq": "application/n-quads",
    "rdf+xml": "application/rdf+xml", "n3": "text/turtle",
}
#: ?format= names that mean a graph syntax in a CONSTRUCT or DESCRIBE: clients such as SPARQLWrapper send
#: ``format=xml`` (their default) for RDF/XML and ``format=json`` for JSON-LD; N3 is answered as Turtle
GRAPH_FORMAT_NAMES = {**FORMAT_NAMES, "xml": "application/rdf+xml", "json": "application/ld+json",
                      "text/n3": "text/turtle", "text/rdf+n3": "text/turtle", "application/n3": "text/turtle"}
MEDIA_TYPE_OF = {v: k for k, v in reversed(list(RESULT_TYPES.items()))}
MEDIA_TYPE_OF.update({"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"})
RDF_MEDIA_TYPE_OF = {v: k for k, v in reversed(list(GRAPH_TYPES.items()))}
RDF_MEDIA_TYPE_OF["ntriples"] = "application/n-triples"


def check_url() -> None:
    """:raises URITooLong: the request target is longer than ``MAX_URL_BYTES``."""
    if len(request.full_path.encode()) > MAX_URL_BYTES:
        raise URITooLong(f"the request URL is longer than {MAX_URL_BYTES} bytes; send the query with POST")


def media_type() -> tuple[str, dict]:
    return request.mimetype, request.mimetype_params


GZIP_MAGIC = b"\x1f\x8b"


def content_coding() -> str | None:
    """``gzip`` when the body is sent with ``Content-Encoding: gzip``, None when it is not encoded.

    :raises UnsupportedMediaType: another content coding (only gzip is decoded).
    """
    codings = [c.strip().lower() for c in request.headers.get("Content-Encoding", "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if codings in (["gzip"], ["x-gzip"]):
        return "gzip"
    raise UnsupportedMediaType(f"the body's Content-Encoding {', '.join(codings)[:100]!r} is not decoded here; "
                               "send it as is, or gzip-compressed (Content-Encoding: gzip)")


def _chunks(stream, size: int = 1 << 16):
    while chunk := stream.read(size):
        yield chunk


def gunzip_chunks(chunks, limit: int, what: str):
    """The decompressed bytes of gzip data arriving in ``chunks``, in pieces, never more than ``limit`` of them
    in all (a gzip bomb stops at the cap). Several gzip members in a row are read as one stream.

    :raises PayloadTooLarge: the data decompresses to more than ``limit`` bytes.
    :raises BadRequest: not gzip, or cut short.
    """
    limit = max(0, limit)  # decompress(…, 0) would mean no cap at all
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced, started = 0, False
    for chunk in chunks:
        while chunk:
            started = True
            try:
                piece = inflater.decompress(chunk, limit + 1 - produced)
            except zlib.error as e:
                raise BadRequest(f"the {what} is not valid gzip data ({e})") from None
            produced += len(piece)
            if produced > limit:
                raise PayloadTooLarge(f"the {what} decompresses to more than {limit} bytes, the most accepted")
            if piece:
                yield piece
            if inflater.eof:  # the end of one member: another may follow
                chunk = inflater.unused_data
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                started = bool(chunk)
            else:
                chunk = inflater.unconsumed_tail
    if started and not inflater.eof:
        raise BadRequest(f"the {what} is cut short: its gzip data ends before the end of the stream")


def gunzip(data: bytes, limit: int, what: str) -> bytes:
    """:func:`gunzip_chunks` of bytes in memory, joined."""
    return b"".join(gunzip_chunks([data], limit, what))


def maybe_gunzip(data: bytes, limit: int, what: str) -> bytes:
    """The bytes decompressed when they are gzip data (its magic number, which no text starts with)."""
    return gunzip(data, limit, what) if data.startswith(GZIP_MAGIC) else data


def body_chunks(limit: int, what: str):
    """The request body in pieces, decoded when sent with ``Content-Encoding: gzip``, never more than ``limit``
    bytes (read, and decoded).

    :raises PayloadTooLarge: the body (declared, read or decoded) is longer than ``limit``.
    :raises UnsupportedMediaType: a content coding other than gzip.
    """
    coding = content_coding()
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the {what} is {request.content_length} bytes; at most {limit} are accepted")

    def raw():
        read = 0
        for chunk in _chunks(request.stream):
            read += len(chunk)
            if read > limit:
                raise PayloadTooLarge(f"the {what} is longer than {limit} bytes, the most accepted")
            yield chunk
    return gunzip_chunks(raw(), limit, what) if coding else raw()


def read_body(limit: int, what: str) -> bytes:
    """The request body, at most ``limit`` bytes (after decoding ``Content-Encoding: gzip``).

    :raises PayloadTooLarge: the body (declared, actual or decoded) is longer than ``limit``.
    """
    return b"".join(body_chunks(limit, what))


def utf8(data: bytes, what: str) -> str:
    """:raises BadRequest: the bytes are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {e.start})") from None


def require_utf8_charset(params: dict) -> None:
    """:raises UnsupportedMediaType: a charset other than UTF-8 is declared."""
    charset = params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the body must be UTF-8 (charset {charset!r} was declared)")


def form_fields(limit: int) -> dict[str, list[str]]:
    """Fields of a form-encoded body (bounded by ``limit``)."""
    text = utf8(read_body(limit, "form body"), "form body")
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the form body cannot be decoded: {e}") from None


def single(fields: dict[str, list[str]], name: str) -> str | None:
    """:raises BadRequest: the parameter is given more than once."""
    values = fields.get(name) or []
    if len(values) > 1:
        raise BadRequest(f"the parameter '{name}' is given {len(values)} times; give it once")
    return values[0] if values else None


def iri(value: str, what: str) -> str:
    """An absolute IRI from a parameter.

    :raises BadRequest: not an absolute IRI.
    """
    try:
        node = ox.NamedNode(value)
    except ValueError:
        raise BadRequest(f"the {what} {value[:200]!r} is not a valid IRI") from None
    if ":" not in value:
        raise BadRequest(f"the {what} {value[:200]!r} is not an absolute IRI")
    return node.value


def iri_list(fields: dict[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = fields.get(name)
    return tuple(iri(v, name) for v in values) if values else None


def negotiate(offers: dict[str, str], default: str, *, exclude_from_wildcard: tuple[str, ...] = (),
              names: dict[str, str] | None = None, fallback: tuple[str, ...] = ()) -> str:
    """The media type to answer with: ``?format=`` first, then ``Accept``; ``default`` when anything goes.

    ``names`` maps the short names of ``?format=`` (:data:`FORMAT_NAMES` by default). A request that names only
    media types of ``fallback`` (the other family: result formats for a graph, graph syntaxes for a table)
    gets ``default``, as a client that sends the same header for every query form expects.

    :raises NotAcceptable: nothing offered (or in ``fallback``) is acceptable; the message lists what is offered.
    """
    wanted = request.args.get("format")
    if wanted:
        mt = (names or FORMAT_NAMES).get(wanted.lower(), wanted.lower())
        if mt in offers:
            return mt
        if mt in fallback:
            return default
        raise NotAcceptable(f"format {wanted[:100]!r} is not offered here; offered: {', '.join(sorted(set(offers)))}")
    header = request.headers.get("Accept")
    if not header:
        return default
    best = _best_match(header, tuple(offers), default, tuple(exclude_from_wildcard))
    if best is None and fallback and _best_match(header, tuple(fallback), fallback[0], ()) is not None:
        return default
    if best is None:
        raise NotAcceptable("none of the requested media types is offered; offered: "
                            + ", ".join(sorted(set(offers))))
    return best


@lru_cache(maxsize=512)
def _best_match(header: str, offers: tuple[str, ...], default: str, exclude: tuple[str, ...]) -> str | None:
    """The offer ``Accept: header`` prefers (None when none is acceptable); clients repeat the same few
    headers, so answers are remembered (the cache is bounded)."""
    accept = MIMEAccept([(v.split(";")[0].strip().lower(), q) for v, q in parse_accept_header(header)])
    if not accept:
        return default
    explicit = {v.lower() for v, q in accept if q > 0}
    ranked = [default] + [m for m in offers if m != default and (m not in exclude or m in explicit)]
    return accept.best_match(ranked)


def config(name: str):
    return current_app.config.get(name)

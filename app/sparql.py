"""``/sparql``: the SPARQL 1.1 Protocol query operation, with its safety limits.

GET ``?query=``, POST form-encoded and POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` set the dataset. Every query is checked by :mod:`app.guard`, evaluated by a killable
worker (:mod:`app.executor`) within ``QUERY_TIMEOUT_S``, capped at ``RESULT_LIMIT`` rows (announced in the
``SCKG-Result-Limit`` and ``SCKG-Truncated`` headers) and answered in the negotiated format. Answers are cached
per store generation, so a write invalidates them. A plain GET answers the Service Description.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from contextlib import contextmanager
from functools import lru_cache

import pyoxigraph as ox
from cachetools import LRUCache
from flask import Blueprint, Response, current_app, redirect, request
from rdflib.term import Node
from werkzeug.sansio.utils import get_current_url

from app import guard, protocol
from app.errors import BadRequest, Forbidden, PayloadTooLarge, TooManyRequests, UnsupportedMediaType
from app.executor import Answer, Executor, Job, lane_key
from app.results import decoded
from app.sparql_text import bind_values
from app.store import get_store
from ingest.errors import StoreError

bp = Blueprint("sparql", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
CACHE_BYTES = 64 * 1024 * 1024
CACHE_ENTRY_BYTES = 4 * 1024 * 1024


class AnswerCache:
    """Serialized answers keyed by (store generation, job); least recently used go first once their bodies
    pass the budget (``CACHE_MB``). An answer over ``CACHE_ENTRY_BYTES`` (or the whole budget) is not kept."""

    def __init__(self, budget: int = CACHE_BYTES):
        self.budget = budget
        self._items: LRUCache = LRUCache(maxsize=budget, getsizeof=lambda answer: len(answer.body))
        self._lock = threading.Lock()
        self._generation = -1

    @property
    def used(self) -> int:
        return int(self._items.currsize)

    def get(self, key) -> Answer | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key, answer: Answer) -> None:
        if len(answer.body) > min(CACHE_ENTRY_BYTES, self.budget):
            return
        with self._lock:
            if key[0] < self._generation:
                return  # computed on a state older than answers already kept: never asked for again
            if key[0] > self._generation:
                self._items.clear()  # a write happened: every older answer is stale
                self._generation = key[0]
            if key not in self._items:
                self._items[key] = answer


class ClientLimiter:
    """At most ``limit`` queries at once per client address."""

    def __init__(self, limit: int):
        self.limit = max(1, int(limit))
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self):
        """Hold one of the client's query slots for the duration of the block.

        :raises TooManyRequests: the client already runs ``limit`` queries (with ``Retry-After: 1``).
        """
        who = request.remote_addr or "?"
        with self._lock:
            if self._running.get(who, 0) >= self.limit:
                e = TooManyRequests(f"at most {self.limit} queries may run at once from one client; "
                                    "wait for one to finish")
                e.headers = {"Retry-After": "1"}
                raise e
            self._running[who] = self._running.get(who, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[who] -= 1
                if not self._running[who]:
                    del self._running[who]


def init_app(app) -> None:
    store = app.extensions["sckg.store"]
    if store.read_view() is not None:  # the engine runs in this process: queries go to killable workers
        app.extensions["sckg.executor"] = Executor(store, app.config["QUERY_WORKERS"], app.config["QUERY_TIMEOUT_S"],
                                                   app.config.get("QUERY_MEMORY_MB", 0),
                                                   light=app.config.get("QUERY_LIGHT_WORKERS", 1),
                                                   light_ms=app.config.get("QUERY_LIGHT_MS", 100.0),
                                                   heavy_nice=app.config.get("QUERY_HEAVY_NICE", 0))
    elif isinstance(getattr(store, "timeout", None), (int, float)):  # a remote store: its client stops waiting
        store.timeout = min(store.timeout, float(app.config["QUERY_TIMEOUT_S"]))
    from app.browse_web import byte_budget
    app.extensions["sckg.answers"] = AnswerCache(byte_budget(app.config))
    app.extensions["sckg.limiter"] = ClientLimiter(app.config.get("MAX_QUERIES_PER_CLIENT", 4))


def run_job(job: Job, *, cache: bool = True, key: bytes | None = None) -> Answer:
    """Evaluate a job on the app's store: in a worker for the embedded store (on the lane of ``key``, its
    text's :func:`app.executor.lane_key`, computed when not given), remotely otherwise.

    :raises QuerySyntaxError, BadRequest, QueryTimeout: see :meth:`Executor.run`.
    """
    store = get_store()
    answers: AnswerCache = current_app.extensions["sckg.answers"]
    generation = store.generation
    if cache and (hit := answers.get((generation, job))) is not None:
        return hit
    executor: Executor | None = current_app.extensions.get("sckg.executor")
    if executor is not None:
        answer = executor.run(job, key=key)
    else:
        kind, body = store.query_serialized(job.text, job.result_format, job.graph_format,
                                            default_graphs=list(job.default_graphs) if job.default_graphs else None,
                                            named_graphs=list(job.named_graphs) if job.named_graphs else None)
        answer = Answer(kind, body, generation=generation)
    if cache:  # under the state it was computed on, never a later one
        answers.put((answer.generation, job), answer)
    return answer


def query_terms(text: str, bindings: Mapping[str, Node] | None = None):
    """A query from a page (the query page, an edition report), run as ``/sparql`` runs it: through
    :func:`run_job`, so in a killable worker under the timeout and the memory cap, at most ``RESULT_LIMIT``
    rows, and from the answer cache. Returns ``(answer, truncated)``: the answer as rdflib terms (rows, a bool
    or a ``Graph``, :func:`app.results.decoded`), and whether the row cap cut it.

    :raises QuerySyntaxError, BadRequest, QueryTimeout: see :meth:`Executor.run`.
    """
    if bindings:
        text = bind_values(text, bindings)
    answer = run_job(Job(text, result_format="json", graph_format="ntriples",
                         limit=current_app.config.get("RESULT_LIMIT") or None))
    try:
        return decoded(answer.kind, answer.body), answer.truncated
    except SyntaxError as e:
        raise StoreError(f"an answer of the store does not parse: {e}") from e


def _query_request() -> tuple[str | None, dict[str, list[str]]]:
    """The query text (None when absent) and the protocol parameters, from GET or either POST form.

    :raises BadRequest, UnsupportedMediaType, PayloadTooLarge: a malformed protocol request.
    """
    limit = current_app.config["MAX_QUERY_BYTES"]
    fields = {k: request.args.getlist(k) for k in request.args}
    if request.method == "POST":
        mt, params = protocol.media_type()
        if mt == "application/x-www-form-urlencoded":
            for k, v in protocol.form_fields(limit).items():
                fields.setdefault(k, []).extend(v)
        elif mt == "application/sparql-query":
            protocol.require_utf8_charset(params)
            if "query" in fields:
                raise BadRequest("give the query either in the body or as 'query', not both")
            fields["query"] = [protocol.utf8(protocol.read_body(limit, "query"), "query")]
        elif mt == "application/sparql-update":
            raise Forbidden("this endpoint only answers queries; send updates to /update")
        else:
            raise UnsupportedMediaType(f"a query is POSTed as application/sparql-query or "
                                       f"application/x-www-form-urlencoded, not {mt or 'a body without type'!r}")
    if "update" in fields:
        raise Forbidden("this endpoint only answers queries; send updates to /update with a bearer token")
    text = protocol.single(fields, "query")
    if text is not None and len(text.encode()) > limit:
        raise PayloadTooLarge(f"the query is longer than {limit} bytes, the most accepted")
    return text, fields


def _answer(answer: Answer, media_type: str, limit: int | None) -> Response:
    ctype = media_type + ("; charset=utf-8" if media_type.startswith("text/") or "json" in media_type
                          or "xml" in media_type else "")
    resp = Response(answer.body, content_type=ctype)
    if limit is not None and answer.kind != "boolean":
        resp.headers["SCKG-Result-Limit"] = str(limit)
        resp.headers["SCKG-Truncated"] = "true" if answer.truncated else "false"
    return resp


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql():
    """Answer a SPARQL query (or the Service Description when no query is given)."""
    if request.method == "OPTIONS":
        return Response(status=204)
    protocol.check_url()
    text, fields = _query_request()
    if text is None:
        return service_description()
    toks = guard.check_query(text, current_app.config.get("ALLOWED_SERVICE_HOSTS", ""))
    form = guard.query_form(toks)
    if form == "update":
        raise Forbidden("this endpoint only answers queries; send updates to /update with a bearer token")
    graph_form = form in ("construct", "describe")
    if graph_form:
        media = protocol.negotiate(protocol.GRAPH_TYPES, "text/turtle", exclude_from_wildcard=protocol._QUAD_TYPES,
                                   names=protocol.GRAPH_FORMAT_NAMES, fallback=tuple(protocol.RESULT_TYPES))
    else:
        media = protocol.negotiate(protocol.RESULT_TYPES, "application/sparql-results+json",
                                   fallback=tuple(protocol.GRAPH_TYPES))
    limit = current_app.config.get("RESULT_LIMIT") or None
    job = Job(text,
              result_format=protocol.RESULT_TYPES.get(media, "json"),
              graph_format=protocol.GRAPH_TYPES.get(media, "turtle"),
              default_graphs=protocol.iri_list(fields, "default-graph-uri"),
              named_graphs=protocol.iri_list(fields, "named-graph-uri"),
              base_iri=_base_iri(), limit=limit)
    with current_app.extensions["sckg.limiter"].slot():
        answer = run_job(job, key=lane_key(text, toks))
    if (answer.kind == "graph") != graph_form:  # the form was misread: label what the engine wrote
        media = "text/turtle" if answer.kind == "graph" else "application/sparql-results+json"
    return _answer(answer, media, limit)


def _base_iri() -> str | None:
    """The request URL without its query string, as an IRI (None when it is not a valid one)."""
    return _checked_base(request.scheme, request.host, request.root_path, request.path)


@lru_cache(maxsize=256)
def _checked_base(scheme: str, host: str, root: str, path: str) -> str | None:
    try:
        return ox.NamedNode(get_current_url(scheme, host, root, path)).value
    except ValueError:
        return None


@bp.after_request
def _cors(resp: Response) -> Response:
    if request.path == "/sparql":
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        resp.headers["Access-Control-Expose-Headers"] = "SCKG-Result-Limit, SCKG-Truncated"
        resp.headers.add("Vary", "Accept")
    return resp


FORMATS = "http://www.w3.org/ns/formats/"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
#: the syntaxes writes are read in (Graph Store uploads, ``LOAD`` where allowed): what pyoxigraph parses
INPUT_FORMATS = ("Turtle", "N-Triples", "N-Quads", "TriG", "N3", "RDF_XML", "JSON-LD")
FUNCTION_COMMENTS = {
    "https://w3id.org/sckg/ontology#textMatch":
        "sckg:textMatch(?resource, \"words\"): the full-text (bm25) score of the resource for the words, an "
        "xsd:double, higher is better; unbound when it does not match.",
}


def _write_services(base: str, dataset, sd, rdf_type) -> list[ox.Triple]:
    """The update operation at ``/update`` (a service of its own, over the same dataset) and the Graph Store at
    ``/graph-store`` (a feature of the query service, described as a DCAT data service); none when read-only."""
    if current_app.config.get("READ_ONLY"):
        return []
    update, store = ox.NamedNode(base + "update#service"), ox.NamedNode(base + "sparql#graph-store")
    out = [ox.Triple(update, rdf_type, sd("Service")),
           ox.Triple(update, sd("endpoint"), ox.NamedNode(base + "update")),
           ox.Triple(update, sd("supportedLanguage"), sd("SPARQL11Update")),
           ox.Triple(update, sd("defaultDataset"), dataset),
           ox.Triple(store, rdf_type, sd("Feature")),
           ox.Triple(store, rdf_type, ox.NamedNode(DCAT + "DataService")),
           ox.Triple(store, ox.NamedNode(DCT + "title"), ox.Literal("SCKG Graph Store", language="en")),
           ox.Triple(store, ox.NamedNode(DCAT + "endpointURL"), ox.NamedNode(base + "graph-store")),
           ox.Triple(store, ox.NamedNode(DCT + "conformsTo"),
                     ox.NamedNode("https://www.w3.org/TR/sparql11-http-rdf-update/"))]
    out += [ox.Triple(update, sd("inputFormat"), ox.NamedNode(FORMATS + fmt)) for fmt in INPUT_FORMATS]
    return out


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle by default; browsers go to /query)."""
    accept = request.accept_mimetypes
    if accept.best_match(["text/turtle", "text/html"]) == "text/html" and accept["text/html"] > accept["text/turtle"]:
        return redirect("/query", code=303)
    media = protocol.negotiate(protocol.GRAPH_TYPES, "text/turtle", exclude_from_wildcard=protocol._QUAD_TYPES,
                               names=protocol.GRAPH_FORMAT_NAMES)
    endpoint = ox.NamedNode(request.host_url.rstrip("/") + "/sparql") if _base_iri() else ox.NamedNode(
        "http://localhost/sparql")
    base = endpoint.value[: -len("sparql")]
    service, dataset, default = ox.NamedNode(base + "sparql#service"), ox.BlankNode(), ox.BlankNode()
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        None if current_app.config.get("READ_ONLY") else ox.Triple(service, sd("feature"),
                                                                    ox.NamedNode(base + "sparql#graph-store")),
        ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")) if current_app.config.get(
            "ALLOWED_SERVICE_HOSTS") else None,
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(dataset, ox.NamedNode("http://rdfs.org/ns/void#sparqlEndpoint"), endpoint),
        ox.Triple(service, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                  ox.NamedNode(base + ".well-known/void")),
    ]
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG"):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + fmt)))
    triples += _write_services(base, dataset, sd, rdf_type)
    for name in sorted(getattr(get_store(), "custom_functions", None) or {}, key=str):
        triples += [ox.Triple(service, sd("extensionFunction"), name), ox.Triple(name, rdf_type, sd("Function"))]
        if name.value in FUNCTION_COMMENTS:
            triples.append(ox.Triple(name, RDFS_COMMENT, ox.Literal(FUNCTION_COMMENTS[name.value], language="en")))
    for g in get_store().graphs():
        named = ox.BlankNode()
        triples += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, sd("name"), ox.NamedNode(g))]
    fmt = protocol.GRAPH_TYPES[media]
    triples = [t for t in triples if t is not None]
    from app.results import capped_graph
    from app.store import rdf_format
    body, _ = capped_graph(iter(triples), rdf_format(fmt), None, prefixes={
        "sd": SD, "formats": FORMATS, "dcat": DCAT, "dct": DCT, "sckg": "https://w3id.org/sckg/ontology#"})
    return Response(body, content_type=media + "; charset=utf-8")

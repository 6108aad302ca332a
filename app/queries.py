"""Named SPARQL queries: the ``.rq`` files of ``queries/`` with their comment headers.

A header is a run of ``#`` comment lines at the top of the file::

    # title: Good practices by SDG goal
    # description: Practices linked to one Sustainable Development Goal, with their cities.
    # param: goal (IRI) the goal to filter on = http://metadata.un.org/sdg/11

A parameter is a SPARQL variable of the query (projected by its SELECT, as the embedded engine requires),
bound by the store (``store.query(text, bindings=...)``), never spliced into the text. Its kind is
``IRI`` (a full IRI or a prefixed name such as ``id:city/bilbao``), ``literal`` or ``integer``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from app.errors import BadRequest, QueryNotFound
from ingest.namespaces import PREFIXES

KINDS = ("IRI", "literal", "integer")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>IRI|literal|integer)\)\s*"
                    r"(?P<description>.*?)(?:\s*=\s*(?P<default>\S.*))?$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    text: str = ""

    @property
    def is_violation(self) -> bool:
        return self.name.endswith("-violation")

    @property
    def is_construct(self) -> bool:
        return self.name.startswith("construct-")

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query(name: str, text: str, source: str = "<query>") -> NamedQuery:
    """Read the header of one query.

    :raises BadRequest: a header line is malformed or a parameter is declared twice (names file and line).
    """
    title = description = ""
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped.lstrip("#").strip()
        key, sep, value = body.partition(":")
        key = key.strip().lower()
        if not sep or key not in ("title", "description", "param"):
            continue
        value = value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        else:
            m = _PARAM.match(value)
            if m is None:
                raise BadRequest(f"{source}:{number}: a parameter is written "
                                 f"'# param: name (IRI|literal|integer) description = default', got {value!r}")
            if any(p.name == m["name"] for p in params):
                raise BadRequest(f"{source}:{number}: parameter {m['name']!r} is declared twice")
            params.append(Param(m["name"], m["kind"], m["description"].strip(), m["default"]))
    return NamedQuery(name, title, description, tuple(params), text)


def load_queries(directory: str | Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` of a folder (default: the shipped ``queries/``), by file stem, sorted by name.

    :raises BadRequest: a file name is not kebab-case or a header is malformed.
    """
    if directory is None:
        from ingest.resources import resource_dir
        directory = resource_dir("queries")
    out: dict[str, NamedQuery] = {}
    for path in sorted(Path(directory).glob("*.rq")):
        if not _NAME.match(path.stem):
            raise BadRequest(f"{path}: query file names are kebab-case (lower-case words joined by '-')")
        out[path.stem] = parse_query(path.stem, path.read_text(encoding="utf-8"), str(path))
    return out


def get_query(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """:raises QueryNotFound: no query has that name."""
    try:
        return queries[name]
    except KeyError:
        raise QueryNotFound(f"no named query {name!r}; 'sckg query --list' shows them") from None


def expand_iri(value: str) -> URIRef:
    """A full IRI, ``<iri>``, or a prefixed name of SCKG's prefixes (``id:city/bilbao``).

    :raises BadRequest: anything else.
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", value):
        raise BadRequest(f"{value!r} is not an IRI (write it in full, e.g. https://w3id.org/sckg/id/city/bilbao, "
                         f"or as a prefixed name such as id:city/bilbao)")
    return URIRef(value)


def to_term(param: Param, value: str) -> Node:
    """The RDF term a parameter's text stands for.

    :raises BadRequest: the value does not fit the parameter's kind.
    """
    if param.kind == "IRI":
        return expand_iri(value)
    if param.kind == "integer":
        if not re.match(r"^[+-]?\d+$", value.strip()):
            raise BadRequest(f"parameter {param.name!r} takes an integer, got {value!r}")
        return Literal(int(value), datatype=XSD.integer)
    return Literal(value)


def bindings_for(nq: NamedQuery, params: Mapping[str, str]) -> dict[str, Node]:
    """Check the given parameters against the header and fill defaults.

    :raises BadRequest: an unexpected parameter, a missing one without default, or a value of the wrong kind.
    """
    unexpected = sorted(set(params) - {p.name for p in nq.params})
    if unexpected:
        declared = ", ".join(p.name for p in nq.params) or "none"
        raise BadRequest(f"query {nq.name!r} has no parameter {', '.join(unexpected)} (it takes: {declared})")
    out: dict[str, Node] = {}
    for p in nq.params:
        value = params.get(p.name, p.default)
        if value is None:
            raise BadRequest(f"query {nq.name!r} needs parameter {p.name!r} ({p.kind}): {p.description}")
        out[p.name] = to_term(p, value)
    return out


def run_named(store, nq: NamedQuery, params: Mapping[str, str] | None = None):
    """Run a named query with its parameters bound by the store; rows (list of dicts), a bool or a Graph.

    :raises BadRequest: see :func:`bindings_for`.
    :raises QuerySyntaxError: the query text does not parse.
    """
    return store.query(nq.text, bindings=bindings_for(nq, params or {}))

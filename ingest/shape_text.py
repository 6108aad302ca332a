"""What a SHACL shape asks of the data, in words and RDF terms.

The shapes' own ``sh:message`` speaks to whoever fills in the study's CSV files ("practices.csv column
`title`: …"). Data given as RDF has no columns, so its problems are told with :func:`rdf_message`, and the
ontology page lists each rule with :func:`describe`. Both are read from the constraints themselves, so they
cannot drift from what is checked.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ingest.namespaces import curie

#: how many members of an ``sh:in`` list are named before the rest is counted
LISTED = 10
_KINDS = {"IRI": "an IRI", "Literal": "a literal", "BlankNode": "a blank node",
          "BlankNodeOrIRI": "an IRI or a blank node", "BlankNodeOrLiteral": "a blank node or a literal",
          "IRIOrLiteral": "an IRI or a literal"}
_COMPARE = {"minInclusive": "≥", "minExclusive": ">", "maxInclusive": "≤", "maxExclusive": "<"}
#: the order constraints are told in: the kind of value first, then its form, its range, its alternatives
_ORDER = {k: i for i, k in enumerate(("nodeKind", "datatype", "class", "pattern", "in", "languageIn", "hasValue",
                                      *_COMPARE, "or", "and", "not"))}


def english(g: Graph, s, p) -> str | None:
    """The English (else untagged) literal of ``s p``, if any."""
    found = {o.language or "": str(o) for o in g.objects(s, p) if isinstance(o, Literal)}
    return found.get("en") or found.get("")


def _term(node) -> str:
    if isinstance(node, URIRef):
        return curie(node)
    return f'"{node}"' if isinstance(node, Literal) and not isinstance(node.toPython(), (int, float)) else str(node)


def _values(g: Graph, head) -> str:
    items = [_term(m) for m in Collection(g, head)]
    shown = ", ".join(items[:LISTED])
    return shown + (f", … ({len(items)} in all)" if len(items) > LISTED else "")


def _count(n: int) -> str:
    return f"{n} value{'s' if n != 1 else ''}"


def _member(g: Graph, shape) -> str:
    """A shape used inside another (``sh:or``, ``sh:not``, a qualified value shape): its name, else its rule."""
    return english(g, shape, SH.name) or describe(g, shape)


def describe(g: Graph, shape) -> str:
    """The constraints of ``shape`` as one phrase, e.g. ``exactly 1 value; each a literal``."""
    parts = []
    low, high = g.value(shape, SH.minCount), g.value(shape, SH.maxCount)
    if low is not None and high is not None and int(low) == int(high):
        parts.append(f"exactly {_count(int(low))}")
    else:
        if low is not None and int(low) > 0:
            parts.append(f"at least {_count(int(low))}")
        if high is not None:
            parts.append(f"at most {_count(int(high))}")
    for key, o in sorted(((str(p)[len(str(SH)):], o) for p, o in g.predicate_objects(shape)
                          if str(p).startswith(str(SH))), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv)):
        if key == "datatype":
            parts.append(f"each written as {curie(o)}")
        elif key == "class":
            parts.append(f"each a {curie(o)}")
        elif key == "nodeKind":
            parts.append("each " + _KINDS.get(str(o)[len(str(SH)):], curie(o)))
        elif key == "pattern":
            flags = g.value(shape, SH.flags)
            parts.append(f"matching the pattern {o}" + (f" (flags {flags})" if flags is not None else ""))
        elif key == "in":
            parts.append(f"one of {_values(g, o)}")
        elif key == "languageIn":
            parts.append(f"with a language tag among {_values(g, o)}")
        elif key == "hasValue":
            parts.append(f"including {_term(o)}")
        elif key in _COMPARE:
            parts.append(f"each {_COMPARE[key]} {o}")
        elif key in ("or", "and"):
            members = [_member(g, m) for m in Collection(g, o)]
            parts.append(("either " if key == "or" else "") + f" {key} ".join(f"({m})" for m in members))
        elif key == "not":
            parts.append(f"not ({_member(g, o)})")
    if g.value(shape, SH.uniqueLang) == Literal(True):
        parts.append("at most one value per language")
    qualified = g.value(shape, SH.qualifiedValueShape)
    for key, word in (("qualifiedMinCount", "at least"), ("qualifiedMaxCount", "at most")):
        n = g.value(shape, SH[key])
        if qualified is not None and n is not None:
            parts.append(f"{word} {_count(int(n))} that {'is' if int(n) == 1 else 'are'}: {_member(g, qualified)}")
    return "; ".join(parts)


def rdf_message(g: Graph, shape) -> str:
    """What a result of ``shape`` means for data given as RDF: the property (or, for a node shape, the class
    of the resource) and what the shape asks, in the shape's own ``sh:description`` when it has one."""
    path = g.value(shape, SH.path)
    if path is not None:
        subject = curie(path)
    else:
        subject = "a " + " or ".join(curie(c) for c in sorted(g.objects(shape, SH.targetClass))) \
            if (shape, SH.targetClass, None) in g else "the resource"
    return f"{subject}: {english(g, shape, SH.description) or describe(g, shape) or 'breaks the shape'}"

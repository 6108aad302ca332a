"""Reasoning: HermiT on the ontology, SPARQL CONSTRUCT rules on the instance data.

Two engines, each where it fits:

* the **ontology** (a few hundred axioms) goes through owlready2 + HermiT: consistency, unsatisfiable classes
  and the class hierarchy HermiT infers (needs Java; skipped with a message where there is none);
* the **instance data** (which grows with every edition and partner) goes through the ``construct-*.rq``
  rules of ``queries/``, one SPARQL CONSTRUCT per entailment kind (inverses, chains, SDG goal from target,
  transitive ``skos:broader``, types from subclass axioms and class definitions, symmetric properties),
  evaluated by the store and repeated until no rule adds anything (a fixpoint; after the first round only
  the rules that mention what the last round added run again). The result replaces ``…/graph/inferred`` in
  one transaction. Before that, ``disjoint-types-violation.rq`` checks the data against the ontology's
  disjointness axioms; inconsistent data is reported with the axioms involved and nothing is written.

The rules read every graph except the inferred ones (``…/graph/inferred`` and the graphs under it, such as
``…/graph/inferred/related``, which other steps own), so a fact that lost its premise disappears.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from app.errors import InconsistentData
from app.queries import NamedQuery, load_queries
from ingest.errors import StoreError
from ingest.namespaces import GRAPHS

INFERRED = GRAPHS["inferred"]
CONSISTENCY_CHECK = "disjoint-types-violation"


def rules(queries: Mapping[str, NamedQuery] | None = None) -> list[NamedQuery]:
    """The ``construct-*`` queries, by name."""
    queries = load_queries() if queries is None else queries
    return [q for name, q in sorted(queries.items()) if q.is_construct]


def source_graphs(store) -> list[str]:
    """Every named graph the rules read: all but the inferred graph and the graphs under it."""
    return [g for g in store.graphs() if g != INFERRED and not g.startswith(INFERRED + "/")]


def _construct(store, text: str, graphs: list[str]) -> set:
    """Run one CONSTRUCT over ``graphs``; triples as pyoxigraph triples on the embedded store (no conversion
    cost at scale), as rdflib triples elsewhere."""
    view = store.read_view()
    if view is not None:
        import pyoxigraph as ox
        try:
            result = view.query(text, default_graph=[ox.NamedNode(g) for g in graphs] or None)
            return set(result)
        except (SyntaxError, ValueError, OSError) as e:
            raise StoreError(f"a reasoning rule failed: {e}") from e
    return set(store.query(text, default_graphs=graphs))


def check_consistency(store, graphs: list[str] | None = None,
                      queries: Mapping[str, NamedQuery] | None = None) -> None:
    """:raises InconsistentData: a resource is typed with two disjoint classes; the message names the axiom."""
    queries = load_queries() if queries is None else queries
    check = queries.get(CONSISTENCY_CHECK)
    if check is None:
        return
    rows = store.query(check.text, default_graphs=graphs if graphs is not None else source_graphs(store))
    if rows:
        axioms = sorted({f"<{r['disjoint']}> owl:disjointWith <{r['disjointWith']}>" for r in rows})
        first = rows[0]
        raise InconsistentData(
            f"{len(rows)} resource(s) contradict the ontology, e.g. <{first['resource']}> is a <{first['class']}> "
            f"and a <{first['otherClass']}>; axioms involved: {'; '.join(axioms)}. The inferred graph was not "
            f"changed: fix the types of these resources and load again.", details=rows)


def materialise(store, config: Mapping[str, Any] | None = None, *,
                queries: Mapping[str, NamedQuery] | None = None, max_rounds: int = 10) -> dict:
    """Recompute ``…/graph/inferred`` from the rules, to a fixpoint, and replace it atomically.

    Returns ``{"triples": n, "rounds": r, "rules": {rule: triples it derived}}``.

    :raises InconsistentData: the data contradicts a disjointness axiom (nothing is written).
    :raises StoreError: the store failed.
    """
    queries = load_queries() if queries is None else queries
    graphs = source_graphs(store)
    check_consistency(store, graphs, queries)
    active = rules(queries)
    derived: set = set()
    per_rule: dict[str, int] = {}
    rounds = 0
    read_from = graphs
    while active and rounds < max_rounds:
        rounds += 1
        new: set = set()
        for rule in active:
            found = _construct(store, rule.text, read_from)
            per_rule[rule.name] = max(per_rule.get(rule.name, 0), len(found))
            new |= found
        new -= derived
        if not new:
            break
        derived |= new
        store.replace_graph(INFERRED, _as_data(derived))
        read_from = graphs + [INFERRED]
        predicates, classes = _signature(new)
        active = [r for r in rules(queries) if _reads_any(r.text, predicates, classes)]  # only rules new facts feed
    if rounds <= 1 and not derived:  # nothing derived at all: still clear what an earlier run left
        store.replace_graph(INFERRED, _as_data(derived))
    return {"triples": len(derived), "rounds": rounds, "rules": per_rule}


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _forms(text: str, iri: str) -> list[str]:
    """How a rule may write an IRI: in full, or as a prefixed name of its own PREFIX lines."""
    forms = [f"<{iri}>"]
    for prefix, ns in re.findall(r"PREFIX\s+(\w*):\s*<([^>]*)>", text):
        if iri.startswith(ns) and re.fullmatch(r"[\w-]+", iri[len(ns):]):
            forms.append(f"{prefix}:{iri[len(ns):]}")
    return forms


def _mentions(text: str, iri: str) -> bool:
    body = text.split("WHERE", 1)[-1]
    return any(re.search(re.escape(f) + r"(?![\w-])", body) for f in _forms(text, iri))


def _signature(triples: set) -> tuple[set[str], set[str]]:
    """The predicates of some triples (rdf:type apart) and the classes their rdf:type triples name."""
    if triples and not isinstance(next(iter(triples)), tuple):
        predicates = {t.predicate.value for t in triples}
        classes = {t.object.value for t in triples if t.predicate.value == _RDF_TYPE} if _RDF_TYPE in predicates \
            else set()
    else:
        predicates = {str(t[1]) for t in triples}
        classes = {str(t[2]) for t in triples if str(t[1]) == _RDF_TYPE}
    predicates.discard(_RDF_TYPE)
    return predicates, classes


def _reads_any(text: str, predicates: set[str], classes: set[str]) -> bool:
    """Whether a rule's WHERE clause can match a triple of these predicates or classes: it names the predicate
    (for rdf:type, the class, unless the class is a variable), or has a pattern whose predicate is a variable.
    Conservative: a mention is enough."""
    if re.search(r"\?\w+\s+\?\w+\s+(?:\?\w|<|\w*:|\")", text.split("WHERE", 1)[-1]):
        return True
    if any(_mentions(text, p) for p in predicates):
        return True
    if classes:
        body = text.split("WHERE", 1)[-1]
        if re.search(r"(?:rdf:type|\ba)\s+\?", body):
            return True
        return any(_mentions(text, c) for c in classes)
    return False


def _as_data(triples: set):
    """pyoxigraph triples go to the store as they are; rdflib triples as a Graph."""
    if not triples or not isinstance(next(iter(triples)), tuple):
        return list(triples)
    g = Graph()
    for t in triples:
        g.add(t)
    return g


# --- HermiT on the ontology ---------------------------------------------------------------------

def ontology_graph(store=None, paths: list[Path] | None = None) -> Graph:
    """The ontology as an rdflib graph: from the given Turtle files, else from the store's ontology graph."""
    g = Graph()
    if paths:
        for p in paths:
            g.parse(p, format="turtle")
        return g
    if store is not None:
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=[GRAPHS["ontology"]])
        if isinstance(result, Graph):
            return result
    return g


def classify(ontology: Graph) -> dict:
    """Run HermiT (owlready2) on an ontology graph.

    Returns ``{"consistent": bool, "coherent": bool, "unsatisfiable": [...], "inferred_subclasses":
    [(sub, super)], "axioms": [...], "seconds": s}``, or ``{"skipped": reason}`` when Java is missing.
    ``axioms`` lists the axioms involved: those of the unsatisfiable classes, or for an inconsistent
    ontology its disjointness axioms, and ``reason`` then carries HermiT's message.
    """
    if shutil.which("java") is None:
        return {"skipped": "HermiT needs Java, and no 'java' is on the PATH: the ontology was not checked "
                           "(install a JRE, e.g. apt-get install default-jre-headless)"}
    import owlready2
    t0 = time.perf_counter()
    asserted = {(str(s), str(o)) for s, o in ontology.subject_objects(RDFS.subClassOf)
                if isinstance(s, URIRef) and isinstance(o, URIRef)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.nt"
        ontology.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as e:
            message = str(e).strip().splitlines()
            return {"consistent": False, "coherent": False, "unsatisfiable": [], "inferred_subclasses": [],
                    "reason": message[-1][:500] if message else "HermiT found the ontology inconsistent",
                    "axioms": _disjointness_axioms(ontology), "seconds": round(time.perf_counter() - t0, 2)}
        nothing = "http://www.w3.org/2002/07/owl#Nothing"
        unsat = sorted(c.iri for c in world.inconsistent_classes() if getattr(c, "iri", nothing) != nothing)
        inferred = set()
        for cls in world.classes():
            for sup in cls.is_a:
                if hasattr(sup, "iri") and sup.iri != "http://www.w3.org/2002/07/owl#Thing":
                    inferred.add((cls.iri, sup.iri))
        world.close()
    return {"consistent": True, "coherent": not unsat, "unsatisfiable": unsat,
            "axioms": _axioms_of(ontology, unsat) if unsat else [],
            "inferred_subclasses": sorted(inferred - asserted),
            "seconds": round(time.perf_counter() - t0, 2)}


def _axioms_of(ontology: Graph, classes: list[str]) -> list[str]:
    lines = []
    for c in classes:
        for p, o in ontology.predicate_objects(URIRef(c)):
            if p != RDFS.label and "definition" not in str(p) and "comment" not in str(p):
                lines.append(f"<{c}> <{p}> {o.n3()}")
    return sorted(lines)


def _disjointness_axioms(ontology: Graph) -> list[str]:
    from rdflib.namespace import OWL
    return sorted(f"<{s}> owl:disjointWith <{o}>" for s, o in ontology.subject_objects(OWL.disjointWith))


@click.command("reason")
@click.option("--ontology", "paths", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Turtle files to classify instead of the store's ontology graph")
@click.option("--skip-hermit", is_flag=True, help="only materialise the inferred graph")
def reason(paths, skip_hermit):
    """Check and classify the ontology with HermiT, then materialise the inferred graph."""
    from app.cli import with_store

    @with_store
    def run(store, config):
        if not skip_hermit:
            result = classify(ontology_graph(store, [Path(p) for p in paths]))
            if "skipped" in result:
                click.echo(f"HermiT skipped: {result['skipped']}")
            elif not result["consistent"] or not result["coherent"]:
                what = "inconsistent" if not result["consistent"] else "incoherent (unsatisfiable classes)"
                click.echo(f"the ontology is {what}: {result.get('reason', '')}", err=True)
                for a in result.get("unsatisfiable", []):
                    click.echo(f"  unsatisfiable class: <{a}>", err=True)
                for a in result["axioms"]:
                    click.echo(f"  axiom involved: {a}", err=True)
                raise SystemExit(1)
            else:
                click.echo(f"HermiT: the ontology is consistent ({result['seconds']} s); "
                           f"{len(result['inferred_subclasses'])} subclass relation(s) inferred")
                for sub, sup in result["inferred_subclasses"]:
                    click.echo(f"  inferred: <{sub}> rdfs:subClassOf <{sup}>")
        t0 = time.perf_counter()
        info = materialise(store, config)
        click.echo(f"inferred graph <{INFERRED}>: {info['triples']} triples in {info['rounds']} round(s), "
                   f"{time.perf_counter() - t0:.2f} s")
        for name, n in info["rules"].items():
            click.echo(f"  {name}: {n}")

    run()


commands = [reason]

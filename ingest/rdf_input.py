"""RDF files given to ``sckg ingest`` / ``sckg validate``: parsed and checked by the engine.

The engine parses the files into one graph of a throw-away in-memory store (a syntax error names the file
and line) and the data is checked there against the shapes and the disjoint classes of the ontology; no
rdflib graph of the data is built unless pySHACL checks it. ``sckg ingest`` then hands the checked triples to
the store as an N-Triples file written by the engine.

Which checker runs: files of up to :data:`PYSHACL_MAX_TRIPLES` triples go through pySHACL (all of SHACL);
larger ones through :func:`ingest.validate.engine_validate` (the SHACL Core subset the shapes use, compiled
to SPARQL), because pySHACL needs minutes and gigabytes per million triples.
"""
from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from ingest.disjointness import disjoint_problems
from ingest.errors import InputError
from ingest.namespaces import curie
from ingest.report import Report
from ingest.terms import to_rdflib
from ingest.parallel import run_tasks
from ingest.validate import shape_checks, shape_report, validate

#: the scratch store's graph of the data being checked, and of the ontology and vocabularies around it
DATA = ox.NamedNode("urn:sckg:check:data")
BACKGROUND = ox.NamedNode("urn:sckg:check:background")
#: files up to this many triples are validated by pySHACL, larger ones by the engine
PYSHACL_MAX_TRIPLES = 50_000

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML,
           ".owl": ox.RdfFormat.RDF_XML}


class RdfInput:
    """The triples of some RDF files (graph names of quads dropped) in one graph of a throw-away in-memory
    pyoxigraph store, parsed once and checked where they lie.

    :raises InputError: naming the file, and the line of a syntax error, when a file cannot be read.
    """

    def __init__(self, paths):
        self.paths = [Path(p) for p in paths]
        self.store, self.data, self.background = ox.Store(), DATA, BACKGROUND
        t0 = time.perf_counter()
        for path in self.paths:
            self._read(path, self.data)
        self.triples = int(next(iter(self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        self.seconds = round(time.perf_counter() - t0, 3)

    def _read(self, path: Path, graph: ox.NamedNode) -> None:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(path.name, None, f"unknown RDF file suffix; use one of {', '.join(FORMATS)}")
        try:
            if fmt.supports_datasets:  # quads: their graph names are dropped, as the file goes to one graph
                self.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                                       for q in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True))
            else:  # the engine parses the file; blank nodes get fresh names in each file
                self.store.load(path=str(path), format=fmt, to_graph=graph)
        except SyntaxError as e:
            where = f" (column {e.offset})" if e.offset else ""
            raise InputError(path.name, e.lineno, f"does not parse as {fmt.name}{where}: {e.msg}") from e
        except (OSError, ValueError) as e:
            raise InputError(path.name, None, f"cannot be read as {fmt.name}: {e}") from e

    def add_background(self, paths) -> None:
        """Load the ontology and vocabulary files the checks need (classes, subclasses, disjointness)."""
        for path in paths:
            self._read(Path(path), self.background)

    def _select(self, text: str):
        return self.store.query(text, default_graph=self.data)

    def graph(self, typing_only: bool = False) -> Graph:
        """The data as an rdflib graph; with ``typing_only`` (after :meth:`add_background`) only what the
        disjoint-classes check reads: its rdfs:subClassOf and owl:disjointWith triples and the rdf:type
        triples whose class is a subclass of a class in an owl:disjointWith axiom (of the data or ontology)."""
        g = Graph()
        if typing_only:  # the types that can meet in a disjointness axiom: classes under a disjoint class
            disjoint = self.store.query(
                f"SELECT DISTINCT ?c WHERE {{ {{ ?d {OWL.disjointWith.n3()} ?x }} UNION "
                f"{{ ?x {OWL.disjointWith.n3()} ?d }} ?c {RDFS.subClassOf.n3()}* ?d }}",
                default_graph=[self.data, self.background])
            rdf_type = ox.NamedNode(str(RDF.type))
            quads = [q for row in disjoint
                     for q in self.store.quads_for_pattern(None, rdf_type, row["c"], self.data)]
            quads += [q for p in (RDFS.subClassOf, OWL.disjointWith)
                      for q in self.store.quads_for_pattern(None, ox.NamedNode(str(p)), None, self.data)]
        else:
            quads = self.store.quads_for_pattern(None, None, None, self.data)
        for q in quads:
            g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return g

    def class_counts(self) -> dict[str, int]:
        rows = self._select("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
        return {curie(to_rdflib(r["c"])): int(r["n"].value) for r in rows}

    def write_ntriples(self, path: Path) -> float:
        """Write the data to ``path`` as N-Triples, serialized by the engine; returns the seconds it took."""
        t0 = time.perf_counter()
        self.store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=self.data)
        return round(time.perf_counter() - t0, 3)

    def check(self, shapes: Graph, background: Graph, background_paths, *, pyshacl_max: int | None = None,
              write_to: Path | None = None, workers: int | None = None) -> Report:
        """Validate the data against ``shapes`` (with ``background`` = ontology + vocabularies, read from
        ``background_paths`` for the engine) and against the ontology's disjoint classes; pySHACL checks data of
        up to ``pyshacl_max`` triples (default :data:`PYSHACL_MAX_TRIPLES`), the engine larger data.

        With ``write_to``, the data is also written there as N-Triples (:meth:`write_ntriples`), whatever the
        outcome; when the engine checks, that writing and the shape queries share ``workers`` processes
        (default: one per core; :func:`ingest.parallel.run_tasks`).

        :raises ShapesError: the shapes cannot be applied.
        """
        t0 = time.perf_counter()
        self.add_background(background_paths)
        write = [partial(self.write_ntriples, write_to)] if write_to is not None else []
        if self.triples <= (PYSHACL_MAX_TRIPLES if pyshacl_max is None else pyshacl_max):
            report = validate(self.graph(), shapes, None, background, rdf_terms=True)
            written = [task() for task in write]
        else:
            checks, skipped = shape_checks(self.store, shapes, self.data, self.background, rdf_terms=True)
            results = run_tasks(write + checks, workers)
            written, found = results[:len(write)], results[len(write):]
            report = shape_report(found, skipped, shapes_given=len(shapes) > 0)
            report.notes.append(f"{self.triples} triples: the shapes were checked by the engine (SPARQL)")
        t1 = time.perf_counter()
        report.extend(disjoint_problems(self.graph(typing_only=True), background))
        report.seconds.update({"parse": self.seconds, "shapes": round(t1 - t0, 3),
                               "disjoint": round(time.perf_counter() - t1, 3)})
        if written:
            report.seconds["serialize"] = written[0]
        report.source = ", ".join(p.name for p in self.paths)
        report.triples = self.triples
        report.classes = self.class_counts()
        return report

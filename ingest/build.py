"""Building the study graph from its files: read → map → link → validate → describe, without a store.

``build_study(files)`` returns the graph and a :class:`Report`; :mod:`ingest.pipeline` loads it.
"""
from __future__ import annotations

import functools
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF
from tqdm import tqdm

from ingest import resources
from ingest.concepts import complete_concepts
from ingest.disjointness import disjoint_problems
from ingest.errors import InputError
from ingest.link import GeoNamesResolver, link, placement_problems
from ingest.map import check_references, map_study
from ingest.namespaces import DEFAULT_BASE, GRAPHS, curie
from ingest.read import parse_csv
from ingest.report import Problem, Report
from ingest.study import SPECS
from ingest.validate import parse_turtle_files, shapes_graph, validate


@functools.lru_cache(maxsize=1)
def default_resolver() -> GeoNamesResolver:
    return GeoNamesResolver()


def ontology_files(ontology_dir: Path) -> tuple[list[Path], list[Path]]:
    """(ontology files, vocabulary files) that exist under ``ontology_dir``."""
    onto = [p for p in (ontology_dir / "sckg.ttl", ontology_dir / "external.ttl") if p.is_file()]
    return onto, sorted((ontology_dir / "vocab").glob("*.ttl"))


def class_counts(graph: Graph) -> dict[str, int]:
    return dict(Counter(curie(o) for o in graph.objects(None, RDF.type)))


@contextmanager
def _step(report: Report, name: str, bar):
    t0 = time.perf_counter()
    bar.set_description(name)
    yield
    report.seconds[name] = round(time.perf_counter() - t0, 3)
    bar.update(1)


def study_files(study_dir: Path, overrides: dict[str, Path] | None = None) -> dict[str, Path]:
    """The file of each study table: ``overrides`` first, then ``study_dir`` (tables absent from both are empty)."""
    files = {name: study_dir / name for name in SPECS if (study_dir / name).is_file()}
    files.update(overrides or {})
    return files


def read_tables(files: dict[str, Path], report: Report):
    """Records of every file; problems (all of them, in every file) go to ``report``."""
    tables = {}
    for name, path in files.items():
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(path, None, f"cannot be read: {e.strerror or e}") from e
        records, problems = parse_csv(name, data, SPECS[name])
        tables[name] = records
        report.rows[name] = len(records)
        report.extend(problems)
    for name, spec in SPECS.items():
        if name not in files and not spec.optional:
            report.problems.append(Problem(name, None, None, "missing-file",
                                           f"the study folder has no {name}; add it, at least with its header row"))
    return tables


def build_study(files: dict[str, Path], *, base: str | None = None, resolver=None,
                ontology_dir: Path | None = None, progress: bool = False) -> tuple[Graph, Report]:
    """Read, map, link and validate the study files (shapes, and no resource in two disjoint classes of the
    ontology); the graph and a report (check ``report.conforms``).

    :raises InputError: if a file cannot be opened; :raises ShapesError: if the shapes are unusable.
    """
    base = base or DEFAULT_BASE
    ontology_dir = ontology_dir or resources.resource_dir("ontology")
    report = Report(source="Smart Cities Study", graph=GRAPHS["study"])
    graph = Graph()
    with tqdm(total=5, disable=not progress, file=sys.stderr, leave=False) as bar:
        with _step(report, "read", bar):
            tables = read_tables(files, report)
        if not report.conforms:
            return graph, report
        with _step(report, "map", bar):
            report.extend(check_references(tables))
            if not report.conforms:
                return graph, report
            graph, origins = map_study(tables, base)
        with _step(report, "link", bar):
            links, report.linked, report.unlinked = link(graph, resolver or default_resolver())
            graph += links
            duplicates, report.unplaced = placement_problems(graph, origins)
            report.extend(duplicates)
            onto, vocab_paths = ontology_files(ontology_dir)
            vocab = parse_turtle_files(vocab_paths, "vocabulary")
            extra, warnings = complete_concepts(graph, vocab, base)
            graph += extra
            report.extend(warnings)
        with _step(report, "validate", bar):
            background = parse_turtle_files(onto, "ontology") + vocab
            report.classes = class_counts(graph)
            report.sources = sources(graph)
            graph -= background  # stated once: the union of graphs must not count a fact twice
            report.extend(validate(graph, shapes_graph(ontology_dir), origins, background).problems)
            # a resource in two disjoint classes would make the graph inconsistent: refused like a violation
            report.extend(disjoint_problems(graph, background, origins))
        with _step(report, "describe", bar):
            report.triples = len(graph)
    return graph, report


def sources(graph: Graph) -> set:
    """The distinct ``dct:source`` IRIs of a graph."""
    return {o for o in graph.objects(None, DCTERMS.source)}

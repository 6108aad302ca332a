"""The ingest pipeline: build the graph (read → map → link → validate → describe), then load it atomically.

``load_default(store)`` loads the ontology, the vocabularies and the shipped study; ``run_study`` ingests a
study folder; ``validate_paths`` checks files without a store; ``ingest_paths`` is ``sckg ingest``.
"""
from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ingest import resources
# build_study, study_files and ontology_files are also part of this module's interface (bench/, tests/ontology/)
from ingest.build import build_study, ontology_files, study_files
from ingest.errors import InputError, ValidationFailed
from ingest.load import load, record_text
from ingest.namespaces import GRAPHS
from ingest.provenance import describe
from ingest.rdf_input import RdfInput
from ingest.report import Report
from ingest.study import SPECS
from ingest.validate import parse_turtle_files, shapes_graph

__all__ = ["load_default", "run_study", "validate_paths", "ingest_paths", "read_rdf", "classify", "build_study",
           "study_files", "ontology_files"]

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
                ".rdf": "xml", ".owl": "xml"}


def _record(name: str, title: str, files: dict[str, Path], rows: dict[str, int], graph: Graph,
            urls=()) -> Graph:
    return describe(name, title=title, files={str(p): rows.get(n, 0) for n, p in files.items()},
                    triples=len(graph), sources=urls)


def run_study(study_dir: str | Path, store, *, base: str | None = None, progress: bool = True,
              overrides: dict[str, Path] | None = None, resolver=None,
              extra_graphs: dict[str, tuple[Graph, Graph]] | None = None, ontology_dir: Path | None = None) -> Report:
    """Ingest a study folder into ``…/graph/study`` and its record into ``…/graph/meta``, in one transaction.

    ``ontology_dir`` (default: the shipped ``ontology/``) gives the shapes and the classes the data is checked
    against.

    :raises ValidationFailed: the data has violations, such as a resource in two classes the ontology declares
        disjoint (``.report`` lists them); nothing was written.
    :raises InputError: a file cannot be opened.
    """
    t0 = time.perf_counter()
    files = study_files(Path(study_dir), overrides)
    graph, report = build_study(files, base=base, resolver=resolver, progress=progress, ontology_dir=ontology_dir)
    if not report.conforms:
        raise ValidationFailed(f"the study data has {len(report.violations)} problem(s); nothing was loaded:\n"
                               + "\n".join(str(p) for p in report.violations), report)
    record = _record(GRAPHS["study"], "Smart Cities Study (UCLG Digital Cities Community of Practice)",
                     files, report.rows, graph, report.sources)
    graphs = {GRAPHS["study"]: graph}
    records = {GRAPHS["study"]: record}
    for name, (g, rec) in (extra_graphs or {}).items():
        graphs[name], records[name] = g, rec
    t1 = time.perf_counter()
    load(store, graphs, records)
    report.seconds["load"] = round(time.perf_counter() - t1, 3)
    report.seconds["total"] = round(time.perf_counter() - t0, 3)
    report.loaded = True
    return report


def load_default(store, base: str | None = None, progress: bool = True) -> Report:
    """Load ontology/sckg.ttl + external.ttl, ontology/vocab/*.ttl and the shipped study data (idempotent).

    :raises ValidationFailed: if the shipped data does not conform (nothing is written).
    """
    ontology_dir = resources.resource_dir("ontology")
    onto_paths, vocab_paths = ontology_files(ontology_dir)
    extra = {}
    for name, paths, title in ((GRAPHS["ontology"], onto_paths, "SCKG ontology"),
                               (GRAPHS["vocab"], vocab_paths, "SCKG vocabularies")):
        g = parse_turtle_files(paths, "ontology")
        extra[name] = (g, describe(name, title=title, files={str(p): 0 for p in paths}, triples=len(g)))
    report = run_study(resources.study_dir(), store, base=base, progress=progress, extra_graphs=extra)
    report.notes.append("ontology: " + (", ".join(p.name for p in onto_paths) or "no files yet")
                        + f" ({len(extra[GRAPHS['ontology']][0])} triples); vocabularies: "
                        + (", ".join(p.name for p in vocab_paths) or "no files yet")
                        + f" ({len(extra[GRAPHS['vocab']][0])} triples)")
    return report


def read_rdf(path: Path) -> Graph:
    """The triples of an RDF file (quads' graph names are dropped), parsed by rdflib (small files; ``sckg
    ingest`` parses with the engine, see :mod:`ingest.rdf_input`).

    :raises InputError: naming the file (and line when the parser gives it) if it does not parse.
    """
    from rdflib import Dataset
    fmt = RDF_SUFFIXES[path.suffix.lower()]
    try:
        if fmt in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(path, format=fmt)
            g = Graph()
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
            return g
        return Graph().parse(path, format=fmt)
    except Exception as e:  # rdflib's parsers raise many unrelated types
        raise InputError(path.name, getattr(e, "lines", None), f"does not parse as {fmt}: {e}") from e


def classify(paths) -> tuple[Path | None, dict[str, Path], list[Path]]:
    """(study folder, study CSV files by table name, RDF files) named by ``paths``.

    :raises InputError: for a path that does not exist, an unknown file name or suffix, or two study folders.
    """
    folder, csvs, rdf = None, {}, []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            if folder is not None:
                raise InputError(p, None, "only one study folder can be given at a time")
            folder = p
        elif not p.is_file():
            raise InputError(p, None, "no such file or folder")
        elif p.suffix.lower() == ".csv":
            if p.name not in SPECS:
                raise InputError(p.name, None, f"is not a file of the study layout; the files are: "
                                               f"{', '.join(SPECS)}")
            csvs[p.name] = p
        elif p.suffix.lower() in RDF_SUFFIXES:
            rdf.append(p)
        else:
            raise InputError(p.name, None, f"unknown kind of file; give a study folder, study CSV files, a study "
                                           f"workbook (.xlsx) or RDF ({', '.join(RDF_SUFFIXES)})")
    return folder, csvs, rdf


def _study_inputs(folder: Path | None, csvs: dict[str, Path]) -> tuple[Path, dict[str, Path]]:
    """The folder and overriding files of a study given as a folder and/or single CSV files.

    Tables not given come from the CSV files' own folder when it has them, else from the shipped study.
    """
    if folder is not None:
        return folder, csvs
    context = resources.study_dir()
    overrides = {}
    for p in {p.parent for p in csvs.values()}:
        overrides.update(study_files(p))
    overrides.update(csvs)
    return context, overrides


def _check_rdf(paths: list[Path], *, pyshacl_max: int | None = None,
               write_to: Path | None = None) -> tuple[RdfInput, Report]:
    """The RDF files parsed by the engine and their report (shapes and disjoint classes checked); with
    ``write_to``, their triples are also written there as N-Triples (see :meth:`RdfInput.check`).

    :raises InputError: a file does not parse (file and line) or cannot be read.
    """
    ontology_dir = resources.resource_dir("ontology")
    data = RdfInput(paths)
    onto, vocab = ontology_files(ontology_dir)
    background = parse_turtle_files(onto + vocab, "ontology")
    kwargs = {} if pyshacl_max is None else {"pyshacl_max": pyshacl_max}
    return data, data.check(shapes_graph(ontology_dir), background, onto + vocab, write_to=write_to, **kwargs)


WORKBOOK_SUFFIXES = (".xlsx",)


@contextmanager
def _workbooks_as_csv(paths):
    """``paths`` with a study workbook (.xlsx) replaced by the CSV files of its data sheets, written to a
    temporary folder, and the :class:`ingest.workbook.SheetMap` that locates their rows (None without one).

    :raises InputError: two workbooks, a workbook that cannot be read, or one without data rows.
    """
    books = [Path(p) for p in paths if Path(p).suffix.lower() in WORKBOOK_SUFFIXES]
    if not books:
        yield list(paths), None
        return
    if len(books) > 1:
        raise InputError(books[1].name, None, "only one study workbook can be given at a time")
    if not books[0].is_file():
        raise InputError(books[0], None, "no such file")
    from ingest.workbook import workbook_tables
    with tempfile.TemporaryDirectory(prefix="workbook-") as tmp:
        sheets = workbook_tables(books[0], Path(tmp))
        if not sheets.sheets:
            raise InputError(books[0].name, None, "has no data rows in any sheet; fill rows from row 3 on (row 2 "
                                                  "is the example)")
        rest = [p for p in paths if Path(p) != books[0]]
        yield rest + [Path(tmp) / name for name in sheets.sheets], sheets


def validate_paths(paths, *, base: str | None = None, progress: bool = False, resolver=None) -> Report:
    """Check a study folder, study CSV files, a study workbook and/or RDF files without writing anything.

    :raises InputError: a path cannot be read or is not a kind SCKG knows.
    """
    with _workbooks_as_csv(paths) as (expanded, sheets):
        report = _validate(expanded, base=base, progress=progress, resolver=resolver)
        report.source = ", ".join(str(p) for p in paths)
        return sheets.relocate(report) if sheets is not None else report


def _validate(paths, *, base: str | None, progress: bool, resolver) -> Report:
    folder, csvs, rdf = classify(paths)
    report = Report(source=", ".join(str(p) for p in paths))
    if folder is not None or csvs:
        study_dir, overrides = _study_inputs(folder, csvs)
        _graph, study = build_study(study_files(study_dir, overrides), base=base, resolver=resolver,
                                    progress=progress)
        report.merge(study)
    if rdf:
        report.merge(_check_rdf(rdf)[1])
    return report


def ingest_paths(paths, store, *, graph: str | None = None, base: str | None = None,
                 progress: bool = False, resolver=None) -> Report:
    """``sckg ingest``: a study folder, study CSV files or a study workbook (its data sheets in place of the
    shipped files) replace the study graph; RDF files replace ``graph``. Problems of a workbook name its sheet,
    row and cell.

    :raises ValidationFailed: the input has violations; nothing was written.
    :raises InputError: a path cannot be read or parsed (file and line), or RDF files come without a graph IRI.
    """
    with _workbooks_as_csv(paths) as (expanded, sheets):
        try:
            report = _ingest(expanded, store, graph=graph, base=base, progress=progress, resolver=resolver)
        except ValidationFailed as e:
            if sheets is not None:
                sheets.relocate(e.report)
                e.report.source = ", ".join(str(p) for p in paths)
            raise
        if sheets is not None:
            sheets.relocate(report)
        return report


def _ingest(paths, store, *, graph: str | None = None, base: str | None = None,
            progress: bool = False, resolver=None) -> Report:
    """``sckg ingest``: a study folder or study CSV files replace the study graph; RDF files replace ``graph``.

    RDF files are parsed and checked by the engine (:mod:`ingest.rdf_input`); the graph and its catalogue
    record are then replaced in one write.

    :raises ValidationFailed: the input has violations; nothing was written.
    :raises InputError: a path cannot be read or parsed (file and line), or RDF files come without a graph IRI.
    """
    if graph is not None:
        try:  # before any file is read: an IRI the store would refuse only after the checks
            ox.NamedNode(graph)
        except ValueError as e:
            raise InputError(graph, None, f"is not a valid graph IRI: {e}") from e
    folder, csvs, rdf = classify(paths)
    if rdf and not graph:
        raise InputError(rdf[0].name, None, "RDF files need --graph IRI: the named graph to load them into")
    if graph in (GRAPHS["meta"], GRAPHS["inferred"]):
        raise InputError(graph, None, "this graph is written by SCKG itself; choose another graph IRI")
    parts: list[Report] = []
    # RDF files are parsed and checked by the engine in a scratch store, written there as one N-Triples file,
    # then the graph and its catalogue record are replaced in one write of the store
    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        checked_nt = Path(tmp) / "graph.nt"
        if rdf:
            data, checked = _check_rdf(rdf, write_to=checked_nt)
            if not checked.conforms:
                raise ValidationFailed(f"{checked.source} has {len(checked.violations)} problem(s); nothing was "
                                       f"loaded:\n" + "\n".join(str(p) for p in checked.violations), checked)
            t0 = time.perf_counter()
            # the record's own facts; the dct:source values its triples name are added by the store itself
            record = describe(graph, title=f"Loaded from {', '.join(p.name for p in rdf)}",
                              files={str(p): 0 for p in rdf}, triples=data.triples)
            del data  # the scratch store (gigabytes at L) is freed before the write
            checked.seconds["record"] = round(time.perf_counter() - t0, 3)
        if folder is not None or csvs:
            study_dir, overrides = _study_inputs(folder, csvs)
            parts.append(run_study(study_dir, store, base=base, progress=progress, overrides=overrides,
                                   resolver=resolver))
        if rdf:
            t0 = time.perf_counter()
            store.replace_graphs({graph: checked_nt}, record_text({graph: record}, [graph]))
            checked.seconds["load"] = round(time.perf_counter() - t0, 3)
            checked.loaded, checked.graph = True, graph
            parts.append(checked)
    report = parts[0]
    for other in parts[1:]:
        report.merge(other)
        report.notes.append(f"also loaded {other.source}: {other.triples} triples into {other.graph}")
    return report

"""A partner load, end to end: mapping → table → records → reconciliation → Data Cube → one atomic write.

``run_partner(mapping_path, store)`` is what ``sckg partner ingest`` and the HTTP ingest endpoint call.
Nothing is written until every step has succeeded; then the partner graph, its linkset graph and its
record in the meta graph are replaced in one SPARQL Update, so readers see the old dataset or the new one.
"""
from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from ingest.errors import InputError, UndeclaredFormat
from ingest.namespaces import DEFAULT_BASE, GRAPHS, OWL, SKOS, graph_iri, partner_graph
from ingest.partners.catalogue import build_record, sha256, sheet_description
from ingest.partners.cube import Iris, build_cube, build_linkset
from ingest.partners.mapping import Mapping, load_mapping
from ingest.partners.reconcile import CountryCodes, Reconciler, sckg_cities
from ingest.partners.records import build_records
from ingest.partners.report import PartnerReport, match_entry
from ingest.partners.sssom import read_sssom
from ingest.partners.tables import read_table, sniff_format
from ingest.terms import to_ox

IDENTITY = (OWL.sameAs, SKOS.closeMatch)


def linkset_graph(partner: str, dataset: str) -> str:
    return graph_iri(f"linkset/{partner}/{dataset}")


def _nt(triples) -> str:
    """N-Triples of rdflib triples, written by pyoxigraph's serializer (escaping done by the engine)."""
    data = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
    return (ox.serialize(data, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def replace_dataset(store, graph: str, linkset: str, cube, links, record: Graph) -> None:
    """Replace the partner graph, the linkset graph and the dataset's meta record in one update.

    The three graph IRIs are written by pyoxigraph, which refuses an invalid IRI; data travel as
    N-Triples (a subset of the SPARQL syntax) written by pyoxigraph too, so no text is spliced raw.

    :raises StoreError: the store refused the write (nothing changed).
    """
    g, ls, meta = (str(ox.NamedNode(iri)) for iri in (graph, linkset, GRAPHS["meta"]))
    text = (f"DROP SILENT GRAPH {g} ;\nDROP SILENT GRAPH {ls} ;\n"
            f"DELETE {{ GRAPH {meta} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {meta} {{ ?s ?p ?o "
            f"FILTER(?s IN ({g}, {ls}) || STRSTARTS(STR(?s), CONCAT(STR({g}), \"#\"))) }} }} ;\n"
            f"INSERT DATA {{\nGRAPH {g} {{\n{_nt(cube)}}}\nGRAPH {ls} {{\n{_nt(links)}}}\n"
            f"GRAPH {meta} {{\n{_nt(record)}}}\n}}")
    store.update(text)


def check_format(mapping: Mapping, source: Path) -> str:
    """The source's format, sniffed from its bytes, if the mapping declares it.

    :raises InputError: no such file. :raises UndeclaredFormat: a format the mapping does not declare.
    """
    if not source.is_file():
        raise InputError(source.name, None, "no such source file")
    fmt = sniff_format(source)
    if fmt not in mapping.formats:
        raise UndeclaredFormat(f"{source.name} is {fmt}, but mapping {mapping.path.name} declares only "
                               f"{', '.join(mapping.formats)}")
    return fmt


def run_partner(mapping_path, store, *, source=None, progress: bool = True, base: str | None = None,
                report_dir=None, max_triples: int | None = None, still_wanted=None) -> PartnerReport:
    """Load one partner dataset as its mapping describes; returns the report (also kept in the meta graph
    and, with ``report_dir``, written as ``{partner}/{dataset}/match-report.json|csv`` there).

    ``max_triples``: refuse a dataset that would become more triples than that, while it is mapped (before the
    graph is built in full). ``still_wanted``: called right before the write; it raises
    :class:`~ingest.errors.Abandoned` when whoever asked for the load is gone, and nothing is written.

    :raises MappingError: the mapping is invalid.
    :raises InputError: the source breaks the mapping (file, row, column named).
    :raises UndeclaredFormat: the source's format is not one the mapping declares.
    :raises StoreError: the store refused the write.
    :raises TooManyTriples: over ``max_triples``.
    :raises Abandoned: ``still_wanted`` said so.
    """
    t0 = time.perf_counter()
    say = (lambda msg: print(msg, file=sys.stderr)) if progress else (lambda msg: None)
    mapping = load_mapping(mapping_path)
    src = Path(source) if source is not None else mapping.source_path()
    fmt = check_format(mapping, src)
    say(f"reading {src.name} ({fmt})")
    table = read_table(src, fmt, sheet=mapping.sheet, header_row=mapping.header_row)
    sheet = sheet_description(mapping, src) if fmt == "xlsx" else {}
    curated = read_sssom(mapping.sssom_path()) if mapping.sssom else []
    records = build_records(table, mapping, CountryCodes(curated), max_triples)
    say(f"{records.rows} rows, {len(records.observations)} observations; reconciling {len(records.places)} places")
    graph, linkset = partner_graph(mapping.partner, mapping.dataset), linkset_graph(mapping.partner, mapping.dataset)
    iris = Iris(base or DEFAULT_BASE, mapping.partner, mapping.dataset, graph, linkset)
    reconciler = Reconciler(sckg_cities(store), curated, lambda key: str(iris.place(key)),
                            max_km=mapping.max_distance_km)
    matches = {key: reconciler.match(place) for key, place in records.places.items()}
    cube, links = build_cube(mapping, records, matches, iris, max_triples), build_linkset(matches, iris)
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    report = PartnerReport(
        partner=mapping.partner, dataset=mapping.dataset, graph=graph, linkset=linkset, source=src.name,
        sha256=sha256(src), loaded_at=loaded_at, rows=records.rows, observations=len(records.observations),
        places=len(records.places), triples=len(cube), links=sum(1 for t in links if t[1] in IDENTITY),
        matches=[match_entry(m, str(iris.place(k))) for k, m in matches.items()],
        warnings=records.warnings, skipped_rows=records.skipped_rows, skipped_cells=records.skipped_cells)
    report.seconds = round(time.perf_counter() - t0, 3)
    record = build_record(mapping, graph=graph, linkset=linkset, source=src, digest=report.sha256, fmt=fmt,
                          loaded_at=loaded_at, triples=len(cube), links=report.links, rows=records.rows, sheet=sheet,
                          report_json=report.to_json(), study_graph=GRAPHS["study"])
    if still_wanted is not None:
        still_wanted()
    say(f"writing {len(cube)} triples to {graph}")
    replace_dataset(store, graph, linkset, cube, links, record)
    report.seconds = round(time.perf_counter() - t0, 3)
    if report_dir is not None:
        write_report_files(report, Path(report_dir))
    return report


def write_report_files(report: PartnerReport, report_dir: Path) -> list[Path]:
    folder = report_dir / report.partner / report.dataset
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "match-report.json", folder / "match-report.csv"]
    paths[0].write_text(report.to_json(), encoding="utf-8")
    paths[1].write_text(report.to_csv(), encoding="utf-8")
    return paths


REPORT_QUERY = """
PREFIX sckg: <https://w3id.org/sckg/ontology#>
SELECT ?report WHERE { GRAPH ?meta { ?g sckg:matchReport ?report } }"""


def stored_report(store, partner: str, dataset: str) -> PartnerReport | None:
    """The report of the last load of a dataset, as kept in the meta graph; None if never loaded."""
    rows = store.query(REPORT_QUERY, {"g": URIRef(partner_graph(partner, dataset)),
                                      "meta": URIRef(GRAPHS["meta"])})
    return PartnerReport.from_json(str(rows[0]["report"])) if rows else None


DATASETS_QUERY = """
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?id ?title ?when WHERE { GRAPH ?meta {
  ?g dct:identifier ?id ; dct:title ?title ; prov:generatedAtTime ?when
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/sckg/graph/partner/")) } }
ORDER BY ?id"""


def loaded_datasets(store) -> list[dict]:
    """Every partner dataset loaded into the store: graph, ``partner/dataset`` id, title, load time."""
    return [{"graph": str(r["g"]), "id": str(r["id"]), "title": str(r["title"]), "loaded_at": str(r["when"])}
            for r in store.query(DATASETS_QUERY, {"meta": URIRef(GRAPHS["meta"])})]


def load_partner_rdf(store, partner: str, dataset: str, data: Graph, *, source_name: str, digest: str) -> int:
    """Replace a partner graph with RDF the partner sent (JSON-LD), with a small catalogue record; returns
    the number of triples. Blank nodes are refused (the write travels as N-Triples of named terms).

    :raises InputError: the data hold blank nodes. :raises StoreError: the store refused the write.
    """
    from ingest.namespaces import DCAT, DCTERMS, PROV, RDF, SPDX, VOID, XSD
    if any(not isinstance(t, (URIRef, Literal)) for triple in data for t in triple):
        raise InputError(source_name, None, "blank nodes are not accepted: give every node an @id")
    graph, linkset = partner_graph(partner, dataset), linkset_graph(partner, dataset)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    g, dist, check = URIRef(graph), URIRef(graph + "#source"), URIRef(graph + "#source-checksum")
    record = Graph()
    for s, p, o in [(g, RDF.type, DCAT.Dataset), (g, RDF.type, PROV.Entity),
                    (g, DCTERMS.title, Literal(f"{partner}/{dataset} (RDF sent by the partner)", lang="en")),
                    (g, DCTERMS.identifier, Literal(f"{partner}/{dataset}")),
                    (g, PROV.generatedAtTime, Literal(now, datatype=XSD.dateTime)),
                    (g, VOID.triples, Literal(len(data))), (g, PROV.wasDerivedFrom, dist),
                    (dist, RDF.type, DCAT.Distribution), (dist, DCTERMS.title, Literal(source_name)),
                    (dist, SPDX.checksum, check), (check, RDF.type, SPDX.Checksum),
                    (check, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
                    (check, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary))]:
        record.add((s, p, o))
    replace_dataset(store, graph, linkset, set(data), set(), record)
    return len(data)

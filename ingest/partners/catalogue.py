"""The partner dataset's catalogue record (DCAT + PROV) for the meta graph, and its description taken
from the workbook's metadata sheet."""
from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ingest.namespaces import DCAT, DCTERMS, OWL, PROV, RDF, SCKG, SKOS, SPDX, VOID, XSD
from ingest.partners.mapping import Mapping
from ingest.partners.tables import read_metadata_sheet

RDF_JSON = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
#: the IANA media types (dcat:mediaType takes the type's IRI, not its name)
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
         "json": "application/json"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sheet_description(mapping: Mapping, source: Path) -> dict[str, str]:
    """``description``, ``citation`` and the other labelled values of the metadata sheet, if the mapping
    names one. :raises InputError: the sheet is missing."""
    meta = mapping.metadata_sheet
    if meta is None:
        return {}
    rows = read_metadata_sheet(source, meta.sheet)
    out: dict[str, str] = {}
    for key, label in meta.labels.items():
        want = label.strip().rstrip(":").casefold()
        for cells in rows:
            if len(cells) >= 2 and cells[0].strip().rstrip(":").strip().casefold() == want:
                out[key] = cells[1]
                break
    texts = [c for cells in rows for c in cells]
    if meta.description_contains:
        texts = [t for t in texts if meta.description_contains in t] or texts
    if texts:
        out["description"] = max(texts, key=len)
    return out


def build_record(mapping: Mapping, *, graph: str, linkset: str, source: Path, digest: str, fmt: str,
                 loaded_at: str, triples: int, links: int, rows: int, sheet: dict[str, str],
                 report_json: str, study_graph: str) -> Graph:
    """The meta-graph triples describing the partner graph and its linkset; every subject is the graph
    IRI or starts with it followed by ``#``, so a reload replaces exactly this record."""
    g = Graph()
    ds, ls = URIRef(graph), URIRef(linkset)
    dist, check, act = URIRef(graph + "#source"), URIRef(graph + "#source-checksum"), URIRef(graph + "#load")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, PROV.Entity))
    g.add((ds, DCTERMS.title, Literal(mapping.title, lang="en")))
    description = sheet.get("description") or mapping.description
    if description:
        g.add((ds, DCTERMS.description, Literal(description, lang="en")))
    citation = sheet.get("citation") or mapping.citation
    if citation:
        g.add((ds, DCTERMS.bibliographicCitation, Literal(citation, lang="en")))
    if sheet.get("lastUpdate"):
        g.add((ds, SCKG.sourceLastUpdate, Literal(sheet["lastUpdate"])))
    if mapping.publisher:
        g.add((ds, DCTERMS.publisher, URIRef(mapping.publisher)))
        g.add((ds, PROV.wasAttributedTo, URIRef(mapping.publisher)))
    if mapping.license:
        g.add((ds, DCTERMS.license, URIRef(mapping.license)))
    if mapping.rights:
        g.add((ds, DCTERMS.rights, Literal(mapping.rights, lang="en")))
    if mapping.source:
        g.add((ds, DCTERMS.source, URIRef(mapping.source)))
    for caveat in mapping.caveats:
        g.add((ds, SKOS.scopeNote, Literal(caveat, lang="en")))
    g.add((ds, DCTERMS.identifier, Literal(f"{mapping.partner}/{mapping.dataset}")))
    g.add((ds, PROV.generatedAtTime, Literal(loaded_at, datatype=XSD.dateTime)))
    g.add((ds, VOID.triples, Literal(triples)))
    g.add((ds, SCKG.rows, Literal(rows)))
    g.add((ds, PROV.wasDerivedFrom, dist))
    g.add((ds, DCAT.distribution, dist))
    g.add((ds, PROV.wasGeneratedBy, act))
    g.add((ds, SCKG.matchReport, Literal(report_json, datatype=RDF_JSON)))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, RDF.type, PROV.Entity))
    g.add((dist, DCTERMS.title, Literal(source.name)))
    g.add((dist, DCAT.mediaType, URIRef(IANA + MEDIA[fmt])))
    g.add((dist, SCKG.rows, Literal(rows)))
    g.add((dist, SPDX.checksum, check))
    g.add((check, RDF.type, SPDX.Checksum))
    g.add((check, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((check, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
    g.add((act, RDF.type, PROV.Activity))
    g.add((act, PROV.endedAtTime, Literal(loaded_at, datatype=XSD.dateTime)))
    g.add((act, PROV.used, dist))
    g.add((act, DCTERMS.description, Literal(f"SCKG partner mapping {mapping.path.name}")))
    g.add((ls, RDF.type, VOID.Linkset))
    g.add((ls, RDF.type, DCAT.Dataset))
    g.add((ls, DCTERMS.title, Literal(f"Identity links of {mapping.title}", lang="en")))
    g.add((ls, DCTERMS.description, Literal(f"The owl:sameAs and skos:closeMatch links from the places of "
                                            f"{mapping.title} to the cities of SCKG.", lang="en")))
    g.add((ls, VOID.subjectsTarget, ds))
    g.add((ls, VOID.objectsTarget, URIRef(study_graph)))
    g.add((ls, VOID.linkPredicate, OWL.sameAs))
    g.add((ls, VOID.linkPredicate, SKOS.closeMatch))
    g.add((ls, VOID.triples, Literal(links)))
    g.add((ls, PROV.generatedAtTime, Literal(loaded_at, datatype=XSD.dateTime)))
    g.add((ls, PROV.wasDerivedFrom, ds))
    return g

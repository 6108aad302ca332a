"""``sckg ingest --partner NAME MAPPING [SOURCE]``: a partner dataset loaded through the ingest command."""
from __future__ import annotations

import json
import re
import shutil

import openpyxl
from click.testing import CliRunner
from rdflib import URIRef

from app.cli import cli
from tests.ingest.conftest import ROOT

PARTNER = ROOT / "data" / "partners" / "un-habitat"
MAPPING = PARTNER / "green-areas.mapping.json"
GRAPH = "https://w3id.org/sckg/graph/partner/un-habitat/green-areas"


def expected_observations() -> int:
    """Numeric cells of the year columns of the Data sheet, rows the mapping skips left out (read with
    openpyxl and the mapping's own JSON, not with ingest.partners)."""
    mapping = json.loads(MAPPING.read_text(encoding="utf-8"))
    skip = set(mapping["skipRows"]["whenEmpty"])
    titles = {c["name"]: c["titles"] for c in mapping["tableSchema"]["columns"]}
    wb = openpyxl.load_workbook(PARTNER / mapping["url"], read_only=True, data_only=True)
    try:
        rows = list(wb[mapping["sheet"]].iter_rows(values_only=True))
    finally:
        wb.close()
    header = [str(h) if h is not None else "" for h in rows[0]]
    years = [i for i, h in enumerate(header) if re.search(r"\b(19|20)\d\d\b", h)]
    skip_cols = [header.index(titles[name]) for name in skip]
    n = 0
    for row in rows[1:]:
        if any(row[i] is None or str(row[i]).strip() == "" for i in skip_cols):
            continue
        n += sum(1 for i in years if isinstance(row[i], (int, float)) and not isinstance(row[i], bool))
    return n


def test_ingest_partner_loads_queryable_observations(tmp_path, loaded_store_dir):
    store_dir = tmp_path / "store"
    shutil.copytree(loaded_store_dir, store_dir)
    env = {"SCKG_STORE": str(store_dir), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", "--partner", "un-habitat", str(MAPPING)], env=env)
    assert result.exit_code == 0, result.output
    expected = expected_observations()
    assert expected > 5000  # two indicators × four years × ~660 cities, with gaps
    from app.store import OxigraphStore
    s = OxigraphStore(store_dir)
    try:
        rows = s.query("PREFIX qb: <http://purl.org/linked-data/cube#>\n"
                       "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?o a qb:Observation } }",
                       {"g": URIRef(GRAPH)})
        assert int(rows[0]["n"]) == expected
        linked = s.query("PREFIX sckg: <https://w3id.org/sckg/ontology#>\n"
                         "ASK { GRAPH ?g { ?o sckg:city ?c } GRAPH ?study { ?c a sckg:City } }",
                         {"g": URIRef(GRAPH),
                          "study": URIRef("https://w3id.org/sckg/graph/study")})
        assert linked is True
    finally:
        s.close()


def test_ingest_partner_refuses_a_mapping_of_another_partner(tmp_path):
    env = {"SCKG_STORE": str(tmp_path / "store"), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", "--partner", "geonames", str(MAPPING)], env=env)
    assert result.exit_code == 2
    assert "un-habitat" in result.output and "geonames" in result.output

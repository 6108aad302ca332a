"""Reconciliation rules: name variants, accents, curated SSSOM rows first, country aliases."""
from __future__ import annotations

import json

from ingest.partners.pipeline import run_partner
from ingest.partners.reconcile import CountryCodes, fold, name_variants
from ingest.partners.sssom import read_sssom
from tests.partners.conftest import MAPPING
from tests.partners.workbooks import write_workbook


def test_name_variants_and_folding():
    assert name_variants("Lisboa (Lisbon)") == {"lisboa lisbon", "lisboa", "lisbon"}
    assert "toluca" in name_variants("México_Toluca")
    assert fold("Pôrto  Alegre") == "porto alegre" and fold("Iași") == "iasi" and fold("Łódź") == "lodz"


def test_shipped_sssom_table_resolves_un_country_names():
    rows = read_sssom(MAPPING.parent / "mappings.sssom.tsv")
    codes = CountryCodes(rows)
    assert codes("Netherlands (Kingdom of the)") == "NL"
    assert codes("Republic of Korea") == "KR"
    assert codes("Türkiye") == "TR" and codes("Côte d’Ivoire") == "CI"  # pycountry knows these
    assert codes("Atlantis") is None


def test_curated_rows_apply_before_automatic_matching(cities_store, tmp_path):
    """A curated 'Not' stops a name match; a curated sameAs links a place no rule would match."""
    sssom = tmp_path / "curated.sssom.tsv"
    sssom.write_text(
        "#curie_map:\n#  unhplace: https://w3id.org/sckg/id/place/un-habitat/\n#  sckgid: https://w3id.org/sckg/id/\n"
        "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\n"
        "unhplace:es-valencia\towl:sameAs\tNot\tsckgid:city/valencia\tsemapv:ManualMappingCuration\n"
        "unhplace:ke-nakuru\tskos:closeMatch\t\tsckgid:city/bilbao\tsemapv:ManualMappingCuration\n", encoding="utf-8")
    doc = json.loads(MAPPING.read_text(encoding="utf-8"))
    doc["sssom"] = str(sssom)
    doc["url"] = str(write_workbook(tmp_path / "wb.xlsx"))
    mapping = tmp_path / "m.mapping.json"
    mapping.write_text(json.dumps(doc), encoding="utf-8")
    report = run_partner(mapping, cities_store, progress=False)
    by_code = {m["code"]: m for m in report.matches}
    assert by_code["ES_VALENCIA"]["status"] == "unmatched" and "rules out" in by_code["ES_VALENCIA"]["reason"]
    assert by_code["KE_NAKURU"]["status"] == "matched" and by_code["KE_NAKURU"]["curated"]
    assert by_code["KE_NAKURU"]["link"] == "closeMatch" and "line 6" in by_code["KE_NAKURU"]["reason"]


def test_sssom_without_required_column_is_an_input_error(tmp_path):
    import pytest

    from ingest.errors import InputError
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text("subject_id\tobject_id\n", encoding="utf-8")
    with pytest.raises(InputError, match="predicate_id"):
        read_sssom(bad)

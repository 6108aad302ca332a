"""docs/data-entry.md documents every study file, every column and every rule the reader can report."""
from __future__ import annotations

import re

from ingest.study import SPECS
from tests.ingest.conftest import ROOT

DOC = (ROOT / "docs" / "data-entry.md").read_text(encoding="utf-8")


def test_every_file_and_column_is_documented():
    for name, spec in SPECS.items():
        section = DOC.split(f"### {name}\n", 1)
        assert len(section) == 2, f"{name} has no section"
        body = section[1].split("\n### ", 1)[0]
        for col in spec.names:
            assert f"| `{col}` |" in body, f"{name}: column {col} is not documented"


def test_every_rule_of_the_reader_is_documented():
    source = "".join((ROOT / "ingest" / f).read_text(encoding="utf-8") for f in ("read.py", "map.py", "pipeline.py"))
    kinds = {"axis-label", "event-city", "event-practice", "org-kind", "edition-sdg", "json-ld"}  # IRI kinds and formats
    rules = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source)) - kinds | {"required", "encoding"}
    assert {"sdg-range", "year-format", "missing-column", "encoding"} <= rules
    for rule in rules:
        assert f"`{rule}`" in DOC, f"rule {rule} is not documented"

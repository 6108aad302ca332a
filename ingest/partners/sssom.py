"""Curated mappings in an SSSOM table (https://mapping-commons.github.io/sssom/), read as plain TSV.

The file starts with ``#``-prefixed YAML metadata, of which the ``curie_map`` is used to expand CURIEs;
then a tab-separated table with at least ``subject_id predicate_id object_id mapping_justification``.
Optional columns used: ``subject_label`` (for countries: the name as the partner spells it),
``predicate_modifier`` (``Not``: never link these two), ``comment``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError

REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
BUILTIN = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
}
SAME = {"http://www.w3.org/2002/07/owl#sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch"}
CLOSE = "http://www.w3.org/2004/02/skos/core#closeMatch"


@dataclass(frozen=True)
class MappingRow:
    subject: str
    predicate: str
    object: str
    justification: str
    subject_label: str = ""
    negated: bool = False
    comment: str = ""
    line: int = 0

    @property
    def link(self) -> str:
        """``sameAs`` or ``closeMatch``: the kind of link the row asks for."""
        return "sameAs" if self.predicate in SAME else "closeMatch"


def _expand(curie: str, prefixes: dict[str, str], path: Path, line: int) -> str:
    if curie.startswith(("http://", "https://")):
        return curie
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes:
        raise InputError(path.name, line, f"{curie!r} is neither an IRI nor a CURIE of the curie_map")
    return prefixes[prefix] + local


def read_sssom(path: str | Path) -> list[MappingRow]:
    """Read the table.

    :raises InputError: the file is missing, lacks a required column, or uses an unknown prefix.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as e:
        raise InputError(path.name, None, "no such SSSOM file") from e
    prefixes = dict(BUILTIN)
    in_map = False
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            body_start = i
            break
        text = line[1:]
        if re.match(r"^curie_map:\s*$", text):
            in_map = True
            continue
        m = re.match(r"^\s+([A-Za-z_][\w.-]*):\s*['\"]?(\S+?)['\"]?\s*$", text)
        if in_map and m:
            prefixes[m.group(1)] = m.group(2)
        elif not text.startswith(" "):
            in_map = False
    else:
        body_start = len(lines)
    reader = csv.DictReader(lines[body_start:], delimiter="\t")
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path.name, body_start + 1, f"the SSSOM table lacks column(s) {', '.join(missing)}")
    rows = []
    for n, rec in enumerate(reader, start=body_start + 2):
        line_of = n
        rows.append(MappingRow(
            subject=_expand(rec["subject_id"].strip(), prefixes, path, line_of),
            predicate=_expand(rec["predicate_id"].strip(), prefixes, path, line_of),
            object=_expand(rec["object_id"].strip(), prefixes, path, line_of),
            justification=_expand(rec["mapping_justification"].strip(), prefixes, path, line_of),
            subject_label=(rec.get("subject_label") or "").strip(),
            negated=(rec.get("predicate_modifier") or "").strip() == "Not",
            comment=(rec.get("comment") or "").strip(), line=line_of))
    return rows

"""What a partner load did: counts, warnings and the match report (matched / ambiguous / unmatched)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field

from ingest.partners.reconcile import Match

CSV_COLUMNS = ("status", "link", "place", "code", "name", "country", "iso2", "city", "city_label", "geonames",
               "candidates", "reason")


def match_entry(m: Match, place_iri: str) -> dict:
    return {
        "status": m.status, "link": m.link or "", "place": place_iri, "code": m.place.code or "",
        "name": m.place.name, "country": m.place.country_name or "", "iso2": m.place.iso2 or "",
        "city": m.city.iri if m.city else "", "city_label": m.city.label if m.city else "",
        "geonames": m.geonames or "", "candidates": [c.iri for c in m.candidates], "reason": m.reason,
        "row": m.place.row, "curated": m.curated,
    }


@dataclass
class PartnerReport:
    partner: str
    dataset: str
    graph: str
    linkset: str
    source: str
    sha256: str
    loaded_at: str = ""
    rows: int = 0
    observations: int = 0
    places: int = 0
    triples: int = 0
    links: int = 0
    seconds: float = 0.0
    matches: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_rows: list[str] = field(default_factory=list)
    skipped_cells: int = 0

    def by_status(self, status: str) -> list[dict]:
        return [m for m in self.matches if m["status"] == status]

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in ("matched", "ambiguous", "unmatched")}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["counts"] = self.counts()
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "PartnerReport":
        d = json.loads(text)
        d.pop("counts", None)
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for m in self.matches:
            w.writerow([";".join(m[c]) if isinstance(m[c], list) else m[c] for c in CSV_COLUMNS])
        return out.getvalue()

    def __str__(self) -> str:
        c = self.counts()
        lines = [f"{self.partner}/{self.dataset}: {self.rows} rows, {self.observations} observations, "
                 f"{self.places} places, {self.triples} triples into <{self.graph}> in {self.seconds:.2f} s",
                 f"source {self.source} sha256 {self.sha256[:16]}…",
                 f"places: {c['matched']} matched, {c['ambiguous']} ambiguous, {c['unmatched']} unmatched "
                 f"({self.links} identity links in <{self.linkset}>)"]
        for m in self.by_status("matched"):
            lines.append(f"  matched   {m['name']} ({m['iso2']}) → {m['city_label']} [{m['link']}]: {m['reason']}")
        for m in self.by_status("ambiguous"):
            lines.append(f"  ambiguous {m['name']} ({m['iso2']}): {m['reason']}")
        if self.skipped_rows:
            lines.append(f"skipped rows: {len(self.skipped_rows)}")
            lines += [f"  {s}" for s in self.skipped_rows[:20]]
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines += [f"  {w}" for w in self.warnings[:50]]
        return "\n".join(lines)

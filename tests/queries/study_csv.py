"""The study CSV files read with the csv module alone, so tests compute expected answers without SPARQL.

Nothing here imports SCKG code: the point is an independent second reading of data/study/.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from functools import cached_property
from pathlib import Path

STUDY = Path(__file__).resolve().parents[2] / "data" / "study"
ID = "https://w3id.org/sckg/id/"


def iri(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"


def region_slug(name: str) -> str:
    """'Middle East & West Asia' → 'middle-east-west-asia' (docs/model.md)."""
    return "-".join(name.lower().replace("&", " ").split())


def split(cell: str) -> list[str]:
    return [v for v in (cell or "").split(";") if v]


class StudyCSV:
    def __init__(self, folder: Path = STUDY):
        self.folder = folder

    def rows(self, name: str) -> list[dict]:
        path = self.folder / name
        if not path.exists():
            return []
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    @cached_property
    def practices(self) -> list[dict]:
        return self.rows("practices.csv")

    @cached_property
    def cities(self) -> dict[str, dict]:
        return {r["city_id"]: r for r in self.rows("cities.csv")}

    @cached_property
    def participation(self) -> dict[str, set[str]]:
        """edition year → city ids, from cities.csv ``editions`` and city_participation.csv."""
        out: dict[str, set[str]] = defaultdict(set)
        for cid, r in self.cities.items():
            for year in split(r["editions"]):
                out[year].add(cid)
        for r in self.rows("city_participation.csv"):
            out[r["edition"]].add(r["city_id"])
        return out

    def region_of(self, city_id: str) -> str | None:
        name = self.cities[city_id]["region"]
        return iri("region", region_slug(name)) if name else None

    def country_of(self, city_id: str) -> str | None:
        code = self.cities[city_id]["country_iso2"]
        return iri("country", code.lower()) if code else None

    @cached_property
    def editions(self) -> list[str]:
        return sorted(r["year"] for r in self.rows("editions.csv"))

    def previous_edition(self, year: str) -> str | None:
        earlier = [y for y in self.editions if int(y) < int(year)]
        return earlier[-1] if earlier else None

    @cached_property
    def assessments(self) -> dict[tuple[str, str, str], dict[str, set[str]]]:
        """(city, edition, axis or "") → {"barriers": ids, "enablers": ids}: one assessment per key, from
        city_barriers.csv and city_enablers.csv (no axis) and the optional assessments.csv."""
        out: dict = defaultdict(lambda: {"barriers": set(), "enablers": set()})
        for r in self.rows("city_barriers.csv"):
            out[(r["city_id"], r["edition"], "")]["barriers"].add(r["barrier_id"])
        for r in self.rows("city_enablers.csv"):
            out[(r["city_id"], r["edition"], "")]["enablers"].add(r["enabler_id"])
        for r in self.rows("assessments.csv"):
            found = out[(r["city_id"], r["edition"], r["axis"])]
            found["barriers"].update(split(r["barriers"]))
            found["enablers"].update(split(r["enablers"]))
        return out

    def citations(self, kind: str, edition: str | None = None) -> dict[str, int]:
        """barrier/enabler id → number of practices and (city, edition) assessments citing it."""
        column, key = (("barriers", "barriers") if kind == "barrier" else ("enablers", "enablers"))
        counts: dict[str, int] = defaultdict(int)
        for p in self.practices:
            if edition is None or p["edition"] == edition:
                for v in set(split(p[column])):
                    counts[v] += 1
        for (city, ed, axis), found in self.assessments.items():
            if edition is None or ed == edition:
                for v in found[key]:
                    counts[v] += 1
        return dict(counts)

    def labels(self, name: str, key: str = "id", label: str = "label") -> dict[str, str]:
        return {r[key]: r[label] for r in self.rows(name)}

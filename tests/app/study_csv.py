"""Expected answers for the browse tests, computed straight from the study CSV files (not from the app)."""
from __future__ import annotations

import csv
import re
from functools import lru_cache

from ingest.resources import study_dir


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict, ...]:
    with (study_dir() / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def region_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def city_region() -> dict[str, str]:
    return {r["city_id"]: region_slug(r["region"]) for r in rows("cities") if r["region"]}


def practices_where(**criteria) -> list[dict]:
    """Practices matching every criterion: axis, city, edition, region (slug), barrier, enabler, partner."""
    regions = city_region()
    out = []
    for p in rows("practices"):
        ok = True
        for key, value in criteria.items():
            if key == "region":
                ok &= regions.get(p["city_id"]) == value
            elif key == "city":
                ok &= p["city_id"] == value
            elif key in ("barrier", "enabler", "partner", "sdg"):
                ok &= value in [x.strip() for x in p[key + "s"].split(";") if x.strip()]
            else:
                ok &= p[key] == value
        if ok:
            out.append(p)
    return out

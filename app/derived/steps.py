"""The derived steps, in the order they run.

Each step takes the store and the app config and brings one derived artefact in line with the data: the
inferred graph (reasoning rules), related practices, the full-text index, the dumps, the facet index and the
catalogue's counts. ``refresh`` runs them in order and returns what each did, so the CLI can report it.
"""
from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from typing import Any

#: (name, "module:function") in the order they run; each function is f(store, config) -> dict
STEPS: list[tuple[str, str]] = [
    ("inferred", "app.reasoning:materialise"),
    ("topics", "app.topics:refresh"),
    ("related", "app.related:refresh"),
    ("search", "app.search:refresh"),
    ("catalogue", "app.derived.catalogue:refresh"),
    ("dumps", "app.discovery:write_dumps"),
    ("browse-index", "app.browse_index:refresh"),
]


def refresh(store, config: Mapping[str, Any], *, only: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, target in STEPS:
        if only is not None and name not in only:
            continue
        module, func = target.split(":")
        t0 = time.perf_counter()
        result = getattr(importlib.import_module(module), func)(store, config) or {}
        result["seconds"] = round(time.perf_counter() - t0, 3)
        out[name] = result
    return out

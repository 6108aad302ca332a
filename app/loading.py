"""Loading the default dataset: what ``sckg load`` and the first ``sckg serve`` do."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import derive
from ingest.namespaces import GRAPHS


def load_all(store, config: Mapping[str, Any], *, progress: bool = True) -> str:
    """Load ontology, vocabularies and study data into their graphs, then recompute derived data."""
    from ingest.pipeline import load_default
    report = load_default(store, base=config.get("BASE_IRI"), progress=progress)
    derived = derive.refresh(store, config)
    lines = [str(report)] + [f"derived {name}: {info}" for name, info in derived.items()]
    return "\n".join(lines)


def ensure_loaded(store, config: Mapping[str, Any]) -> str | None:
    """Load the default data when the store has no study graph yet; None when nothing had to be done."""
    if GRAPHS["study"] in store.graphs():
        return None
    return load_all(store, config)

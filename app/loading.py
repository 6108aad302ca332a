"""Loading the default dataset: what ``sckg load`` and the first ``sckg serve`` do."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.derived import steps as derive
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


def start(app) -> str | None:
    """What ``sckg serve`` does before it listens: an empty store gets the default data (the load report is
    returned); otherwise the derived data is brought up to date with the graphs as they were left, in the
    background, and the dumps of an earlier run, which may describe another state, are taken away until it has
    written them again."""
    store = app.extensions["sckg.store"]
    if store.state()["read_only"]:
        return None
    report = ensure_loaded(store, app.config)
    if report is None:
        folder = Path(app.config.get("DUMPS_DIR") or "./var/dumps")
        if folder.is_dir():
            for old in [*folder.glob("*.gz"), *folder.glob(".dump-*")]:
                old.unlink(missing_ok=True)
        app.extensions["sckg.refresher"].request()
    return report

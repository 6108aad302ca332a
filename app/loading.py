"""Loading the default dataset: what ``sckg load`` and the first ``sckg serve`` do."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.namespaces import GRAPHS


def load_all(store, config: Mapping[str, Any], *, progress: bool = True, report_dir: str | Path | None = None,
             verbose: bool = False) -> str:
    """Load ontology, vocabularies and study data into their graphs, then recompute derived data; the summary
    (one line per file and per derived step; with ``verbose`` the full report before it). With ``report_dir``
    the full report is also written there as HTML and CSV (:mod:`app.run_report`)."""
    from app import run_report
    from ingest.pipeline import load_default
    report = load_default(store, base=config.get("BASE_IRI"), progress=progress)
    derived = run_report.refresh(store, config, progress=progress)
    folder = run_report.write_report_dir(report_dir, report, derived) if report_dir else None
    text = run_report.summary(report, derived, report_dir=folder)
    return f"{report}\n{text}" if verbose else text


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

"""Fixtures of the partner tests: small on-disk stores with a few SCKG cities, and the shipped mapping."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.store import OxigraphStore
from ingest.namespaces import GRAPHS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MAPPING = ROOT / "data" / "partners" / "un-habitat" / "green-areas.mapping.json"
WORKBOOK = ROOT / "data" / "partners" / "un-habitat" / "green-areas-1990-2020.xlsx"


def load_cities(store, extra: str = "") -> None:
    ttl = (HERE / "data" / "cities.ttl").read_bytes() + extra.encode()
    store.replace_graph(GRAPHS["study"], (ttl, "turtle"))


@pytest.fixture
def cities_store(tmp_path):
    s = OxigraphStore(tmp_path / "store")
    load_cities(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def full(tmp_path_factory):
    """The shipped ontology and study data (app.loading.load_all) plus UN-Habitat's workbook: (store, report)."""
    from app.loading import load_all
    from ingest.partners.pipeline import run_partner
    from tests.conftest import base_config
    tmp = tmp_path_factory.mktemp("full")
    config = base_config(tmp)
    store = OxigraphStore(config["STORE"])
    load_all(store, config, progress=False)
    report = run_partner(MAPPING, store, progress=False)
    yield store, report
    store.close()

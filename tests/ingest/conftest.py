"""Fixtures of the ingest tests: the study folder, the bad-input fixtures, a loaded on-disk store folder."""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "data" / "study"
BAD = ROOT / "tests" / "data" / "ingest"


def csv_rows(name: str, folder: Path = STUDY) -> list[dict]:
    """The data rows of a study file, read with the csv module alone (independent of ingest.read)."""
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def store_fingerprint(path: Path) -> tuple[int, str]:
    """(number of quads, hash of the sorted N-Quads) of an on-disk store, opened read-only."""
    import pyoxigraph as ox
    store = ox.Store.read_only(str(path))
    out = io.BytesIO()
    store.dump(out, format=ox.RdfFormat.N_QUADS)
    lines = sorted(out.getvalue().splitlines())
    del store
    return len(lines), hashlib.sha256(b"\n".join(lines)).hexdigest()


@pytest.fixture(scope="session")
def loaded_store_dir(tmp_path_factory) -> Path:
    """A folder holding an on-disk store with the default data loaded (closed; open it yourself)."""
    from app.store import OxigraphStore
    from ingest.pipeline import load_default
    path = tmp_path_factory.mktemp("ingest-store") / "store"
    s = OxigraphStore(path, replica=False)
    load_default(s, progress=False)
    s.close()
    del s
    return path

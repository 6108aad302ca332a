"""Loading is all-or-nothing: a loader killed mid-load, or an ingest that fails, leaves the previous graphs."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ingest.errors import ValidationFailed
from tests.ingest.conftest import BAD, ROOT, STUDY, store_fingerprint

LOADER = r"""
import sys, time
from app.store import OxigraphStore
from ingest.namespaces import GRAPHS
store = OxigraphStore(sys.argv[1], replica=False)
body = "\n".join(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .' for i in range(int(sys.argv[2])))
text = f"DROP SILENT GRAPH <{GRAPHS['study']}> ;\nINSERT DATA {{ GRAPH <{GRAPHS['study']}> {{\n{body}\n}} }}"
print("loading", flush=True)
t0 = time.perf_counter()
store.update(text)
print("done", time.perf_counter() - t0, flush=True)
"""


def study_sample(path):
    import pyoxigraph as ox
    store = ox.Store.read_only(str(path))
    g = ox.NamedNode("https://w3id.org/sckg/graph/study")
    n = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
    title = [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode("https://w3id.org/sckg/id/practice/bilbao-data-government"),
        ox.NamedNode("http://purl.org/dc/terms/title"), None, g) if q.object.language == "en"]
    del store
    return n, title


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.5, 3.0])  # while the update is parsed, and while it is being written
def test_loader_killed_mid_load_leaves_previous_graph(loaded_store_dir, tmp_path, delay):
    store_dir = tmp_path / "store"
    shutil.copytree(loaded_store_dir, store_dir)
    before = store_fingerprint(store_dir)
    count, title = study_sample(store_dir)
    assert count > 1000 and title == ["Bilbao Data Government"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(store_dir), "400000"], stdout=subprocess.PIPE, env=env,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "loading"
        time.sleep(delay)
        assert proc.poll() is None, "the loader finished before it could be killed; make its load bigger"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert "done" not in proc.stdout.read()
    assert study_sample(store_dir) == (count, title)
    assert store_fingerprint(store_dir) == before


def test_failing_ingest_leaves_store_unchanged(loaded_store_dir, tmp_path):
    from app.store import OxigraphStore
    from ingest.pipeline import run_study
    store_dir = tmp_path / "store"
    shutil.copytree(loaded_store_dir, store_dir)
    before = store_fingerprint(store_dir)
    store = OxigraphStore(store_dir)
    generation = store.generation
    with pytest.raises(ValidationFailed) as e:
        run_study(STUDY, store, progress=False, overrides={"practices.csv": BAD / "sdg-eighteen" / "practices.csv"})
    assert e.value.report.violations
    assert store.generation == generation
    store.close()
    del store
    assert store_fingerprint(store_dir) == before

"""The allocator the ``sckg`` command runs with: chosen from the setting, preloaded by starting again once."""
from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from app import allocator
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_setting_chooses_the_library():
    assert allocator.choose("none") is None and allocator.choose("") is None
    found = [lib for lib in map(ctypes.util.find_library, allocator.AUTO) if lib]
    assert allocator.choose("auto") == (found[0] if found else None)
    with pytest.raises(ValueError, match="no library named 'bogus'"):
        allocator.choose("bogus")
    with pytest.raises(ValueError, match="no library at /nowhere/libx.so"):
        allocator.choose("/nowhere/libx.so")


def test_a_process_calling_the_click_group_is_never_replaced():
    """Only the console command restarts; tests and embedding applications call ``cli`` itself."""
    from click.testing import CliRunner

    from app.cli import cli
    result = CliRunner().invoke(cli, ["--help"], env={"SCKG_MALLOC": "auto"})
    assert result.exit_code == 0 and allocator.STARTED not in os.environ


@contextmanager
def _serving(env: dict, tmp_path: Path):
    """``sckg serve`` started as the console command starts it, over a throw-away store: its first line and URL."""
    port = free_port()
    run = {"SCKG_STORE": "memory", "SCKG_TOKENS": str(tmp_path / "tokens.json"),
           "SCKG_DUMPS_DIR": str(tmp_path / "dumps"), "SCKG_INDEX_PATH": str(tmp_path / "index.sqlite")}
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **run, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("SCKG serving"):
                yield line, f"http://127.0.0.1:{port}"
                return
            if not line and proc.poll() is not None:
                raise AssertionError(proc.stderr.read())
        raise AssertionError("the server did not start in 120 s")
    finally:
        proc.terminate()
        proc.wait(30)


def test_the_console_command_serves_with_the_chosen_allocator(tmp_path):
    lib = allocator.choose("auto")
    name = next((n for n in allocator.AUTO if lib and n in lib), "libc")
    # the query workers are forked from the server: they answer, and the memory cap still stops a query
    with _serving({"SCKG_MALLOC": "auto", "SCKG_QUERY_MEMORY_MB": "64"}, tmp_path) as (line, url):
        assert f"allocator: {name})" in line
        r = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"}, timeout=30)
        assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) > 1000
        r = requests.get(url + "/sparql", timeout=60, params={"query": (
            "SELECT (CONCAT(STR(?a), STR(?c), STR(?g)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?x")})
        assert r.status_code == 400 and "more memory than a query may use" in r.json()["error"]
    with _serving({"SCKG_MALLOC": "none"}, tmp_path) as (line, url):
        assert "allocator: libc)" in line


def test_a_bad_setting_stops_the_command_with_one_line():
    r = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "--help"], cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "SCKG_MALLOC": "bogus"},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.strip().splitlines() == [
        "sckg: configuration: SCKG_MALLOC: the system has no library named 'bogus' (use auto, none or a path)"]

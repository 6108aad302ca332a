"""Partner uploads over HTTP: a triple budget refuses a large upload while it is mapped, and nothing is written
for a client that is gone (or surely gave up) before the write."""
from __future__ import annotations

import time

import pytest
import requests

from app import auth
from app.partners_http import still_wanted
from ingest.errors import Abandoned
from ingest.namespaces import GRAPHS, partner_graph
from ingest.partners.pipeline import linkset_graph
from tests.partners.workbooks import ROWS, write_workbook

G = partner_graph("un-habitat", "green-areas")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PATH = "/partners/un-habitat/datasets/green-areas"
#: 300 cities, 8 observations each: at least 300 * (8 * 8 + 6) = 21 000 triples
MANY = [["Portugal", f"PT_TOWN{i}", f"Town {i}", "Southern Europe", "Europe", *([1.5] * 8), "test", "note"]
        for i in range(300)]


def _counts(store):
    return tuple(store.count(g) for g in (G, linkset_graph("un-habitat", "green-areas"), GRAPHS["meta"]))


def _upload(make_server, store, tmp_path, rows, **config):
    srv = make_server(config, store=store)
    token = auth.add(srv.app.config["TOKENS"], "un-habitat", "https://w3id.org/sckg/graph/partner/un-habitat/")
    src = write_workbook(tmp_path / "wb.xlsx", rows=rows)
    return requests.post(srv.url + PATH, headers={"Authorization": f"Bearer {token}"}, timeout=120,
                         files={"file": ("wb.xlsx", src.read_bytes(), XLSX)}, data={"mapping": "green-areas"})


def test_an_upload_over_the_triple_budget_is_413_and_stops_early(make_server, cities_store, tmp_path):
    before = _counts(cities_store)
    r = _upload(make_server, cities_store, tmp_path, MANY, MAX_UPLOAD_TRIPLES=2000)
    assert r.status_code == 413, r.text
    error = r.json()["error"]
    assert "more than 2000 triples" in error and "MAX_UPLOAD_TRIPLES" in error and "nothing was written" in error
    # refused while the rows were mapped: long before the last of the 301 rows
    row = int(error.split("(row ")[1].split(")")[0])
    assert row < 50
    assert _counts(cities_store) == before


def test_an_upload_within_the_budget_is_written(make_server, cities_store, tmp_path):
    r = _upload(make_server, cities_store, tmp_path, ROWS, MAX_UPLOAD_TRIPLES=2000)
    assert r.status_code == 200, r.text
    assert 0 < r.json()["triples"] <= 2000 and cities_store.count(G) == r.json()["triples"]


def test_an_upload_past_its_deadline_is_not_written(make_server, cities_store, tmp_path):
    before = _counts(cities_store)
    r = _upload(make_server, cities_store, tmp_path, ROWS, UPLOAD_DEADLINE_S=0.001)
    assert r.status_code == 503, r.text
    assert "UPLOAD_DEADLINE_S" in r.json()["error"] and "nothing was written" in r.json()["error"]
    assert _counts(cities_store) == before


def test_a_client_the_server_reports_gone_gets_no_write(app):
    gone = {"waitress.client_disconnected": lambda: True}
    with app.test_request_context("/", environ_overrides=gone), pytest.raises(Abandoned, match="closed its"):
        still_wanted(time.monotonic())()
    with app.test_request_context("/", environ_overrides={"waitress.client_disconnected": lambda: False}):
        still_wanted(time.monotonic())()  # still there, within the deadline: no objection

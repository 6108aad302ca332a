"""The partner ingest endpoint, its reports and /context.jsonld, over a real HTTP server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from app import auth
from ingest.namespaces import GRAPHS, partner_graph
from ingest.partners.pipeline import linkset_graph
from tests.partners.workbooks import ROWS, observations_in, write_workbook

G = partner_graph("un-habitat", "green-areas")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def server(make_server, cities_store, tmp_path):
    srv = make_server({"MAX_UPLOAD_BYTES": 2_000_000}, store=cities_store)
    tokens = srv.app.config["TOKENS"]
    srv.token = auth.add(tokens, "un-habitat", "https://w3id.org/sckg/graph/partner/un-habitat/")
    srv.other = auth.add(tokens, "other", "https://w3id.org/sckg/graph/partner/someone-else/")
    srv.store = cities_store
    return srv


def _post(srv, path, token, **kw):
    headers = kw.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(srv.url + path, headers=headers, timeout=60, **kw)


def _counts(store):
    return tuple(store.count(g) for g in (G, linkset_graph("un-habitat", "green-areas"), GRAPHS["meta"]))


def test_upload_runs_the_pipeline_and_reports(server, tmp_path):
    src = write_workbook(tmp_path / "wb.xlsx")
    r = _post(server, "/partners/un-habitat/datasets/green-areas", server.token,
              files={"file": ("wb.xlsx", src.read_bytes(), XLSX)}, data={"mapping": "green-areas"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["observations"] == observations_in(ROWS)
    assert body["counts"]["matched"] >= 2
    listing = requests.get(server.url + "/partners", timeout=10).json()
    assert [d["id"] for d in listing["datasets"]] == ["un-habitat/green-areas"]
    assert any(m["mapping"] == "green-areas" for m in listing["mappings"])
    csv_text = requests.get(server.url + "/partners/un-habitat/datasets/green-areas/report.csv", timeout=10).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("status,link,place") and len(lines) == 1 + sum(1 for r in ROWS if r[1])
    page = requests.get(server.url + "/partners/un-habitat/datasets/green-areas", timeout=10).json()
    assert page["source"] == "wb.xlsx"
    assert page["sha256"] == __import__("hashlib").sha256(src.read_bytes()).hexdigest()


def test_raw_body_with_mapping_parameter(server, tmp_path):
    src = write_workbook(tmp_path / "wb.xlsx")
    r = _post(server, "/partners/un-habitat/datasets/green-areas?mapping=green-areas", server.token,
              data=src.read_bytes(), headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text


def test_no_token_is_401_and_other_partner_token_is_403(server, tmp_path):
    src = write_workbook(tmp_path / "wb.xlsx").read_bytes()
    before = _counts(server.store)
    r = _post(server, "/partners/un-habitat/datasets/green-areas", None, files={"file": ("wb.xlsx", src, XLSX)})
    assert r.status_code == 401
    r = _post(server, "/partners/un-habitat/datasets/green-areas", server.other, files={"file": ("wb.xlsx", src, XLSX)})
    assert r.status_code == 403 and "someone-else" in r.json()["error"]
    assert _counts(server.store) == before


def test_undeclared_format_is_415_and_changes_nothing(server):
    before = _counts(server.store)
    r = _post(server, "/partners/un-habitat/datasets/green-areas", server.token,
              files={"file": ("data.csv", b"City Name,City Code\nLisboa,PT_LISBOA\n", "text/csv")})
    assert r.status_code == 415 and "declares only xlsx" in r.json()["error"]
    r = _post(server, "/partners/un-habitat/datasets/green-areas", server.token, data=b"<x/>",
              headers={"Content-Type": "application/xml"})
    assert r.status_code == 415
    assert _counts(server.store) == before


def test_bad_workbook_is_400_and_keeps_the_previous_graph(server, tmp_path):
    good = write_workbook(tmp_path / "good.xlsx").read_bytes()
    assert _post(server, "/partners/un-habitat/datasets/green-areas", server.token,
                 files={"file": ("g.xlsx", good, XLSX)}).status_code == 200
    server.settle()  # the catalogue's counts follow the good upload first
    before = _counts(server.store)
    bad = write_workbook(tmp_path / "bad.xlsx", data_sheet="Other").read_bytes()
    r = _post(server, "/partners/un-habitat/datasets/green-areas", server.token, files={"file": ("b.xlsx", bad, XLSX)})
    assert r.status_code == 400 and "no sheet 'Data'" in r.json()["error"]
    assert _counts(server.store) == before


def test_forty_megabyte_workbook_is_413(make_server, cities_store, tmp_path):
    srv = make_server({}, store=cities_store)  # the default MAX_UPLOAD_BYTES (16 MB)
    token = auth.add(srv.app.config["TOKENS"], "p", "https://w3id.org/sckg/graph/partner/un-habitat/")
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as f:  # a zip header and 40 MB of filler, written in chunks, deleted with tmp_path
        f.write(b"PK\x03\x04")
        chunk = b"\0" * (1 << 20)
        for _ in range(40):
            f.write(chunk)
    before = _counts(cities_store)
    with open(big, "rb") as f:
        r = requests.post(srv.url + "/partners/un-habitat/datasets/green-areas?mapping=green-areas", data=f,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": XLSX}, timeout=60)
    assert r.status_code == 413
    assert _counts(cities_store) == before


def test_context_and_jsonld_upload(server):
    ctx = requests.get(server.url + "/context.jsonld", timeout=10)
    assert ctx.headers["Content-Type"].startswith("application/ld+json")
    terms = ctx.json()["@context"]
    assert terms["sckg"] == "https://w3id.org/sckg/ontology#" and terms["refArea"]["@id"] == "sdmx-dimension:refArea"
    doc = {"@context": server.url + "/context.jsonld",
           "@graph": [{"@id": "https://w3id.org/sckg/id/observation/un-habitat/extra/lisbon-2020",
                       "@type": "Observation", "refArea": "https://w3id.org/sckg/id/city/lisbon",
                       "refPeriod": "2020", "value": "12.5"}]}
    r = _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(doc),
              headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 200, r.text
    assert r.json()["triples"] == 4
    q = "ASK { GRAPH ?g { ?o <http://purl.org/linked-data/sdmx/2009/measure#obsValue> 12.5 } }"
    from rdflib import URIRef
    assert server.store.query(q, {"g": URIRef(partner_graph("un-habitat", "extra"))})
    doc["@context"] = "http://example.org/elsewhere.jsonld"
    r = _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(doc),
              headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 400 and "not fetched" in r.json()["error"]


def test_unknown_dataset_report_is_404(server):
    assert requests.get(server.url + "/partners/un-habitat/datasets/nothing/report.json", timeout=10).status_code == 404


def test_streamed_body_without_length_is_cut_at_the_limit(server):
    def body():  # 40 chunks of 1 MB, sent chunked: the server must stop reading past MAX_UPLOAD_BYTES
        yield b"PK\x03\x04"
        for _ in range(40):
            yield b"\0" * (1 << 20)
    before = _counts(server.store)
    r = requests.post(server.url + "/partners/un-habitat/datasets/green-areas?mapping=green-areas", data=body(),
                      headers={"Authorization": f"Bearer {server.token}", "Content-Type": XLSX}, timeout=60)
    assert r.status_code == 413
    assert _counts(server.store) == before


def test_jsonld_never_fetches_scoped_or_imported_contexts(server):
    for ctx in ({"@import": "http://127.0.0.1:9/ctx.jsonld"},
                {"x": {"@id": "http://example.org/x", "@context": "http://127.0.0.1:9/scoped.jsonld"}},
                [server.url + "/context.jsonld", "http://127.0.0.1:9/other.jsonld"]):
        doc = {"@context": ctx, "@id": "http://example.org/a", "http://example.org/p": "v"}
        r = _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(doc),
                  headers={"Content-Type": "application/ld+json"})
        assert r.status_code == 400, (ctx, r.text)


def test_jsonld_upload_gets_a_catalogue_record_and_refuses_blank_nodes(server):
    from rdflib import URIRef
    doc = {"@context": server.url + "/context.jsonld",
           "@id": "https://w3id.org/sckg/id/observation/un-habitat/extra/x", "@type": "Observation", "value": "1"}
    body = json.dumps(doc).encode()
    assert _post(server, "/partners/un-habitat/datasets/extra", server.token, data=body,
                 headers={"Content-Type": "application/ld+json"}).status_code == 200
    q = """PREFIX spdx: <http://spdx.org/rdf/terms#> PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?sum WHERE { GRAPH ?meta { ?g prov:wasDerivedFrom/spdx:checksum/spdx:checksumValue ?sum } }"""
    rows = server.store.query(q, {"g": URIRef(partner_graph("un-habitat", "extra")), "meta": URIRef(GRAPHS["meta"])})
    assert [str(r["sum"]) for r in rows] == [__import__("hashlib").sha256(body).hexdigest()]
    before = server.store.count(partner_graph("un-habitat", "extra"))
    blank = {"@context": server.url + "/context.jsonld", "@type": "Observation", "value": "2"}
    r = _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(blank),
              headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 400 and "blank nodes" in r.json()["error"]
    assert server.store.count(partner_graph("un-habitat", "extra")) == before


def test_read_only_refuses_uploads(make_server, cities_store, tmp_path):
    srv = make_server({"READ_ONLY": True}, store=cities_store)
    token = auth.add(srv.app.config["TOKENS"], "p", "https://w3id.org/sckg/graph/partner/un-habitat/")
    r = _post(srv, "/partners/un-habitat/datasets/green-areas", token,
              files={"file": ("wb.xlsx", write_workbook(tmp_path / "wb.xlsx").read_bytes(), XLSX)})
    assert r.status_code == 403 and "read-only" in r.json()["error"]


# --- uploads that would be read wrong: cut CSV, named graphs, gzip -----------------------------------------

POP = partner_graph("geonames", "city-population")
CSV_TEXT = (Path(__file__).resolve().parents[2] / "data/partners/geonames/city-population.csv").read_bytes()


@pytest.fixture
def geonames(server):
    server.geonames = auth.add(server.app.config["TOKENS"], "geonames", "https://w3id.org/sckg/graph/partner/geonames/")
    return server


def _post_csv(srv, body, **headers):
    return _post(srv, "/partners/geonames/datasets/city-population", srv.geonames, data=body,
                 headers={"Content-Type": "text/csv", **headers})


def test_csv_cut_mid_row_is_refused_naming_the_row(geonames):
    r = _post_csv(geonames, CSV_TEXT)
    assert r.status_code == 200, r.text
    before = geonames.store.count(POP)
    lines = CSV_TEXT.decode().splitlines()
    last = len(lines)
    cut = "\n".join(lines[:-1]) + "\n" + lines[-1].split(",", 3)[0] + "," + lines[-1].split(",")[1][:2]
    r = _post_csv(geonames, cut.encode())  # the last row stops inside its second field, with no final newline
    assert r.status_code == 400 and f"row {last}" in r.json()["error"] and "cut" in r.json()["error"], r.text
    short = "\n".join(lines[:3] + [",".join(lines[3].split(",")[:5])] + lines[4:]) + "\n"
    r = _post_csv(geonames, short.encode())  # a row with fewer fields than the header, anywhere
    assert r.status_code == 400 and "row 4 has 5 of the header's 8 fields" in r.json()["error"], r.text
    quoted = CSV_TEXT.decode().rstrip("\n") + '\n1,"Unfinished'
    r = _post_csv(geonames, quoted.encode())
    assert r.status_code == 400 and "quoted value" in r.json()["error"], r.text
    assert geonames.store.count(POP) == before


def test_gzip_csv_is_decoded_and_a_gzip_bomb_is_413(geonames, make_server, cities_store):
    import gzip
    r = _post_csv(geonames, gzip.compress(CSV_TEXT), **{"Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    observations = r.json()["observations"]
    assert observations == len(CSV_TEXT.decode().splitlines()) - 1
    r = _post(geonames, "/partners/geonames/datasets/city-population", geonames.geonames,
              files={"file": ("city-population.csv.gz", gzip.compress(CSV_TEXT), "application/gzip")})
    assert r.status_code == 200 and r.json()["observations"] == observations, r.text
    assert r.json()["source"] == "city-population.csv"
    before = geonames.store.count(POP)
    bomb = gzip.compress(CSV_TEXT + b"\n" * 5_000_000)  # 5 MB of blank lines: beyond the 2 MB limit
    assert len(bomb) < 100_000
    r = _post_csv(geonames, bomb, **{"Content-Encoding": "gzip"})
    assert r.status_code == 413, r.text
    r = _post(geonames, "/partners/geonames/datasets/city-population", geonames.geonames,
              files={"file": ("c.csv.gz", bomb, "application/gzip")})
    assert r.status_code == 413, r.text
    r = _post(geonames, "/partners/un-habitat/datasets/extra", geonames.token, data=bomb,
              headers={"Content-Type": "application/ld+json", "Content-Encoding": "gzip"})
    assert r.status_code == 413, r.text
    assert geonames.store.count(POP) == before


def test_jsonld_with_data_only_in_named_graphs_is_refused(server):
    doc = {"@context": server.url + "/context.jsonld",
           "@id": "https://w3id.org/sckg/id/observation/un-habitat/extra/x", "@type": "Observation", "value": "1"}
    assert _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(doc),
                 headers={"Content-Type": "application/ld+json"}).status_code == 200
    before = server.store.count(partner_graph("un-habitat", "extra"))
    named = {"@context": server.url + "/context.jsonld", "@id": "https://w3id.org/sckg/graph/partner/un-habitat/g",
             "@graph": [{**doc, "@context": None, "value": "2"}]}
    del named["@graph"][0]["@context"]
    r = _post(server, "/partners/un-habitat/datasets/extra", server.token, data=json.dumps(named),
              headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 400 and "named graphs are not accepted" in r.json()["error"], r.text
    assert server.store.count(partner_graph("un-habitat", "extra")) == before

"""Bounded property-based fuzzing of every endpoint: random query fragments, bytes and mutated RDF.

Whatever arrives, the server answers with a 4xx (or a 503 timeout), never another 5xx, stays up, and the canary
graph (which the fuzzer's token may not write) is unchanged, triple for triple.
"""
from __future__ import annotations

import gzip
import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.endpoint.conftest import CANARY, CANARY_TRIPLES, alive, canary_ntriples

FRAGMENTS = ["SELECT", "*", "?s", "?p", "?o", "WHERE", "{", "}", "(", ")", ".", ";", "UNION", "OPTIONAL", "FILTER",
             "GRAPH", "SERVICE", "LOAD", "<http://127.0.0.1:9/x>", "<s>", "\"lit\"", "'x'@en", "1", "COUNT(*)",
             "AS", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "DATA", "CLEAR", "ALL", "DROP", "DEFAULT",
             "PREFIX", "e:", "e:x", "BASE", "LIMIT", "ORDER BY", "GROUP BY", "VALUES", "BIND", "#", "\n", "^^",
             "<https://w3id.org/sckg/graph/partner/canary/test>", "<https://w3id.org/sckg/graph/partner/fuzz/g>",
             "SILENT", "WITH", "USING", "NAMED", "INTO", "TO", "COPY", "MOVE", "ADD", "\u00e9", "\\", "\"\"\""]
TURTLE = (b"@prefix e: <http://e.org/> .\n<https://w3id.org/sckg/graph/partner/fuzz/s> e:p \"v\"@en, 1, "
          b"[ e:q e:r ] ; e:list ( 1 2 ) .\n")
FUZZ_GRAPH = "https://w3id.org/sckg/graph/partner/fuzz/g"

query_text = st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join),
                       st.text(max_size=200))
mutated_rdf = st.builds(lambda data, pos, junk: data[:pos] + junk + data[pos + len(junk):],
                        st.just(TURTLE), st.integers(0, len(TURTLE)), st.binary(max_size=8))
gzipped = st.one_of(mutated_rdf.map(gzip.compress),
                    st.builds(lambda data, cut: gzip.compress(data)[:cut], mutated_rdf, st.integers(0, 200)),
                    st.binary(max_size=40).map(lambda b: b"\x1f\x8b" + b))
csv_bodies = st.builds(lambda rows, cut: ("geonameid,name,country_code,latitude,longitude,indicator,year,value\n"
                                          + "\n".join(",".join(r) for r in rows))[:cut].encode(),
                       st.lists(st.lists(st.sampled_from(["1", "x", "\"q", "", "2026", "population", "3.5", "ES"]),
                                         max_size=10), max_size=4),
                       st.integers(0, 400))
formats = st.sampled_from(["xml", "json", "rdf+xml", "n3", "csv", "tsv", "turtle", "jsonld", "nquads", "png",
                           "application/rdf+xml", "text/csv", "", "*/*"])
accepts = st.sampled_from(["application/sparql-results+json", "text/turtle", "application/n-quads", "image/png",
                           "*/*;q=0", "text/*", "application/json;q=0.1, text/csv", ";;", "", "\u00e9/x"])
codings = st.sampled_from(["gzip", "x-gzip", "br", "gzip, gzip", "identity", "", "deflate"])
content_types = st.sampled_from(["text/turtle", "application/n-triples", "application/rdf+xml",
                                 "application/ld+json", "application/trig", "application/sparql-query",
                                 "application/x-www-form-urlencoded", "multipart/form-data", "", "x/y"])


def _check(resp) -> None:
    assert resp.status_code < 500 or (resp.status_code == 503 and "timeout" in resp.text.lower()), \
        (resp.status_code, resp.text[:300])
    assert "Traceback" not in resp.text


def _canary(s) -> set[str]:
    r = requests.get(s.url + "/graph-store", params={"graph": CANARY}, headers={"Accept": "application/n-triples"},
                     timeout=30)
    return set(r.text.splitlines())


def test_fuzz_every_endpoint(server):
    s = server(QUERY_TIMEOUT_S=2)
    from app import auth
    fuzz_token = auth.add(s.app.config["TOKENS"], "fuzz", "https://w3id.org/sckg/graph/partner/fuzz/")
    before = _canary(s)
    assert len(before) == CANARY_TRIPLES and before == set(canary_ntriples().decode().splitlines())
    url = s.url

    geonames_token = auth.add(s.app.config["TOKENS"], "geonames", "https://w3id.org/sckg/graph/partner/geonames/")

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(text=query_text, raw=st.binary(max_size=300), rdf=mutated_rdf, ctype=content_types,
           which=st.integers(0, 12), packed=gzipped, table=csv_bodies, fmt=formats, accept=accepts, coding=codings)
    def one(text, raw, rdf, ctype, which, packed, table, fmt, accept, coding):
        auth_header = {"Authorization": f"Bearer {fuzz_token}"}
        if which == 0:
            r = requests.get(url + "/sparql", params={"query": text}, timeout=30)
        elif which == 1:
            r = requests.post(url + "/sparql", data=text.encode("utf-8", "surrogatepass"), timeout=30,
                              headers={"Content-Type": ctype or "application/sparql-query"})
        elif which == 2:
            r = requests.post(url + "/sparql", data=raw, headers={"Content-Type": ctype}, timeout=30)
        elif which == 3:
            r = requests.post(url + "/update", data=text.encode("utf-8", "surrogatepass"), timeout=30,
                              headers={"Content-Type": "application/sparql-update", **auth_header})
        elif which == 4:
            r = requests.post(url + "/update", data=raw, headers={"Content-Type": ctype, **auth_header}, timeout=30)
        elif which == 5:
            r = requests.put(url + "/graph-store", params={"graph": FUZZ_GRAPH}, data=rdf, timeout=30,
                             headers={"Content-Type": ctype, **auth_header})
        elif which == 6:
            r = requests.post(url + "/graph-store", params={"graph": CANARY}, data=rdf, timeout=30,
                              headers={"Content-Type": ctype, **auth_header})
        elif which == 7:
            r = requests.request("PUT", url + "/graph-store?" + text[:100], data=raw, timeout=30,
                                 headers={"Content-Type": ctype})
        elif which == 8:  # format and Accept, for every query form
            r = requests.get(url + "/sparql", params={"query": text, "format": fmt} if fmt else {"query": text},
                             headers={"Accept": accept}, timeout=30)
        elif which == 9:  # compressed uploads, whole or cut, with any coding
            r = requests.put(url + "/graph-store", params={"graph": FUZZ_GRAPH}, data=packed, timeout=30,
                             headers={"Content-Type": ctype or "text/turtle", "Content-Encoding": coding,
                                      **auth_header})
        elif which == 10:
            r = requests.post(url + "/graph-store", params={"graph": FUZZ_GRAPH}, timeout=30, headers=auth_header,
                              files={"f": ("part.ttl.gz", packed, "application/gzip"),
                                     "g": ("part.jsonld", raw, "application/ld+json")})
        elif which == 11:  # the partner route: CSV cut anywhere, gzip or not, and JSON-LD
            body = gzip.compress(table) if coding in ("gzip", "x-gzip") else table
            r = requests.post(url + "/partners/geonames/datasets/city-population", data=body, timeout=60,
                              headers={"Content-Type": "text/csv", "Content-Encoding": coding,
                                       "Authorization": f"Bearer {geonames_token}"})
        else:
            doc = {"@context": [url + "/context.jsonld", {"e": "http://e.org/"}][: 1 + len(text) % 2],
                   "@id": "https://w3id.org/sckg/id/fuzz/" + str(len(raw)), "e:p": text}
            if len(raw) % 3 == 0:
                doc = {"@id": "https://w3id.org/sckg/graph/partner/fuzz/g", "@graph": [doc]}
            r = requests.post(url + "/partners/fuzz/datasets/data", data=json.dumps(doc) if raw else raw,
                              timeout=30, headers={"Content-Type": "application/ld+json", **auth_header})
        _check(r)

    one()
    alive(s)
    assert _canary(s) == before

"""Bounded property-based fuzzing of every endpoint: random query fragments, bytes and mutated RDF.

Whatever arrives, the server answers with a 4xx (or a 503 timeout), never another 5xx, stays up, and the canary
graph (which the fuzzer's token may not write) is unchanged, triple for triple.
"""
from __future__ import annotations

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

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(text=query_text, raw=st.binary(max_size=300), rdf=mutated_rdf, ctype=content_types,
           which=st.integers(0, 7))
    def one(text, raw, rdf, ctype, which):
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
        else:
            r = requests.request("PUT", url + "/graph-store?" + text[:100], data=raw, timeout=30,
                                 headers={"Content-Type": ctype})
        _check(r)

    one()
    alive(s)
    assert _canary(s) == before

"""Resource pages and the caches have the limits queries have: a cap on statements shown (with a note that
there are more), the query timeout, and a byte budget for what is kept in memory."""
from __future__ import annotations

import requests

BIG = "http://example.org/big"
G = "https://w3id.org/sckg/graph/partner/canary/big"


def _big_subject(n: int) -> bytes:
    return "".join(f'<{BIG}> <http://example.org/p{i % 7}> "value number {i} {"x" * 40}" .\n'
                   for i in range(n)).encode() + f"<http://example.org/o> <http://example.org/q> <{BIG}> .\n".encode()


def _server(server, **overrides):
    s = server(**overrides)
    s.app.extensions["sckg.store"].replace_graph(G, (_big_subject(3000), "ntriples"))
    return s


def test_a_resource_page_lists_at_most_the_page_limit_and_says_there_is_more(server):
    s = _server(server, PAGE_TRIPLE_LIMIT=100, RESULT_LIMIT=500)
    r = requests.get(s.url + "/resource", params={"iri": BIG}, headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200, r.text[:300]
    assert r.text.count("value number ") == 100
    assert "more statements than a page lists" in r.text and "/query?query=" in r.text
    r = requests.get(s.url + "/resource", params={"iri": BIG, "format": "nt"}, timeout=30)
    assert r.status_code == 200
    assert len(r.text.strip().splitlines()) == 500
    assert r.headers["SCKG-Truncated"] == "true" and r.headers["SCKG-Result-Limit"] == "500"
    # the statements were asked through the guarded path (worker, timeout), so they sit in the answer cache
    texts = [key[1].text for key in s.app.extensions["sckg.answers"]._items]
    assert any("LIMIT 101" in t for t in texts)
    small = requests.get(s.url + "/resource", params={"iri": "http://example.org/item/3"},
                         headers={"Accept": "text/html"}, timeout=30)
    assert small.status_code == 200 and "more statements than a page lists" not in small.text


def test_the_page_cache_and_the_answer_cache_keep_to_their_byte_budget(server):
    s = _server(server, CACHE_MB=0.25, PAGE_TRIPLE_LIMIT=2000)
    pages, answers = None, s.app.extensions["sckg.answers"]
    assert answers.budget == 256 * 1024
    for i in range(30):  # 30 distinct URLs of a page of about 250 KB
        r = requests.get(s.url + "/resource", params={"iri": BIG, "n": str(i)}, headers={"Accept": "text/html"},
                         timeout=30)
        assert r.status_code == 200
        q = requests.get(s.url + "/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {100 + i}"},
                         timeout=30)
        assert q.status_code == 200
        assert 50_000 < len(r.content) < 256 * 1024
        pages = s.app.extensions["sckg.pages"]
        assert pages.currsize <= 256 * 1024 and answers.used <= 256 * 1024
    assert pages.currsize > 0 and answers.used > 0
    assert len(pages) < 30

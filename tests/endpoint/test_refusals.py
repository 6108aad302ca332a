"""What the engine refuses is the client's request, not a server failure: 400 with the engine's reason, nothing
written, and the query worker still alive (found by running the W3C SPARQL 1.1 suites through /sparql and
/update)."""
from __future__ import annotations

import pytest
import requests

from tests.endpoint.conftest import CANARY, CANARY_TRIPLES, alive, no_leak, sparql, total


def _update(s, text):
    return requests.post(s.url + "/update", data={"update": text}, timeout=30,
                         headers={"Authorization": f"Bearer {s.admin}"})


@pytest.mark.parametrize("text, reason", [
    ("DROP GRAPH <https://e.org/none>", "does not exist"),
    ("CLEAR GRAPH <https://e.org/none>", "does not exist"),
    ("MOVE <https://e.org/none> TO <https://e.org/other>", "does not exist"),
    (f"CREATE GRAPH <{CANARY}>", "already exists"),
    (f"DROP GRAPH <{CANARY}> ; DROP GRAPH <https://e.org/none>", "does not exist"),
])
def test_an_update_the_engine_refuses_is_400_and_writes_nothing(server, text, reason):
    s = server()
    generation = s.app.extensions["sckg.store"].generation
    r = _update(s, text)
    assert r.status_code == 400, r.text
    assert reason in r.json()["error"]
    no_leak(r)
    assert total(s) == CANARY_TRIPLES  # the second operation's failure took the first one back too
    assert s.app.extensions["sckg.store"].generation == generation


def test_a_call_to_an_unknown_function_is_400_and_keeps_its_worker(server):
    s = server()
    executor = s.app.extensions["sckg.executor"]
    assert s.app.extensions["sckg.store"].wait_for_copy(30)  # no worker is replaced for the copy meanwhile
    for i in range(5):  # distinct texts: none is answered from the cache
        r = sparql(s, f"SELECT (<http://example/f{i}>(?x) AS ?y) {{}}")
        assert r.status_code == 400, r.text
        assert "not supported" in r.json()["error"]
        no_leak(r)
        if i == 0:  # the workers that answered so far stay alive through the next four
            before = {w.pid for w in executor._live}
    alive(s)
    assert before <= {w.pid for w in executor._live}

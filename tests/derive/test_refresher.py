"""The refresher of derived data: off the request thread, one run for a burst of writes, its state shown."""
from __future__ import annotations

import time

from app.derived import steps
from app.derived.refresher import Refresher


def test_a_burst_of_requests_makes_one_run_once_writes_pause(monkeypatch):
    runs = []
    monkeypatch.setattr(steps, "refresh", lambda store, config: runs.append(time.monotonic()) or {})
    refresher = Refresher(object(), {"DERIVED_DELAY_S": 0.2})
    t0 = time.monotonic()
    for _ in range(5):
        refresher.request()
        time.sleep(0.05)
    assert refresher.status()["state"] == "refreshing" and runs == []
    assert refresher.wait(10)
    assert len(runs) == 1 and runs[0] - t0 >= 0.2 + 0.2  # after the last of the five, 0.2 s of quiet
    assert refresher.status()["state"] == "fresh" and refresher.status()["runs"] == 1


def test_a_failed_run_is_shown_with_why_and_the_next_success_clears_it(monkeypatch):
    outcomes = [RuntimeError("the reasoner broke"), None]

    def refresh(store, config):
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return {"inferred": {"seconds": 0.1}}
    monkeypatch.setattr(steps, "refresh", refresh)
    refresher = Refresher(object(), {"DERIVED_DELAY_S": 0})
    refresher.request()
    assert refresher.wait(10)
    status = refresher.status()
    assert status["state"] == "failed" and "the reasoner broke" in status["error"]
    refresher.request()
    assert refresher.wait(10)
    assert refresher.status()["state"] == "fresh" and refresher.status()["error"] is None
    assert refresher.status()["steps"] == {"inferred": 0.1}

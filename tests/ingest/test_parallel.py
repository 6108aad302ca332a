"""ingest.parallel.run_tasks: tasks shared by forked processes, results in order, failures raised."""
from __future__ import annotations

import os
import time

import pyoxigraph as ox
import pytest

from ingest.parallel import TaskFailed, run_tasks


def _slow(i: int):
    def task():
        time.sleep(0.02)  # long enough that the forked process claims tasks too
        return i, os.getpid()
    return task


def test_results_come_back_in_order_and_the_work_is_shared():
    out = run_tasks([_slow(i) for i in range(40)], workers=2)
    assert [i for i, _ in out] == list(range(40))
    pids = {pid for _, pid in out}
    assert os.getpid() in pids and len(pids) == 2


def test_children_read_the_parents_in_memory_store():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c")))

    def count():
        return len(list(store.quads_for_pattern(None, None, None))), os.getpid()

    out = run_tasks([count] * 6, workers=2)
    assert [n for n, _ in out] == [1] * 6


def test_a_failure_in_a_child_is_raised_with_its_traceback():
    parent = os.getpid()

    def fails_in_child():
        time.sleep(0.02)
        if os.getpid() != parent:
            raise ValueError("broken in the child")
        return "fine here"

    with pytest.raises(TaskFailed, match="ValueError: broken in the child"):
        run_tasks([fails_in_child] * 40, workers=2)
    assert not _zombies()


def test_a_failure_here_is_raised_as_itself_after_the_children_are_collected():
    parent = os.getpid()

    def fails_here():
        if os.getpid() == parent:
            raise KeyError("here")
        return 1

    with pytest.raises(KeyError):
        run_tasks([fails_here] * 10, workers=2)
    assert not _zombies()


def test_one_worker_and_no_tasks():
    assert run_tasks([lambda: 1, lambda: 2], workers=1) == [1, 2]
    assert run_tasks([], workers=2) == []


def _zombies() -> list[str]:
    """Children of this process that have exited and were not waited for."""
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat[1] == me and stat[0] == "Z":
                found.append(pid)
    return found

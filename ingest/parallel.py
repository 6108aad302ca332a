"""Work spread over the machine's cores with ``fork``: the children read what this process already holds.

The engine (pyoxigraph) keeps the GIL while it evaluates, so threads do not help CPU-bound queries; forked
children see the parent's in-memory store as it was at the fork without copying it first, and hand their
results back pickled through a pipe. Used where a batch of independent reads over one in-memory store
(the shape checks of a large file) or one in-memory index (ranking related practices) is the cost.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from typing import Any


def cores() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: honours taskset and cgroup cpusets
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def can_fork() -> bool:
    return hasattr(os, "fork")


class TaskFailed(RuntimeError):
    """A task raised in a forked child; the message carries the child's traceback."""


def run_tasks(tasks: Sequence[Callable[[], Any]], workers: int | None = None) -> list[Any]:
    """``[task() for task in tasks]``, on ``workers`` processes (default: one per core).

    This process and ``workers - 1`` forked children each claim the next unclaimed task until none is left,
    so a slow task does not hold the others back; results come back in the order of ``tasks``. A task that
    raises makes this call raise: the same exception when it ran here, :class:`TaskFailed` (with the child's
    traceback) when it ran in a child. Tasks must not depend on each other's side effects in this process:
    what a child changes stays in the child.
    """
    workers = min(workers or cores(), len(tasks)) if can_fork() else 1
    if workers <= 1:
        return [task() for task in tasks]
    claimed = multiprocessing.get_context("fork").Value("l", 0)  # shared memory, inherited by the children

    def claim() -> int:
        with claimed.get_lock():
            i = claimed.value
            claimed.value += 1
        return i

    def work() -> dict[int, Any]:
        done = {}
        while (i := claim()) < len(tasks):
            done[i] = tasks[i]()
        return done

    children = []
    for _ in range(workers - 1):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: claim tasks, send back what they returned, leave without any cleanup
            code = 1
            try:
                os.close(read)
                try:
                    payload = pickle.dumps(("ok", work()), pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    payload = pickle.dumps(("failed", traceback.format_exc()))
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        children.append((pid, read))
    results: dict[int, Any] = {}
    failure: BaseException | None = None
    try:
        results.update(work())
    except BaseException as e:  # still collect the children, then raise
        failure = e
        with claimed.get_lock():
            claimed.value = len(tasks)
    for pid, read in children:
        with os.fdopen(read, "rb") as f:
            payload = f.read()
        status = os.waitpid(pid, 0)[1]
        if failure is not None:
            continue
        if status != 0 or not payload:
            failure = TaskFailed(f"a worker process ended with status {status} before handing back its results")
            continue
        kind, value = pickle.loads(payload)
        if kind == "failed":
            failure = TaskFailed(value)
        else:
            results.update(value)
    if failure is not None:
        raise failure
    return [results[i] for i in range(len(tasks))]

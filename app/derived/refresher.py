"""The one refresher of derived data: after writes, off the request thread, bursts coalesced.

A write's request calls :meth:`Refresher.request` and answers at once; one background thread then runs the
derived steps (:data:`app.derived.steps.STEPS`) over the store as it is by then. It starts once no write
has come for ``DERIVED_DELAY_S`` seconds (at most ``10 ×`` that after the first), so a burst of writes costs
one run; requests that arrive during a run make one more run after it, however many they are. Its state
(fresh, refreshing, or failed with why) is what ``/status`` shows.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from app.derived import steps

log = logging.getLogger("sckg.derived")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Refresher:
    """Runs the derived steps in one thread whenever asked; ``state`` is ``fresh``, ``refreshing`` or
    ``failed``."""

    def __init__(self, store, config: Mapping[str, Any]):
        self.store, self.config = store, config
        self.state = "fresh"
        self.error: str | None = None
        self.runs = 0
        self.finished_at: str | None = None
        self.last: dict[str, Any] = {}
        self.delay = float(config.get("DERIVED_DELAY_S", 1.0) or 0.0)
        self._lock = threading.Lock()
        self._asked = self._first = 0.0  # when the last and the first pending request came
        self._pending = False
        self._running = False
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Ask for a refresh of everything derived; returns at once."""
        with self._lock:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._asked = now
            self._pending = True
            self.state = "refreshing"
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sckg-derived", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no refresh is pending or running; True when that is so."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._pending and not self._running, timeout)

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"state": self.state, "error": self.error, "runs": self.runs, "finished_at": self.finished_at,
                    "steps": {name: info.get("seconds") for name, info in self.last.items()}}

    def _quiet(self) -> None:
        """Wait until writes have paused for ``delay`` seconds, or ``10 × delay`` passed since the first."""
        while True:
            with self._lock:
                now = time.monotonic()
                left = min(self._asked + self.delay, self._first + 10 * self.delay) - now
            if left <= 0:
                return
            time.sleep(left)

    def _run(self) -> None:
        while True:
            self._quiet()
            with self._lock:
                if not self._pending:
                    self._running = False
                    self._idle.notify_all()
                    return
                self._pending, self._running = False, True
            try:
                result = steps.refresh(self.store, self.config)
                error = None
            except Exception as e:  # logged once here; the state says it until a run succeeds
                result, error = {}, f"{type(e).__name__}: {getattr(e, 'message', None) or e}"
                log.error("refreshing derived data failed: %s", error)
            with self._lock:
                self.runs += 1
                self.finished_at = _now()
                self.last = result
                self.error = error
                self.state = "failed" if error else ("refreshing" if self._pending else "fresh")

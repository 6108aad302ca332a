"""An in-memory copy of the on-disk engine: a read cache that is used only while it is exact.

The copy holds the engine's state at one generation. A committed write is applied to the copy as well when
applying it again gives the same quads (up to blank-node labels: :func:`replayable`); otherwise, or if
applying it fails, the copy is marked stale and rebuilt from the engine in a background thread, and reads go
to the engine meanwhile. So the copy never holds what the engine does not, and a failed write, which the
engine rolled back, never reaches it.

A rebuild copies one snapshot of the engine, taken together with its generation: a checkpoint of the
engine's files (hard links, in milliseconds), dumped by the engine to a file in the temporary folder and
loaded into the new copy by the engine, both in native code that lets the serving threads run meanwhile.
Writes committed while it copies are kept in a journal and applied to the new copy before it is put in place.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from app.sparql_text import TooDeep, tokens

log = logging.getLogger("sckg.store")

#: a write as a function of the store it is applied to (the engine, then the copy)
Op = Callable[[ox.Store], None]

#: words whose value or choice may differ between two evaluations of one update over the same quads
NONDETERMINISTIC = frozenset({"NOW", "RAND", "UUID", "STRUUID", "SAMPLE", "GROUP_CONCAT", "LIMIT", "OFFSET",
                              "MIN", "MAX"})


def replayable(update: str) -> bool:
    """Whether applying ``update`` to two stores with the same quads leaves them with the same quads (up to
    blank-node labels). False when it calls a function whose value changes between calls (``NOW``, ``RAND``,
    ``UUID``, ``STRUUID``) or whose choice may depend on the order of blank nodes (``SAMPLE``, ``LIMIT`` …);
    the copy is then rebuilt from the engine instead."""
    try:
        return not any(t.word in NONDETERMINISTIC for t in tokens(update))
    except TooDeep:
        return False


class Replica:
    """The copy, its generation, and the thread that rebuilds it.

    ``lock`` is held whenever the copy changes (a write applied to it, a new copy put in place), so a query
    worker forked while holding it never sees a write half applied.
    """

    def __init__(self, engine: ox.Store, generation: Callable[[], int], write_lock: threading.Lock,
                 scratch: Path):
        self._engine = engine
        self._scratch = scratch
        self._generation = generation
        self._write_lock = write_lock
        self.lock = threading.Lock()
        self.store: ox.Store | None = None
        self.generation = -1  # the engine generation the copy holds; -1 while there is none
        self.builds = 0
        self._journal: list[Op | None] | None = None  # writes committed while a rebuild copies
        self._wanted = threading.Event()
        self._ready = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sckg-replica", daemon=True)
        self._thread.start()
        self._wanted.set()

    def fresh(self, generation: int) -> ox.Store | None:
        """The copy when it holds the engine's state at ``generation``; else None."""
        store = self.store
        return store if store is not None and self.generation == generation else None

    def committed(self, op: Op, replay: bool, generation: int) -> None:
        """Bring the copy along with a write the engine committed as ``generation`` (called under the store's
        write lock)."""
        with self.lock:
            if self._journal is not None:
                self._journal.append(op if replay else None)
            if replay and self.store is not None and self.generation == generation - 1:
                try:
                    op(self.store)
                    self.generation = generation
                    return
                except Exception as e:  # the engine accepted it: the copy cannot be trusted any more
                    log.warning("the in-memory copy could not apply a committed write (%s); rebuilding it",
                                type(e).__name__)
            rebuilding = self._journal is not None
            self.generation = -1
            self.store = None
        self._ready.clear()
        if not rebuilding:  # a rebuild under way follows the journal, or copies again by itself
            self._wanted.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the copy is in place; True when it is."""
        return self._ready.wait(timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopped:
                return
            try:
                self._rebuild()
            except Exception as e:
                log.warning("building the in-memory copy failed (%s); reads stay on the engine", e)

    def _rebuild(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)
        # the checkpoint is hard links beside the engine's files; the dump goes to the temporary folder
        # (TMPDIR), so that it never takes the room the engine's writes need
        checkpoint = self._scratch / "checkpoint"
        dump = Path(tempfile.mkdtemp(prefix="sckg-copy-")) / "quads.nq"
        copy = ox.Store()
        try:
            self._scratch.mkdir(parents=True)
            with self._write_lock:  # the snapshot and its generation together
                self._engine.backup(str(checkpoint))
                base = self._generation()
                with self.lock:
                    self._journal = []
            ox.Store.read_only(str(checkpoint)).dump(str(dump), format=ox.RdfFormat.N_QUADS)
            copy.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            with self._write_lock, self.lock:
                journal, self._journal = self._journal, None
                if any(op is None for op in journal):
                    self._wanted.set()  # a write the copy cannot follow came meanwhile: copy again
                    return
                for op in journal:
                    op(copy)
                self.store, self.generation = copy, base + len(journal)
                self.builds += 1
        finally:
            with self.lock:
                self._journal = None
            shutil.rmtree(self._scratch, ignore_errors=True)
            shutil.rmtree(dump.parent, ignore_errors=True)
        self._ready.set()

    def close(self) -> None:
        self._stopped = True
        self._wanted.set()
        self._thread.join(timeout=5)
        with self.lock:
            self.store = None
            self.generation = -1
        self._engine = None

"""Benchmark of ``app.reasoning.materialise``: the inferred graph on the study data and on synthetic graphs.

Each size is loaded into an in-memory store (and, with ``--disk``, an on-disk store with its read replica)
together with the real ontology and vocabularies, then ``materialise`` runs ``--repeat`` times. The table
gives medians (seconds): ``rules`` is the evaluation of every construct-*.rq rule over all rounds, ``write``
the ``store.replace_graph`` of the inferred graph, ``total`` the whole call; plus the triples the source
graphs hold and the triples inferred. Synthetic graphs come from bench/generate.py (study-shaped, seeded).

    PYTHONPATH=. python bench/reasoning.py --sizes study,10000,100000 --repeat 3
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app import reasoning  # noqa: E402
from app.store import OxigraphStore  # noqa: E402
from ingest.namespaces import GRAPHS  # noqa: E402


def load_ontology(store: OxigraphStore) -> None:
    onto = ROOT / "ontology"
    for name, files in (("ontology", sorted(onto.glob("*.ttl"))), ("vocab", sorted((onto / "vocab").glob("*.ttl")))):
        quads = []
        for f in files:
            quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(GRAPHS[name]))
                      for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)]
        store.read_view().bulk_extend(quads)
        if store.read_view() is not getattr(store, "_disk", None) and getattr(store, "_disk", None) is not None:
            store._disk.bulk_extend(quads)


def build(size: str, disk_dir: Path | None) -> OxigraphStore:
    store = OxigraphStore(disk_dir)
    if size == "study":
        from ingest.pipeline import load_default
        load_default(store, progress=False)
        return store
    try:
        from generate import generate
    except ImportError:
        sys.exit("bench/generate.py is missing: synthetic sizes need it")
    payload = "".join(generate(int(size), seed=42, vocab=False)).encode()
    targets = [store.read_view()] + ([store._disk] if disk_dir is not None else [])
    for t in targets:
        t.bulk_load(payload, format=ox.RdfFormat.N_QUADS)
    load_ontology(store)
    return store


class Timed:
    """Wraps the two costly calls of materialise to split rule evaluation from the write."""

    def __init__(self):
        self.rules = self.write = 0.0
        self._construct = reasoning._construct

    def construct(self, *args):
        t0 = time.perf_counter()
        try:
            return self._construct(*args)
        finally:
            self.rules += time.perf_counter() - t0


def run(size: str, repeat: int, disk: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(size, Path(tmp) / "store" if disk else None)
        source = sum(store.count(g) for g in reasoning.source_graphs(store))
        totals, rules, writes, info = [], [], [], {}
        for _ in range(repeat):
            timer = Timed()
            reasoning._construct = timer.construct
            replace = store.replace_graph

            def timed_replace(name, data, _replace=replace, _timer=timer):
                t0 = time.perf_counter()
                try:
                    return _replace(name, data)
                finally:
                    _timer.write += time.perf_counter() - t0
            store.replace_graph = timed_replace
            t0 = time.perf_counter()
            info = reasoning.materialise(store, {})
            totals.append(time.perf_counter() - t0)
            rules.append(timer.rules)
            writes.append(timer.write)
            reasoning._construct = timer._construct
            store.replace_graph = replace
        store.close()
    return {"size": size, "source triples": source, "inferred": info["triples"], "rounds": info["rounds"],
            "rules s": statistics.median(rules), "write s": statistics.median(writes),
            "total s": statistics.median(totals)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="study,10000,100000", help="study and/or numbers of practices")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--disk", action="store_true", help="on-disk store (with its read replica) instead of memory")
    args = ap.parse_args(argv)
    cols = ["size", "source triples", "inferred", "rounds", "rules s", "write s", "total s"]
    print(" | ".join(f"{c:>14}" for c in cols))
    for size in args.sizes.split(","):
        row = run(size.strip(), args.repeat, args.disk)
        print(" | ".join(f"{row[c]:>14.3f}" if isinstance(row[c], float) else f"{row[c]:>14}" for c in cols),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The measurements of bench/run.py, one function per table section.

``python bench/measure.py rss DIR replica|disk`` is the child process that measures the memory peak of
opening a store and answering the query library (the peak RSS of a process only grows, so each store
kind is measured in a process of its own).
"""
from __future__ import annotations

import csv
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from rdflib import URIRef  # noqa: E402

from app.store.remote import RemoteStore  # noqa: E402
from app.store import OxigraphStore  # noqa: E402
from bench import engines  # noqa: E402
from tests.sparql_servers import OxigraphServer  # noqa: E402

STUDY = "https://w3id.org/sckg/graph/study"
ID = "https://w3id.org/sckg/id/"
#: the parameter values the library's queries are timed with on generated data; an edition with a previous one,
#: so the edition reports compare two editions (with the first edition, 2012, they have nothing to compare)
SYNTHETIC = {"city": "city/city-0", "barrier": "barrier/barrier-0", "enabler": "enabler/enabler-0",
             "practice": "practice/practice-0", "org": "org/org-0", "event": "event/event-0",
             "edition": "edition/2021"}


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20


def _fresh(path: Path) -> Path:
    import shutil
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def ingest(study_nt: Path, work: Path, reps: int, *, remote: bool = True) -> dict:
    """Seconds to load the study graph from one N-Triples file: raw ``bulk_load`` (the anchor), ``sckg ingest``
    (``ingest_paths``: parse, shapes, disjointness, atomic replacement, catalogue record), the store's own
    ``replace_graph`` of the same bytes, and ``RemoteStore.replace_graph`` over Oxigraph server."""
    from ingest.pipeline import ingest_paths
    n = sum(1 for _ in open(study_nt, "rb"))
    raw, cli, store_path, rem, steps, problems = [], [], [], [], {}, {}
    for _ in range(reps):
        d = _fresh(work / "raw")
        t0 = time.perf_counter()
        s = ox.Store(str(d))
        s.bulk_load(path=str(study_nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(STUDY))
        s.flush()
        raw.append(time.perf_counter() - t0)
        del s
        gc.collect()
        d = _fresh(work / "sckg")
        t0 = time.perf_counter()
        store = OxigraphStore(d)
        report = ingest_paths([study_nt], store, graph=STUDY)
        store.close()
        cli.append(time.perf_counter() - t0)
        steps = dict(report.seconds)
        problems = {"violations": len(report.violations), "warnings": len(report.warnings)}
        del store, report
        gc.collect()
        d = _fresh(work / "replace")
        t0 = time.perf_counter()
        store = OxigraphStore(d)
        store.replace_graph(STUDY, (study_nt.read_bytes(), "ntriples"))
        store.close()
        store_path.append(time.perf_counter() - t0)
        del store
        gc.collect()
        if remote:
            with OxigraphServer(_fresh(work / "remote-ingest")) as server:
                rs = RemoteStore(server.query_url, server.update_url, server.store_url, progress=False)
                t0 = time.perf_counter()
                rs.replace_graph(STUDY, (study_nt.read_bytes(), "ntriples"))
                rem.append(time.perf_counter() - t0)
                rs.close()
    out = {"triples": n, "raw_s": statistics.median(raw), "sckg_s": statistics.median(cli),
           "replace_s": statistics.median(store_path), "raw_runs": raw, "sckg_runs": cli,
           "replace_runs": store_path, "sckg_steps": steps, "sckg_problems": problems, "sckg_dir": work / "sckg"}
    out["raw_tps"], out["sckg_tps"], out["replace_tps"] = n / out["raw_s"], n / out["sckg_s"], n / out["replace_s"]
    if rem:
        out["remote_s"] = statistics.median(rem)
        out["remote_runs"] = rem
        out["remote_tps"] = n / out["remote_s"]
    return out


def csv_pipeline(reps: int) -> dict:
    """Rows per second of the study pipeline (read → map → validate → link) against reading the CSV files."""
    from ingest.pipeline import build_study, study_files
    from ingest.resources import study_dir
    files = study_files(study_dir())
    rows = 0
    t0 = time.perf_counter()
    for _ in range(reps):
        rows = 0
        for path in files.values():
            with open(path, newline="", encoding="utf-8") as f:
                rows += sum(1 for _ in csv.DictReader(f))
    anchor = (time.perf_counter() - t0) / reps
    runs, steps = [], {}
    for _ in range(reps):
        t0 = time.perf_counter()
        _, report = build_study(files, progress=False)
        runs.append(time.perf_counter() - t0)
        steps = dict(getattr(report, "seconds", {}) or {})
    seconds = statistics.median(runs)
    return {"rows": rows, "seconds": seconds, "runs": runs, "steps": steps, "rows_per_s": rows / seconds,
            "anchor_rows_per_s": rows / max(anchor, 1e-9)}


def complete(sckg_dir: Path, vocab: Path, work: Path):
    """Add the ontology and vocabularies, derive, dump everything; returns (dump, derive info, open s, store)."""
    from app.derived import steps as derive
    from app.config import defaults
    store = OxigraphStore(sckg_dir)
    try:
        from ingest.namespaces import GRAPHS
        from ingest.pipeline import ontology_files
        from ingest.resources import resource_dir
        from ingest.validate import parse_turtle_files
        onto, vocabs = ontology_files(resource_dir("ontology"))
        store.replace_graph(GRAPHS["ontology"], parse_turtle_files(onto, "ontology"))
        store.replace_graph(GRAPHS["vocab"], parse_turtle_files(vocabs, "ontology"))
    except ImportError:  # no ontology loader: the generator's own labels
        store.add_to_graph("https://w3id.org/sckg/graph/vocab", (vocab.read_bytes(), "nquads"))
    config = {**defaults(), "INDEX_PATH": str(work / "search.sqlite"), "DUMPS_DIR": str(work / "dumps")}
    info = derive.refresh(store, config, only=["inferred", "related"])
    full = work / "full.nq"
    with open(full, "wb") as f:
        store.dump(f, "nquads")
    store.close()
    del store
    gc.collect()
    t0 = time.perf_counter()
    store = OxigraphStore(sckg_dir)
    store.wait_for_copy(3600)  # the library is measured on the in-memory copy, as the server reads once it is built
    return full, info, time.perf_counter() - t0, store


def synthetic_queries(pattern: str | None, skip: str | None = None):
    """The query library with default parameters pointed at IRIs the generated data has."""
    out = []
    for name, text, bindings in engines.library(pattern, skip):
        fixed = {}
        for k, v in bindings.items():
            s = str(v)
            kind = s[len(ID):].split("/")[0] if s.startswith(ID) else None
            fixed[k] = URIRef(ID + SYNTHETIC[kind]) if kind in SYNTHETIC else v
        out.append((name, text, fixed))
    return out


def library_in_memory(study: Path, vocab: Path, args, limit_ms: float = 2000) -> dict:
    """Every library query on pyoxigraph's in-memory store holding the generated data, the ontology and the
    vocabularies (no derived graphs), answered the way the endpoint answers it (JSON, union default graph):
    the largest size's serving check without the hour the full suite takes there."""
    from ingest.pipeline import ontology_files
    from ingest.resources import resource_dir
    t0 = time.perf_counter()
    mem = ox.Store()
    for path in (study, vocab):
        mem.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    onto, vocabs = ontology_files(resource_dir("ontology"))
    for files, graph in ((onto, "ontology"), (vocabs, "vocab")):
        for path in files:
            mem.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                          to_graph=ox.NamedNode(f"https://w3id.org/sckg/graph/{graph}"))
    out = {"quads": len(mem), "load_s": round(time.perf_counter() - t0, 1), "times_ms": {}}
    engine = engines.PyoxigraphJsonEngine(mem)
    for name, text, bindings in synthetic_queries(args.queries, args.skip):
        ms, runs = engines.median_ms(lambda: engine.run(text, bindings), args.repeat)
        out["times_ms"][name] = round(ms, 1)
        print(f"  {name:45s} {ms:10.1f} ms ({runs} runs)", file=sys.stderr, flush=True)
    out["over_limit"] = sorted(n for n, ms in out["times_ms"].items() if ms > limit_ms)
    out["limit_ms"] = limit_ms
    return out


#: the anchor each engine is divided by: the endpoint's serialized path against the engine writing the same JSON
ANCHORS = {"embedded-json": "memory-json", "memory-json": "memory-json"}


def queries(sckg: OxigraphStore, full: Path, work: Path, args, result: dict) -> dict:
    """Median ms of every library query on each engine, and summaries against the in-memory anchor."""
    qs = synthetic_queries(args.queries, args.skip)
    mem = ox.Store()
    mem.bulk_load(path=str(full), format=ox.RdfFormat.N_QUADS)
    disk_dir = _fresh(work / "disk")
    disk = ox.Store(str(disk_dir))
    disk.bulk_load(path=str(full), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    sizes = {"disk_fresh_mb": _dir_mb(disk_dir)}
    first = {"memory": engines.PyoxigraphEngine(mem), "embedded": engines.StoreEngine(sckg),
             "memory-json": engines.PyoxigraphJsonEngine(mem), "embedded-json": engines.SerializedStoreEngine(sckg),
             "disk-fresh": engines.PyoxigraphEngine(disk)}
    if args.substitutions:
        first["memory-substitutions"] = engines.PyoxigraphEngine(mem, substitutions=True)
    times = engines.time_library(first, qs, args.repeat)
    optimized = args.optimized or result.get("size") == "S"
    more: dict = {name: {} for name, _, _ in qs}
    if optimized:  # at M and beyond opt-in (--optimized): optimize() did not speed reads at S and takes minutes
        disk.optimize()
        sizes["disk_optimized_mb"] = _dir_mb(disk_dir)
        more = engines.time_library({"disk-optimized": engines.PyoxigraphEngine(disk)}, qs, args.repeat)
    del first, disk  # the server below needs the folder's lock
    gc.collect()
    sckg.close()
    if not args.no_remote:
        try:
            _servers(disk_dir, qs, args, result, more)
        except (RuntimeError, OSError) as e:  # the table shows what could be measured
            result["server_error"] = str(e)[:500]
    for name, row in more.items():
        times[name].update(row)
    labels = ["memory", "embedded", "memory-json", "embedded-json", "disk-fresh"] + \
        (["disk-optimized"] if optimized else []) + ([] if args.no_remote else ["serve-read-only", "remote"])
    labels += ["memory-substitutions"] if args.substitutions else []
    summary = {label: engines.summarise(times, label, ANCHORS.get(label, "memory")) for label in labels}
    for anchor in ("memory", "memory-json"):
        summary[anchor] = {"total_ms": round(sum(r[anchor] for r in times.values()
                                                 if r.get(anchor) == r.get(anchor)), 1)}
    return {"engines": labels, "times_ms": times, "summary": summary, "disk": sizes}


def _servers(disk_dir: Path, qs, args, result: dict, more: dict) -> None:
    """The library over ``oxigraph serve-read-only`` (HTTP) and through RemoteStore over ``oxigraph serve``."""
    with OxigraphServer(disk_dir, read_only=True) as server:
        http = engines.HttpEngine(server.query_url)
        more_http = engines.time_library({"serve-read-only": http}, qs, args.repeat)
        http.close()
    with OxigraphServer(disk_dir) as server:
        rs = RemoteStore(server.query_url, server.update_url, server.store_url, progress=False)
        more_remote = engines.time_library({"remote": engines.StoreEngine(rs)}, qs, args.repeat)
        result["server_rss_mb"] = _hwm_mb(server.process.pid)
        rs.close()
    for extra in (more_http, more_remote):
        for name, row in extra.items():
            more[name].update(row)


def _hwm_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(sckg_dir: Path, disk_dir: Path, skip: str | None = None) -> dict:
    """Peak RSS of a process that opens the store and runs the library once (leaving out ``skip``, a
    comma-separated list of name parts); sizes on disk."""
    def child(path, kind):
        r = subprocess.run([sys.executable, __file__, "rss", str(path), kind, skip or ""], capture_output=True,
                           text=True, check=True)
        return float(r.stdout.strip().splitlines()[-1])
    return {"embedded_rss_mb": child(sckg_dir, "replica"), "disk_rss_mb": child(disk_dir, "disk"),
            "embedded_mb": _dir_mb(sckg_dir), "optimized_mb": _dir_mb(disk_dir)}


def _rss_child(path: str, kind: str, skip: str) -> None:
    store = OxigraphStore(path, replica=kind == "replica")
    store.wait_for_copy(3600)
    engine = engines.StoreEngine(store)
    for _, text, bindings in synthetic_queries(None, skip):
        try:
            engine.run(text, bindings)
        except Exception:  # noqa: BLE001 (the timing run reports query errors; here only memory counts)
            pass
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork + exec, so a child of a
    # large benchmark process would report the parent's size
    print(_hwm_mb(os.getpid()))


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "rss":
    _rss_child(sys.argv[2], sys.argv[3], sys.argv[4])

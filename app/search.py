"""Full-text search over labels, titles and descriptions in English, French and Spanish (SQLite FTS5).

pyoxigraph has no text index, so SCKG keeps one beside the store at ``INDEX_PATH`` and rebuilds it from
the store after every ingest (:func:`refresh`: built into a temporary file, then moved into place, so
readers see the old index or the new one). One row per resource of interest: its ``title`` column holds
every label (rdfs:label, skos:prefLabel/altLabel, dct:title, schema:name) in every language, ``body`` its
descriptions and definitions, and ``stem`` the Snowball stems of both (English, French or Spanish stemmer
by the text's language tag; untagged text is stemmed as English). The tokenizer ``unicode61
remove_diacritics 2`` makes matching accent- and case-insensitive, so "mobilite" finds "Mobilité et transport".

User input never reaches FTS5 syntax: :func:`match_expression` keeps the words, quotes each one, and the
expression is bound as a SQL parameter. Ranking is bm25 with labels weighted above descriptions.

SPARQL users of the embedded store get ``sckg:textMatch(?resource, "words")``: the bm25 score of the
resource for the words (``xsd:double``, higher is better) or unbound when it does not match. A remote store
has no such function: it is not registered there, and the server rejects queries that call it.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from app.i18n import pick_label
from app.search_documents import KINDS, match_expression, read_documents
from ingest.errors import StoreUnavailable

TEXT_MATCH = "https://w3id.org/sckg/ontology#textMatch"
#: broad queries rank at most this many matches per group (labels, then everything)
RANK_WINDOW = 2000
#: ``total`` stops counting here
COUNT_CAP = 10_000
#: bm25 weights of (iri, kind, labels, title, body, stem)
WEIGHTS = "0.0, 0.0, 0.0, 10.0, 2.0, 1.0"
_OPEN, _CLOSE = "\x02", "\x03"


def _index_path(config: Mapping[str, Any]) -> str:
    return str(config.get("INDEX_PATH") or "./var/search.sqlite")


_memory: dict[str, sqlite3.Connection] = {}
_memory_lock = threading.Lock()


def build(docs, path: str) -> None:
    """Write the index for ``docs`` at ``path`` atomically (``:memory:`` keeps it in this process)."""
    if path == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        if os.path.exists(tmp):
            os.remove(tmp)
        conn = sqlite3.connect(tmp)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(iri UNINDEXED, kind UNINDEXED, labels UNINDEXED, "
                 "title, body, stem, tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    order = {kind: n for n, kind in enumerate(reversed(list(KINDS.values())))}  # practices last
    conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                     ((iri, kind, json.dumps(labels, ensure_ascii=False), title, body, stem)
                      for iri, kind, labels, title, body, stem in sorted(docs, key=lambda d: (order[d[1]], d[0]))))
    conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    conn.commit()
    if path == ":memory:":
        with _memory_lock:
            old, _memory[path] = _memory.get(path), conn
        if old is not None:
            old.close()
        return
    conn.close()
    os.replace(tmp, path)


def refresh(store, config: Mapping[str, Any]) -> dict:
    """Rebuild the index from the store and register ``sckg:textMatch`` on an embedded store.

    :raises StoreError: the store failed while reading.
    :raises OSError: the index file cannot be written.
    """
    docs = read_documents(store)
    build(docs, _index_path(config))
    return {"documents": len(docs), "sparql_function": register(store, config)}


# --- reading ------------------------------------------------------------------------------------------

_local = threading.local()


def _execute(config: Mapping[str, Any], sql: str, params: tuple) -> list[tuple]:
    """Run a read on the current index: one read-only connection per thread, reopened when the file changes.

    :raises StoreUnavailable: there is no index yet.
    """
    path = _index_path(config)
    if path == ":memory:":
        with _memory_lock:
            conn = _memory.get(path)
            if conn is None:
                raise StoreUnavailable("the search index is not built yet: run `sckg load` or an ingest")
            return conn.execute(sql, params).fetchall()
    try:
        st = os.stat(path)
    except OSError:
        raise StoreUnavailable(f"the search index {path} is not built yet: run `sckg load` or an ingest") from None
    key = (st.st_ino, st.st_mtime_ns, os.getpid())
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    cached = conns.get(path)
    if cached is None or cached[0] != key:
        if cached is not None and cached[0][2] == os.getpid():
            cached[1].close()
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        conns[path] = cached = (key, conn)
    return cached[1].execute(sql, params).fetchall()


def _label(labels_json: str, lang: str, iri: str) -> str:
    return pick_label(json.loads(labels_json), lang) or iri.rstrip("/").rsplit("/", 1)[-1]


def _pairs(marked: str) -> list[tuple[str, bool]]:
    """``"a \\x02b\\x03 c"`` → ``[("a ", False), ("b", True), (" c", False)]``."""
    out: list[tuple[str, bool]] = []
    for n, chunk in enumerate(marked.split(_OPEN)):
        head, sep, tail = chunk.partition(_CLOSE) if n else ("", "", chunk)
        if sep and head:
            out.append((head, True))
        if tail:
            out.append((tail, False))
    return out


def _kinds_filter(kinds) -> tuple[str, tuple]:
    """A SQL condition with one placeholder per kind; unknown kinds match nothing, no kinds match all."""
    if not kinds:
        return "", ()
    kinds = tuple(k for k in kinds if k in KINDS.values()) or ("",)
    return " AND kind IN (" + ",".join("?" * len(kinds)) + ")", kinds


def _tier(config, expr: str, where: str, kparams: tuple, want: int) -> list[tuple[int, float]]:
    """(rowid, bm25) of the best ``want`` among the first :data:`RANK_WINDOW` matches, in index order."""
    sql = ("SELECT id, r FROM (SELECT rowid AS id, bm25(docs, " + WEIGHTS + ") AS r FROM docs WHERE docs MATCH ?"
           + where + " LIMIT ?) ORDER BY r, id LIMIT ?")
    return _execute(config, sql, (expr, *kparams, RANK_WINDOW, want))


def search(config: Mapping[str, Any], q: str, lang: str = "en", limit: int = 20, offset: int = 0,
           kinds=None) -> dict:
    """Ranked hits for what a user typed: ``{total, hits: [{iri, kind, label, snippet, score}]}``.

    Resources whose labels hold every word come first, then the others, each group ranked by bm25 (a
    group ranks at most its first :data:`RANK_WINDOW` matches in index order, where concepts, places and
    organisations come before practices). ``total`` counts matches up to :data:`COUNT_CAP`. ``snippet`` is a
    list of ``(text, is_match)`` pairs; ``kinds`` narrows to some kinds (``["practice"]``).

    :raises StoreUnavailable: the index is not built yet.
    """
    expr = match_expression(q)
    if expr is None:
        return {"total": 0, "hits": []}
    limit, offset = max(0, min(int(limit), 500)), max(0, int(offset))
    where, kparams = _kinds_filter(kinds)
    total = _execute(config, "SELECT count(*) FROM (SELECT 1 FROM docs WHERE docs MATCH ?" + where + " LIMIT ?)",
                     (expr, *kparams, COUNT_CAP))[0][0]
    ranked = _tier(config, match_expression(q, title_only=True), where, kparams, offset + limit)
    seen = {i for i, _ in ranked}
    if len(ranked) < offset + limit:
        ranked += [t for t in _tier(config, expr, where, kparams, offset + limit + len(seen)) if t[0] not in seen]
    page = ranked[offset:offset + limit]
    if not page:
        return {"total": total, "hits": []}
    sql = ("SELECT rowid, iri, kind, labels, snippet(docs, 4, ?, ?, '…', 24), snippet(docs, 3, ?, ?, '…', 24), "
           "substr(body, 1, 160) FROM docs WHERE docs MATCH ? AND rowid IN (" + ",".join("?" * len(page)) + ")")
    details = {row[0]: row[1:] for row in _execute(config, sql, (_OPEN, _CLOSE, _OPEN, _CLOSE, expr,
                                                                 *(i for i, _ in page)))}
    hits = []
    for rowid, r in page:
        iri, kind, labels, body_snip, title_snip, head = details[rowid]
        snip = body_snip if _OPEN in body_snip else title_snip if _OPEN in title_snip else head or title_snip
        hits.append({"iri": iri, "kind": kind, "label": _label(labels, lang, iri), "snippet": _pairs(snip),
                     "score": round(-r, 6)})
    return {"total": total, "hits": hits}


def suggest(config: Mapping[str, Any], prefix: str, lang: str = "en", limit: int = 8) -> list[dict]:
    """Resources whose labels start with what was typed so far: ``[{iri, label, kind}]``, best first.

    :raises StoreUnavailable: the index is not built yet.
    """
    expr = match_expression(prefix, prefix=True)
    if expr is None:
        return []
    rows = _execute(config, "SELECT iri, kind, labels FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, "
                    + WEIGHTS + ") LIMIT ?", (expr, max(0, min(int(limit), 50))))
    return [{"iri": iri, "label": _label(labels, lang, iri), "kind": kind} for iri, kind, labels in rows]


# --- SPARQL ---------------------------------------------------------------------------------------------

_scores: dict[tuple, dict[str, float]] = {}
_scores_lock = threading.Lock()


def text_scores(config: Mapping[str, Any], q: str) -> dict[str, float]:
    """IRI → bm25 score (higher is better) of every resource matching ``q``; cached per index version."""
    expr = match_expression(q)
    if expr is None:
        return {}
    path = _index_path(config)
    version = os.stat(path).st_mtime_ns if path != ":memory:" else id(_memory.get(path))
    key = (path, version, expr)
    with _scores_lock:
        found = _scores.get(key)
    if found is None:
        rows = _execute(config, "SELECT iri, bm25(docs, " + WEIGHTS + ") FROM docs WHERE docs MATCH ?", (expr,))
        found = {iri: -r for iri, r in rows}
        with _scores_lock:
            if len(_scores) > 128:
                _scores.clear()
            _scores[key] = found
    return found


def register(store, config: Mapping[str, Any]) -> bool:
    """Register ``sckg:textMatch`` on an embedded store; False (nothing registered) on a remote store."""
    functions = getattr(store, "custom_functions", None)
    if store.read_view() is None or functions is None:  # no engine in this process: nowhere to register
        return False
    settings = {"INDEX_PATH": _index_path(config)}
    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")

    def text_match(resource, query=None):
        if not isinstance(resource, ox.NamedNode) or not isinstance(query, ox.Literal):
            return None
        try:
            score = text_scores(settings, query.value).get(resource.value)
        except (StoreUnavailable, OSError, sqlite3.Error):
            return None
        return None if score is None else ox.Literal(repr(float(score)), datatype=double)

    functions[ox.NamedNode(TEXT_MATCH)] = text_match
    return True

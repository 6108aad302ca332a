"""The related-practices graph as N-Triples: written straight from the ranking, in slices across the cores.

Every IRI written comes from the store or from the configured base, so none needs escaping; the lines are
in the form the engine itself writes (``"0.05"^^xsd:decimal``, not ``"0.0500"``), so an unchanged graph
compares equal to the one in the store line by line and costs no write (see ``OxigraphStore.replace_graph``).
"""
from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from typing import IO

from app.related import named
from ingest.parallel import TaskFailed, can_fork, cores, run_tasks
from ingest.namespaces import DEFAULT_BASE, SCKG

#: from this many practices on, ranking is split across the cores
PARALLEL_FROM = 5000
_S = str(SCKG)


def _decimal(score: float) -> str:
    """A score to four places in the canonical form the engine writes (``0.05``, ``2``)."""
    return f"{score:.4f}".rstrip("0").rstrip(".")


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _literal(text: str, lang: str) -> str:
    """A language-tagged literal as the engine writes it (only the quote and the backslash are escaped: the
    words come from ``\\w+`` and hold neither line breaks nor control characters)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@' + lang


def write_ntriples(out: IO[str], practices, held, kinds_iris, tops, base: str = DEFAULT_BASE,
                   words=None) -> tuple[int, int]:
    """Write the related-practices triples for ``tops`` — ``(practice index, its top-k)`` pairs — as N-Triples
    in the form the engine writes them (so an unchanged graph compares equal line by line). Every IRI comes
    from the store or from ``base``, so none needs escaping. ``words(i, j)``, when given, names the words the
    two texts share (``sckg:sharedWord``). Returns ``(pairs, triples)`` written."""
    s = _S
    related, typed = f"<{s}relatedPractice>", f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{s}Relatedness>"
    p_from, p_to, p_score, p_shared, p_word = (f"<{s}{name}>" for name in
                                                ("from", "to", "score", "sharedFeature", "sharedWord"))
    decimal = "^^<http://www.w3.org/2001/XMLSchema#decimal>"
    nodes = [f"<{p}>" for p in practices]
    slugs = [_slug(p) for p in practices]
    feature_nodes = [f"<{iri}>" for _, iri in kinds_iris]
    kinds = [k for k, _ in kinds_iris]
    memo: dict[frozenset, tuple[str, int]] = {}  # shared features → their lines (with a {n} slot), count
    pairs = written = 0
    for i, top in tops:
        src = nodes[i]
        prefix = f"<{base}relatedness/{slugs[i]}--"
        lines: list[str] = []
        for score, j in top:
            dst = nodes[j]
            node = prefix + slugs[j] + ">"
            shared = frozenset(held[i] & held[j])
            cached = memo.get(shared)
            if cached is None:
                if len(memo) > 500_000:
                    memo.clear()
                features = [f for fs in named(shared, kinds).values() for f in fs]
                cached = memo[shared] = ("".join(f"{{n}} {p_shared} {feature_nodes[f]} .\n" for f in features),
                                         len(features))
            objects, n_objects = cached
            lines.append(f"{src} {related} {dst} .\n{node} {typed} .\n{node} {p_from} {src} .\n"
                         f"{node} {p_to} {dst} .\n{node} {p_score} \"{_decimal(score)}\"{decimal} .\n")
            lines.append(objects.replace("{n}", node))
            written += 5 + n_objects
            if words is not None:
                for word, lang in words(i, j):
                    lines.append(f"{node} {p_word} {_literal(word, lang)} .\n")
                    written += 1
        pairs += len(top)
        out.write("".join(lines))
    return pairs, written


def _write_slice(path: Path, practices, held, kinds_iris, index, lo: int, hi: int, base: str):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        return write_ntriples(out, practices, held, kinds_iris, ((i, index.top(i)) for i in range(lo, hi)), base,
                              index.shared_words if getattr(index, "texts", None) is not None else None)


def write_graph(path: Path, practices, held, kinds_iris, index, base: str = DEFAULT_BASE,
                workers: int | None = None) -> tuple[int, int]:
    """Rank every practice with ``index`` (an ``app.related.Index``) and write the graph to ``path``;
    returns ``(pairs, triples)``.

    From :data:`PARALLEL_FROM` practices on, the practices are split into one slice per core, ranked and
    written by this process and forked ones (:func:`ingest.parallel.run_tasks`) into part files, and the parts
    are appended in order, so the file is the same as a single process writes.

    :raises OSError: a part could not be written.
    """
    n = len(practices)
    if workers is None:
        workers = cores() if n >= PARALLEL_FROM and can_fork() else 1
    bounds = [(n * w // workers, n * (w + 1) // workers) for w in range(workers)]
    parts = [path] + [path.with_name(f"{path.name}.{w}") for w in range(1, workers)]
    try:
        totals = run_tasks([partial(_write_slice, part, practices, held, kinds_iris, index, lo, hi, base)
                            for part, (lo, hi) in zip(parts, bounds)], workers)
    except TaskFailed as e:
        raise OSError(f"the related practices could not be written: {str(e).strip().splitlines()[-1]}") from e
    with open(path, "ab") as out:
        for part in parts[1:]:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 16 << 20)
            part.unlink()
    return sum(t[0] for t in totals), sum(t[1] for t in totals)

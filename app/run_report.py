"""What ``sckg load`` and ``sckg ingest`` print: a short summary, one line per file and per derived step,
and with ``--report-dir`` the full report as an HTML page and a CSV table.

The summary is the same for a run on this machine and for one sent to a running server (the server answers
the report as JSON, :func:`report_json`; the command rebuilds the summary from it with :func:`from_json`).
"""
from __future__ import annotations

import csv
import html
import io
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ingest.report import INFO, VIOLATION, WARNING, Problem, Report

CSV_COLUMNS = ("severity", "file", "row", "column", "rule", "message")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def file_lines(report: Report) -> list[str]:
    """One line per file: ``practices.csv: 30 rows, 2 warnings`` (problems and cities not placed, when any)."""
    violations = Counter(p.file for p in report.violations)
    warnings = Counter(p.file for p in report.warnings)
    unplaced = Counter("cities.csv" for _ in report.unplaced)
    names = list(dict.fromkeys([*sorted(report.rows), *sorted(violations), *sorted(warnings)]))
    out = []
    for name in names:
        parts = [_plural(report.rows[name], "row")] if name in report.rows else []
        if violations[name]:
            parts.append(_plural(violations[name], "problem"))
        if warnings[name]:
            parts.append(_plural(warnings[name], "warning"))
        if unplaced[name]:
            parts.append(f"{unplaced[name]} not placed")
        out.append(f"{name}: {', '.join(parts) or 'no rows'}")
    return out


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (dict, list, tuple, set)):
        return str(len(v))
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def derived_line(name: str, info: Any) -> str:
    """``derived related: practices 29, pairs 253 (0.1 s)`` for a derived step's result (a dict of counts)."""
    if not isinstance(info, Mapping):
        return f"derived {name}: {info}"
    seconds = info.get("seconds")
    parts = [f"{k} {_value(v)}" for k, v in info.items() if k != "seconds"]
    tail = f" ({seconds:.1f} s)" if isinstance(seconds, (int, float)) else ""
    return f"derived {name}: {', '.join(parts) or 'done'}{tail}"


def headline(report: Report) -> str:
    total = report.seconds.get("total")
    took = f" in {total:.1f} s" if total else ""
    if report.loaded:
        into = f" into {report.graph}" if report.graph else ""
        return f"loaded {report.source or 'input'}: {report.triples} triples{into}{took}"
    state = "conforms" if report.conforms else f"does not conform ({_plural(len(report.violations), 'problem')})"
    return f"{report.source or 'input'}: {state}"


def summary(report: Report, derived: Mapping[str, Any] | None = None, *, report_dir: Path | None = None) -> str:
    """The lines a run ends with: the headline, its notes, one line per file, the cities not placed (with what
    to fill in), one line per derived step, and where the details are."""
    lines = [headline(report), *report.notes, *file_lines(report)]
    lines += [f"not placed: {u}" for u in report.unplaced]
    lines += [derived_line(k, v) for k, v in (derived or {}).items()]
    if report_dir is not None:
        lines.append(f"full report: {report_dir / 'report.html'} and {report_dir / 'report.csv'}")
    elif report.warnings or report.unplaced or report.unlinked:
        lines.append(f"{_plural(len(report.warnings), 'warning')}, {len(report.unplaced)} cities not placed: "
                     "--report-dir DIR writes every one (HTML and CSV); sckg validate prints them")
    return "\n".join(lines)


def rows(report: Report) -> list[dict[str, Any]]:
    """Every line of the full report as a row of :data:`CSV_COLUMNS`."""
    out = [{"severity": p.severity, "file": p.file, "row": p.line if p.line is not None else "",
            "column": p.column or "", "rule": p.rule, "message": p.message}
           for p in [*report.violations, *report.warnings]]
    out += [{"severity": WARNING, "file": "cities.csv", "row": "", "column": "latitude", "rule": "not-placed",
             "message": u} for u in report.unplaced]
    out += [{"severity": INFO, "file": "cities.csv", "row": "", "column": "name", "rule": "not-linked",
             "message": u} for u in report.unlinked]
    return out


def report_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(report))
    return buf.getvalue()


def report_html(report: Report, derived: Mapping[str, Any] | None = None) -> str:
    """The full report as one HTML page; every text from the data is escaped."""
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in
                    [*report.notes, *file_lines(report), *(derived_line(k, v) for k, v in (derived or {}).items())])
    body = "".join(
        "<tr>" + "".join(f"<td>{e(str(r[c]))}</td>" for c in CSV_COLUMNS) + "</tr>" for r in rows(report))
    head = "".join(f"<th>{e(c)}</th>" for c in CSV_COLUMNS)
    title = e(headline(report))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
            ".violation td:first-child{color:#a00}</style></head><body>"
            f"<h1>{title}</h1><ul>{items}</ul>"
            + (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if body
               else "<p>No problems, warnings or unlinked cities.</p>")
            + "</body></html>\n")


def write_report_dir(folder: str | Path, report: Report, derived: Mapping[str, Any] | None = None) -> Path:
    """Write ``report.html`` and ``report.csv`` into ``folder`` (created if needed); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(report_html(report, derived), encoding="utf-8")
    (folder / "report.csv").write_text(report_csv(report), encoding="utf-8")
    return folder


def refresh(store, config: Mapping[str, Any], *, progress: bool = False) -> dict[str, Any]:
    """The derived steps (:func:`app.derived.steps.refresh`) one by one, with a progress bar on stderr."""
    from tqdm import tqdm

    from app.derived import steps
    out: dict[str, Any] = {}
    with tqdm(steps.STEPS, disable=not progress, file=sys.stderr, leave=False, unit="step") as bar:
        for name, _target in bar:
            bar.set_description(f"derived {name}")
            out.update(steps.refresh(store, config, only=[name]))
    return out


# --- the report as JSON (a server's answer) ---------------------------------------------------------

def report_json(report: Report, derived: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "source": report.source, "graph": report.graph, "loaded": report.loaded, "conforms": report.conforms,
        "triples": report.triples, "rows": report.rows, "classes": report.classes, "linked": report.linked,
        "unlinked": report.unlinked, "unplaced": report.unplaced, "notes": report.notes,
        "seconds": report.seconds,
        "problems": [{"file": p.file, "line": p.line, "column": p.column, "rule": p.rule, "message": p.message,
                      "severity": p.severity} for p in report.problems],
        "derived": dict(derived or {}),
    }


def from_json(doc: Mapping[str, Any]) -> tuple[Report, dict[str, Any]]:
    """The report and derived results of :func:`report_json`'s document."""
    report = Report(source=doc.get("source", ""), graph=doc.get("graph"), loaded=bool(doc.get("loaded")),
                    triples=int(doc.get("triples") or 0), rows=dict(doc.get("rows") or {}),
                    classes=dict(doc.get("classes") or {}), linked=dict(doc.get("linked") or {}),
                    unlinked=list(doc.get("unlinked") or []), unplaced=list(doc.get("unplaced") or []),
                    notes=list(doc.get("notes") or []), seconds=dict(doc.get("seconds") or {}))
    report.problems = [Problem(p["file"], p.get("line"), p.get("column"), p["rule"], p["message"],
                               p.get("severity") or VIOLATION) for p in doc.get("problems") or []]
    derived = doc.get("derived")
    return report, dict(derived) if isinstance(derived, Mapping) else {}

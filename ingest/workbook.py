"""The study as one Excel workbook: a template generated from the column spec, and its sheets read as the
study's CSV files.

``write_template`` writes an instructions sheet and one sheet per study file (:data:`ingest.study.SPECS`):
row 1 the columns, with their help as a comment, row 2 an example (its first cell starts with ``e.g.``; it is
skipped until it is overwritten), then the data, optionally the rows of a study folder. Drop-down lists offer
the allowed values and the ids of the referenced sheets.

``workbook_tables`` turns a filled workbook into CSV files in a folder, so that the workbook is checked and
loaded exactly as a study folder is; :meth:`SheetMap.relocate` then rewrites every problem of the report to
the workbook's sheet, row and column (``study.xlsx[practices]:12:title (C12)``).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import InputError
from ingest.report import Report
from ingest.spec import KINDS, FileSpec
from ingest.study import ID_COLUMN, SPECS

INSTRUCTIONS = "Instructions"
EXAMPLE_MARK = "e.g. "
#: rows the drop-down lists and text formats cover
LIST_ROWS = 2000
#: examples for the files the shipped study leaves empty
EXAMPLES = {
    "assessments.csv": {"city_id": "bilbao", "edition": "2023", "axis": "governance",
                        "situation": "Open data portal and a municipal data office since 2022.",
                        "opportunities": "Use of the data office for mobility planning.",
                        "barriers": "weak-strategic-planning", "enablers": "political-leadership",
                        "source_url": "https://example.org/study-2023/bilbao"},
    "city_barriers.csv": {"city_id": "bilbao", "edition": "2023", "barrier_id": "weak-strategic-planning",
                          "source_url": "https://example.org/study-2023/bilbao"},
}


def sheet_name(file: str) -> str:
    """``practices.csv`` → ``practices`` (Excel allows 31 characters)."""
    return file.removesuffix(".csv")[:31]


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _shipped_rows(folder: Path | None, name: str) -> list[dict]:
    if folder is None or not (folder / name).is_file():
        return []
    from ingest.read import sniff_separator
    text = (folder / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines(keepends=True), delimiter=sniff_separator(text.split("\n", 1)[0])))


def _example(name: str, spec: FileSpec, shipped: Path | None) -> dict:
    rows = _shipped_rows(shipped, name)
    row = dict(rows[0]) if rows else dict(EXAMPLES.get(name, {}))
    return {c: row.get(c, "") for c in spec.names}


def _help(spec: FileSpec, col) -> str:
    kind = KINDS.get(col.kind, "")
    if col.kind == "enum":
        kind = "one of: " + ", ".join(col.values)
    parts = [col.help, kind]
    if col.ref:
        parts.append(f"an id of the sheet {sheet_name(col.ref)}")
    parts.append("required" if col.required else "may be empty")
    return "; ".join(p for p in parts if p)


def _validations(ws, spec: FileSpec) -> None:
    """Drop-down lists: the allowed values of enumerations and SDGs, the ids of referenced sheets."""
    from openpyxl.worksheet.datavalidation import DataValidation
    for i, col in enumerate(spec.columns):
        many = col.kind in ("slugs", "years", "sdgs")
        if col.kind == "enum":
            formula = '"' + ",".join(col.values) + '"'
        elif col.kind in ("sdg", "sdgs"):
            formula = '"' + ",".join(str(n) for n in range(1, 18)) + '"'
        elif col.ref and col.ref in ID_COLUMN and col.ref in SPECS:
            target = SPECS[col.ref]
            j = target.names.index(ID_COLUMN[col.ref])
            formula = f"'{sheet_name(col.ref)}'!${_letter(j)}$3:${_letter(j)}${LIST_ROWS}"
        else:
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        if many:  # a helper to pick one value: several are typed separated by ';'
            dv.showErrorMessage = False
            dv.promptTitle, dv.prompt = col.name, "pick one, or type several separated by ; (no spaces)"
        else:
            dv.errorTitle, dv.error = col.name, _help(spec, col)[:255]
            dv.showErrorMessage = True
        dv.showInputMessage = many
        dv.add(f"{_letter(i)}2:{_letter(i)}{LIST_ROWS}")
        ws.add_data_validation(dv)


def write_template(path: str | Path, *, rows_from: Path | None = None, examples_from: Path | None = None) -> Path:
    """Write the study workbook: instructions, then one sheet per study file with its columns, an example row
    and, with ``rows_from`` (a study folder), that folder's rows. ``examples_from`` (default: the shipped
    study) gives the example rows."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from ingest import resources
    examples_from = examples_from or resources.study_dir()
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = INSTRUCTIONS
    lines = [
        ("SCKG study workbook: one sheet per study file", True),
        (("Fill one row per record from row 3 on; row 2 is an example (it starts with 'e.g.' and is ignored until "
         "you overwrite it)."), False),
        ("Row 1 holds the column names: do not rename, move or delete them. Hover over a name for what to write.",
         False),
        ("Several values in one cell are separated by ';' without spaces: 2012;2021, uclg;un-habitat, 9;11.", False),
        (("Drop-down lists offer the allowed values and the ids of the other sheets (add a city to 'cities' before "
         "a practice names it)."), False),
        (("Spanish and French texts go in the _es and _fr columns; say where each comes from in 'translation' "
         "(title_es:source;summary_fr:editorial)."), False),
        ("A sheet left without data rows keeps the rows of the study already loaded (data/study).", False),
        (("Check: sckg validate THIS.xlsx    Load: sckg ingest THIS.xlsx    (docs/data-entry.md explains "
         "every column and message)"), False),
        ("", False),
        ("sheet", True), ("one row per", True), ("identified by", True), ("required columns", True),
    ]
    for text, bold in lines[:-4]:
        info.append([text])
        if bold:
            info.cell(info.max_row, 1).font = Font(bold=True, size=14)
    info.append([t for t, _ in lines[-4:]])
    for c in info[info.max_row]:
        c.font = Font(bold=True)
    for name, spec in SPECS.items():
        info.append([sheet_name(name), spec.description, ", ".join(spec.key),
                     ", ".join(c.name for c in spec.columns if c.required)])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 70
    info.column_dimensions["C"].width = 28
    info.column_dimensions["D"].width = 40

    grey = Font(italic=True, color="808080")
    head = PatternFill("solid", fgColor="DDEBF7")
    for name, spec in SPECS.items():
        ws = wb.create_sheet(sheet_name(name))
        ws.append(spec.names)
        for i, col in enumerate(spec.columns):
            cell = ws.cell(1, i + 1)
            cell.font = Font(bold=True)
            cell.fill = head
            cell.comment = Comment(_help(spec, col), "SCKG", width=300, height=120)
            ws.column_dimensions[_letter(i)].width = max(12, min(40, len(col.name) + 4))
        example = _example(name, spec, examples_from)
        values = [example[c] for c in spec.names]
        values[0] = EXAMPLE_MARK + (values[0] or "")
        ws.append(values)
        for c in ws[2]:
            c.font = grey
        for row in _shipped_rows(rows_from, name):
            ws.append([row.get(c, "") for c in spec.names])
        for r in ws.iter_rows(min_row=2):
            for c in r:
                c.number_format = "@"
        ws.freeze_panes = "A2"
        _validations(ws, spec)
    path = Path(path)
    wb.save(path)
    return path


# --- reading ------------------------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell as the text a CSV file would hold: numbers without a spurious ``.0``, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class SheetMap:
    """Where each CSV line written from a workbook came from: file → (label, CSV line → sheet row, header)."""

    workbook: str
    sheets: dict[str, tuple[str, dict[int, int], list[str]]] = field(default_factory=dict)

    def locate(self, file: str, line: int | None, column: str | None):
        label, lines, header = self.sheets[file]
        row = lines.get(line, line) if line is not None else None
        if column and column in header and row is not None:
            column = f"{column} ({_letter(header.index(column))}{row})"
        return label, row, column

    def relocate(self, report: Report) -> Report:
        """Rewrite the report's files, rows and columns to the workbook's sheets, rows and cells."""
        out = []
        for p in report.problems:
            if p.file in self.sheets:
                file, line, column = self.locate(p.file, p.line, p.column)
                message = p.message
                if p.rule == "duplicate-geonames":  # the other city's line, in the same sheet
                    message = re.sub(r", line ([0-9]+)\)",
                                     lambda m, rows=self.sheets[p.file][1]:
                                     f", row {rows.get(int(m.group(1)), m.group(1))})", message)
                p = dataclasses.replace(p, file=file, line=line, column=column, message=message)
            out.append(p)
        report.problems = out
        report.rows = {self.sheets[k][0] if k in self.sheets else k: v for k, v in report.rows.items()}

        def place(text: str) -> str:
            def sub(m):
                file, line = m.group(1), int(m.group(2))
                if file not in self.sheets:
                    return m.group(0)
                label, row, _ = self.locate(file, line, None)
                return f"{label}:{row}"
            return re.sub(r"\b([a-z_]+\.csv):([0-9]+)", sub, text)
        report.unplaced = [place(u) for u in report.unplaced]
        return report


def workbook_tables(path: str | Path, folder: Path) -> SheetMap:
    """Write the data sheets of a study workbook as CSV files into ``folder``; sheets without data rows are
    left out (the study already loaded supplies them).

    :raises InputError: the file is not a readable workbook, or has a sheet that is not a study file.
    """
    import zipfile

    import openpyxl
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(path.name, None, f"cannot be read as an Excel workbook (.xlsx): {e}") from e
    by_sheet = {sheet_name(n): n for n in SPECS}
    out = SheetMap(path.name)
    try:
        for ws in wb.worksheets:
            if ws.title == INSTRUCTIONS:
                continue
            name = by_sheet.get(ws.title) or (ws.title if ws.title in SPECS else None)
            if name is None:
                raise InputError(path.name, None, f"the sheet '{ws.title}' is not a study table; the sheets are: "
                                                  f"{', '.join(by_sheet)} (and {INSTRUCTIONS})")
            rows = list(ws.iter_rows(values_only=True))
            if not rows:
                continue
            header = [cell_text(v).strip() for v in rows[0]]
            while header and not header[-1]:
                header.pop()
            data = []
            for n, values in enumerate(rows[1:], start=2):
                cells = [cell_text(v) for v in values[:len(header)]]
                cells += [""] * (len(header) - len(cells))
                if n == 2 and cells and cells[0].startswith(EXAMPLE_MARK.strip()):
                    continue
                if all(not c.strip() for c in cells) and not any(
                        cell_text(v).strip() for v in values[len(header):]):
                    continue
                extra = [cell_text(v) for v in values[len(header):]]
                while extra and not extra[-1].strip():
                    extra.pop()
                data.append((n, cells + extra))
            if not data:
                continue
            lines: dict[int, int] = {1: 1}
            with open(folder / name, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                line = 2
                for n, cells in data:
                    lines[line] = n
                    w.writerow(cells)
                    line += 1 + sum(c.count("\n") for c in cells)
            out.sheets[name] = (f"{path.name}[{ws.title}]", lines, header)
    finally:
        wb.close()
    return out

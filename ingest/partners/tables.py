"""Reading a partner's source as a table: a header and numbered rows, from a workbook, CSV or JSON file.

Row numbers are the ones a person sees: the workbook's row number, the CSV line (header = 1), the
JSON array position (first record = 1).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE files): not read; save as .xlsx


@dataclass
class Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, list]]
    sheet: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


def sniff_format(path: Path) -> str:
    """``xlsx``, ``json`` or ``csv`` (``xls`` for a legacy workbook, which no mapping can declare), from the
    file's first bytes, never from its name."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _clean(title) -> str:
    return " ".join(str(title).split()) if title is not None else ""


def _open_workbook(path: Path):
    import openpyxl
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(path.name, None, f"not a readable Excel workbook ({e})") from e


def _sheet(wb, path: Path, name: str):
    if name not in wb.sheetnames:
        raise InputError(path.name, None, f"the workbook has no sheet {name!r} (it has: {', '.join(wb.sheetnames)})")
    return wb[name]


def read_xlsx(path: Path, sheet: str, header_row: int = 1) -> Table:
    """Read one sheet of a workbook: the header row and every non-empty row after it.

    :raises InputError: the file is not a workbook, or the sheet is missing.
    """
    wb = _open_workbook(path)
    try:
        ws = _sheet(wb, path, sheet)
        header: list[str] = []
        rows: list[tuple[int, list]] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if n < header_row:
                continue
            if n == header_row:
                header = [_clean(v) for v in values]
                continue
            if any(v not in (None, "") for v in values):
                rows.append((n, list(values)))
        if not header:
            raise InputError(path.name, header_row, f"sheet {sheet!r} has no header row {header_row}")
        return Table(path, header, rows, sheet)
    finally:
        wb.close()


def read_metadata_sheet(path: Path, sheet: str) -> list[list[str]]:
    """Every non-empty row of a metadata sheet, as its non-empty cell texts.

    :raises InputError: the sheet is missing.
    """
    wb = _open_workbook(path)
    try:
        ws = _sheet(wb, path, sheet)
        out = []
        for values in ws.iter_rows(values_only=True):
            cells = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
            if cells:
                out.append(cells)
        return out
    finally:
        wb.close()


def read_csv(path: Path, header_row: int = 1) -> Table:
    """Read a UTF-8 CSV file.

    A file cut short (an upload that stopped mid-row) is refused rather than read as shorter values: a last
    record without its final newline that is short or leaves a quote open, or any record with fewer fields
    than the header, names its row.

    :raises InputError: the file is not UTF-8 text, has no header, or a row is short or cut.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path.name, None, f"not UTF-8 text ({e})") from e
    ends_cleanly = text.endswith(("\n", "\r"))
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise InputError(path.name, None, f"not a CSV file ({e})") from e
    if not ends_cleanly and text and _open_quote(text):
        raise InputError(path.name, len(lines), "the last row ends inside a quoted value and the file has no "
                         "final newline: the file looks cut short; send it whole")
    if len(lines) < header_row:
        raise InputError(path.name, header_row, "the file has no header row")
    header = [_clean(v) for v in lines[header_row - 1]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1  # trailing empty header cells name no column
    rows = []
    for n, v in enumerate(lines[header_row:], start=header_row + 1):
        if not any(x.strip() for x in v):
            continue
        if len(v) < width:
            last = n == len(lines) and not ends_cleanly
            raise InputError(path.name, n, f"row {n} has {len(v)} of the header's {width} fields"
                             + (" and the file has no final newline: the file looks cut short; send it whole"
                                if last else "; every row needs a value (possibly empty) for each column"))
        rows.append((n, list(v)))
    return Table(path, header, rows)


def _open_quote(text: str) -> bool:
    """Whether the text ends inside a quoted CSV field (an odd number of quotes in its last record)."""
    try:
        list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def read_json(path: Path) -> Table:
    """Read a JSON array of flat objects (or ``{"rows": [...]}``); keys are the column titles.

    :raises InputError: not JSON, or not a list of objects.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(path.name, None, f"not valid JSON ({e})") from e
    records = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(path.name, None, "expected a JSON array of objects (one per row), or {\"rows\": [...]}")
    header: list[str] = []
    for r in records:
        header.extend(k for k in r if k not in header)
    rows = [(n, [r.get(k) for k in header]) for n, r in enumerate(records, start=1)]
    return Table(path, [_clean(h) for h in header], rows)


def read_table(path: Path, fmt: str, *, sheet: str | None = None, header_row: int = 1) -> Table:
    """Read ``path`` as ``fmt`` (xlsx, csv, json).

    :raises InputError: see the readers.
    """
    if fmt == "xlsx":
        if not sheet:
            raise InputError(path.name, None, "the mapping names no sheet to read from this workbook")
        return read_xlsx(path, sheet, header_row)
    if fmt == "csv":
        return read_csv(path, header_row)
    return read_json(path)


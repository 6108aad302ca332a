"""Small workbooks in the layout of UN-Habitat's green-areas file, built with openpyxl in a temp folder."""
from __future__ import annotations

from pathlib import Path

import openpyxl

YEARS = (1990, 2000, 2010, 2020)
HEADER = (["Country or Territory Name", "City Code", "City Name", "SDG Sub-Region", "SDG Region"]
          + [f"Average share of green area in city/ urban area {y} (%)" for y in YEARS]
          + [f"Green area per capita {y} (m2/person)" for y in YEARS] + ["Data Source", "FootNote"])

ROWS = [
    ["Portugal", "PT_LISBOA", "Lisboa (Lisbon)", "Southern Europe", "Europe", 20.5, 21.0, 22.25, 23.0,
     30.0, 29.5, 28.0, 27.5, "test", "note"],
    ["Spain", "ES_VALENCIA", "Valencia", "Southern Europe", "Europe", 10.0, 11.0, 12.0, 13.0,
     9.0, 8.0, 7.0, 6.0, "test", "note"],
    ["Brazil", "BR_SAO_PAULO", "São Paulo", "South America", "LAC", 15.0, 14.0, 13.0, 12.0,
     20.0, 18.0, 16.0, 14.0, "test", "note"],
    ["Kenya", "KE_NAKURU", "Nakuru", "Eastern Africa", "SSA", 5.0, 6.0, 7.0, 8.0,
     1.0, 2.0, 3.0, 4.0, "test", "note"],
    ["Global Average", None, None, None, "Global Average", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, "test", "note"],
]


def write_workbook(path: Path, header=None, rows=None, *, data_sheet="Data", metadata=True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = data_sheet
    ws.append(list(header or HEADER))
    for r in rows if rows is not None else ROWS:
        ws.append(list(r))
    if metadata:
        meta = wb.create_sheet("Metadata")
        meta.append([None, "Last Update: ", "August 2024"])
        meta.append([None, "Suggested Citation:", "Test citation"])
        meta.append([None, "Metadata on data production process\n\nA test description."])
    wb.save(path)
    return path


def observations_in(rows) -> int:
    """Numeric cells in the eight indicator columns of rows that have a city code."""
    return sum(1 for r in rows if r[1] for v in r[5:13] if isinstance(v, (int, float)))

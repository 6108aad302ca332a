"""Reading CSV files: records with their lines, and every problem of a file found in one pass."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import InputProblems
from ingest.read import date_precision, parse_csv, read_csv
from ingest.study import SPECS
from tests.ingest.conftest import STUDY, csv_rows

SPEC = SPECS["practices.csv"]


@pytest.mark.parametrize("name", sorted(p.name for p in STUDY.glob("*.csv")))
def test_every_study_file_reads_with_its_row_count(name):
    records = read_csv(STUDY / name, SPECS[name])
    assert len(records) == len(csv_rows(name))
    assert [r.values for r in records] == [{k: v.strip() for k, v in row.items()} for row in csv_rows(name)]


def test_lines_count_the_header_as_line_one_and_follow_multiline_cells():
    data = ("practice_id,title,city_id,edition,axis,axis_label,summary,start_year,sdgs,barriers,enablers,partners,"
            "website,source_url\n"
            'a,A,bilbao,,,,"two\nlines",,,,,,,https://example.org/a\n'
            "b,B,bilbao,,,,,,,,,,,https://example.org/b\n").encode()
    records, problems = parse_csv("practices.csv", data, SPEC)
    assert problems == []
    assert [(r["practice_id"], r.line) for r in records] == [("a", 2), ("b", 4)]


def header():
    return ",".join(SPEC.names) + "\n"


def row(**kw):
    values = dict.fromkeys(SPEC.names, "")
    values.update(practice_id="p", title="T", city_id="bilbao", source_url="https://example.org/p")
    values.update(kw)
    return ",".join(values[n] for n in SPEC.names) + "\n"


def problems_of(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return parse_csv("practices.csv", data, SPEC)[1]


def test_all_problems_of_a_file_come_together():
    found = problems_of(header() + row(start_year="20x3") + row(practice_id="q", sdgs="18")
                        + row(practice_id="r", title=""))
    assert [(p.line, p.column, p.rule) for p in found] == [
        (2, "start_year", "year-format"), (3, "sdgs", "sdg-range"), (4, "title", "required")]
    with pytest.raises(InputProblems) as e:
        read_csv_text(header() + row(start_year="20x3") + row(practice_id="q", sdgs="18"))
    assert len(e.value.problems) == 2


def read_csv_text(text):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "practices.csv"
        p.write_text(text, encoding="utf-8")
        return read_csv(p, SPEC)


@pytest.mark.parametrize("cell,message", [
    ("0", "SDG 0 does not exist; use numbers 1 to 17 separated by ';'"),
    ("11;18", "SDG 18 does not exist; use numbers 1 to 17 separated by ';'"),
    ("11, 16", "'11, 16' is not an SDG number"),
])
def test_sdg_numbers_outside_1_to_17_are_refused(cell, message):
    found = problems_of(header() + row(sdgs=f'"{cell}"'))
    assert [p.rule for p in found] == ["sdg-range"]
    assert message in found[0].message


def test_a_year_with_letters_is_refused_in_words():
    (p,) = problems_of(header() + row(start_year="20x3"))
    assert str(p) == ("practices.csv:2:start_year: start_year must be a four-digit year, e.g. 2023; got '20x3' "
                      "[year-format]")


def test_header_problems_name_the_column_and_the_expected_ones():
    text = header().replace("city_id,", "").replace(",source_url,", ",source_url,colour,")
    found = problems_of(text)
    assert {(p.line, p.column, p.rule) for p in found} == {(1, "city_id", "missing-column"),
                                                           (1, "colour", "unknown-column")}
    assert "practice_id, title, city_id" in found[0].message


def test_rows_with_too_many_or_too_few_cells():
    found = problems_of(header() + row().rstrip("\n") + ",extra\n" + "p2,T2\n")
    assert [(p.line, p.rule) for p in found] == [(2, "extra-cell"), (3, "missing-cell")]


def test_duplicate_ids_name_the_first_line():
    (p,) = problems_of(header() + row() + row())
    assert (p.line, p.column, p.rule) == (3, "practice_id", "duplicate-id")
    assert "first on line 2" in p.message


def test_non_utf8_names_line_column_and_offset():
    data = (header() + row(title="Caf\u00e9")).encode("latin-1")
    (p,) = problems_of(data)
    assert (p.line, p.column, p.rule) == (2, "title", "encoding")
    assert f"offset {data.index(bytes([0xE9]))}" in p.message


def test_empty_file_and_blank_lines():
    (p,) = problems_of(b"")
    assert (p.line, p.rule) == (1, "empty-file")
    records, found = parse_csv("practices.csv", (header() + "\n" + row()).encode(), SPEC)
    assert found == [] and [r.line for r in records] == [3]


def test_bom_is_accepted():
    records, found = parse_csv("practices.csv", b"\xef\xbb\xbf" + (header() + row()).encode(), SPEC)
    assert found == [] and len(records) == 1


@pytest.mark.parametrize("value,kind", [("2023-05-10", "date"), ("2021-11", "gYearMonth"), ("2005", "gYear"),
                                        ("2023-02-30", None), ("2023-13", None), ("05/10/2023", None)])
def test_date_precision(value, kind):
    assert date_precision(value) == kind


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from(list(',"\n\r;x0é') + SPEC.names), max_size=60)
       .map(lambda parts: (",".join(SPEC.names) + "\n" + "".join(parts)).encode("utf-8")))
def test_any_bytes_give_records_or_located_problems_never_a_crash(data):
    records, problems = parse_csv("practices.csv", data, SPEC)
    for p in problems:
        assert p.file == "practices.csv" and (p.line is None or p.line >= 1) and p.rule and p.message
    for r in records:
        assert set(r.values) == set(SPEC.names) and r.line >= 2

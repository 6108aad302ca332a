"""CSV input as spreadsheets save it: comma, semicolon or tab separators; web addresses told what is wrong."""
from __future__ import annotations

import pytest

from ingest.read import iri_problem, parse_csv, sniff_separator
from ingest.study import SPECS

CITIES = SPECS["cities.csv"]


def cities(sep: str, *rows: list[str]) -> bytes:
    lines = [sep.join(CITIES.header_columns)]
    lines += [sep.join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def bilbao(url="https://example.org/bilbao", editions="2023"):
    return ["bilbao", "Bilbao", "ES", "Spain", "Europe", "", "", editions, url, ""]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_the_separator_is_sniffed_from_the_header(sep):
    assert sniff_separator(sep.join(CITIES.header_columns)) == sep
    records, problems = parse_csv("cities.csv", cities(sep, bilbao()), CITIES)
    assert problems == []
    assert records[0]["name"] == "Bilbao" and records[0]["source_url"] == "https://example.org/bilbao"


def test_a_semicolon_file_keeps_quoted_multi_valued_cells():
    records, problems = parse_csv("cities.csv", cities(";", bilbao(editions='"2012;2023"')), CITIES)
    assert problems == []
    assert records[0].items("editions") == ["2012", "2023"]


def test_a_single_column_header_is_one_problem_with_a_hint():
    _records, problems = parse_csv("cities.csv", cities("|", bilbao()), CITIES)
    assert len(problems) == 1
    assert problems[0].line == 1 and problems[0].rule == "missing-column"
    assert "read as a single column" in problems[0].message
    assert sniff_separator("city_id") == ","


def test_a_url_with_a_space_is_told_about_the_space():
    _records, problems = parse_csv("cities.csv", cities(";", bilbao(url="https://example.org/a b")), CITIES)
    (p,) = problems
    assert (p.file, p.line, p.column, p.rule) == ("cities.csv", 2, "source_url", "iri-format")
    assert "contains a space at character 22" in p.message
    assert "must start with" not in p.message
    assert str(p).startswith("cities.csv:2:source_url: ")


@pytest.mark.parametrize("value, reason", [
    ("www.example.org", "does not start with http:// or https://; add https://"),
    ("ftp://example.org", "does not start with http:// or https://"),
    ("https:///page", "names no host"),
    ("https://", "names no host"),
    ("https://example.org/<a>", "the character '<'"),
    ("https://example.org/a\tb", "whitespace character"),
])
def test_each_kind_of_bad_url_has_its_reason(value, reason):
    assert reason in iri_problem(value)


def test_good_urls_pass():
    assert iri_problem("https://uclg-digitalcities.org/en/practice/bilbao-data-government/") is None
    assert iri_problem("http://example.org/?q=1#x") is None

"""Each kind of bad input gives a clear error naming file:row:column and the rule, a non-zero exit from
``sckg validate`` and ``sckg ingest``, and leaves the store as it was."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from app.cli import cli
from tests.ingest.conftest import BAD, store_fingerprint


def last_line(folder: str) -> int:
    """The physical line of the appended defective row (counted on the bytes, header = line 1)."""
    return (BAD / folder / "practices.csv").read_bytes().count(b"\n")


CASES = {
    # folder: (expected location prefix, rule)
    "missing-column": (lambda: "practices.csv:1:city_id", "missing-column"),
    "unknown-city": (lambda: f"practices.csv:{last_line('unknown-city')}:city_id", "unknown-reference"),
    "sdg-zero": (lambda: f"practices.csv:{last_line('sdg-zero')}:sdgs", "sdg-range"),
    "sdg-eighteen": (lambda: f"practices.csv:{last_line('sdg-eighteen')}:sdgs", "sdg-range"),
    "duplicate-id": (lambda: f"practices.csv:{last_line('duplicate-id')}:practice_id", "duplicate-id"),
    "non-utf8": (lambda: f"practices.csv:{last_line('non-utf8')}:title", "encoding"),
    "empty": (lambda: "practices.csv:1", "empty-file"),
    "bad-year": (lambda: f"practices.csv:{last_line('bad-year')}:start_year", "year-format"),
    "extra-cell": (lambda: f"practices.csv:{last_line('extra-cell')}:", "extra-cell"),
}
MESSAGES = {
    "sdg-zero": "SDG 0 does not exist",
    "sdg-eighteen": "SDG 18 does not exist",
    "bad-year": "start_year must be a four-digit year",
    "unknown-city": "'atlantis' is not in cities.csv",
    "non-utf8": "not UTF-8",
    "empty": "the file is empty",
}


def problem_line(output: str, where: str, rule: str) -> str:
    for line in output.splitlines():
        if line.startswith(where) and line.endswith(f"[{rule}]"):
            return line
    raise AssertionError(f"no line starting {where!r} with rule [{rule}] in:\n{output}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_names_file_row_column_and_rule(case):
    where, rule = CASES[case][0](), CASES[case][1]
    result = CliRunner().invoke(cli, ["validate", str(BAD / case / "practices.csv")])
    assert result.exit_code == 1, result.output
    line = problem_line(result.output, where, rule)
    if case in MESSAGES:
        assert MESSAGES[case] in line
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_ingest_fails_and_leaves_store_unchanged(case, loaded_store_dir, tmp_path):
    store_dir = tmp_path / "store"
    shutil.copytree(loaded_store_dir, store_dir)
    before = store_fingerprint(store_dir)
    env = {"SCKG_STORE": str(store_dir), "SCKG_DUMPS_DIR": str(tmp_path / "dumps"),
           "SCKG_INDEX_PATH": str(tmp_path / "search.sqlite")}
    result = CliRunner().invoke(cli, ["ingest", "--no-progress", str(BAD / case / "practices.csv")], env=env)
    assert result.exit_code == 1, result.output
    problem_line(result.output, CASES[case][0](), CASES[case][1])
    assert "nothing was written" in result.output
    assert store_fingerprint(store_dir) == before


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = (BAD / "bad-year" / "practices.csv").read_text(encoding="utf-8")
    text += "second-test-portal,Second,bilbao,2023,governance,,,2021,0,,,,,https://example.org/x\n"
    (tmp_path / "practices.csv").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "practices.csv")])
    assert result.exit_code == 1
    assert "[year-format]" in result.output and "[sdg-range]" in result.output


def test_missing_path_is_an_error_with_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nowhere.csv")])
    assert result.exit_code == 2
    assert "nowhere.csv: no such file or folder" in result.output

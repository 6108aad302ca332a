"""The documentation names every setting, every command and every named query."""
from __future__ import annotations

from pathlib import Path

from app.cli import cli
from app.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [s.name for s in SETTINGS if f"`SCKG_{s.name}`" not in text]
    assert not missing, f"add these settings to docs/configuration.md: {missing}"


def test_every_command_is_in_the_readme():
    text = (ROOT / "README.md").read_text()
    missing = [name for name in cli.commands if f"sckg {name}" not in text]
    assert not missing, f"name these commands in README.md: {missing}"


def test_the_readme_gives_two_set_up_commands_and_ci_runs_the_second():
    text = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0].strip() for b in text.split("```sh\n")[1:3]]
    assert len(blocks) == 2 and "sckg serve" in (ROOT / blocks[0]).read_text()
    assert blocks[1] in (ROOT / ".ci" / "run").read_text()

"""A config copied verbatim from config.example.toml starts, and `check` agrees with `remind`
about a destination whose webhook variable is not set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.cli import CliRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The README's step: copy config.example.toml to edicalendar.toml in a folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("EDICALENDAR_SLACK_COMMS_URL", "EDICALENDAR_DATA_DIR", "EDICALENDAR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    target = tmp_path / "edicalendar.toml"
    shutil.copy(ROOT / "config.example.toml", target)
    return target


def test_a_verbatim_copy_checks_and_reminds(copied: Path, run_cli: CliRunner) -> None:
    """`check` says ok and `remind` runs a tick (to the console) with no variable set."""
    check = run_cli("check")
    assert check.code == 0, check.err
    assert check.err == ""
    remind = run_cli("remind", "--dry-run")
    assert remind.code == 0, remind.err
    assert remind.out.rstrip().endswith("(dry run: nothing sent)")


def test_check_warns_where_remind_refuses(copied: Path, run_cli: CliRunner) -> None:
    """Uncommenting the Slack destination without its variable: `check` still passes but warns
    with the message `remind` refuses with, so nobody learns of it at the first reminder."""
    text = copied.read_text(encoding="utf-8")
    for line in ("[destinations.comms-slack]", 'kind = "slack"', 'url_env = "EDICALENDAR_SLACK'):
        text = text.replace(f"# {line}", line, 1)
    copied.write_text(text, encoding="utf-8")
    needle = "destinations.comms-slack.url_env: environment variable EDICALENDAR_SLACK_COMMS_URL"
    check = run_cli("check")
    assert check.code == 0
    assert check.err.startswith("warning: ") and needle in check.err
    assert "`serve` and `remind` refuse to start" in check.err
    remind = run_cli("remind", "--dry-run")
    assert remind.code == 1
    assert needle in remind.err

"""What the wallchart tests share: a config on the shipped calendars with a public address and
an organisation (a module names its own by overriding the `organisation` fixture), today fixed
at 1 December 2026, and the command line run on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from support.cli import CliRunner, fix_today
from support.paths import REPO_ROOT

BASE = "https://calendar.example.nhs.uk"


@pytest.fixture
def organisation() -> str:
    return "Example NHS Trust"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """The data folder; nothing creates it until a command writes (freezes, a database)."""
    return tmp_path / "state"


@pytest.fixture
def config(tmp_path: Path, state: Path, organisation: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "edicalendar.toml"
    (tmp_path / "campaigns").mkdir()
    path.write_text(
        f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n'
        f'campaigns_dir = "{tmp_path / "campaigns"}"\ndata_dir = "{state}"\n\n'
        f'[feeds]\nbase_url = "{BASE}"\norganisation = "{organisation}"\n',
        encoding="utf-8",
    )
    fix_today(monkeypatch, dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    return path


@pytest.fixture
def cli(config: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    return CliRunner(capsys, config)

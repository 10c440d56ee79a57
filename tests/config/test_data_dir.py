"""Where the database lives: beside the config file, else in the per-user data folder; and a
command that only reads never creates it (run from `/`, it once made `/edicalendar-data`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.cli import CliRunner
from support.paths import bare_env

READ_ONLY = [
    ["upcoming"],
    ["check"],
    ["campaigns"],
    ["campaign", "show", "black-history-month"],
    ["ledger"],
    ["freeze", "list"],
    ["calendars"],
    ["clashes", "2026-10-01"],
    ["occurrences", "--from", "2026-01-01", "--to", "2026-01-31"],
    ["remind", "--dry-run"],
    ["remind", "--at", "2027-09-03T09:00"],
]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to run from, with no config file and no data folder variable."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("EDICALENDAR_DATA_DIR", raising=False)
    monkeypatch.delenv("EDICALENDAR_DATABASE_URL", raising=False)
    return folder


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda a: " ".join(a))
def test_read_only_commands_create_nothing(
    argv: list[str], elsewhere: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    result = run_cli(*argv)
    assert result.code == 0, result.err
    assert list(elsewhere.iterdir()) == []
    assert not (tmp_path / "user-data").exists()


def test_progress_follows_the_person_not_the_folder(
    elsewhere: Path, tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking a task done from one folder is seen from another: one per-user database."""
    done = run_cli("campaign", "done", "black-history-month", "draft-blog", "--year", "2026")
    assert done.code == 0, done.err
    assert (tmp_path / "user-data" / "edicalendar" / "edicalendar.db").is_file()
    assert list(elsewhere.iterdir()) == []
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    shown = run_cli("campaign", "show", "black-history-month", "--year", "2026").out
    assert "[x]" in shown and "draft-blog" in shown
    check = run_cli("check").out
    assert f"database {tmp_path / 'user-data' / 'edicalendar' / 'edicalendar.db'}" in check


def test_the_data_folder_follows_the_config_file(
    elsewhere: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    """`data_dir` in a config file is relative to that file, wherever the command runs."""
    site = tmp_path / "site"
    site.mkdir()
    config = site / "edicalendar.toml"
    config.write_text('[data]\ndata_dir = "state"\n', encoding="utf-8")
    cli = run_cli.with_config(config)
    assert cli("campaign", "done", "black-history-month", "draft-blog", "--year", "2026").code == 0
    assert (site / "state" / "edicalendar.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_missing_data_dir_variable_is_not_created_by_reading(
    elsewhere: Path, tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EDICALENDAR_DATA_DIR naming a folder that does not exist: reading reports nothing
    recorded yet (no "unexpected FileNotFoundError"); the first change creates it."""
    target = tmp_path / "not-yet" / "data"
    monkeypatch.setenv("EDICALENDAR_DATA_DIR", str(target))
    result = run_cli("ledger")
    assert (result.code, result.out.strip()) == (0, "Deliveries: nothing found")
    assert not target.exists()
    assert (
        run_cli("campaign", "done", "black-history-month", "draft-blog", "--year", "2026").code == 0
    )
    assert (target / "edicalendar.db").is_file()


def _tree(root: str) -> dict[str, tuple[int, int] | None]:
    """The names in `root` (their times move with other jobs' files: /tmp), and everything
    inside an `edicalendar-data` there with its size and modification time in ns."""
    found: dict[str, tuple[int, int] | None] = dict.fromkeys(os.listdir(root))
    data = Path(root) / "edicalendar-data"
    if data.is_dir():
        for path in data.rglob("*"):
            info = path.stat()
            found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def test_from_the_root_folder_as_a_subprocess(tmp_path: Path) -> None:
    """The reported case: `edicalendar upcoming` run from `/` leaves `/` as it was (compared
    entry by entry, so a folder left there by something else does not hide a new one)."""
    before = _tree("/")
    result = subprocess.run(
        [sys.executable, "-m", "edicalendar", "upcoming", "--days", "7"],
        cwd="/",
        env=bare_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _tree("/") == before

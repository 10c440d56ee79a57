"""Fixtures for the importer tests: a calendar folder with a commented calendar, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def fixtures() -> Path:
    """The folder of source files (ICS, CSV) used by these tests."""
    return FIXTURES


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with calendars/trust.toml (comments included) and no config."""
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    shutil.copy(FIXTURES / "trust.toml", calendars / "trust.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run `edicalendar` in-process with the given arguments; return code, stdout, stderr."""
    from edicalendar.cli import main

    monkeypatch.setenv("COLUMNS", "240")  # keep report rows on one line for assertions

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run

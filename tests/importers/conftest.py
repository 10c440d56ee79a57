"""Fixtures for the importer tests: the source files, and a working directory whose calendar has
comments (which imports must keep). The CLI runner, `run_cli`, is in tests/conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


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

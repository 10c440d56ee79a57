"""Fixtures for the campaign tests: a config pointing at small fixture calendars and campaigns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The fixture data folder (calendars/, campaigns/, broken/)."""
    return DATA


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write an edicalendar.toml using the fixture calendar and the given campaigns folder."""

    def write(campaigns: Path | None = None, extra: str = "", nation: str | None = None) -> Path:
        path = tmp_path / "edicalendar.toml"
        lines = [
            f'nation = "{nation}"' if nation else "",
            "[data]",
            f'calendars_dir = "{(DATA / "calendars").as_posix()}"',
            f'campaigns_dir = "{(campaigns or DATA / "campaigns").as_posix()}"',
            f'data_dir = "{(tmp_path / "data").as_posix()}"',
            extra,
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def catalog() -> object:
    """The fixture calendar, loaded."""
    from edicalendar.calendar.catalog import load_catalog

    return load_catalog(DATA / "calendars")

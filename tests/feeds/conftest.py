"""Shared fixtures for the feed tests: the fixture calendar and what it holds in 2026 (from
independent sources), an injected clock, app contexts on a real SQLite file, and the
independent iCalendar parsers of `support.ical_readers`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edicalendar.context import AppContext
from support.clock import Clock
from support.ical_readers import PYTHON_READERS, Seen, icaljs_raw, read_with_icaljs

HERE = Path(__file__).parent
FIXTURE_CALENDARS = HERE / "data" / "calendars"
GOLDEN = HERE / "data" / "golden"

#: The golden window and clock: calendar year 2026 rendered on 15 January 2026.
WINDOW = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
FIRST_SIGHT = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)

#: What the fixture calendar holds in 2026, written from the organisers' pages and published
#: calendars, not from this code: Umm al-Qura 1 Shawwal 1447 = 20 March 2026; 15 Nisan 5786 =
#: 2 April 2026 (hebcal.com); Mental Health Awareness Week 2026 = 11-17 May (second Monday).
#: Ends are EXCLUSIVE, as a client sees them.
EXPECTED_2026 = {
    "lgbt": ("LGBT+ History Month 🏳️‍🌈", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
    "dewi": ("Dydd Gŵyl Dewi (St David's Day)", dt.date(2026, 3, 1), dt.date(2026, 3, 2)),
    "iwd": ("International Women's Day", dt.date(2026, 3, 8), dt.date(2026, 3, 9)),
    "eid": ("Eid al-Fitr (عيد الفطر)", dt.date(2026, 3, 20), dt.date(2026, 3, 21)),
    "passover": ("Passover (פסח)", dt.date(2026, 4, 2), dt.date(2026, 4, 10)),
    "mhaw": ("Mental Health Awareness Week", dt.date(2026, 5, 11), dt.date(2026, 5, 18)),
    "older": ("International Day of Older Persons", dt.date(2026, 10, 1), dt.date(2026, 10, 2)),
    "ukdhm": ("UK Disability History Month", dt.date(2026, 11, 14), dt.date(2026, 12, 21)),
}

#: Which fixture observances each default feed carries (from the categories in the fixture).
FEED_MEMBERS = {
    "all": set(EXPECTED_2026),
    "age": {"older"},
    "disability": {"mhaw", "ukdhm"},
    "gender-reassignment": {"lgbt"},
    "marriage-civil-partnership": set(),
    "pregnancy-maternity": set(),
    "race": {"dewi"},
    "religion-belief": {"eid", "passover"},
    "sex": {"iwd"},
    "sexual-orientation": {"lgbt"},
    "health-wellbeing": {"mhaw"},
    "general-edi": {"iwd"},
    "faith": {"eid", "passover"},
    "awareness": set(EXPECTED_2026) - {"eid", "passover"},
}


@pytest.fixture
def clock() -> Clock:
    """A clock starting at the golden first-sight instant."""
    return Clock(FIRST_SIGHT)


@pytest.fixture
def calendars(tmp_path: Path) -> Path:
    """A writable copy of the fixture calendar folder."""
    target = tmp_path / "calendars"
    shutil.copytree(FIXTURE_CALENDARS, target)
    return target


ContextFactory = Callable[..., AppContext]


@pytest.fixture
def make_context(tmp_path: Path, calendars: Path, clock: Clock) -> ContextFactory:
    """Build a fresh AppContext (new catalog, same SQLite file) on the fixture calendars."""

    def make(extra_config: str = "", calendars_dir: Path | None = None) -> AppContext:
        config = tmp_path / "edicalendar.toml"
        config.write_text(
            "[data]\n"
            f"calendars_dir = {json.dumps(str(calendars_dir or calendars))}\n"
            f"data_dir = {json.dumps(str(tmp_path / 'data'))}\n" + extra_config,
            encoding="utf-8",
        )
        return AppContext(config_path=config, now=clock)

    return make


@pytest.fixture
def config_file(make_context: ContextFactory, tmp_path: Path) -> Path:
    """The config file of a context on the fixture calendars (for CLI tests)."""
    make_context()
    return tmp_path / "edicalendar.toml"


@pytest.fixture
def golden_dir() -> Iterator[Path]:
    """Where the reviewed golden feeds live."""
    yield GOLDEN


@pytest.fixture
def expected() -> dict[str, tuple[str, dt.date, dt.date]]:
    """The fixture calendar's 2026 events, from independent sources (exclusive ends)."""
    return EXPECTED_2026


@pytest.fixture
def members() -> dict[str, set[str]]:
    """Which fixture events each default feed carries."""
    return FEED_MEMBERS


@pytest.fixture
def window() -> tuple[dt.date, dt.date]:
    """The golden window (calendar year 2026)."""
    return WINDOW


@pytest.fixture
def readers() -> dict[str, Callable[[bytes], list[Seen]]]:
    """The Python parsers, by name."""
    return PYTHON_READERS


@pytest.fixture
def icaljs() -> Callable[[list[Path]], dict[Path, list[Seen]]]:
    """Mozilla ical.js (run with node) as a reader of several files."""
    return read_with_icaljs


@pytest.fixture
def icaljs_full() -> Callable[[list[Path]], dict[str, list[list[Any]]]]:
    """Mozilla ical.js output including STATUS and SEQUENCE."""
    return icaljs_raw

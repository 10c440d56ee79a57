"""Shared fixtures for the feed tests: the fixture calendar, an injected clock, app contexts on a
real SQLite file, and independent iCalendar parsers (six Python libraries and Mozilla ical.js).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from edicalendar.context import AppContext

HERE = Path(__file__).parent
FIXTURE_CALENDARS = HERE / "data" / "calendars"
GOLDEN = HERE / "data" / "golden"
NODE_MODULES = HERE.parent / "js" / "node_modules"

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


class Seen(NamedTuple):
    """An event as a parser reports it: end is exclusive."""

    uid: str
    summary: str
    start: dt.date
    end: dt.date
    all_day: bool


@dataclass
class Clock:
    """A settable clock for AppContext(now=...)."""

    moment: dt.datetime = FIRST_SIGHT

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """A clock starting at the golden first-sight instant."""
    return Clock()


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


# --- independent parsers ----------------------------------------------------------------------


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[no-any-return]


def read_icalendar(raw: bytes) -> list[Seen]:
    import icalendar

    calendar = icalendar.Calendar.from_ical(raw)
    assert not calendar.errors
    return [
        Seen(
            str(e["UID"]),
            str(e["SUMMARY"]),
            e["DTSTART"].dt,
            e["DTEND"].dt,
            type(e["DTSTART"].dt) is dt.date and type(e["DTEND"].dt) is dt.date,
        )
        for e in calendar.walk("VEVENT")
    ]


def read_vobject(raw: bytes) -> list[Seen]:
    import vobject

    (calendar,) = list(vobject.readComponents(raw.decode("utf-8"), validate=True))
    return [
        Seen(
            e.uid.value,
            e.summary.value,
            e.dtstart.value,
            e.dtend.value,
            type(e.dtstart.value) is dt.date and type(e.dtend.value) is dt.date,
        )
        for e in getattr(calendar, "vevent_list", [])
    ]


def read_ics_py(raw: bytes) -> list[Seen]:
    import ics

    calendar = ics.Calendar(raw.decode("utf-8"))
    return [
        Seen(e.uid, e.name, e.begin.date(), e.end.date(), bool(e.all_day)) for e in calendar.events
    ]


def read_ical(raw: bytes) -> list[Seen]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(raw.decode("utf-8"))
    return [
        Seen(
            e.uid or "",
            e.summary or "",
            e.dtstart,  # type: ignore[arg-type]
            e.dtend,  # type: ignore[arg-type]
            type(e.dtstart) is dt.date and type(e.dtend) is dt.date,
        )
        for e in calendar.events
    ]


def read_recurring(raw: bytes) -> list[Seen]:
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(raw)
    found = recurring_ical_events.of(calendar).between(dt.date(1970, 1, 1), dt.date(2100, 1, 1))
    return [
        Seen(
            str(o["UID"]),
            str(o["SUMMARY"]),
            o["DTSTART"].dt,
            o["DTEND"].dt,
            type(o["DTSTART"].dt) is dt.date and type(o["DTEND"].dt) is dt.date,
        )
        for o in found
    ]


def read_icalevents(raw: bytes) -> list[Seen]:
    from icalevents import icalevents

    found = icalevents.events(
        string_content=raw, start=dt.datetime(1970, 1, 1), end=dt.datetime(2100, 1, 1)
    )
    # icalevents reports all-day dates as midnight datetimes.
    return [Seen(e.uid, e.summary, _as_date(e.start), _as_date(e.end), e.all_day) for e in found]


PYTHON_READERS: dict[str, Callable[[bytes], list[Seen]]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ics": read_ics_py,
    "ical": read_ical,
    "recurring-ical-events": read_recurring,
    "icalevents": read_icalevents,
}


def icaljs_raw(files: list[Path]) -> dict[str, list[list[Any]]]:
    """What read_ics.cjs prints: per file, [uid, summary, start, end, allDay, status, sequence]."""
    node = shutil.which("node")
    assert node, "node is required for the ical.js interop tests"
    assert (NODE_MODULES / "ical.js").is_dir(), "run: npm ci --prefix tests/js"
    done = subprocess.run(
        [node, str(HERE / "read_ics.cjs"), str(NODE_MODULES), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, list[list[Any]]] = json.loads(done.stdout)
    return seen


def read_with_icaljs(files: list[Path]) -> dict[Path, list[Seen]]:
    """Parse files with Mozilla ical.js under node; one node process for all files."""
    seen = icaljs_raw(files)
    return {
        Path(name): [
            Seen(
                uid,
                summary,
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
                all_day,
            )
            for uid, summary, start, end, all_day, _status, _sequence in events
        ]
        for name, events in seen.items()
    }


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

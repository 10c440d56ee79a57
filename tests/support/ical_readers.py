"""Independent iCalendar parsers, each reporting a feed's events the same way.

Six Python libraries (icalendar, vobject, ics, ical, recurring-ical-events, icalevents) and
Mozilla ical.js (Thunderbird's parser, run under node from tests/js) read the same bytes; a
feed is right when every one of them sees the same UIDs, summaries and all-day dates.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from support.paths import NODE_MODULES

HERE = Path(__file__).parent


class Seen(NamedTuple):
    """An event as a parser reports it: end is exclusive."""

    uid: str
    summary: str
    start: dt.date
    end: dt.date
    all_day: bool


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

"""Communication freezes as the `freezes` table holds them, read without SQLAlchemy.

The freeze book (:mod:`edicalendar.reminders.freeze_book`) records and ends freezes; reading
them back is only a query, so commands that only look (`campaigns`, `campaign show`) read them
through :class:`~edicalendar.storage.reads.Reads` and never open the database in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from edicalendar.calendar.freezes import Freeze, FreezeKind, FreezeScope, Restriction
from edicalendar.storage.reads import Reads
from edicalendar.storage.timestamps import parse_utc

_ALL = (
    "SELECT id, kind, starts_on, ends_on, reason, scope, area, restricts, source, polling_day, "
    "public, created_by, created_at, ended_at, ended_on, ended_by FROM freezes "
    "ORDER BY starts_on, id"
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def freeze_from_row(m: Mapping[Any, Any]) -> Freeze:
    """One row of the `freezes` table as a :class:`Freeze`."""
    return Freeze(
        id=int(m["id"]),
        kind=FreezeKind(m["kind"]),
        start=dt.date.fromisoformat(m["starts_on"]),
        end=_date(m["ends_on"]),
        reason=m["reason"],
        scope=FreezeScope(m["scope"]),
        area=m["area"],
        restricts=Restriction(m["restricts"]),
        source=m["source"],
        polling_day=_date(m["polling_day"]),
        public=bool(m["public"]),
        created_by=m["created_by"],
        created_at=parse_utc(m["created_at"]),
        ended_at=parse_utc(m["ended_at"]) if m["ended_at"] else None,
        ended_on=_date(m["ended_on"]),
        ended_by=m["ended_by"],
    )


def recorded_freezes(db: Reads) -> list[Freeze]:
    """Every freeze ever recorded, earliest first (ended and cancelled ones included)."""
    return [freeze_from_row(row) for row in db.fetch(_ALL)]


def current_freezes(freezes: list[Freeze], now: dt.datetime, today: dt.date) -> list[Freeze]:
    """Of `freezes`, those in force at `now` or still to come (not over by `today`, the local
    date, not ended, not cancelled)."""
    return [
        f
        for f in freezes
        if not f.cancelled
        and (f.ended_at is None or f.ended_at > now)
        and (f.last_day is None or f.last_day >= today)
    ]

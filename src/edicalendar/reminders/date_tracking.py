"""Finding date changes as the calendar is edited, and keeping them until they are announced.

On every planning pass :meth:`DateTracker.detect` compares the calendar's occurrences in the
coming `change_notice_days` with the dates remembered in `known_dates`, and in the same
transaction records each change in `date_changes` and remembers the new dates. The planner then
plans one notice per change and destination from `date_changes` (:meth:`DateTracker.recent`),
so a crash after a change is found and before its notices reach the ledger loses nothing: the
next pass plans them again from the table, under the same ledger keys, and the ledger sends
each once. Planning runs under the ledger's planning lock, so one process detects at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import expand, occurrences_in_year
from edicalendar.errors import UnsupportedYearError
from edicalendar.model import Occurrence
from edicalendar.reminders.date_changes import (
    DateChange,
    KnownDate,
    detect_changes,
    in_notice_range,
)
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import date_changes, known_dates
from edicalendar.storage.timestamps import parse_utc, utc_text

#: Remembered dates are forgotten this long after the occurrence ended.
FORGET_AFTER = dt.timedelta(days=30)
#: Changes are kept this long after the occurrence ended (beyond any planning window).
KEEP_CHANGES = dt.timedelta(days=400)


class DateTracker:
    """Remembers the dates of occurrences in the coming weeks and records each change."""

    def __init__(
        self,
        database: Database,
        catalog: Callable[[], Catalog],
        *,
        timezone: ZoneInfo,
        days: int,
    ) -> None:
        self.database = database
        self.catalog = catalog
        self.timezone = timezone
        self.days = days

    def _current(self, today: dt.date, known: dict[tuple[str, str], KnownDate]) -> list[Occurrence]:
        """Occurrences in the notice range, plus any remembered one that moved out of it."""
        catalog = self.catalog()
        window = expand(catalog, today, today + dt.timedelta(days=self.days)).occurrences
        found = [o for o in window if in_notice_range(o, today, self.days)]
        seen = {(o.observance_id, o.instance) for o in found}
        for key, remembered in known.items():
            if key in seen or remembered.end < today:
                continue
            moved = _lookup(catalog, *key)
            if moved is not None:
                found.append(moved)
        return found

    def _known(self, conn: Connection) -> dict[tuple[str, str], KnownDate]:
        rows = conn.execute(select(known_dates)).mappings()
        return {
            (row["observance_id"], row["instance"]): KnownDate(
                row["observance_id"],
                row["instance"],
                dt.date.fromisoformat(row["start_date"]),
                dt.date.fromisoformat(row["end_date"]),
                row["status"],
                row["revision"],
            )
            for row in rows
        }

    def detect(self, now: dt.datetime) -> list[DateChange]:
        """Record what changed since the last pass, and remember the dates as they are now."""
        today = now.astimezone(self.timezone).date()
        with self.database.write() as conn:
            known = self._known(conn)
            remember, changes = detect_changes(known, self._current(today, known), now)
            stamp = utc_text(now)
            for item in remember:
                values = {
                    "start_date": item.start.isoformat(),
                    "end_date": item.end.isoformat(),
                    "status": item.status,
                    "revision": item.revision,
                    "updated_at": stamp,
                }
                if item.key in known:
                    conn.execute(
                        update(known_dates)
                        .where(
                            known_dates.c.observance_id == item.observance_id,
                            known_dates.c.instance == item.instance,
                        )
                        .values(**values)
                    )
                else:
                    conn.execute(
                        insert(known_dates).values(
                            observance_id=item.observance_id, instance=item.instance, **values
                        )
                    )
            for change in changes:
                conn.execute(insert(date_changes).values(**_change_row(change)))
            forget = (today - FORGET_AFTER).isoformat()
            conn.execute(delete(known_dates).where(known_dates.c.end_date < forget))
            drop = (today - KEEP_CHANGES).isoformat()
            conn.execute(delete(date_changes).where(date_changes.c.new_end < drop))
        return changes

    def pending(self, now: dt.datetime) -> list[DateChange]:
        """The changes :meth:`detect` would record now, recording nothing (for dry runs)."""
        today = now.astimezone(self.timezone).date()
        with self.database.engine.connect() as conn:
            known = self._known(conn)
        return detect_changes(known, self._current(today, known), now)[1]

    def recent(self, since: dt.datetime) -> list[DateChange]:
        """Changes found at or after `since`, oldest first (the planner's window start)."""
        with self.database.engine.connect() as conn:
            rows = conn.execute(
                select(date_changes)
                .where(date_changes.c.detected_at >= utc_text(since))
                .order_by(date_changes.c.detected_at, date_changes.c.id)
            ).mappings()
            return [_change(row) for row in rows]


def _lookup(catalog: Catalog, observance_id: str, instance: str) -> Occurrence | None:
    observance = catalog.get(observance_id)
    if observance is None:
        return None
    try:
        found = occurrences_in_year(observance, int(instance[:4]), catalog.conventions)
    except UnsupportedYearError:
        return None
    return next((o for o in found if o.instance == instance), None)


def _change_row(change: DateChange) -> dict[str, object]:
    return {
        "observance_id": change.observance_id,
        "instance": change.instance,
        "revision": change.revision,
        "old_start": change.old_start.isoformat(),
        "old_end": change.old_end.isoformat(),
        "old_status": change.old_status,
        "new_start": change.new_start.isoformat(),
        "new_end": change.new_end.isoformat(),
        "new_status": change.new_status,
        "detected_at": utc_text(change.detected_at),
        "notice_json": json.dumps(
            {
                "name": change.name,
                "title": change.title,
                "body": change.body,
                "url": change.url,
                "source": change.source,
                "description": change.description,
            },
            ensure_ascii=False,
            sort_keys=True,
        ),
    }


def _change(data: RowMapping) -> DateChange:
    notice = json.loads(str(data["notice_json"]))
    return DateChange(
        observance_id=str(data["observance_id"]),
        instance=str(data["instance"]),
        revision=int(data["revision"]),
        name=str(notice["name"]),
        old_start=dt.date.fromisoformat(str(data["old_start"])),
        old_end=dt.date.fromisoformat(str(data["old_end"])),
        old_status=str(data["old_status"]),
        new_start=dt.date.fromisoformat(str(data["new_start"])),
        new_end=dt.date.fromisoformat(str(data["new_end"])),
        new_status=str(data["new_status"]),
        detected_at=parse_utc(str(data["detected_at"])),
        title=str(notice["title"]),
        body=str(notice["body"]),
        url=notice.get("url"),
        source=notice.get("source"),
        description=str(notice.get("description") or ""),
    )

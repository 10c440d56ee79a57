"""Small typed facts the processes keep in the `meta` table, read and written in one place.

The database records which ledger it is (an id and a serial raised by every reminder tick, see
:mod:`edicalendar.storage.identity`). The reminder bot records how far it has planned, when the
ledger began, how many deliveries it holds, when its last tick finished, which channel groups
it halted (until their settings change), which it paused (a 429's Retry-After) and which
destinations it marked unhealthy; the feed server records when each feed's current bytes were
first published. Each fact has its own typed reader and writer here, so no other module builds
or parses a `meta` key. Writes are upserts, safe when several workers write the same key at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from edicalendar.storage.reads import LEDGER_BEGAN_KEY, LEDGER_ID_KEY, LEDGER_SERIAL_KEY, Reads
from edicalendar.storage.timestamps import parse_utc, utc_text

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from edicalendar.storage.engine import Database

_PLANNED_UNTIL = "reminders.planned_until"
_ROWS = "reminders.rows"
_LAST_TICK = "reminders.last_tick"
_HALT = "reminders.halted."
_PAUSE = "reminders.paused."
_UNHEALTHY = "reminders.unhealthy."
_PRUNED = "retention.pruned_at."
_FEED_BODY = "feed-body:"


@dataclass(frozen=True, slots=True)
class Halt:
    """A channel group stopped after an error an operator must fix (say, SMTP 535).

    `fingerprint` digests the settings the halt depends on: when they change, sending resumes.
    """

    group: str
    fingerprint: str
    reason: str
    since: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Pause:
    """A channel group told to wait (a 429 with Retry-After, a webhook that stopped answering):
    nothing is sent to it before `until`, by this process or any other on the same ledger."""

    group: str
    until: dt.datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Unhealthy:
    """A destination marked misconfigured (revoked webhook, unknown name) until it works again."""

    destination: str
    reason: str
    since: dt.datetime | None


@dataclass(frozen=True, slots=True)
class FeedBody:
    """The feed bytes last seen (by ETag) and when they were first published."""

    etag: str
    since: dt.datetime


def _since(value: Any) -> dt.datetime | None:
    try:
        return parse_utc(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _object(raw: str) -> dict[str, Any]:
    # Values written by this module are JSON objects; anything else reads as a bare reason.
    try:
        value = json.loads(raw)
    except ValueError:
        return {"reason": raw}
    return value if isinstance(value, dict) else {"reason": raw}


class StateStore:
    """Typed access to the `meta` table of one database. The readers take any
    :class:`~edicalendar.storage.reads.Reads` (so `edicalendar health` reads a plain SQLite
    file without SQLAlchemy); the writers need an open
    :class:`~edicalendar.storage.engine.Database`."""

    def __init__(self, database: Database | Reads) -> None:
        self.reads: Reads = database

    @property
    def database(self) -> Database:
        """The open database the writers use."""
        return cast("Database", self.reads)

    # --- primitives ----------------------------------------------------------------------------

    def _get(self, key: str) -> str | None:
        rows = self.reads.fetch("SELECT value FROM meta WHERE key = :key", {"key": key})
        found = rows[0]["value"] if rows else None
        return found if isinstance(found, str) else None

    def _with_prefix(self, prefix: str) -> dict[str, str]:
        rows = self.reads.fetch(
            "SELECT key, value FROM meta WHERE key LIKE :prefix || '%'", {"prefix": prefix}
        )
        return {row["key"].removeprefix(prefix): row["value"] for row in rows}

    def _put(self, key: str, value: str, conn: Connection | None = None) -> None:
        from edicalendar.storage.keyvalue import upsert

        if conn is not None:
            upsert(conn, key, value)
            return
        with self.database.write() as own:
            upsert(own, key, value)

    def _delete(self, key: str) -> bool:
        from edicalendar.storage.tables import meta

        with self.database.write() as conn:
            return bool(conn.execute(meta.delete().where(meta.c.key == key)).rowcount)

    # --- which ledger this is ------------------------------------------------------------------

    def ledger_id(self) -> str | None:
        """The id this database got when it became a ledger (see storage.identity)."""
        return self._get(LEDGER_ID_KEY)

    def ledger_serial(self) -> int:
        """How many reminder ticks this ledger has recorded (0 for a new one)."""
        return _int(self._get(LEDGER_SERIAL_KEY))

    def bump_ledger_serial(self) -> int:
        """Count one more tick; returns the new serial (one statement, safe beside other
        workers doing the same)."""
        from sqlalchemy import Integer, Text, select
        from sqlalchemy import cast as sql_cast

        from edicalendar.storage.keyvalue import insert_if_absent
        from edicalendar.storage.tables import meta

        with self.database.write() as conn:
            insert_if_absent(conn, LEDGER_SERIAL_KEY, "0")
            conn.execute(
                meta.update()
                .where(meta.c.key == LEDGER_SERIAL_KEY)
                .values(value=sql_cast(sql_cast(meta.c.value, Integer) + 1, Text))
            )
            found = conn.execute(
                select(meta.c.value).where(meta.c.key == LEDGER_SERIAL_KEY)
            ).scalar_one()
        return _int(found)

    # --- reminder planning -----------------------------------------------------------------------

    def planned_until(self) -> dt.datetime | None:
        """The end of the last window the reminder planner wrote to the ledger."""
        return _since(self._get(_PLANNED_UNTIL))

    def set_planned_until(self, moment: dt.datetime, conn: Connection | None = None) -> None:
        """Record how far planning reached (inside the planner's transaction when `conn`)."""
        self._put(_PLANNED_UNTIL, utc_text(moment), conn)

    def ledger_began(self) -> dt.datetime | None:
        """When this ledger began: nothing that fell due before it is ever planned. None for a
        ledger from a release that did not record it (its history is all real)."""
        return _since(self._get(LEDGER_BEGAN_KEY))

    def set_ledger_began(self, moment: dt.datetime, conn: Connection | None = None) -> None:
        self._put(LEDGER_BEGAN_KEY, utc_text(moment), conn)

    def recorded_rows(self, conn: Connection | None = None) -> int | None:
        """How many deliveries the ledger has written and not pruned (None: never counted)."""
        if conn is None:
            value = self._get(_ROWS)
        else:
            from sqlalchemy import select

            from edicalendar.storage.tables import meta

            value = conn.execute(select(meta.c.value).where(meta.c.key == _ROWS)).scalar()
        return None if value is None else _int(value)

    def set_recorded_rows(self, count: int, conn: Connection | None = None) -> None:
        self._put(_ROWS, str(count), conn)

    def last_tick(self) -> dt.datetime | None:
        """When a reminder tick last finished."""
        return _since(self._get(_LAST_TICK))

    def set_last_tick(self, moment: dt.datetime) -> None:
        self._put(_LAST_TICK, utc_text(moment))

    # --- halted channel groups -------------------------------------------------------------------

    def halts(self) -> dict[str, Halt]:
        """Every halted channel group, by group name."""
        return {group: self._halt(group, raw) for group, raw in self._with_prefix(_HALT).items()}

    def halt(self, group: str) -> Halt | None:
        raw = self._get(_HALT + group)
        return None if raw is None else self._halt(group, raw)

    @staticmethod
    def _halt(group: str, raw: str) -> Halt:
        value = _object(raw)
        return Halt(
            group,
            str(value.get("fingerprint", "")),
            str(value.get("reason", "")),
            _since(value.get("since")),
        )

    def set_halt(self, halt: Halt) -> None:
        value = {"fingerprint": halt.fingerprint, "reason": halt.reason}
        if halt.since is not None:
            value["since"] = utc_text(halt.since)
        self._put(_HALT + halt.group, json.dumps(value, sort_keys=True))

    def clear_halt(self, group: str) -> bool:
        """Lift a halt; True if there was one."""
        return self._delete(_HALT + group)

    # --- paused channel groups --------------------------------------------------------------------

    def pauses(self) -> dict[str, Pause]:
        """Every recorded pause by group (some may have ended: compare `until` with now)."""
        found = {}
        for group, raw in self._with_prefix(_PAUSE).items():
            value = _object(raw)
            until = _since(value.get("until"))
            if until is not None:
                found[group] = Pause(group, until, str(value.get("reason", "")))
        return found

    def set_pause(self, pause: Pause) -> None:
        value = {"until": utc_text(pause.until), "reason": pause.reason}
        self._put(_PAUSE + pause.group, json.dumps(value, sort_keys=True))

    def clear_pause(self, group: str) -> bool:
        return self._delete(_PAUSE + group)

    # --- unhealthy destinations ------------------------------------------------------------------

    def unhealthy(self) -> dict[str, Unhealthy]:
        """Every destination marked unhealthy, by destination name."""
        found = {}
        for name, raw in self._with_prefix(_UNHEALTHY).items():
            value = _object(raw)
            found[name] = Unhealthy(name, str(value.get("reason", "")), _since(value.get("since")))
        return found

    def is_unhealthy(self, destination: str) -> bool:
        return self._get(_UNHEALTHY + destination) is not None

    def mark_unhealthy(self, mark: Unhealthy) -> None:
        value = {"reason": mark.reason}
        if mark.since is not None:
            value["since"] = utc_text(mark.since)
        self._put(_UNHEALTHY + mark.destination, json.dumps(value, sort_keys=True))

    def clear_unhealthy(self, destination: str) -> bool:
        """Mark a destination healthy again; True if it had been marked."""
        return self._delete(_UNHEALTHY + destination)

    # --- retention -------------------------------------------------------------------------------

    def pruned_at(self, table: str) -> dt.datetime | None:
        """When old rows of `table` were last pruned."""
        return _since(self._get(_PRUNED + table))

    def set_pruned_at(self, table: str, moment: dt.datetime) -> None:
        self._put(_PRUNED + table, utc_text(moment))

    # --- published feed bodies -------------------------------------------------------------------

    def feed_body(self, name: str) -> FeedBody | None:
        """The last recorded bytes (by ETag) of feed `name` and when they were first seen."""
        raw = self._get(_FEED_BODY + name)
        if raw is None:
            return None
        tag, _, since = raw.partition(" ")
        moment = _since(since)
        return None if moment is None else FeedBody(tag, moment)

    def set_feed_body(self, name: str, body: FeedBody) -> None:
        self._put(_FEED_BODY + name, f"{body.etag} {utc_text(body.since)}")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

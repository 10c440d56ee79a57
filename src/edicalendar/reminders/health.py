"""How the reminder bot is doing, read from the ledger: for `/healthz`, `edicalendar health`, cron.

One reader of what the bot records (how far it planned, its last tick, halted and paused channel
groups, destinations marked unhealthy, deliveries by state, reminders waiting past their time),
so the web server and the CLI never parse ledger state themselves. :meth:`ReminderHealth.assess`
turns that into the problems an operator must act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edicalendar.reminders.delivery import DeliveryState
from edicalendar.reminders.idle import last_idle_tick
from edicalendar.storage.reads import Reads
from edicalendar.storage.state import Halt, Pause, StateStore, Unhealthy
from edicalendar.storage.timestamps import parse_utc, utc_text

if TYPE_CHECKING:
    from edicalendar.storage.engine import Database


@dataclass(frozen=True)
class ReminderHealth:
    """The bot's state as recorded in the ledger."""

    planned_until: dt.datetime | None
    last_tick: dt.datetime | None
    halted: dict[str, Halt] = field(default_factory=dict)
    unhealthy: dict[str, Unhealthy] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    paused: dict[str, Pause] = field(default_factory=dict)
    #: When this ledger began (None for one from a release that did not record it).
    began: dt.datetime | None = None
    #: The oldest reminder still waiting to be sent although it fell due (None: none waits).
    oldest_waiting: dt.datetime | None = None

    @property
    def needs_operator(self) -> bool:
        """A channel group is halted or a destination is marked unhealthy."""
        return bool(self.halted or self.unhealthy)

    def problems(self) -> dict[str, dict[str, dict[str, str | None]]]:
        """Halts and unhealthy destinations as JSON: name -> {reason, since}."""

        return {
            "halted": {
                g: {"reason": h.reason, "since": _text(h.since)} for g, h in self.halted.items()
            },
            "unhealthy": {
                d: {"reason": u.reason, "since": _text(u.since)} for d, u in self.unhealthy.items()
            },
        }

    def assess(self, now: dt.datetime, max_age: dt.timedelta) -> list[str]:
        """What needs an operator at `now`: a halted group, an unhealthy destination, no tick
        for `max_age` (or none ever), or a reminder waiting more than `max_age` past its time
        for a group that is not paused. Empty when all is well."""
        found = [
            f"{g} sending stopped since {_text(h.since)}: {h.reason}"
            for g, h in self.halted.items()
        ]
        found += [
            f"destination {d} marked unhealthy since {_text(u.since)}: {u.reason}"
            for d, u in self.unhealthy.items()
        ]
        if self.last_tick is None:
            found.append("no reminder tick has ever run on this ledger")
        elif now - self.last_tick > max_age:
            minutes = int((now - self.last_tick).total_seconds() // 60)
            found.append(
                f"no reminder tick for {minutes} minutes (last at {_text(self.last_tick)}): is "
                "`edicalendar serve` or the `edicalendar remind` timer running?"
            )
        if self.oldest_waiting is not None and now - self.oldest_waiting > max_age:
            minutes = int((now - self.oldest_waiting).total_seconds() // 60)
            found.append(
                f"reminders are falling behind: one due at {_text(self.oldest_waiting)} "
                f"({minutes} minutes ago) is still waiting to be sent"
            )
        return found

    def record(
        self, now: dt.datetime | None = None, max_age: dt.timedelta | None = None
    ) -> dict[str, Any]:
        """The whole state as JSON-ready values (with `assess`'s problems when `now` is given)."""
        body: dict[str, Any] = {
            "planned_until": _text(self.planned_until),
            "last_tick": _text(self.last_tick),
            "began": _text(self.began),
            "counts": dict(self.counts),
            **self.problems(),
            "paused": {
                g: {"until": _text(p.until), "reason": p.reason} for g, p in self.paused.items()
            },
            "oldest_waiting": _text(self.oldest_waiting),
        }
        if now is not None and max_age is not None:
            problems = self.assess(now, max_age)
            body = {"healthy": not problems, "problems": problems, **body}
        return body


def _text(moment: dt.datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def read_health(
    database: Database | Reads,
    *,
    counts: bool = True,
    now: dt.datetime | None = None,
    group_of: Callable[[str], str] | None = None,
) -> ReminderHealth:
    """The bot's recorded state; `counts` adds deliveries by state (one grouped query). With
    `now`, pauses still in force then, and the oldest reminder waiting past its time whose
    channel group (`group_of(destination)`) is neither paused nor halted. `database` is an open
    database or, for a command that only looks, `storage.reads`'s SQLite reader: the same
    queries, without SQLAlchemy."""
    state = StateStore(database)
    pauses = state.pauses()
    halts = state.halts()
    oldest = None
    if now is not None:
        pauses = {g: p for g, p in pauses.items() if p.until > now}
        resting = set(pauses) | set(halts)
        waiting = [
            due
            for destination, due in _waiting(database, now).items()
            if (group_of or (lambda d: d))(destination) not in resting
        ]
        oldest = min(waiting, default=None)
    last_tick = state.last_tick()
    sqlite_path = _sqlite_path(database)
    if sqlite_path is not None:
        # An idle `remind` tick writes nothing to the ledger; its record says when it ran.
        idle = last_idle_tick(sqlite_path)
        if idle is not None and (last_tick is None or idle > last_tick):
            last_tick = idle
    return ReminderHealth(
        planned_until=state.planned_until(),
        last_tick=last_tick,
        halted=halts,
        unhealthy=state.unhealthy(),
        counts=_counts(database) if counts else {},
        paused=pauses,
        began=state.ledger_began(),
        oldest_waiting=oldest,
    )


def _sqlite_path(database: Database | Reads) -> Path | None:
    """The SQLite file read (an open database's, or the reader's; None for PostgreSQL)."""
    found = getattr(database, "sqlite_path", None)
    if found is None:
        found = getattr(database, "path", None)
    return found if isinstance(found, Path) else None


def _counts(database: Reads) -> dict[str, int]:
    """Deliveries by state (`Ledger.counts`, in one grouped query)."""
    rows = database.fetch("SELECT state, count(*) AS n FROM deliveries GROUP BY state")
    return {row["state"]: row["n"] for row in rows}


def _waiting(database: Reads, now: dt.datetime) -> dict[str, dt.datetime]:
    """Per destination, the due time of its oldest pending delivery still sendable at `now`.

    Only `pending` rows count: a `retry_wait` row is waiting on purpose (its backoff or a
    Retry-After).
    """
    rows = database.fetch(
        "SELECT destination, min(due_at) AS due FROM deliveries"
        " WHERE state = :state AND due_at <= :now AND not_after >= :now"
        " GROUP BY destination",
        {"state": DeliveryState.PENDING.value, "now": utc_text(now)},
    )
    return {row["destination"]: parse_utc(row["due"]) for row in rows}

"""How the reminder bot is doing, read from the ledger: for `/healthz`, status pages and cron.

One reader of what the bot records (how far it planned, its last tick, halted channel groups,
destinations marked unhealthy, deliveries by state), so the web server and the CLI never parse
ledger state themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from edicalendar.reminders.ledger import Ledger
from edicalendar.storage.engine import Database
from edicalendar.storage.state import Halt, StateStore, Unhealthy


@dataclass(frozen=True)
class ReminderHealth:
    """The bot's state as recorded in the ledger."""

    planned_until: dt.datetime | None
    last_tick: dt.datetime | None
    halted: dict[str, Halt] = field(default_factory=dict)
    unhealthy: dict[str, Unhealthy] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

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

    def record(self) -> dict[str, Any]:
        """The whole state as JSON-ready values."""
        return {
            "planned_until": _text(self.planned_until),
            "last_tick": _text(self.last_tick),
            "counts": dict(self.counts),
            **self.problems(),
        }


def _text(moment: dt.datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def read_health(database: Database, *, counts: bool = True) -> ReminderHealth:
    """The bot's recorded state; `counts` adds deliveries by state (one grouped query)."""
    state = StateStore(database)
    return ReminderHealth(
        planned_until=state.planned_until(),
        last_tick=state.last_tick(),
        halted=state.halts(),
        unhealthy=state.unhealthy(),
        counts=Ledger(database).counts() if counts else {},
    )

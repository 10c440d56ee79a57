"""Dispatchers for tests: settings, channels and a dispatcher built the way the app builds them,
over a real SQLite file, with the test's clock and campaigns.

A new ledger plans nothing that fell due before its first tick, so most tests start from a
ledger that has already been running (`running_ledger`): the one they test is a bot in
service, not one installed a second ago. `Harness(fresh=True)` gives a brand-new ledger.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edicalendar.config import Settings
from edicalendar.model import CampaignInstance, Occurrence
from edicalendar.reminders.channels import build_channels
from edicalendar.reminders.dispatch import Dispatcher, planner_settings
from edicalendar.reminders.planner import PlannerInput
from edicalendar.storage.engine import Database, open_database
from edicalendar.storage.state import StateStore


def running_ledger(database: Database, until: dt.datetime) -> None:
    """Make `database` a ledger that has been running and had planned up to `until` (unless it
    already planned): reminders due before then are inside its history, not before its start."""
    state = StateStore(database)
    if state.planned_until() is None:
        state.set_planned_until(until)


def make_dispatcher(
    database: Database,
    settings: Settings,
    source: Callable[[dt.date, dt.date], PlannerInput],
    clock: Callable[[], dt.datetime],
    environ: dict[str, str] | None = None,
    **options: Any,
) -> Dispatcher:
    """A dispatcher on `database` with the channels `settings` name (their secrets from
    `environ`); `options` are further Dispatcher fields (rng, sleep, monotonic...)."""
    channels = build_channels(settings, environ or {})
    return Dispatcher(
        database=database,
        channels=channels,
        settings=settings.reminders,
        planner_settings=planner_settings(settings, channels.names()),
        source=source,
        clock=clock,
        **options,
    )


class Harness:
    """Builds settings, channels and a dispatcher over a real SQLite file."""

    def __init__(
        self, tmp_path: Path, clock: Callable[[], dt.datetime], *, fresh: bool = False
    ) -> None:
        self.tmp_path = tmp_path
        self.clock = clock
        #: True: the ledger is brand new at the first tick (else it has been running).
        self.fresh = fresh
        self.db_path = tmp_path / "ledger.db"
        self.instances: list[CampaignInstance] = []
        self.occurrences: list[Occurrence] = []
        self.known: frozenset[str] | None = None
        self._databases: list[Database] = []

    def settings(
        self,
        destinations: dict[str, dict[str, Any]],
        *,
        email: dict[str, Any] | None = None,
        reminders: dict[str, Any] | None = None,
    ) -> Settings:
        base_reminders = {"http_timeout_seconds": 1.0, "allow_http_webhooks": True}
        base_reminders.update(reminders or {})
        raw: dict[str, Any] = {
            "destinations": destinations,
            "reminders": base_reminders,
            "email": {"timeout_seconds": 1.0, **(email or {})},
        }
        return Settings.model_validate(raw)

    def database(self) -> Database:
        database = open_database(f"sqlite:///{self.db_path}")
        self._databases.append(database)
        if not self.fresh:
            running_ledger(database, self.clock())
        return database

    def monotonic(self) -> float:
        """The monotonic clock tests see: the settable clock's seconds, so moving the clock
        moves retry and pause deadlines too (a test that splits them passes its own)."""
        return self.clock().timestamp()

    def source(self, first: dt.date, last: dt.date) -> PlannerInput:
        return PlannerInput(tuple(self.instances), tuple(self.occurrences))

    def dispatcher(
        self,
        destinations: dict[str, dict[str, Any]],
        environ: dict[str, str] | None = None,
        *,
        seed: int = 7,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] | None = None,
        **sections: Any,
    ) -> Dispatcher:
        settings = self.settings(destinations, **sections)
        return make_dispatcher(
            self.database(),
            settings,
            self.source,
            self.clock,
            environ or {},
            rng=random.Random(seed),
            sleep=sleep,
            monotonic=monotonic or self.monotonic,
            known_campaigns=lambda: self.known,
        )

    def close(self) -> None:
        for database in self._databases:
            database.close()

"""The ledger on PostgreSQL: ON CONFLICT DO NOTHING, SKIP LOCKED claims, a full tick."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.reminders.messages import Message
from edicalendar.reminders.planner import ReminderOccurrence
from edicalendar.storage.engine import open_database
from support.builders import make_instance, make_reminder
from support.dispatch import running_ledger

pytestmark = pytest.mark.postgres
NOW = dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC)


def reminders(count: int) -> list[ReminderOccurrence]:
    due = NOW.replace(second=0)
    return [
        make_reminder(
            f"c{n:03d}",
            dt.date(2026, 2, 8),
            "slack",
            due,
            due + dt.timedelta(hours=72),
            Message(f"Reminder {n}", "body"),
        )
        for n in range(count)
    ]


def test_postgres_sync_is_idempotent_and_concurrent_claims_never_overlap(
    postgres_url: str,
) -> None:
    """Planning twice inserts once; eight threads claiming at once each get distinct rows."""
    database = open_database(postgres_url)
    try:
        ledger = Ledger(database)
        window = (NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=1))
        planned = reminders(200)
        assert ledger.sync(planned, *window, NOW).inserted == 200
        assert ledger.sync(planned, *window, NOW).inserted == 0
        claimed: list[str] = []
        lock = threading.Lock()

        def claimer() -> None:
            while batch := ledger.claim(NOW, dt.timedelta(minutes=5), limit=7):
                with lock:
                    claimed.extend(d.key for d in batch)

        threads = [threading.Thread(target=claimer) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert Counter(claimed) == Counter(r.key for r in planned)
        assert {d.state for d in ledger.deliveries()} == {DeliveryState.SENDING}
    finally:
        database.close()


def test_postgres_full_tick_sends_once(postgres_url: str, harness: Any, webhook: Any) -> None:
    """On PostgreSQL a due reminder goes once across two ticks; tomorrow's is the next wake-up."""
    harness.instances = [make_instance(), make_instance("b", start=dt.date(2026, 3, 9))]
    settings = harness.settings({"slack": {"kind": "slack", "url_env": "S", "rate_per_second": 0}})
    from edicalendar.reminders.channels import build_channels
    from edicalendar.reminders.dispatch import Dispatcher, planner_settings

    channels = build_channels(settings, {"S": webhook.url()})
    database = open_database(postgres_url)
    running_ledger(database, harness.clock())
    try:
        dispatcher = Dispatcher(
            database=database,
            channels=channels,
            settings=settings.reminders,
            planner_settings=planner_settings(settings, channels.names()),
            source=harness.source,
            clock=harness.clock,
        )
        assert dispatcher.tick().sent == 1
        dispatcher.tick()
        assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]
        assert dispatcher.next_wakeup(harness.clock()) == dt.datetime(
            2026, 2, 9, 9, 0, tzinfo=dt.UTC
        )
    finally:
        database.close()

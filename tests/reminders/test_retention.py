"""Retention: finished deliveries leave the ledger after `retention_days`; open ones never do.

A delivery that is sent, accepted, dead, expired or skipped is deleted once it was due, and
last changed, more than `[reminders] retention_days` ago (default 400, at least 35, beyond the
31 days any planning window reaches back), at most once a day. A delivery still to send is
never deleted, however old, and a pruned reminder is never planned or sent again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.reminders.messages import Message
from support.builders import make_instance, make_reminder

SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


def _row(ledger: Ledger, key: str, due: dt.datetime, state: DeliveryState) -> None:
    """A delivery due at `due`, left in `state` by a tick at that time."""
    reminder = make_reminder(
        key, due.date(), "slack", due, due + dt.timedelta(days=600), Message(key, "")
    )
    ledger.sync([reminder], due, due + dt.timedelta(hours=1), due)
    if state is not DeliveryState.PENDING:
        (claimed,) = ledger.claim(due, dt.timedelta(minutes=5), destination="slack")
        later = due + dt.timedelta(days=500) if state is DeliveryState.RETRY_WAIT else None
        ledger.record(claimed, state, due, next_attempt_at=later)


def test_finished_deliveries_older_than_retention_go_and_open_ones_stay(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Sent, dead and skipped rows due 450 days ago are pruned by the next tick (default
    retention 400 days); a retry_wait row as old, and last week's sent row, stay. Pruning runs
    once a day: a row that ages past retention later in the day waits for tomorrow's prune."""
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    ledger = dispatcher.ledger
    now = clock()
    old = now - dt.timedelta(days=450)
    for key, state in [
        ("sent", DeliveryState.SENT),
        ("dead", DeliveryState.DEAD),
        ("skipped", DeliveryState.SKIPPED_CONFIG),
        ("waiting", DeliveryState.RETRY_WAIT),
    ]:
        _row(ledger, key, old, state)
    _row(ledger, "recent", now - dt.timedelta(days=7), DeliveryState.SENT)
    _row(ledger, "aging", now - dt.timedelta(days=400, hours=-2), DeliveryState.SENT)
    dispatcher.tick()
    left = {d.key.split(":")[0]: d.state for d in ledger.deliveries()}
    assert left == {
        "waiting": DeliveryState.RETRY_WAIT,
        "recent": DeliveryState.SENT,
        "aging": DeliveryState.SENT,
    }
    clock.advance(hours=3)
    dispatcher.tick()
    assert "aging" in {d.key.split(":")[0] for d in ledger.deliveries()}  # pruned once a day
    clock.advance(days=1)
    dispatcher.tick()
    assert {d.key.split(":")[0] for d in ledger.deliveries()} == {"waiting", "recent"}


def test_a_pruned_reminder_is_never_planned_or_sent_again(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """With the shortest retention (35 days), a reminder sent and then pruned after 36 days
    stays sent once: no planning window reaches back that far, however long the bot was off."""
    harness.instances = [make_instance()]
    dispatcher = harness.dispatcher(
        SLACK, {"SLACK_URL": webhook.url()}, reminders={"retention_days": 35}
    )
    dispatcher.tick()
    assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]
    clock.advance(days=36)
    restarted = harness.dispatcher(
        SLACK, {"SLACK_URL": webhook.url()}, reminders={"retention_days": 35}
    )
    restarted.tick()
    restarted.tick()
    keys = {d.key for d in Ledger(restarted.database).deliveries()}
    assert "iwd:lead-28:2026-02-08:slack" not in keys
    assert webhook.keys().count("iwd:lead-28:2026-02-08:slack") == 1

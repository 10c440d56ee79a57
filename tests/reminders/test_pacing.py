"""When the next message may go: a 429 pauses the whole destination, retries wait on the
monotonic clock, and the ledger carries the same waits in UTC for other workers.

Slack-style receivers on 127.0.0.1; the wall clock (`clock`) and the monotonic clock are
injected, and split where a test jumps the wall clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.storage.state import StateStore
from support.builders import make_instance
from support.webhooks import Reply

RATED = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 50}}
SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


def states(dispatcher: Any) -> dict[str, DeliveryState]:
    return {d.key: d.state for d in Ledger(dispatcher.database).deliveries()}


def test_a_429_pauses_the_whole_destination_for_its_retry_after(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Five reminders due to one webhook, the first answered 429 Retry-After: 3. Nothing more
    reaches the webhook for 3 s, not even the four others, in this process or in another
    worker reading the same ledger; then all five go, each once."""
    harness.instances = [make_instance(f"c{n}") for n in range(5)]
    webhook.queue(Reply(429, b"rate_limited", {"Retry-After": "3"}))
    dispatcher = harness.dispatcher(RATED, {"SLACK_URL": webhook.url()})
    summary = dispatcher.tick()
    assert webhook.total == 1 and summary.retrying == 1
    pause = StateStore(dispatcher.database).pauses()["slack:slack"]
    assert pause.until == clock().replace(microsecond=0) + dt.timedelta(seconds=3)
    other_worker = harness.dispatcher(RATED, {"SLACK_URL": webhook.url()})
    for seconds in (1, 2, 2.9):
        clock.set(clock().replace(second=30) + dt.timedelta(seconds=seconds))
        dispatcher.tick()
        other_worker.tick()
        assert webhook.total == 1, f"a request reached the webhook {seconds} s after its 429"
    clock.set(clock().replace(second=30) + dt.timedelta(seconds=3))
    dispatcher.tick()
    assert webhook.total == 6
    assert sorted(webhook.counts().values()) == [1, 1, 1, 1, 2]
    assert set(states(dispatcher).values()) == {DeliveryState.SENT}
    assert "slack:slack" not in StateStore(dispatcher.database).pauses()  # lifted once it sent


class Monotonic:
    """A monotonic clock the test moves on its own, apart from the wall clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _failed_once(harness: Any, webhook: Any, clock: Any, ticking: Monotonic) -> tuple[Any, float]:
    """A reminder whose first attempt got a 503; returns the dispatcher and its backoff."""
    harness.instances = [make_instance()]
    webhook.queue(Reply(503, b"busy"))
    dispatcher = harness.dispatcher(
        SLACK,
        {"SLACK_URL": webhook.url()},
        monotonic=ticking,
        reminders={"backoff_base_seconds": 20, "backoff_cap_seconds": 20},
    )
    started = clock()
    dispatcher.tick()
    (row,) = Ledger(dispatcher.database).deliveries()
    assert row.state is DeliveryState.RETRY_WAIT and row.next_attempt_at is not None
    # The stored time is the backoff rounded up to the second; the real wait is a little less.
    stored = (row.next_attempt_at - started.replace(microsecond=0)).total_seconds()
    return dispatcher, stored


def test_a_retry_waits_its_backoff_on_the_monotonic_clock_when_the_wall_clock_goes_back(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """After a 503 the wall clock is set back an hour (NTP, a VM restored): the retry still
    goes once its backoff has elapsed in real time, not an hour later."""
    ticking = Monotonic()
    dispatcher, backoff = _failed_once(harness, webhook, clock, ticking)
    clock.advance(-3600)
    ticking.now += backoff - 1.5
    dispatcher.tick()
    assert webhook.total == 1  # not yet: its backoff has not elapsed
    ticking.now += 1.5
    dispatcher.tick()
    assert webhook.total == 2
    assert set(states(dispatcher).values()) == {DeliveryState.SENT}


def test_a_retry_is_not_sent_early_when_the_wall_clock_jumps_forward(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """After a 503 the wall clock jumps forward a day: the stored retry time has passed, but
    the backoff has not really elapsed, so the retry waits for it."""
    ticking = Monotonic()
    dispatcher, backoff = _failed_once(harness, webhook, clock, ticking)
    clock.advance(86400)
    dispatcher.tick()
    assert webhook.total == 1
    ticking.now += backoff
    dispatcher.tick()
    assert webhook.total == 2
    assert set(states(dispatcher).values()) == {DeliveryState.SENT}


def test_a_restarted_process_honours_the_retry_times_in_the_ledger(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Another process (a restart) knows nothing of this one's monotonic clock: it goes by
    the UTC retry time in the ledger, never sooner."""
    ticking = Monotonic()
    _, backoff = _failed_once(harness, webhook, clock, ticking)
    started = clock()
    restarted = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    clock.set(started + dt.timedelta(seconds=backoff - 1))
    restarted.tick()
    assert webhook.total == 1
    clock.set(started.replace(microsecond=0) + dt.timedelta(seconds=backoff))
    restarted.tick()
    assert webhook.total == 2


def test_a_429_to_an_unlimited_webhook_stops_every_claim_not_yet_sent(
    harness: Any, webhook: Any, clock: Any, caplog: Any
) -> None:
    """24 reminders due to a webhook with no rate limit, each request answered 429
    (Retry-After: 30) after 0.3 s: only the eight requests already out when the first 429
    came reach it. The deliveries claimed behind them go back to `pending` untried (their
    attempt not counted, no possible-duplicate warning), and after the pause all 24 go."""
    harness.instances = [make_instance(f"c{n:02d}") for n in range(24)]
    webhook.queue(*[Reply(429, b"rate_limited", {"Retry-After": "30"}, delay=0.3)] * 24)
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    caplog.set_level("INFO")
    dispatcher.tick()
    assert 1 <= webhook.total <= 8  # the senders of one lane, not the claims queued behind
    rows = Ledger(dispatcher.database).deliveries()
    tried = [d for d in rows if d.attempts == 1]
    untried = [d for d in rows if d.attempts == 0]
    assert len(tried) == webhook.total and len(untried) == 24 - webhook.total
    assert {d.state for d in tried} == {DeliveryState.RETRY_WAIT}
    assert {d.state for d in untried} == {DeliveryState.PENDING}
    assert "possible duplicate" not in caplog.text
    assert all(d.possible_duplicates == 0 for d in rows)
    first = webhook.total
    webhook.replies.clear()  # the webhook takes messages again
    clock.set(clock() + dt.timedelta(seconds=31))
    dispatcher.tick()
    dispatcher.tick()
    assert webhook.total == first + 24
    assert set(states(dispatcher).values()) == {DeliveryState.SENT}

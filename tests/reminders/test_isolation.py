"""Destinations are independent: a stuck webhook delays no other, and retries go on time.

Each destination has its own lane (its own concurrency and its own time budget), so a webhook
that hangs on every request costs only itself a timeout, and a retry elsewhere goes when its
Retry-After ends, not when the slowest destination is done. The receivers are real HTTP
servers on 127.0.0.1; the clock tests run the real reminder clock on the system clock.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from edicalendar.context import system_now
from edicalendar.model import RelativeDay, ReminderRule
from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.reminders.scheduler import ReminderClock
from support.builders import make_instance
from support.smtp import raw_smtp
from support.webhooks import Reply

LONDON = ZoneInfo("Europe/London")
TIMEOUT = 2.0


@pytest.fixture
def stuck(webhook_factory: Any) -> Iterator[Any]:
    """A webhook that takes every request and never answers (until the test ends)."""
    release = threading.Event()
    receiver = webhook_factory(Reply(hold=release))
    yield receiver
    release.set()


def destinations() -> dict[str, dict[str, Any]]:
    # Both at Slack's own 1 message a second: the stuck one would otherwise be worked through
    # one timeout after another.
    return {
        "stuck": {"kind": "slack", "url_env": "STUCK_URL"},
        "healthy": {"kind": "slack", "url_env": "HEALTHY_URL"},
    }


def due_soon(name: str, destination: str, seconds: float) -> Any:
    """A campaign with one reminder to `destination` due `seconds` from now (local time)."""
    due = (dt.datetime.now(LONDON) + dt.timedelta(seconds=seconds)).replace(microsecond=0)
    rule = ReminderRule(
        id="soon", when=RelativeDay(days=0), time=due.time(), destinations=(destination,)
    )
    return make_instance(name, start=due.date(), lead_times=(), rules=(rule,)), due


def test_a_hanging_webhook_delays_no_retry_to_another_destination(
    harness: Any, stuck: Any, webhook: Any, record_property: Any
) -> None:
    """With a webhook hanging on every request (5 reminders due to it) beside a healthy one
    whose first answer is 429 Retry-After: 1, the running clock sends the healthy retry 1 s
    after the 429, not after the stuck destination's timeouts; the stuck one is tried once."""
    harness.clock = system_now
    stuck_items = [due_soon(f"s{n}", "stuck", 2)[0] for n in range(5)]
    healthy, _ = due_soon("h", "healthy", 2)
    harness.instances = [*stuck_items, healthy]
    webhook.queue(Reply(429, b"rate_limited", {"Retry-After": "1"}))
    dispatcher = harness.dispatcher(
        destinations(),
        {"STUCK_URL": stuck.url(), "HEALTHY_URL": webhook.url()},
        monotonic=time.monotonic,
        reminders={"http_timeout_seconds": TIMEOUT},
    )
    dispatcher.clock = system_now
    clock = ReminderClock(dispatcher, tick_seconds=60)
    clock.start()
    try:
        assert webhook.wait_for(2, timeout=20)
        first, retry = webhook.requests[0].at, webhook.requests[1].at
        late = retry - (first + 1.0)
        record_property("healthy_retry_late_seconds", round(late, 3))
        print(f"healthy retry after the 429: {retry - first:.3f} s (Retry-After 1 s)")
        time.sleep(TIMEOUT + 0.5)  # let the stuck request time out and be recorded
        assert stuck.total == 1  # paused after its timeout, not tried again and again
    finally:
        clock.shutdown(wait=False)
    assert -0.05 <= late < 1.0  # never before Retry-After; then at once, not after 2+ s timeouts
    rows = {d.key.split(":")[0]: d for d in Ledger(dispatcher.database).deliveries()}
    assert rows["h"].state is DeliveryState.SENT


@pytest.mark.parametrize("kind", ["slack", "teams", "email"])
def test_one_remind_run_tries_a_hanging_destination_once_and_sends_the_rest_at_once(
    harness: Any, stuck: Any, webhook: Any, kind: str
) -> None:
    """One tick with eight reminders to a destination that never answers (a Slack or Teams
    webhook, or an SMTP server that accepts and says nothing) and eight to a healthy webhook:
    the healthy eight arrive while the stuck request is still open, the stuck destination gets
    one attempt (it is then paused, not worked through eight timeouts), and the tick ends after
    one timeout."""
    harness.instances = [
        make_instance(f"c{n}", destinations=("stuck", "healthy")) for n in range(8)
    ]
    healthy = {"kind": "slack", "url_env": "HEALTHY_URL", "rate_per_second": 0}
    with raw_smtp(None) as silent_port:
        stuck_settings: dict[str, Any] = {
            "slack": {"kind": "slack", "url_env": "STUCK_URL"},
            "teams": {"kind": "teams", "url_env": "STUCK_URL"},
            "email": {"kind": "email", "to": ["edi@nhs.example"]},
        }[kind]
        dispatcher = harness.dispatcher(
            {"stuck": stuck_settings, "healthy": healthy},
            {"STUCK_URL": stuck.url("/workflows/1?sig=S"), "HEALTHY_URL": webhook.url()},
            reminders={"http_timeout_seconds": TIMEOUT},
            email={
                "host": "127.0.0.1",
                "port": silent_port,
                "security": "none",
                "timeout_seconds": TIMEOUT,
            },
        )
        started = time.monotonic()
        summary = dispatcher.tick()
        took = time.monotonic() - started
    assert summary.sent == 8 and summary.retrying == 1
    assert len(webhook.requests) == 8
    if kind != "email":
        assert stuck.total == 1
        # All eight healthy ones arrived before the stuck request had even timed out.
        assert all(r.at < stuck.requests[0].at + TIMEOUT for r in webhook.requests)
    assert took < 3 * TIMEOUT + 2  # one timeout, not eight in a row (16 s)
    rows = [d for d in Ledger(dispatcher.database).deliveries() if d.key.endswith(":stuck")]
    assert sorted(d.state for d in rows) == sorted(
        [DeliveryState.RETRY_WAIT] + [DeliveryState.PENDING] * 7
    )
    # Those claimed while the stuck one was out went back untried: only one attempt counts.
    assert sorted(d.attempts for d in rows) == [0] * 7 + [1]


def test_a_slow_destination_stops_at_its_budget_and_the_rest_waits_for_the_next_pass(
    harness: Any, webhook_factory: Any
) -> None:
    """Six reminders to a webhook taking 0.5 s each, with a 1.2 s budget: the tick stops
    starting new ones at the budget (a faster destination beside it sends everything), and
    later ticks send the rest, each once."""
    slow = webhook_factory(Reply(delay=0.5))
    fast = webhook_factory()
    harness.instances = [make_instance(f"c{n}", destinations=("slow", "fast")) for n in range(6)]
    dispatcher = harness.dispatcher(
        {
            "slow": {"kind": "slack", "url_env": "SLOW", "rate_per_second": 100},
            "fast": {"kind": "slack", "url_env": "FAST", "rate_per_second": 100},
        },
        {"SLOW": slow.url(), "FAST": fast.url()},
        monotonic=time.monotonic,  # the budget is real time
        reminders={"destination_budget_seconds": 1.2},
    )
    started = time.monotonic()
    dispatcher.tick()
    took = time.monotonic() - started
    # At most three fit in the budget (six would take 3 s); a loaded machine may fit only one.
    assert 1 <= slow.total <= 3 and fast.total == 6
    assert took < 4  # generous: shared machines are slow; the count above is the point
    # Each later pass sends what fits in its budget (on a loaded machine, as little as one).
    for _ in range(10):
        if slow.total >= 6:
            break
        dispatcher.tick()
    assert sorted(slow.counts().values()) == [1] * 6

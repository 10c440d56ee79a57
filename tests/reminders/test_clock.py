"""The APScheduler clock: wake-up at the due time, surviving a failing tick, the lock."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from edicalendar.context import system_now
from edicalendar.errors import DatabaseError
from edicalendar.model import RelativeDay, ReminderRule
from edicalendar.reminders.scheduler import InstanceLock, ReminderClock
from support.builders import make_instance

LONDON = ZoneInfo("Europe/London")
SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


def test_reminder_due_while_the_clock_runs_goes_out_within_two_seconds(
    harness: Any, webhook: Any
) -> None:
    """A reminder due 3 s after start (between minute ticks) arrives less than 2 s late."""
    due_local = (dt.datetime.now(LONDON) + dt.timedelta(seconds=3)).replace(microsecond=0)
    rule = ReminderRule(
        id="soon", when=RelativeDay(days=0), time=due_local.time(), destinations=("slack",)
    )
    harness.instances = [
        make_instance("soon", start=due_local.date(), lead_times=(), rules=(rule,))
    ]
    harness.clock = system_now
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    dispatcher.clock = system_now
    clock = ReminderClock(dispatcher, tick_seconds=60)
    clock.start()
    try:
        assert webhook.wait_for(1, timeout=8)
        arrived = time.time()
    finally:
        clock.shutdown()
    lateness = arrived - due_local.timestamp()
    assert 0 <= lateness < 2
    assert clock.last_successful_tick is not None


def test_a_failing_tick_is_logged_and_the_next_one_runs(
    harness: Any, webhook: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The planner raising once does not stop the clock; the next tick sends as normal."""
    calls = {"n": 0}
    original = harness.source

    def flaky(first: dt.date, last: dt.date) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("campaign folder unreadable")
        return original(first, last)

    harness.instances = [make_instance()]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    dispatcher.source = flaky
    clock = ReminderClock(dispatcher)
    try:
        clock.run_tick()
        assert clock.last_error is not None and "unreadable" in clock.last_error
        assert clock.last_successful_tick is None
        assert "reminder tick failed" in caplog.text
        clock.run_tick()
        assert clock.last_error is None and clock.last_successful_tick is not None
        assert webhook.wait_for(1)  # the Slack lane, woken by the tick, sends it
        assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]
    finally:
        clock.shutdown()


def test_scheduler_job_is_in_memory_utc_and_never_misfires(harness: Any, webhook: Any) -> None:
    """One `tick` interval job: MemoryJobStore, UTC, coalesce, one instance, no misfire limit."""
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    clock = ReminderClock(dispatcher, tick_seconds=60)
    clock.start()
    try:
        job = clock.scheduler.get_job("tick")
        assert job is not None
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time is None
        assert str(clock.scheduler.timezone) == "UTC"
        assert type(clock.scheduler._jobstores["default"]).__name__ == "MemoryJobStore"
    finally:
        clock.shutdown()


def test_instance_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    """A second lock on the same file fails with a message naming the file and the pid."""
    first = InstanceLock(tmp_path / "edicalendar.db.lock").acquire()
    try:
        with pytest.raises(DatabaseError, match="already running"):
            InstanceLock(tmp_path / "edicalendar.db.lock").acquire()
    finally:
        first.release()
    InstanceLock(tmp_path / "edicalendar.db.lock").acquire().release()

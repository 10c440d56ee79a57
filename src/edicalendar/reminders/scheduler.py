"""The reminder clock: APScheduler 3.11 used only as a timer, never as the record of work.

One in-memory job plans at start-up and every `tick_seconds`. Sending runs in one thread per
lane (a webhook, the SMTP server), each sleeping on the monotonic clock until its own next due
time or retry and woken by each planning tick, so a reminder due at 09:00:00 goes out within a
second or two, a retry goes when its backoff ends, and a stuck destination holds up only its
own lane. Nothing is pickled or persisted by the scheduler (its job store cannot lose or replay
reminders: the ledger is the truth). On SQLite an exclusive lock file beside the database makes
sure only one clock runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from edicalendar.reminders.instance_lock import InstanceLock, lock_path_for

__all__ = ["InstanceLock", "ReminderClock", "lock_path_for", "start_clock"]

if TYPE_CHECKING:
    from edicalendar.reminders.dispatch import Dispatcher
    from edicalendar.reminders.lanes import Lane

log = logging.getLogger("edicalendar.reminders.scheduler")


class LaneThread:
    """Runs one lane's passes, each starting when the lane's next delivery is due."""

    def __init__(self, clock: ReminderClock, lane: Lane) -> None:
        self.clock = clock
        self.lane = lane
        self._wake = threading.Condition()
        self._kicked = False
        self._stopped = False
        self.thread = threading.Thread(
            target=self._run, name=f"lane-{lane.group}"[:15], daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def kick(self) -> None:
        """Look at the ledger again now (after planning added or changed rows)."""
        with self._wake:
            self._kicked = True
            self._wake.notify()

    def stop(self, wait: bool) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if wait:
            self.thread.join(timeout=self.clock.dispatcher.settings.destination_budget_seconds)

    def _run(self) -> None:
        from edicalendar.reminders.summary import TickSummary

        dispatcher = self.clock.dispatcher
        while True:
            with self._wake:
                if self._stopped:
                    break
                self._kicked = False
            summary = TickSummary()
            try:
                end = self.lane.run_pass(summary, dispatcher.settings.destination_budget_seconds)
                wake = dispatcher.lane_wakeup(self.lane, end)
            except Exception:
                log.exception("sending to %s failed; trying again shortly", self.lane.group)
                wake = dispatcher.monotonic() + min(5.0, self.clock.tick_seconds)
            if summary.busy:
                log.info("reminders to %s: %s", self.lane.group, summary.line())
            with self._wake:
                if self._stopped or self._kicked:
                    continue
                timeout = float(self.clock.tick_seconds)
                if wake is not None:
                    timeout = min(timeout, max(0.0, wake - dispatcher.monotonic()))
                if timeout > 0:
                    self._wake.wait(timeout)
        self.lane.shutdown()


@dataclass
class ReminderClock:
    """The APScheduler wrapper: a periodic planning tick, a thread per lane, health."""

    dispatcher: Dispatcher
    tick_seconds: int = 60
    blocking: bool = False
    lock: InstanceLock | None = None
    last_successful_tick: dt.datetime | None = None
    last_error: str | None = None
    scheduler: Any = field(init=False)
    lanes: dict[str, LaneThread] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        options: dict[str, Any] = {
            "jobstores": {"default": MemoryJobStore()},
            "executors": {"default": ThreadPoolExecutor(2)},
            "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            "timezone": dt.UTC,
        }
        cls = BlockingScheduler if self.blocking else BackgroundScheduler
        self.scheduler = cls(**options)
        self._lanes_lock = threading.Lock()

    def start(self) -> Any:
        self.scheduler.add_job(
            self.run_tick,
            "interval",
            seconds=self.tick_seconds,
            id="tick",
            replace_existing=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )
        self.scheduler.start()
        return self.scheduler

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        with self._lanes_lock:
            threads = list(self.lanes.values())
            self.lanes.clear()
        for thread in threads:
            thread.stop(wait)
        if self.lock is not None:
            self.lock.release()

    def run_tick(self) -> None:
        """Plan, then wake every lane with something to send; errors are logged and the next
        tick runs anyway."""
        dispatcher = self.dispatcher
        try:
            summary = dispatcher.plan()
            dispatcher.finish_tick()
            lanes = dispatcher.lanes_with_open_rows(dispatcher.clock())
        except Exception as exc:
            from edicalendar.redact import redact

            self.last_error = redact(f"{type(exc).__name__}: {exc}")
            log.exception("reminder tick failed; the next tick will try again")
            return
        self.last_successful_tick = dispatcher.clock()
        self.last_error = None
        if summary.busy or summary.expired:
            log.info("reminders planned: %s", summary.line())
        with self._lanes_lock:
            for lane in lanes:
                thread = self.lanes.get(lane.group)
                if thread is None:
                    thread = self.lanes[lane.group] = LaneThread(self, lane)
                    thread.start()
                else:
                    thread.kick()


def start_clock(
    dispatcher: Dispatcher,
    *,
    tick_seconds: int,
    sqlite_path: Path | None,
    blocking: bool = False,
) -> ReminderClock:
    """Take the instance lock (SQLite) and start ticking `dispatcher`.

    For `edicalendar serve` (background thread) or a dedicated service (`blocking=True`, which
    returns only when the scheduler stops).
    """
    lock = None
    if sqlite_path is not None:
        lock = InstanceLock(lock_path_for(sqlite_path)).acquire()
    try:
        clock = ReminderClock(dispatcher, tick_seconds=tick_seconds, blocking=blocking, lock=lock)
        clock.start()
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return clock

"""The reminder clock: APScheduler 3.11 used only as a timer, never as the record of work.

One in-memory job runs a tick at start-up and every `tick_seconds`; after each tick a one-off
wake-up is set for the next due time in the ledger, so a reminder due at 09:00:00 goes out within
a second or two. Nothing is pickled or persisted by the scheduler (its job store cannot lose or
replay reminders: the ledger is the truth). On SQLite an exclusive lock file beside the database
makes sure only one clock runs.
"""

from __future__ import annotations

import datetime as dt
import logging
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

log = logging.getLogger("edicalendar.reminders.scheduler")


@dataclass
class ReminderClock:
    """The APScheduler wrapper: a periodic tick, a wake-up at the next due time, health."""

    dispatcher: Dispatcher
    tick_seconds: int = 60
    blocking: bool = False
    lock: InstanceLock | None = None
    last_successful_tick: dt.datetime | None = None
    last_error: str | None = None
    scheduler: Any = field(init=False)

    def __post_init__(self) -> None:
        options: dict[str, Any] = {
            "jobstores": {"default": MemoryJobStore()},
            "executors": {"default": ThreadPoolExecutor(2)},
            "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            "timezone": dt.UTC,
        }
        cls = BlockingScheduler if self.blocking else BackgroundScheduler
        self.scheduler = cls(**options)

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
        if self.lock is not None:
            self.lock.release()

    def run_tick(self) -> None:
        """One tick; errors are logged and the next tick runs anyway."""
        try:
            summary = self.dispatcher.tick()
        except Exception as exc:
            from edicalendar.redact import redact

            self.last_error = redact(f"{type(exc).__name__}: {exc}")
            log.exception("reminder tick failed; the next tick will try again")
        else:
            self.last_successful_tick = self.dispatcher.clock()
            self.last_error = None
            if summary.planned or summary.sent or summary.accepted or summary.failed:
                log.info("reminders: %s", summary.line())
        self._schedule_wakeup()

    def _schedule_wakeup(self) -> None:
        try:
            now = self.dispatcher.clock()
            wake = self.dispatcher.next_wakeup(now)
        except Exception:
            log.exception("could not read the next due time")
            return
        if wake is None or wake > now + dt.timedelta(seconds=self.tick_seconds):
            return
        self.scheduler.add_job(
            self.run_tick, "date", run_date=wake, id="wake", replace_existing=True
        )


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

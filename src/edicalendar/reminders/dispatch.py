"""The reminder bot's work: plan the ledger, then send what is due, one lane per destination.

Planning recovers abandoned claims, plans the window from where planning last stopped (a new
ledger from now; never before the ledger began) up to a look-ahead, expires what is too late,
skips rows for destinations that do not exist and prunes finished rows past their retention.
Sending gives each channel group (one Slack webhook, one Teams flow, the SMTP server) its own
lane (:mod:`edicalendar.reminders.lanes`), running side by side with its own time budget, so a
stuck destination delays no other. `tick` does both once (cron, `edicalendar remind`); the
reminder clock (:mod:`edicalendar.reminders.scheduler`) plans on its interval and lets each lane
wake at its own next due time. Retries use full-jitter exponential backoff from a seedable RNG,
honour Retry-After, and stop at `max_attempts` or `not_after`; waits are on the monotonic clock
(:mod:`edicalendar.reminders.pacing`). On PostgreSQL several workers may tick at once: one plans
(under an advisory lock) while all of them send.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import SQLAlchemyError

from edicalendar.calendar.freezes import Freeze
from edicalendar.config import ReminderSettings, Settings
from edicalendar.errors import ConfigError, DatabaseError
from edicalendar.redact import redact
from edicalendar.reminders.channels import ChannelSet
from edicalendar.reminders.date_tracking import DateTracker
from edicalendar.reminders.delivery import Delivery, DeliveryState
from edicalendar.reminders.holding import FreezeGate, release_held
from edicalendar.reminders.lanes import Lane, PassEnd
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.pacing import Pacing, TokenBucket, full_jitter, whole_seconds_after
from edicalendar.reminders.planner import (
    PlannerInput,
    PlannerSettings,
    ReminderOccurrence,
    is_weekday,
    plan_reminders,
)
from edicalendar.reminders.summary import TickSummary
from edicalendar.storage.engine import Database, recovery_advice
from edicalendar.storage.state import Pause, Unhealthy

__all__ = ["Dispatcher", "TickSummary", "TokenBucket", "full_jitter", "planner_settings"]

log = logging.getLogger("edicalendar.reminders.dispatch")
alert_log = logging.getLogger("edicalendar.alerts")

Clock = Callable[[], dt.datetime]
#: Loads campaign instances and observances for a range of local dates (inclusive).
PlannerSource = Callable[[dt.date, dt.date], PlannerInput]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Finished deliveries are pruned at most this often.
PRUNE_EVERY = dt.timedelta(days=1)


def planner_settings(settings: Settings, channel_names: frozenset[str]) -> PlannerSettings:
    """Planner settings from config: zone, grace, digest schedule and destinations."""
    reminders = settings.reminders
    try:
        zone = ZoneInfo(reminders.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError.single(
            "config",
            "reminders.timezone",
            f"unknown time zone {reminders.timezone!r} (is the tzdata package installed?)",
        ) from None
    try:
        digest_time = dt.time.fromisoformat(reminders.digest_time)
    except ValueError:
        raise ConfigError.single(
            "config", "reminders.digest_time", f"{reminders.digest_time!r} is not a time (HH:MM)"
        ) from None
    return PlannerSettings(
        timezone=zone,
        lead_grace=dt.timedelta(hours=reminders.grace_hours),
        digest_destinations=tuple(
            sorted(name for name, d in settings.destinations.items() if d.digest)
        ),
        digest_weekday=WEEKDAYS.index(reminders.digest_weekday),
        digest_time=digest_time,
        digest_days=reminders.digest_days,
        change_destinations=tuple(
            sorted(name for name, d in settings.destinations.items() if d.notify_changes)
        ),
        known_destinations=channel_names,
        owner_email=any(d.kind == "email" for d in settings.destinations.values()),
        base_url=settings.feeds.base_url,
    )


@dataclass
class Dispatcher:
    """The planner, ledger and channels wired together; call :meth:`tick` on a clock."""

    database: Database
    channels: ChannelSet
    settings: ReminderSettings
    planner_settings: PlannerSettings
    source: PlannerSource
    clock: Clock
    rng: random.Random = field(default_factory=random.Random)
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    is_workday: Callable[[dt.date], bool] = is_weekday
    #: Campaign ids that exist (for "campaign removed" versus "superseded"); None = unknown.
    known_campaigns: Callable[[], frozenset[str] | None] = lambda: None
    #: Communication freezes: what holds messages back (None: no freezes are read).
    freezes: FreezeGate | None = None
    #: Concurrent sends to one destination when it has no rate limit (as many again wait
    #: claimed, so a sender never waits for a commit: at most 16 in flight per destination).
    parallel_sends: int = 8
    #: Finds date changes for the notices of `notify_changes` destinations (None: no notices).
    dates: DateTracker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _mutex: threading.Lock = field(default_factory=threading.Lock)
    _unhealthy: set[str] = field(default_factory=set)
    _paused: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.database)
        self.pacing = Pacing(self.monotonic)
        self.lanes: dict[str, Lane] = {}

    # --- planning ------------------------------------------------------------------------

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The planning window of a tick at `now`: empty for a moment so long before the ledger
        began (a simulated `--at`) that even its look-ahead ends before then."""
        start = self.ledger.plan_start(now, self.planner_settings.max_grace)
        end = now + dt.timedelta(hours=self.settings.lookahead_hours)
        return min(start, end), end

    def planned(
        self, start: dt.datetime, end: dt.datetime, *, preview_at: dt.datetime | None = None
    ) -> list[ReminderOccurrence]:
        """The complete plan of [start, end); `preview_at` adds the date changes a tick at
        that moment would find, without recording them."""
        zone = self.planner_settings.timezone
        first = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        source = self.source(first, last)
        if self.dates is not None:
            found = self.dates.recent(start)
            if preview_at is not None:
                # Changes a real tick would find now (a preview records nothing).
                found += self.dates.pending(preview_at)
            source = replace(source, date_changes=found)
        return plan_reminders(source, self.planner_settings, start, end, is_workday=self.is_workday)

    def preview(self, now: dt.datetime) -> list[ReminderOccurrence]:
        """What a tick at `now` would send, without writing anything."""
        start, end = self.window(now)
        planned = self.planned(start, end, preview_at=now)
        due = [r for r in planned if r.due_at <= now <= r.not_after]
        final = {d.key: d for d in self.ledger.deliveries_for([r.key for r in due])}
        out = []
        for reminder in due:
            row = final.get(reminder.key)
            if row is None or (
                row.state in (DeliveryState.PENDING, DeliveryState.RETRY_WAIT)
                and (row.next_attempt_at is None or row.next_attempt_at <= now)
            ):
                out.append(reminder)
        return out

    # --- the tick ------------------------------------------------------------------------

    def tick(self, now: dt.datetime | None = None) -> TickSummary:
        """Plan, then send everything due at `now` (default: the clock), every lane at once
        and each within its budget; what a lane could not send waits for the next tick."""
        with self._lock, _ledger_errors():
            summary = self.plan(now)
            lanes = self.lanes_with_work(self.clock())
            budget = self.settings.destination_budget_seconds
            if lanes:
                with ThreadPoolExecutor(len(lanes), thread_name_prefix="lane") as pool:
                    futures = [pool.submit(lane.run_pass, summary, budget) for lane in lanes]
                    errors = [f.exception() for f in futures]
                for lane in lanes:
                    lane.shutdown()
                for error in errors:
                    if error is not None:
                        raise error
            self.finish_tick()
            return summary

    def plan(self, now: dt.datetime | None = None) -> TickSummary:
        """The planning half of a tick (the clock calls it on its interval)."""
        summary = TickSummary()
        moment = now or self.clock()
        with _ledger_errors(), self.ledger.planning_lock() as planner:
            if planner:
                self._plan(moment, summary)
            else:
                log.info("another worker is planning; this tick only sends what is due")
        self._unhealthy = set(self.ledger.state.unhealthy())
        return summary

    def finish_tick(self) -> None:
        """Record that a tick finished: its time, and one more on the ledger's serial (which
        the data folder's marker follows, so an older copy of the ledger is recognised)."""
        with _ledger_errors():
            state = self.ledger.state
            state.set_last_tick(self.clock())
            self.database.note_progress(state.bump_ledger_serial())

    def _plan(self, now: dt.datetime, summary: TickSummary) -> None:
        summary.possible_duplicates += len(self.ledger.recover_leases(now))
        start, end = self.window(now)
        if self.dates is not None:
            self.dates.detect(now)
        planned = self.planned(start, end)
        summary.planned = len(planned)
        synced = self.ledger.sync(planned, start, end, now, known_campaigns=self.known_campaigns())
        summary.expired += len(synced.expired)
        summary.superseded = len(synced.superseded)
        if self.freezes is not None:
            freed = release_held(self.ledger, self.freezes, now)
            summary.released += len(freed.released)
            summary.expired += len(freed.expired)
        summary.expired += len(self.ledger.expire(now))
        for name in self.ledger.destinations_with_work(now):
            if self.channels.resolve(name) is None:
                self._skip_unknown(name, summary)
        last = self.ledger.state.pruned_at("deliveries")
        if last is None or now - last >= PRUNE_EVERY or now < last:
            self.ledger.prune(now, dt.timedelta(days=self.settings.retention_days))
            self.ledger.state.set_pruned_at("deliveries", now)

    # --- lanes ---------------------------------------------------------------------------

    def lane_for(self, destination: str) -> Lane | None:
        """The lane sending `destination`'s rows (made on first use); None if unknown."""
        resolved = self.channels.resolve(destination)
        if resolved is None:
            return None
        channel = resolved[0]
        with self._mutex:
            lane = self.lanes.get(channel.group)
            if lane is None:
                lane = self.lanes[channel.group] = Lane(self, channel.group, channel)
            if destination not in lane.destinations:
                lane.add(destination, channel)
        return lane

    def lanes_with_work(self, now: dt.datetime) -> list[Lane]:
        """Lanes with something due now, by the ledger or by this process's own retry clock."""
        found: dict[str, Lane] = {}
        for name in self.ledger.destinations_with_work(now):
            lane = self.lane_for(name)
            if lane is not None:
                found[lane.group] = lane
        for group, lane in list(self.lanes.items()):
            if self.pacing.overdue(group, now):
                found[group] = lane
        return [found[group] for group in sorted(found)]

    def lanes_with_open_rows(self, now: dt.datetime) -> list[Lane]:
        """Lanes with any delivery still to send, now or later (the clock keeps one awake)."""
        found: dict[str, Lane] = {}
        for name in self.ledger.destinations_open(now):
            lane = self.lane_for(name)
            if lane is not None:
                found[lane.group] = lane
        return [found[group] for group in sorted(found)]

    def lane_wakeup(self, lane: Lane, end: PassEnd) -> float | None:
        """The monotonic instant the lane's next pass is worth starting; None: at the next
        planning tick (the group is halted, or nothing is known to be coming)."""
        now_mono = self.monotonic()
        if end is PassEnd.BUDGET:
            return now_mono
        if end is PassEnd.HALTED:
            return None
        paused_until = now_mono + self.pause_checker(lane.group)()
        times = []
        own = self.pacing.next_deadline(lane.group)
        if own is not None:
            times.append(own)
        now = self.clock()
        # From the pass's last claim, not from now: a row that fell due in between (a wake a
        # moment early) is due at once, not forgotten until the next one.
        wall = self.ledger.next_wakeup(min(now, lane.last_claim_at or now), lane.destinations)
        if wall is not None:
            times.append(now_mono + max(0.0, (wall - now).total_seconds()))
        if not times:
            return paused_until if paused_until > now_mono else None
        return max(min(times), paused_until)

    # --- pauses --------------------------------------------------------------------------

    def frozen(self, delivery: Delivery) -> Freeze | None:
        """The communication freeze holding `delivery` back now, or None (see reminders.holding)."""
        if self.freezes is None:
            return None
        return self.freezes.holding(delivery, self.clock())

    def pause_checker(self, group: str) -> Callable[[], float]:
        """Seconds `group` stays paused, as a function: this process's own monotonic pause when
        it set one, else the pause another process recorded in the ledger (read once here)."""
        recorded = self.ledger.state.pauses().get(group)
        if recorded is not None:
            with self._mutex:
                self._paused.add(group)

        def remaining() -> float:
            if self.pacing.knows_pause(group):
                return self.pacing.paused_for(group)
            if recorded is None:
                return 0.0
            return max(0.0, (recorded.until - self.clock()).total_seconds())

        return remaining

    def pause(self, group: str, seconds: float, reason: str) -> None:
        """Send nothing to `group` for `seconds` (here, and in the ledger for other workers)."""
        until = whole_seconds_after(self.clock(), seconds)
        deadline = self.pacing.pause(group, seconds, until, reason)
        with self._mutex:
            self._paused.add(group)
        self.ledger.state.set_pause(Pause(group, deadline.wall, reason))
        log.warning("pausing %s for %.1f s: %s", group, seconds, reason)

    def resume(self, group: str) -> None:
        """A send to `group` succeeded: any pause of it is over."""
        with self._mutex:
            if group not in self._paused:
                return
            self._paused.discard(group)
        self.pacing.resume(group)
        self.ledger.state.clear_pause(group)

    # --- health, halts and alerts -----------------------------------------------------------

    def alert(self, summary: TickSummary, text: str) -> None:
        alert_log.error("ALERT %s", redact(text))
        summary.add_alert(redact(text))

    def mark_unhealthy(self, destination: str, detail: str, summary: TickSummary) -> None:
        with self._mutex:
            self._unhealthy.add(destination)
        state = self.ledger.state
        if not state.is_unhealthy(destination):
            state.mark_unhealthy(Unhealthy(destination, detail, self.clock()))
            self.alert(
                summary,
                f"destination {destination} is misconfigured and was marked unhealthy: {detail}",
            )

    def mark_healthy(self, destination: str) -> None:
        with self._mutex:
            if destination not in self._unhealthy:
                return
            self._unhealthy.discard(destination)
        if self.ledger.state.clear_unhealthy(destination):
            log.info("destination %s is healthy again", destination)

    def _skip_unknown(self, destination: str, summary: TickSummary) -> None:
        while True:
            batch = self.ledger.claim(
                self.clock(), dt.timedelta(minutes=5), destination=destination, limit=100
            )
            if not batch:
                return
            for delivery in batch:
                self.ledger.record(
                    delivery,
                    DeliveryState.SKIPPED_CONFIG,
                    self.clock(),
                    error=f"unknown destination {destination!r}",
                )
                summary.count("skipped")
            self.mark_unhealthy(destination, "destination is not configured", summary)

    def next_wakeup(self, now: dt.datetime) -> dt.datetime | None:
        return self.ledger.next_wakeup(now)


@contextmanager
def _ledger_errors() -> Iterator[None]:
    """Turns a database failure into DatabaseError: sending stops rather than go unrecorded."""
    try:
        yield
    except SQLAlchemyError as exc:
        # Locked, full or read-only: stop here rather than send what cannot be recorded.
        # Rows claimed but not recorded are re-sent after their lease (and logged).
        reason = getattr(exc, "orig", exc)
        advice = recovery_advice(reason, "the database")
        raise DatabaseError(
            f"the reminder ledger could not be written ({reason}); sending stopped for "
            f"this tick and resumes on the next one; {advice}"
        ) from None

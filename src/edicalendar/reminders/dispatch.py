"""One tick of the reminder bot: plan, claim, send, record.

A tick recovers abandoned claims, plans the window from where planning last stopped (never more
than the longest grace before now on a new database) up to a look-ahead, expires what is too
late, then sends every due delivery. Each channel group (one Slack webhook, one Teams flow, all
email) runs in its own worker so a slow or broken destination delays no other, with a token
bucket per destination. Retries use full-jitter exponential backoff from a seedable RNG, honour
Retry-After, and stop at `max_attempts` or `not_after`. On PostgreSQL several workers may tick
at once: one plans (under an advisory lock) while the others only send.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from edicalendar.config import ReminderSettings, Settings
from edicalendar.errors import ConfigError, DatabaseError
from edicalendar.redact import redact
from edicalendar.reminders.channels import ChannelSet
from edicalendar.reminders.channels.base import (
    Channel,
    Outbound,
    Outcome,
    RecipientOutcome,
    RecipientState,
    SendResult,
)
from edicalendar.reminders.ledger import Delivery, DeliveryState, Ledger
from edicalendar.reminders.planner import (
    PlannerInput,
    PlannerSettings,
    ReminderOccurrence,
    is_weekday,
    plan_reminders,
)
from edicalendar.storage.engine import Database, recovery_advice
from edicalendar.storage.state import Halt, Unhealthy
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import utc_text

log = logging.getLogger("edicalendar.reminders.dispatch")
alert_log = logging.getLogger("edicalendar.alerts")

Clock = Callable[[], dt.datetime]
#: Loads campaign instances and observances for a range of local dates (inclusive).
PlannerSource = Callable[[dt.date, dt.date], PlannerInput]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class TickSummary:
    """What one tick did; `line()` is the one-line summary commands print."""

    planned: int = 0
    sent: int = 0
    accepted: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    skipped: int = 0
    superseded: int = 0
    possible_duplicates: int = 0
    alerts: list[str] = field(default_factory=list)

    def line(self) -> str:
        delivered = self.sent + self.accepted
        parts = [f"{delivered} sent", f"{self.failed} failed", f"{self.expired} expired"]
        if self.retrying:
            parts.append(f"{self.retrying} retrying")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.superseded:
            parts.append(f"{self.superseded} cancelled")
        if self.possible_duplicates:
            parts.append(f"{self.possible_duplicates} possible duplicates")
        return ", ".join(parts)


class TokenBucket:
    """`rate` messages a second with a burst of one; 0 means no limit. Monotonic time."""

    def __init__(
        self,
        rate: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = 1.0
        self._stamp = monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if self.rate <= 0:
            return
        with self._lock:
            now = self._monotonic()
            self._tokens = min(1.0, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1.0:
                wait = (1.0 - self._tokens) / self.rate
                self._sleep(wait)
                self._stamp = self._monotonic()
                self._tokens = 1.0
            self._tokens -= 1.0


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (1-based): uniform(0, min(cap, base·2^n))."""
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, attempt - 1)))


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
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)
    #: Concurrent sends to one destination when it has no rate limit.
    parallel_sends: int = 16
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _unhealthy: set[str] = field(default_factory=set)
    _mutex: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.database)

    # --- planning ------------------------------------------------------------------------

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        start = self.ledger.plan_start(now, self.planner_settings.max_grace)
        return start, now + dt.timedelta(hours=self.settings.lookahead_hours)

    def planned(self, start: dt.datetime, end: dt.datetime) -> list[ReminderOccurrence]:
        zone = self.planner_settings.timezone
        first = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        source = self.source(first, last)
        return plan_reminders(source, self.planner_settings, start, end, is_workday=self.is_workday)

    def preview(self, now: dt.datetime) -> list[ReminderOccurrence]:
        """What a tick at `now` would send, without writing anything."""
        start, end = self.window(now)
        due = [r for r in self.planned(start, end) if r.due_at <= now <= r.not_after]
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
        """Plan and send everything due at `now` (default: the clock)."""
        with self._lock:
            try:
                summary = self._tick(now or self.clock())
                self.ledger.state.set_last_tick(self.clock())
            except SQLAlchemyError as exc:
                # Locked, full or read-only: stop here rather than send what cannot be recorded.
                # Rows claimed but not recorded are re-sent after their lease (and logged).
                reason = getattr(exc, "orig", exc)
                advice = recovery_advice(reason, "the database")
                raise DatabaseError(
                    f"the reminder ledger could not be written ({reason}); sending stopped for "
                    f"this tick and resumes on the next one; {advice}"
                ) from None
            return summary

    def _tick(self, now: dt.datetime) -> TickSummary:
        summary = TickSummary()
        with self.ledger.planning_lock() as planner:
            if planner:
                self._plan(now, summary)
            else:
                log.info("another worker is planning; this tick only sends what is due")
        self._unhealthy = set(self.ledger.state.unhealthy())
        groups = self._due_groups(now)
        if not groups:
            return summary
        workers = min(16, len(groups))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="remind") as pool:
            futures = [
                pool.submit(self._run_group, group, members, summary)
                for group, members in sorted(groups.items())
            ]
            errors = [f.exception() for f in futures]
        for error in errors:
            if error is not None:
                raise error
        return summary

    def _plan(self, now: dt.datetime, summary: TickSummary) -> None:
        recovered = self.ledger.recover_leases(now)
        summary.possible_duplicates = len(recovered)
        start, end = self.window(now)
        planned = self.planned(start, end)
        summary.planned = len(planned)
        synced = self.ledger.sync(planned, start, end, now, known_campaigns=self.known_campaigns())
        summary.expired += len(synced.expired)
        summary.superseded = len(synced.superseded)
        summary.expired += len(self.ledger.expire(now))

    def _due_groups(self, now: dt.datetime) -> dict[str, list[tuple[str, Channel | None]]]:
        with self.database.engine.connect() as conn:
            names = list(
                conn.execute(
                    select(deliveries.c.destination)
                    .where(self.ledger.due_condition(utc_text(now)))
                    .distinct()
                ).scalars()
            )
        groups: dict[str, list[tuple[str, Channel | None]]] = defaultdict(list)
        for name in names:
            resolved = self.channels.resolve(name)
            channel = resolved[0] if resolved else None
            groups[channel.group if channel else f"unknown:{name}"].append((name, channel))
        return groups

    def _run_group(
        self, group: str, members: list[tuple[str, Channel | None]], summary: TickSummary
    ) -> None:
        for destination, channel in members:
            if channel is None:
                self._skip_unknown(destination, summary)
                continue
            if self._halted(channel, summary):
                return
            while True:
                now = self.clock()
                batch = self.ledger.claim(
                    now,
                    dt.timedelta(seconds=self.settings.lease_seconds),
                    destination=destination,
                    limit=self._batch_size(channel),
                )
                if not batch:
                    break
                if channel.rate_per_second <= 0 and channel.group != "email" and len(batch) > 1:
                    self._send_parallel(channel, batch, summary)
                    continue
                for index, delivery in enumerate(batch):
                    if not self._send_one(channel, delivery, summary):
                        for left in batch[index + 1 :]:
                            self.ledger.record(
                                left,
                                DeliveryState.RETRY_WAIT,
                                self.clock(),
                                error="not attempted: channel halted",
                            )
                        return

    def _batch_size(self, channel: Channel) -> int:
        if channel.group == "email":
            return 1
        if channel.rate_per_second > 0:
            return max(1, min(50, int(channel.rate_per_second * self.settings.lease_seconds / 4)))
        return 50

    def _bucket(self, destination: str, rate: float) -> TokenBucket:
        with self._mutex:
            bucket = self._buckets.get(destination)
            if bucket is None or bucket.rate != rate:
                bucket = TokenBucket(rate, self.monotonic, self.sleep)
                self._buckets[destination] = bucket
            return bucket

    def _send_one(self, channel: Channel, delivery: Delivery, summary: TickSummary) -> bool:
        """Send and record one delivery; False when the channel group must stop (HALT)."""
        return self._conclude(delivery, self._attempt(channel, delivery), summary, channel)

    def _send_parallel(self, channel: Channel, batch: list[Delivery], summary: TickSummary) -> None:
        """With no rate limit, send a batch concurrently and record it in one commit.

        The duplicate window (sent, not yet recorded) grows from one message to one batch;
        it is still only a crash that can open it, and recovery logs every row involved.
        """
        workers = min(self.parallel_sends, len(batch))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="send") as pool:
            attempts = list(pool.map(lambda d: self._attempt(channel, d), batch))
        with self.ledger.group_commit():
            for delivery, attempt in zip(batch, attempts, strict=True):
                self._conclude(delivery, attempt, summary, channel)

    def _attempt(
        self, channel: Channel, delivery: Delivery
    ) -> tuple[SendResult, dict[str, RecipientOutcome]]:
        """One send, rate-limited; never raises for a channel failure."""
        self._bucket(delivery.destination, channel.rate_per_second).acquire()
        resolved = self.channels.resolve(delivery.destination)
        recipients = resolved[1] if resolved else None
        previous = delivery.recipient_states
        settled = frozenset(a for a, s in previous.items() if s.settled)
        item = Outbound(
            delivery.key, delivery.destination, delivery.message, self.clock(), recipients, settled
        )
        try:
            result = channel.send(item)
        except Exception as exc:  # a channel bug must not stop other deliveries
            log.exception("channel %s failed on %s", channel.name, delivery.key)
            result = SendResult(Outcome.RETRY, redact(f"{type(exc).__name__}: {exc}"))
        return result, {**previous, **result.recipients}

    def _conclude(
        self,
        delivery: Delivery,
        attempt: tuple[SendResult, dict[str, RecipientOutcome]],
        summary: TickSummary,
        channel: Channel,
    ) -> bool:
        result, merged = attempt
        # The server's words per recipient are stored and shown: redacted like every error.
        stored = {address: redact(str(outcome)) for address, outcome in merged.items()}
        response = json.dumps(
            {"status": result.status, "recipients": stored}, sort_keys=True, ensure_ascii=False
        )
        refused = {a: s for a, s in result.recipients.items() if s.state is RecipientState.DEAD}
        if refused and result.outcome is not Outcome.DEAD:
            listed = "; ".join(f"{a} {s}" for a, s in refused.items())
            self._alert(summary, f"{delivery.key}: recipients refused for good: {listed}")
        self._record(channel, delivery, result, response, summary, merged)
        return result.outcome is not Outcome.HALT

    def _record(
        self,
        channel: Channel,
        delivery: Delivery,
        result: SendResult,
        response: str,
        summary: TickSummary,
        recipients: dict[str, RecipientOutcome],
    ) -> None:
        now = self.clock()
        detail = redact(result.detail)
        outcome = result.outcome
        if outcome in (Outcome.SENT, Outcome.ACCEPTED):
            state = DeliveryState.SENT if outcome is Outcome.SENT else DeliveryState.ACCEPTED
            unsettled = "; ".join(
                f"{a} {s}" for a, s in recipients.items() if s.state is not RecipientState.ACCEPTED
            )
            self.ledger.record(
                delivery, state, now, error=redact(unsettled) or None, response=response
            )
            with self._mutex:
                if outcome is Outcome.SENT:
                    summary.sent += 1
                else:
                    summary.accepted += 1
            self._mark_healthy(delivery.destination)
            log.info("%s %s to %s", state, delivery.key, delivery.destination)
        elif outcome is Outcome.RETRY:
            self._retry_or_give_up(delivery, result, detail, response, now, summary)
        elif outcome is Outcome.DEAD:
            self.ledger.record(delivery, DeliveryState.DEAD, now, error=detail, response=response)
            with self._mutex:
                summary.failed += 1
            self._alert(
                summary, f"{delivery.key}: rejected permanently by {delivery.destination}: {detail}"
            )
        elif outcome is Outcome.CONFIG:
            self.ledger.record(
                delivery, DeliveryState.SKIPPED_CONFIG, now, error=detail, response=response
            )
            with self._mutex:
                summary.skipped += 1
            self._mark_unhealthy(delivery.destination, detail, summary)
        else:
            self.ledger.record(
                delivery,
                DeliveryState.RETRY_WAIT,
                now,
                error=detail,
                response=response,
                next_attempt_at=now,
            )
            with self._mutex:
                summary.retrying += 1
            self._halt(channel, detail, summary)

    def _retry_or_give_up(
        self,
        delivery: Delivery,
        result: SendResult,
        detail: str,
        response: str,
        now: dt.datetime,
        summary: TickSummary,
    ) -> None:
        delay = full_jitter(
            delivery.attempts,
            self.settings.backoff_base_seconds,
            self.settings.backoff_cap_seconds,
            self.rng,
        )
        if result.retry_after is not None:
            # The server said when; waiting longer only delays, shorter risks being disabled.
            delay = result.retry_after
        # Whole seconds up, so the stored (second-precision) time is never early.
        next_at = now + dt.timedelta(seconds=int(delay) + (0 if delay == int(delay) else 1))
        if delivery.attempts >= self.settings.max_attempts or next_at > delivery.not_after:
            why = (
                f"gave up after {delivery.attempts} attempts"
                if delivery.attempts >= self.settings.max_attempts
                else "no retry possible before its not_after"
            )
            self.ledger.record(
                delivery, DeliveryState.DEAD, now, error=f"{why}: {detail}", response=response
            )
            with self._mutex:
                summary.failed += 1
            self._alert(summary, f"{delivery.key}: {why} ({delivery.destination}: {detail})")
            return
        self.ledger.record(
            delivery,
            DeliveryState.RETRY_WAIT,
            now,
            error=detail,
            response=response,
            next_attempt_at=next_at,
        )
        with self._mutex:
            summary.retrying += 1
        log.warning("retrying %s at %s: %s", delivery.key, utc_text(next_at), detail)

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
                with self._mutex:
                    summary.skipped += 1
            self._mark_unhealthy(destination, "destination is not configured", summary)

    # --- health, halts and alerts -----------------------------------------------------------

    def _alert(self, summary: TickSummary, text: str) -> None:
        alert_log.error("ALERT %s", redact(text))
        with self._mutex:
            summary.alerts.append(redact(text))

    def _mark_unhealthy(self, destination: str, detail: str, summary: TickSummary) -> None:
        with self._mutex:
            self._unhealthy.add(destination)
        state = self.ledger.state
        if not state.is_unhealthy(destination):
            state.mark_unhealthy(Unhealthy(destination, detail, self.clock()))
            self._alert(
                summary,
                f"destination {destination} is misconfigured and was marked unhealthy: {detail}",
            )

    def _mark_healthy(self, destination: str) -> None:
        if destination not in self._unhealthy:
            return
        self._unhealthy.discard(destination)
        if self.ledger.state.clear_unhealthy(destination):
            log.info("destination %s is healthy again", destination)

    def _halted(self, channel: Channel, summary: TickSummary) -> bool:
        state = self.ledger.state
        halt = state.halt(channel.group)
        if halt is None:
            return False
        if halt.fingerprint != channel.fingerprint():
            state.clear_halt(channel.group)
            log.info("%s settings changed; resuming after: %s", channel.group, halt.reason)
            return False
        return True

    def _halt(self, channel: Channel, detail: str, summary: TickSummary) -> None:
        state = self.ledger.state
        if state.halt(channel.group) is None:
            state.set_halt(Halt(channel.group, channel.fingerprint(), detail, self.clock()))
            self._alert(summary, f"all {channel.group} sending stopped: {detail}")

    def next_wakeup(self, now: dt.datetime) -> dt.datetime | None:
        return self.ledger.next_wakeup(now)

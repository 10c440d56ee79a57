"""One channel group's sending: claim a little ahead of the senders, send, record outcomes.

A lane serves one channel group: one webhook, or the SMTP server every email destination
shares. Lanes never wait for one another, so a webhook that hangs holds up only itself. Within
a lane at most `parallel` requests are sending at once (one for a rate-limited destination or
email, `parallel_sends` for an unlimited webhook, with twice as many again claimed and waiting
for a sender, `Lane.capacity`); each is marked just before it goes out
(:mod:`edicalendar.reminders.started`). Outcomes are recorded in the transaction that claims
the next deliveries: failures and anything else that needs acting on at once, plain
successes a batch at a time (`Lane._collect`), so one commit (one fsync on SQLite) records
several. A sender starts a request only while fewer than `Lane.exposure` are started and
unrecorded (16 to an unlimited webhook, one otherwise), so however slow a commit, a crash sends
again at most that many (at most one extra copy per crash that interrupted a message), and
only those are logged as possible duplicates; claims whose request had not started are sent
again quietly. A pass attempts each delivery at most once and stops claiming when the group
is halted or paused (a 429, a destination that stopped answering) or its time budget is
spent; what is left goes in the next pass.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from edicalendar.calendar.freezes import Freeze
from edicalendar.config import ReminderSettings
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
from edicalendar.reminders.delivery import OPEN_STATES, Delivery, DeliveryState
from edicalendar.reminders.holding import hold_note
from edicalendar.reminders.ledger import Claim, Ledger, Settlement
from edicalendar.reminders.pacing import Pacing, TokenBucket, full_jitter, whole_seconds_after
from edicalendar.reminders.summary import TickSummary
from edicalendar.storage.state import Halt
from edicalendar.storage.timestamps import utc_text

log = logging.getLogger("edicalendar.reminders.dispatch")


class LaneHost(Protocol):
    """What a lane needs from the dispatcher that owns it (the ledger, clocks, channels, and
    the state every lane shares: health marks, pauses, alerts)."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def channels(self) -> ChannelSet: ...

    @property
    def settings(self) -> ReminderSettings: ...

    @property
    def clock(self) -> Callable[[], dt.datetime]: ...

    @property
    def monotonic(self) -> Callable[[], float]: ...

    @property
    def sleep(self) -> Callable[[float], None]: ...

    @property
    def rng(self) -> random.Random: ...

    @property
    def pacing(self) -> Pacing: ...

    @property
    def parallel_sends(self) -> int: ...

    def alert(self, summary: TickSummary, text: str) -> None: ...

    def mark_unhealthy(self, destination: str, detail: str, summary: TickSummary) -> None: ...

    def mark_healthy(self, destination: str) -> None: ...

    def pause(self, group: str, seconds: float, reason: str) -> None: ...

    def resume(self, group: str) -> None: ...

    def pause_checker(self, group: str) -> Callable[[], float]: ...

    def frozen(self, delivery: Delivery) -> Freeze | None: ...


class PassEnd(StrEnum):
    """Why a lane's pass stopped, which says when the next one is worth starting."""

    #: Nothing more is due now: wake at the next due time or retry.
    DRAINED = "drained"
    #: The time budget ran out with work left: start again at once.
    BUDGET = "budget"
    #: The group is paused (429, unreachable): wake when the pause ends.
    PAUSED = "paused"
    #: The group is halted until an operator changes its settings: wait for the next tick.
    HALTED = "halted"


#: Why claimed deliveries stay unsent when the ledger fails mid-pass.
_UNRECORDABLE = "the ledger could not be written before it was sent"

#: The longest a routine success waits to be recorded with others (see `Lane._collect`).
RECORD_WITHIN = 0.05

#: What a claimed delivery that had not started sending waits for, by why the pass stopped.
_HELD = {
    PassEnd.HALTED: "its channel stopped (halted) before it was sent",
    PassEnd.PAUSED: "its destination was paused before it was sent",
    PassEnd.BUDGET: "the destination's time budget ran out before it was sent",
}


@dataclass
class Attempt:
    """One finished send: the delivery, what came back, and its merged recipient states."""

    delivery: Delivery
    result: SendResult
    recipients: dict[str, RecipientOutcome]
    #: The communication freeze that held it back unsent.
    frozen: Freeze | None = None
    #: Its request was marked as started (it holds one of the lane's unrecorded places).
    started: bool = False


@dataclass
class Verdict:
    """What one attempt means: the ledger change, and what to do once it is recorded."""

    settlement: Settlement
    counter: str
    message: str
    warn: bool = False
    alerts: list[str] = field(default_factory=list)
    unhealthy: str | None = None
    healthy: bool = False
    halt: str | None = None
    #: Seconds to pause the whole group, and why.
    pause: tuple[float, str] | None = None
    possible_duplicate: bool = False
    #: Its request had started: recording it frees one of the lane's unrecorded places.
    started: bool = False


def _routine(attempt: Attempt) -> bool:
    """A plain success: nothing about it needs acting on before the next send."""
    result = attempt.result
    return (
        attempt.frozen is None
        and result.outcome in (Outcome.SENT, Outcome.ACCEPTED)
        and not (result.not_sent or result.pause or result.maybe_delivered)
        and all(r.state is RecipientState.ACCEPTED for r in result.recipients.values())
    )


class Lane:
    """The sending pipeline of one channel group (see the module docstring)."""

    def __init__(self, dispatcher: LaneHost, group: str, channel: Channel) -> None:
        self.dispatcher = dispatcher
        self.group = group
        self.channel = channel
        #: Destination names whose rows this lane sends, and their channels.
        self.destinations: dict[str, Channel] = {}
        rates = [channel.rate_per_second] if channel.rate_per_second > 0 else []
        self.bucket = TokenBucket(min(rates, default=0.0), dispatcher.monotonic, dispatcher.sleep)
        sequential = channel.rate_per_second > 0 or channel.group == "email"
        self.parallel = 1 if sequential else max(1, dispatcher.parallel_sends)
        #: The wall time of the lane's latest claim: rows falling due after it are still to go.
        self.last_claim_at: dt.datetime | None = None
        #: Why claimed deliveries not yet sending must wait (the pass stopped), or None.
        self._held: str | None = None
        self._pool: ThreadPoolExecutor | None = None
        #: Requests started and not yet recorded, guarded by `_places` (see `exposure`).
        self._started = 0
        self._places = threading.Condition()

    @property
    def single(self) -> bool:
        """One request at a time (rate-limited, or email): nothing to gain from more."""
        return self.bucket.rate > 0 or self.parallel == 1

    @property
    def capacity(self) -> int:
        """Deliveries claimed at once: three times the senders when there is no rate limit,
        so senders never wait for the commit that records the last batch and claims the next.
        Only `parallel` of them are ever sending; the rest wait their turn unmarked, and a
        crash re-sends them quietly."""
        return self.parallel if self.single else 3 * self.parallel

    @property
    def exposure(self) -> int:
        """The most requests started and not yet recorded at once: what one crash can leave
        to be sent again as possible duplicates. Twice the senders (those sending, and as many
        finished and waiting to be recorded together); a sender waits for a place."""
        return 1 if self.single else 2 * self.parallel

    def add(self, destination: str, channel: Channel) -> None:
        self.destinations[destination] = channel
        if channel.rate_per_second > 0 and (
            self.bucket.rate <= 0 or channel.rate_per_second < self.bucket.rate
        ):
            d = self.dispatcher
            self.bucket = TokenBucket(channel.rate_per_second, d.monotonic, d.sleep)
            self.parallel = 1

    # --- one pass ------------------------------------------------------------------------------

    def run_pass(self, summary: TickSummary, budget: float) -> PassEnd:
        """Send what is due to this group now, each delivery at most once, until nothing is
        due, the group halts or pauses, or `budget` seconds are spent."""
        d = self.dispatcher
        if self.halted():
            return PassEnd.HALTED
        deadline = d.monotonic() + budget
        paused = d.pause_checker(self.group)
        began = d.ledger.state.ledger_began()
        attempted: set[str] = set()
        #: Of those, the ones that may be due again (put back to retry or unsent, or lost).
        reopened: set[str] = set()
        in_flight: dict[Future[Attempt], Delivery] = {}
        finished: list[Attempt] = []
        end = PassEnd.DRAINED
        self._held = None
        self._started = 0
        try:
            while True:
                verdicts = [self.conclude(attempt) for attempt in finished]
                finished = []
                if any(v.halt for v in verdicts):
                    end = PassEnd.HALTED
                elif end is PassEnd.DRAINED and any(v.pause for v in verdicts):
                    end = PassEnd.PAUSED
                claim = None
                if end is PassEnd.DRAINED and paused() > 0:
                    end = PassEnd.PAUSED
                if end is PassEnd.DRAINED and d.monotonic() >= deadline:
                    end = PassEnd.BUDGET
                if end is not PassEnd.DRAINED:
                    # Claimed but not yet sending: they wait too (and their attempt is undone).
                    self._hold(_HELD[end])
                free = self.capacity - len(in_flight)
                if end is PassEnd.DRAINED and free > 0:
                    if self.bucket.rate > 0:
                        # Wait for the rate limit *before* claiming: a claim is a promise that
                        # the request goes now, and a crash while waiting would look like one.
                        self._record(verdicts, None, summary, reopened)
                        verdicts = []
                        self.bucket.acquire()
                    claim = self._claim_request(free, attempted, reopened, began)
                if not verdicts and claim is None and not in_flight:
                    break
                claimed = self._record(verdicts, claim, summary, reopened)
                for delivery in claimed:
                    attempted.add(delivery.key)
                    in_flight[self._executor().submit(self._attempt, delivery)] = delivery
                if not in_flight:
                    if claim is None or claimed:
                        continue
                    break
                finished = self._collect(in_flight)
        finally:
            if in_flight:
                # The ledger failed: what has not started stays unsent; what has cannot be
                # recorded now (it is sent again, as a possible duplicate, after its lease).
                self._hold(_UNRECORDABLE)
                wait(in_flight)
            for channel in {id(c): c for c in self.destinations.values()}.values():
                channel.close_idle()
        return end

    def _collect(self, in_flight: dict[Future[Attempt], Delivery]) -> list[Attempt]:
        """Wait for sends to finish, and return the finished ones once recording them is due.

        Each recording is a transaction (an fsync on SQLite), so routine successes are recorded
        together, in the transaction that claims the next batch: once as many have finished
        as there are senders, once no more than that are left claimed, or
        :data:`RECORD_WITHIN` after the first of them finished, whichever is soonest. Anything
        else (a failure, a retry, a pause, a halt, a possible duplicate, a freeze) is recorded
        at once. Senders wait for a place (`exposure`), so however long a commit takes, no
        more than twice the senders' requests are ever started and not yet recorded.
        """
        finished: list[Attempt] = []
        first_done: float | None = None
        while in_flight:
            timeout = None if first_done is None else first_done + RECORD_WITHIN - time.monotonic()
            if timeout is not None and timeout <= 0:
                break
            done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:
                break
            if first_done is None:
                first_done = time.monotonic()
            for future in done:
                del in_flight[future]
                finished.append(future.result())
            if (
                len(finished) >= self.parallel
                or len(in_flight) <= self.parallel
                or not all(map(_routine, finished))
            ):
                break
        return finished

    def _claim_request(
        self, free: int, attempted: set[str], reopened: set[str], began: dt.datetime | None
    ) -> Claim:
        d = self.dispatcher
        now = d.clock()
        self.last_claim_at = now
        early = d.pacing.early(self.group, now)
        return Claim(
            now=now,
            lease=dt.timedelta(seconds=d.settings.lease_seconds),
            destinations=list(self.destinations),
            limit=free,
            exclude=attempted | early,
            still_due=reopened | early,
            include=d.pacing.overdue(self.group, now) - attempted,
            not_before=began,
        )

    def _record(
        self,
        verdicts: list[Verdict],
        claim: Claim | None,
        summary: TickSummary,
        reopened: set[str],
    ) -> list[Delivery]:
        """Record outcomes and claim in one transaction, then act on what was recorded; the
        keys of outcomes that leave a row due again (and of lost claims) join `reopened`."""
        if not verdicts and claim is None:
            return []
        d = self.dispatcher
        claimed, lost = d.ledger.settle_and_claim([v.settlement for v in verdicts], claim)
        self._free(sum(v.started for v in verdicts))
        d.pacing.forget(row.key for row in claimed)
        reopened.update(lost)
        lost_keys = set(lost)
        for verdict in verdicts:
            if verdict.settlement.state in OPEN_STATES:
                reopened.add(verdict.settlement.delivery.key)
            if verdict.settlement.delivery.key not in lost_keys:
                self.follow_up(verdict, summary)
        return claimed

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self.parallel, thread_name_prefix=f"send-{self.group}"[:15]
            )
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _attempt(self, delivery: Delivery) -> Attempt:
        """One send; never raises for a channel failure."""
        d = self.dispatcher
        resolved = d.channels.resolve(delivery.destination)
        channel = resolved[0] if resolved else self.channel
        recipients = resolved[1] if resolved else None
        previous = delivery.recipient_states
        settled = frozenset(a for a, s in previous.items() if s.settled)

        started = False

        def on_send() -> bool:
            # The point of no return: from here a crash may leave the message delivered.
            nonlocal started
            if started:
                return True
            if not self._take_place():
                return False
            try:
                started = d.ledger.mark_started(delivery, d.clock())
            except Exception:  # a failing ledger: send nothing that could not be marked
                log.exception("could not mark %s as being sent; not sending it", delivery.key)
            if not started:
                self._free(1)
            return started

        item = Outbound(
            delivery.key,
            delivery.destination,
            delivery.message,
            d.clock(),
            recipients,
            settled,
            on_send,
        )
        if self._held is not None:  # the lane stopped while this one waited its turn
            return Attempt(delivery, SendResult(Outcome.RETRY, self._held, not_sent=True), previous)
        try:
            # Asked at the last moment, so a freeze recorded mid-burst holds the rest of it.
            freeze = d.frozen(delivery)
        except Exception:  # freezes that cannot be read: send nothing that one might hold
            log.exception("could not read the communication freezes; not sending %s", delivery.key)
            unread = "the communication freezes could not be read"
            return Attempt(delivery, SendResult(Outcome.RETRY, unread, not_sent=True), previous)
        if freeze is not None:
            note = hold_note(freeze)
            return Attempt(
                delivery, SendResult(Outcome.RETRY, note, not_sent=True), previous, freeze
            )
        try:
            result = channel.send(item)
        except Exception as exc:  # a channel bug must not stop other deliveries
            log.exception("channel %s failed on %s", channel.name, delivery.key)
            result = SendResult(Outcome.RETRY, redact(f"{type(exc).__name__}: {exc}"))
        # Hold the claims queued behind this one at once, before the next starts (one sender:
        # no second login after a refused one, no second try at a destination that hangs).
        if result.outcome is Outcome.HALT:
            self._hold(_HELD[PassEnd.HALTED])
        elif result.pause:
            self._hold(_HELD[PassEnd.PAUSED])
        return Attempt(delivery, result, {**previous, **result.recipients}, started=started)

    def _take_place(self) -> bool:
        """Wait for a place among the `exposure` requests that may be started and unrecorded;
        False if the lane stopped meanwhile (then nothing is sent)."""
        with self._places:
            while self._started >= self.exposure and self._held is None:
                self._places.wait()
            if self._held is not None:
                return False
            self._started += 1
            return True

    def _free(self, count: int) -> None:
        """`count` started requests are recorded (or will never be): their places are free."""
        if count:
            with self._places:
                self._started -= count
                self._places.notify_all()

    def _hold(self, why: str) -> None:
        """Claimed deliveries not yet sending stay unsent, for `why`."""
        with self._places:
            self._held = why
            self._places.notify_all()

    # --- what an attempt means -----------------------------------------------------------------

    def conclude(self, attempt: Attempt) -> Verdict:
        """The ledger change for one attempt and what follows from it (pure but for pacing)."""
        verdict = self._conclude(attempt)
        verdict.started = attempt.started
        return verdict

    def _conclude(self, attempt: Attempt) -> Verdict:
        d = self.dispatcher
        delivery, result = attempt.delivery, attempt.result
        now = d.clock()
        detail = redact(result.detail)
        # The server's words per recipient are stored and shown: redacted like every error.
        stored = {address: redact(str(outcome)) for address, outcome in attempt.recipients.items()}
        response = json.dumps(
            {"status": result.status, "recipients": stored}, sort_keys=True, ensure_ascii=False
        )
        note = f"attempt {delivery.attempts}: {detail}" if result.maybe_delivered else None
        maybe = note is not None
        alerts = []
        refused = {a: s for a, s in result.recipients.items() if s.state is RecipientState.DEAD}
        if refused and result.outcome is not Outcome.DEAD:
            listed = "; ".join(f"{a} {s}" for a, s in refused.items())
            alerts.append(f"{delivery.key}: recipients refused for good: {listed}")

        def settle(
            state: DeliveryState, error: str | None = detail, next_at: dt.datetime | None = None
        ) -> Settlement:
            return Settlement(delivery, state, now, error, response, next_at, note)

        outcome = result.outcome
        if attempt.frozen is not None:
            # Held back: the attempt does not count, and no claim takes it while it is held.
            held = Settlement(
                delivery,
                DeliveryState.HELD,
                now,
                detail,
                None,
                None,
                undo_attempt=True,
                held_by=attempt.frozen.id,
            )
            return Verdict(held, "held", f"{delivery.key} {detail}")
        if result.not_sent:
            # Back as it was before the claim: pending if it had never been tried.
            why = self._held or detail
            first = delivery.attempts <= 1
            state = DeliveryState.PENDING if first else DeliveryState.RETRY_WAIT
            undone = Settlement(
                delivery,
                state,
                now,
                None if first else delivery.last_error,
                None,
                None if first else now,
                undo_attempt=True,
            )
            return Verdict(undone, "", f"{delivery.key} not sent: {why}")
        if outcome in (Outcome.SENT, Outcome.ACCEPTED):
            state = DeliveryState.SENT if outcome is Outcome.SENT else DeliveryState.ACCEPTED
            unsettled = "; ".join(
                f"{a} {s}"
                for a, s in attempt.recipients.items()
                if s.state is not RecipientState.ACCEPTED
            )
            message = f"{state} {delivery.key} to {delivery.destination}"
            return Verdict(
                settle(state, redact(unsettled) or None),
                state.value,
                message,
                alerts=alerts,
                healthy=True,
                possible_duplicate=maybe,
            )
        if outcome is Outcome.DEAD:
            text = f"{delivery.key}: rejected permanently by {delivery.destination}: {detail}"
            return Verdict(
                settle(DeliveryState.DEAD),
                "failed",
                text,
                warn=True,
                alerts=[*alerts, text],
                possible_duplicate=maybe,
            )
        if outcome is Outcome.CONFIG:
            return Verdict(
                settle(DeliveryState.SKIPPED_CONFIG),
                "skipped",
                f"skipped {delivery.key}: {detail}",
                warn=True,
                alerts=alerts,
                unhealthy=detail,
                possible_duplicate=maybe,
            )
        if outcome is Outcome.HALT:
            return Verdict(
                settle(DeliveryState.RETRY_WAIT, next_at=now),
                "retrying",
                f"{delivery.key} waits: {detail}",
                warn=True,
                alerts=alerts,
                halt=detail,
                possible_duplicate=maybe,
            )
        delay = full_jitter(
            delivery.attempts,
            d.settings.backoff_base_seconds,
            d.settings.backoff_cap_seconds,
            d.rng,
        )
        if result.retry_after is not None:
            # The server said when; waiting longer only delays, shorter risks being disabled.
            delay = result.retry_after
        next_at = whole_seconds_after(now, delay)
        pause = (delay, detail) if result.pause else None
        if delivery.attempts >= d.settings.max_attempts or next_at > delivery.not_after:
            why = (
                f"gave up after {delivery.attempts} attempts"
                if delivery.attempts >= d.settings.max_attempts
                else "no retry possible before its not_after"
            )
            text = f"{delivery.key}: {why} ({delivery.destination}: {detail})"
            return Verdict(
                settle(DeliveryState.DEAD, f"{why}: {detail}"),
                "failed",
                text,
                warn=True,
                alerts=[*alerts, text],
                pause=pause,
                possible_duplicate=maybe,
            )
        d.pacing.retry(delivery.key, self.group, delay, next_at)
        return Verdict(
            settle(DeliveryState.RETRY_WAIT, next_at=next_at),
            "retrying",
            f"retrying {delivery.key} at {utc_text(next_at)}: {detail}",
            warn=True,
            alerts=alerts,
            pause=pause,
            possible_duplicate=maybe,
        )

    def follow_up(self, verdict: Verdict, summary: TickSummary) -> None:
        """Counters, logs, alerts, health, halts and pauses for a recorded outcome."""
        d = self.dispatcher
        delivery = verdict.settlement.delivery
        if verdict.counter:
            summary.count(verdict.counter)
        (log.warning if verdict.warn else log.info)("%s", verdict.message)
        if verdict.possible_duplicate:
            summary.count("possible_duplicates")
            log.warning(
                "possible duplicate: %s may have reached %s although no answer came back (%s); "
                "recorded on the row, and it will be sent again",
                delivery.key,
                delivery.destination,
                verdict.settlement.duplicate_note,
            )
        for text in verdict.alerts:
            d.alert(summary, text)
        if verdict.unhealthy is not None:
            d.mark_unhealthy(delivery.destination, verdict.unhealthy, summary)
        if verdict.healthy:
            d.mark_healthy(delivery.destination)
            d.resume(self.group)
        if verdict.halt is not None:
            self.halt(verdict.halt, summary)
        if verdict.pause is not None:
            seconds, reason = verdict.pause
            d.pause(self.group, seconds, reason)

    # --- halts ---------------------------------------------------------------------------------

    def halted(self) -> bool:
        """True while the group is halted; a halt lifts by itself when its settings change."""
        state = self.dispatcher.ledger.state
        halt = state.halt(self.group)
        if halt is None:
            return False
        if halt.fingerprint != self.channel.fingerprint():
            state.clear_halt(self.group)
            log.info("%s settings changed; resuming after: %s", self.group, halt.reason)
            return False
        return True

    def halt(self, detail: str, summary: TickSummary) -> None:
        d = self.dispatcher
        state = d.ledger.state
        if state.halt(self.group) is None:
            state.set_halt(Halt(self.group, self.channel.fingerprint(), detail, d.clock()))
            d.alert(summary, f"all {self.group} sending stopped: {detail}")

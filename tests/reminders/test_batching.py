"""Sending fast without loosening the crash guarantees: outcomes recorded together, a bounded
number of requests started and unrecorded, and claims that read only what may still be due."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

from sqlalchemy import event

from edicalendar.reminders.ledger import Claim, DeliveryState, Ledger, Settlement
from support.builders import make_instance
from support.webhooks import Reply

SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


class Exposure:
    """Counts, through the ledger's own calls, the requests marked as started whose outcome
    is not yet recorded: what a crash at that moment would send again."""

    def __init__(self, ledger: Ledger) -> None:
        self.open: set[tuple[str, int]] = set()
        self.most = 0
        self.transactions = 0
        self.outcomes = 0
        self._lock = threading.Lock()
        mark, settle = ledger.mark_started, ledger.settle_and_claim

        def mark_started(delivery: Any, now: dt.datetime) -> bool:
            started = mark(delivery, now)
            if started:
                with self._lock:
                    self.open.add((delivery.key, delivery.attempts))
                    self.most = max(self.most, len(self.open))
            return started

        def settle_and_claim(settled: Any, claim: Any) -> Any:
            result = settle(settled, claim)
            with self._lock:  # recorded (committed): no longer exposed
                self.transactions += 1
                self.outcomes += len(settled)
                self.open -= {(s.delivery.key, s.delivery.attempts) for s in settled}
            return result

        ledger.mark_started = mark_started  # type: ignore[method-assign]
        ledger.settle_and_claim = settle_and_claim  # type: ignore[method-assign]


def test_a_burst_records_successes_together_and_never_leaves_more_than_16_unrecorded(
    harness: Any, webhook: Any
) -> None:
    """120 reminders due at once to a webhook with no rate limit: each arrives once and is
    recorded `sent`; their outcomes are recorded in far fewer transactions than messages (the
    next claims ride in the same ones); and no more than 16 requests (8 sending, 8 answered
    and waiting to be recorded) are ever started and unrecorded, however slowly the
    receiver answers."""
    harness.instances = [make_instance(f"c{n:03d}", lead_times=(28,)) for n in range(120)]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    exposure = Exposure(dispatcher.ledger)
    summary = dispatcher.tick()
    assert summary.sent == 120
    assert Counter(webhook.keys()) == {f"c{n:03d}:lead-28:2026-02-08:slack": 1 for n in range(120)}
    assert {d.state for d in dispatcher.ledger.deliveries()} == {DeliveryState.SENT}
    assert exposure.outcomes == 120 and not exposure.open
    # One transaction per outcome before; now about one per eight (generous for a loaded
    # machine, where the 50 ms wait may close a batch early).
    assert exposure.transactions <= 60, exposure.transactions
    assert 8 <= exposure.most <= 16, exposure.most


def test_a_failure_in_a_burst_is_recorded_and_retried_like_any_other(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Among 40 successes, one 503 and one 400: the successes are `sent`, the 503 waits to be
    retried and then goes once more, the 400 is dead: batching changes no outcome."""
    harness.instances = [make_instance(f"c{n:02d}", lead_times=(28,)) for n in range(42)]
    bad = {"c07:lead-28:2026-02-08:slack": Reply(503), "c21:lead-28:2026-02-08:slack": Reply(400)}
    webhook.rule = lambda captured: bad.pop(captured.key, None)
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    summary = dispatcher.tick()
    assert summary.sent == 40
    states = {d.key: d.state for d in dispatcher.ledger.deliveries()}
    assert states.pop("c07:lead-28:2026-02-08:slack") is DeliveryState.RETRY_WAIT
    assert states.pop("c21:lead-28:2026-02-08:slack") is DeliveryState.DEAD
    assert set(states.values()) == {DeliveryState.SENT}
    clock.advance(3600)
    dispatcher.tick()
    assert Counter(webhook.keys())["c07:lead-28:2026-02-08:slack"] == 2
    assert Counter(webhook.keys())["c21:lead-28:2026-02-08:slack"] == 1
    assert len(webhook.requests) == 43


NOW = dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC)


def test_a_claim_late_in_a_pass_reads_only_what_may_still_be_due(harness: Any) -> None:
    """After 280 of 300 due rows were sent in this pass, a claim of 10 that skips them asks
    the database for 10 rows plus the skipped keys that may still be due (here the 5 put
    back to retry at once), not 290, and takes neither a sent row nor a retrying one it
    was told to skip."""
    harness.instances = [make_instance(f"c{n:03d}", lead_times=(28,)) for n in range(300)]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": "http://127.0.0.1:9/x"})
    dispatcher.plan(NOW)
    ledger = dispatcher.ledger
    lease = dt.timedelta(minutes=5)
    claimed = ledger.claim(NOW, lease, destination="slack", limit=285)
    assert len(claimed) == 285
    sent, retried = claimed[:280], claimed[280:]
    outcomes = [Settlement(d, DeliveryState.SENT, NOW) for d in sent]
    outcomes += [Settlement(d, DeliveryState.RETRY_WAIT, NOW, "503", None, NOW) for d in retried]
    ledger.settle_and_claim(outcomes, None)
    skipped = {d.key for d in claimed}
    limits: list[int] = []

    def spy(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if "LIMIT" in statement and "deliveries" in statement:
            # The LIMIT's value is the parameter its placeholder stands for.
            limits.append(parameters[statement[: statement.index("LIMIT")].count("?")])

    event.listen(ledger.engine, "before_cursor_execute", spy)
    try:
        taken, lost = ledger.settle_and_claim(
            [],
            Claim(
                NOW,
                lease,
                ("slack",),
                10,
                exclude=skipped,
                still_due={d.key for d in retried},
            ),
        )
    finally:
        event.remove(ledger.engine, "before_cursor_execute", spy)
    assert lost == []
    assert len(taken) == 10
    assert not {d.key for d in taken} & skipped
    assert limits == [15]
    # Without `still_due`, every skipped key counts against the read, as before.
    taken = ledger.settle_and_claim([], Claim(NOW, lease, ("slack",), 5, exclude=skipped))[0]
    assert len(taken) == 5 and not {d.key for d in taken} & skipped


def test_an_outcome_whose_claim_was_lost_is_not_recorded_over_the_recovery(harness: Any) -> None:
    """Three claims recorded together, one of them lost meanwhile (its lease ran out and
    another process put it back to retry): the other two are recorded `sent`, the lost one
    keeps the recovery's state and is reported lost, and nothing is recorded twice."""
    harness.instances = [make_instance(f"c{n}", lead_times=(28,)) for n in range(3)]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": "http://127.0.0.1:9/x"})
    dispatcher.plan(NOW)
    ledger = dispatcher.ledger
    (first,) = ledger.claim(NOW, dt.timedelta(seconds=30), destination="slack", limit=1)
    others = ledger.claim(NOW, dt.timedelta(minutes=5), destination="slack", limit=2)
    later = NOW + dt.timedelta(minutes=1)
    ledger.recover_leases(later)  # only the first one's lease has run out
    assert ledger.deliveries_for([first.key])[0].state is DeliveryState.RETRY_WAIT
    outcomes = [Settlement(d, DeliveryState.SENT, later) for d in (first, *others)]
    claimed, lost = ledger.settle_and_claim(outcomes, None)
    assert claimed == [] and lost == [first.key]
    states = {d.key: d for d in ledger.deliveries()}
    assert states[first.key].state is DeliveryState.RETRY_WAIT
    assert states[first.key].sent_at is None
    assert {states[d.key].state for d in others} == {DeliveryState.SENT}
    assert not ledger.record(first, DeliveryState.SENT, later)
    assert ledger.deliveries_for([first.key])[0].state is DeliveryState.RETRY_WAIT

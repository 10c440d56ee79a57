"""The sending side of the delivery ledger: claims, marks of started requests, outcomes.

A row is claimed with a lease just before it is sent (SQLite: one `BEGIN IMMEDIATE`
transaction; PostgreSQL: `FOR UPDATE SKIP LOCKED`), marked as started just before its request
goes out (:mod:`edicalendar.reminders.started`), sent outside any transaction, then its
outcome is recorded as soon as it arrives: :meth:`LedgerClaims.settle_and_claim` records
finished sends and claims the next ones in one transaction. A row found `sending` after its
lease ran out belongs to a process that died; it goes back to `retry_wait`, counted and logged
as a possible duplicate if its request had started.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)

from edicalendar.reminders.delivery import OPEN_STATES, Delivery, DeliveryState
from edicalendar.reminders.started import StartMarks
from edicalendar.storage.engine import Database
from edicalendar.storage.state import StateStore
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import utc_text

log = logging.getLogger("edicalendar.reminders.ledger")


def claimant() -> str:
    """This process, as recorded on the rows it claims: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Settlement:
    """The outcome of one attempt, to be recorded on the row it was claimed for."""

    delivery: Delivery
    state: DeliveryState
    now: dt.datetime
    error: str | None = None
    response: str | None = None
    next_attempt_at: dt.datetime | None = None
    #: Set when this attempt may have reached the receiver without a recorded success.
    duplicate_note: str | None = None
    #: Nothing was sent after all: the claim's attempt does not count.
    undo_attempt: bool = False
    #: The communication freeze that held it back (state `held`).
    held_by: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """Which due rows to claim: of these destinations, at most `limit`, skipping `exclude`,
    plus the retrying rows in `include` whatever their stored `next_attempt_at` says.

    `still_due` names the keys of `exclude` that may be due (put back to retry or unsent, or
    lost to another process); the rest are known to be finished or claimed, so the claim reads
    only `limit + len(still_due)` rows however many keys `exclude` holds. One of the rest made
    due again meanwhile (an operator's retry) only makes the claim take fewer rows.
    """

    now: dt.datetime
    lease: dt.timedelta
    destinations: Collection[str]
    limit: int
    exclude: Collection[str] = ()
    still_due: Collection[str] | None = None
    include: Collection[str] = ()
    #: When the ledger began: a row due before it (left in a replaced ledger) is never sent.
    not_before: dt.datetime | None = None


class LedgerClaims:
    """Claims and outcomes on the `deliveries` table of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.engine = database.engine
        self.state = StateStore(database)
        self.marks = StartMarks(database)

    def recover_leases(self, now: dt.datetime) -> list[str]:
        """Rows left `sending` by a process that died go back to `retry_wait`. Those whose
        request had started are counted and logged as possible duplicates (it may have reached
        the receiver); those only claimed are simply sent, as nothing went out. Returns the
        keys of the possible duplicates."""
        now_text = utc_text(now)
        condition = and_(
            deliveries.c.state == DeliveryState.SENDING, deliveries.c.lease_until < now_text
        )
        with self._write() as conn:
            found = conn.execute(
                select(
                    deliveries.c.key,
                    deliveries.c.claimed_by,
                    deliveries.c.attempts,
                    deliveries.c.attempt_started_at,
                ).where(condition)
            ).all()
            journals = {holder: self.marks.started(holder) for _, holder, _, _ in found}
            started_by_key: dict[str, bool] = {}
            for key, holder, attempts, started_at in found:
                journal = journals[holder]
                if journal is not None:
                    started = (key, attempts) in journal
                elif self.engine.dialect.name == "sqlite":
                    started = True  # claimed on another host: it may have gone
                else:
                    started = started_at is not None
                started_by_key[key] = started
                values: dict[str, Any] = {
                    "state": DeliveryState.RETRY_WAIT,
                    "next_attempt_at": now_text,
                    "lease_until": None,
                    "claimed_by": None,
                    "attempt_started_at": None,
                    "updated_at": now_text,
                }
                if not started:
                    # Claimed, never sent: the attempt does not count against max_attempts.
                    values["attempts"] = deliveries.c.attempts - 1
                    values["last_error"] = "claim expired before its request was sent"
                else:
                    values["last_error"] = "lease expired mid-send: possible duplicate"
                    values["possible_duplicates"] = deliveries.c.possible_duplicates + 1
                    values["duplicate_note"] = (
                        f"attempt {attempts}: the process sending it ({holder or 'unknown'}) "
                        "stopped after its request started and before the result was recorded"
                    )
                conn.execute(
                    update(deliveries).where(condition, deliveries.c.key == key).values(**values)
                )
            holders = {holder for _, holder, _, _ in found if holder}
            still = (
                set(
                    conn.execute(
                        select(deliveries.c.claimed_by)
                        .where(
                            deliveries.c.state == DeliveryState.SENDING,
                            deliveries.c.claimed_by.in_(list(holders)),
                        )
                        .distinct()
                    ).scalars()
                )
                if holders
                else set()
            )
        for holder in holders - still:
            self.marks.forget(holder)
        duplicates = []
        for key, holder, _, _ in found:
            if not started_by_key[key]:
                log.info(
                    "%s was claimed by %s, which stopped before sending it; sending it now",
                    key,
                    holder,
                )
                continue
            duplicates.append(key)
            log.warning(
                "possible duplicate: %s was being sent when its process (%s) stopped; "
                "sending again (the earlier attempt may have arrived)",
                key,
                holder or "unknown",
            )
        return duplicates

    def mark_started(self, delivery: Delivery, now: dt.datetime) -> bool:
        """Record that `delivery`'s request is about to go (False: do not send it); see
        :mod:`edicalendar.reminders.started`."""
        return self.marks.mark(delivery.key, delivery.attempts, now)

    # --- claims ----------------------------------------------------------------------------

    def due_condition(self, now_text: str) -> Any:
        return and_(
            deliveries.c.state.in_(OPEN_STATES),
            deliveries.c.due_at <= now_text,
            deliveries.c.not_after >= now_text,
            or_(deliveries.c.next_attempt_at.is_(None), deliveries.c.next_attempt_at <= now_text),
        )

    def claim(
        self,
        now: dt.datetime,
        lease: dt.timedelta,
        *,
        destination: str | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Take up to `limit` due rows (of one destination, or any): state `sending`, a lease,
        one more attempt."""
        if destination is None:
            with self._write() as conn:
                return self._claim(conn, Claim(now, lease, (), limit), any_destination=True)
        return self.settle_and_claim([], Claim(now, lease, (destination,), limit))[0]

    def settle_and_claim(
        self, settled: Sequence[Settlement], claim: Claim | None
    ) -> tuple[list[Delivery], list[str]]:
        """Record `settled` outcomes, then claim per `claim`, in one transaction (one fsync).

        Returns the rows claimed and the keys whose claim was lost before their outcome could
        be recorded (the lease ran out and another process recovered them).
        """
        with self._write() as conn:
            lost = self._settle(conn, settled)
            claimed = (
                self._claim(conn, claim)
                if claim is not None and (claim.limit > 0 or claim.include)
                else []
            )
        self.marks.settled([(s.delivery.key, s.delivery.attempts) for s in settled])
        for key in lost:
            log.warning("claim on %s was lost before its result was recorded", key)
        return claimed, lost

    def _claim(
        self, conn: Connection, claim: Claim, *, any_destination: bool = False
    ) -> list[Delivery]:
        now, limit, exclude, include = claim.now, claim.limit, claim.exclude, claim.include
        now_text = utc_text(now)
        not_before = "" if claim.not_before is None else utc_text(claim.not_before)
        locking = self.engine.dialect.name == "postgresql"
        keys: list[str] = []
        if limit > 0:
            skipped = exclude if claim.still_due is None else claim.still_due
            found = conn.execute(
                _due_keys(any_destination, locking),
                {
                    "c_now": now_text,
                    "c_not_before": not_before,
                    "c_limit": limit + len(skipped),
                    **({} if any_destination else {"c_destinations": list(claim.destinations)}),
                },
            ).scalars()
            keys = [k for k in found if k not in exclude][:limit]
        if include:
            # Backoff elapsed on this process's monotonic clock though the stored wall times
            # are later (the wall clock went back): it was attempted already, so it is due.
            late = select(deliveries.c.key).where(
                deliveries.c.key.in_(list(include)),
                deliveries.c.state == DeliveryState.RETRY_WAIT,
                deliveries.c.not_after >= now_text,
                deliveries.c.due_at >= not_before,
            )
            if locking:
                late = late.with_for_update(skip_locked=True)
            keys += [k for k in conn.execute(late).scalars() if k not in keys]
        if not keys:
            return []
        rows = conn.execute(
            _TAKE,
            {
                "c_keys": keys,
                "c_lease": utc_text(now + claim.lease),
                "c_by": claimant(),
                "c_now": now_text,
            },
        ).all()
        taken = [Delivery.from_row(row) for row in rows]
        taken.sort(key=lambda d: (d.due_at, d.key))
        return taken

    def _settle(self, conn: Connection, settled: Sequence[Settlement]) -> list[str]:
        """Apply outcomes to rows still claimed for that attempt; the keys whose claim was lost."""
        if not settled:
            return []
        wanted = {s.delivery.key: s.delivery.attempts for s in settled}
        still = _STILL_LOCKED if self.engine.dialect.name == "postgresql" else _STILL
        found = conn.execute(still, {"c_keys": list(wanted)}).all()
        ours = {k for k, attempts in found if wanted.get(k) == attempts}
        rows = [_settle_values(s) for s in settled if s.delivery.key in ours]
        if rows:
            conn.execute(_SETTLE, rows)
        return [s.delivery.key for s in settled if s.delivery.key not in ours]

    def _write(self) -> AbstractContextManager[Connection]:
        """A write transaction (see `Database.write`: on SQLite the lock is taken at BEGIN,
        so two claimers cannot read the same rows as free)."""
        return self.database.write()

    def record(
        self,
        delivery: Delivery,
        state: DeliveryState,
        now: dt.datetime,
        *,
        error: str | None = None,
        response: str | None = None,
        next_attempt_at: dt.datetime | None = None,
    ) -> bool:
        """Store the outcome of the attempt `delivery` was claimed for; False if the claim
        was lost (lease expired and the row was recovered meanwhile)."""
        settlement = Settlement(delivery, state, now, error, response, next_attempt_at)
        return not self.settle_and_claim([settlement], None)[1]


# The statements of the sending loop, built once: each claim and outcome only binds values.


@functools.cache
def _due_keys(any_destination: bool, locking: bool) -> Select[str]:
    """Keys of due rows, of the destinations `c_destinations` (unless any), in sending order."""
    now = bindparam("c_now", type_=String)
    query = (
        select(deliveries.c.key)
        .where(
            deliveries.c.state.in_(OPEN_STATES),
            deliveries.c.due_at <= now,
            deliveries.c.not_after >= now,
            or_(deliveries.c.next_attempt_at.is_(None), deliveries.c.next_attempt_at <= now),
            # When the ledger began (the empty text: no such limit).
            deliveries.c.due_at >= bindparam("c_not_before"),
        )
        # A reminder that may have arrived already (a crash or a timeout mid-send) goes after
        # those that certainly have not, so a crash loop does not hit it again and again.
        .order_by(deliveries.c.possible_duplicates > 0, deliveries.c.due_at, deliveries.c.key)
        .limit(bindparam("c_limit", type_=Integer))
    )
    if not any_destination:
        query = query.where(
            deliveries.c.destination.in_(bindparam("c_destinations", expanding=True))
        )
    return query.with_for_update(skip_locked=True) if locking else query


#: Claims the rows `c_keys`: state `sending`, a lease, one more attempt; returns them whole.
_TAKE = (
    update(deliveries)
    .where(deliveries.c.key.in_(bindparam("c_keys", expanding=True)))
    .values(
        state=DeliveryState.SENDING,
        lease_until=bindparam("c_lease"),
        attempts=deliveries.c.attempts + 1,
        claimed_by=bindparam("c_by"),
        attempt_started_at=None,
        updated_at=bindparam("c_now"),
    )
    .returning(*deliveries.c)
)

#: Which of the rows `c_keys` are still claimed, and for which attempt.
_STILL = select(deliveries.c.key, deliveries.c.attempts).where(
    deliveries.c.key.in_(bindparam("c_keys", expanding=True)),
    deliveries.c.state == DeliveryState.SENDING,
)
_STILL_LOCKED = _STILL.with_for_update()

#: One statement for every outcome (executemany): the row's fields as the attempt left them.
_SETTLE = (
    update(deliveries)
    .where(
        deliveries.c.key == bindparam("b_key"),
        deliveries.c.state == DeliveryState.SENDING,
        deliveries.c.attempts == bindparam("b_attempts"),
    )
    .values(
        state=bindparam("b_state"),
        attempts=deliveries.c.attempts - bindparam("b_undo"),
        lease_until=None,
        claimed_by=None,
        attempt_started_at=None,
        last_error=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        next_attempt_at=bindparam("b_next"),
        provider_response=func.coalesce(bindparam("b_response"), deliveries.c.provider_response),
        sent_at=func.coalesce(bindparam("b_sent"), deliveries.c.sent_at),
        possible_duplicates=deliveries.c.possible_duplicates + bindparam("b_duplicate"),
        duplicate_note=func.coalesce(bindparam("b_note"), deliveries.c.duplicate_note),
        held_by=func.coalesce(bindparam("b_held", type_=Integer), deliveries.c.held_by),
    )
)


def _settle_values(settled: Settlement) -> dict[str, Any]:
    now_text = utc_text(settled.now)
    delivered = settled.state in (DeliveryState.SENT, DeliveryState.ACCEPTED)
    return {
        "b_key": settled.delivery.key,
        "b_attempts": settled.delivery.attempts,
        "b_state": settled.state.value,
        "b_error": settled.error,
        "b_now": now_text,
        "b_next": utc_text(settled.next_attempt_at) if settled.next_attempt_at else None,
        "b_response": settled.response,
        "b_sent": now_text if delivered else None,
        "b_duplicate": 1 if settled.duplicate_note else 0,
        "b_note": settled.duplicate_note,
        "b_undo": 1 if settled.undo_attempt else 0,
        "b_held": settled.held_by,
    }

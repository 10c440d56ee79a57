"""The delivery ledger: the one record of which reminder went where, and what came of it.

One row per reminder occurrence and destination, keyed by the planner's deterministic key and
written with `INSERT .. ON CONFLICT DO NOTHING`, so planning twice is harmless. Claiming,
marking and recording outcomes live in :mod:`edicalendar.reminders.claims`; here are planning
(where a window starts, syncing the plan into the ledger, expiry), a new ledger's start,
retention, and the reads and operator actions. The ledger refuses to plan when rows vanished
behind its back, since a deleted row would be planned, and sent, again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from edicalendar.errors import LedgerError, LedgerIdentityError
from edicalendar.reminders.claims import Claim, LedgerClaims, Settlement, claimant
from edicalendar.reminders.delivery import (
    FINAL_STATES,
    OPEN_STATES,
    UNSENT_STATES,
    CancelReason,
    Delivery,
    DeliveryState,
    recorded_deliveries,
)
from edicalendar.reminders.planner import ReminderOccurrence
from edicalendar.storage.identity import NEW_LEDGER_HINT
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import parse_utc, utc_text

__all__ = [
    "AUDIT_LIMIT",
    "OPEN_STATES",
    "PLANNER_LOCK_KEY",
    "CancelReason",
    "Claim",
    "Delivery",
    "DeliveryState",
    "Ledger",
    "Settlement",
    "SyncResult",
    "claimant",
]

log = logging.getLogger("edicalendar.reminders.ledger")

#: PostgreSQL advisory lock key held while one worker plans: the first 8 bytes of
#: sha256("edicalendar.planner") as a signed bigint, unlikely to collide with other software.
PLANNER_LOCK_KEY = -5820924305315958950
#: However long the outage, history older than this is never planned (not even as `expired`).
AUDIT_LIMIT = dt.timedelta(days=31)
#: What a delivery closed by `start_afresh` says.
STARTED_AFRESH = "not sent: a new ledger began at {at} (it may have gone from the one before)"


@dataclass
class SyncResult:
    """What one planning pass changed in the ledger."""

    inserted: int = 0
    expired: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    updated: int = 0


class Ledger(LedgerClaims):
    """Reads and writes the `deliveries` table; every method takes the clock's `now`.

    Claiming, sending marks and recording outcomes come from :class:`LedgerClaims`; planning,
    sweeps, retention and operator actions are here.
    """

    # --- planning ------------------------------------------------------------------------

    @contextmanager
    def planning_lock(self) -> Iterator[bool]:
        """Yield True if this process may plan now, False if another worker is planning.

        PostgreSQL: `pg_try_advisory_lock` on a connection held for the block, so several
        workers on one database plan each window once; the server drops the lock if the
        process dies. SQLite: always True (the instance lock file admits one process).
        """
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        with self.engine.connect() as conn:
            got = bool(
                conn.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": PLANNER_LOCK_KEY}
                ).scalar_one()
            )
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PLANNER_LOCK_KEY})
                    conn.commit()

    def planned_until(self) -> dt.datetime | None:
        return self.state.planned_until()

    def plan_start(self, now: dt.datetime, max_grace: dt.timedelta) -> dt.datetime:
        """Where the next planning window starts.

        A new ledger starts at `now`: nothing that fell due before the bot first ran (or before
        an operator started a new ledger) is ever sent. After that, each window reaches back
        `max_grace` (so edits and catch-up inside the grace windows are seen), and after
        downtime back to where planning stopped (so missed reminders are recorded as expired),
        but never more than :data:`AUDIT_LIMIT`, and never before the ledger began.
        """
        previous = self.planned_until()
        if previous is None:
            return now
        start = max(min(previous, now - max_grace), now - AUDIT_LIMIT)
        began = self.state.ledger_began()
        return start if began is None else max(start, began)

    def sync(
        self,
        planned: Sequence[ReminderOccurrence],
        start: dt.datetime,
        end: dt.datetime,
        now: dt.datetime,
        *,
        known_campaigns: frozenset[str] | None = None,
    ) -> SyncResult:
        """Make the ledger match a complete plan of [start, end) and advance `planned_until`.

        New keys are inserted (as `expired` when already too late); pending rows follow edits
        to their time; open rows the plan no longer has are cancelled as `skipped_config`; rows
        cancelled that way come back if the plan has them again while they can still be sent.
        """
        result = SyncResult()
        now_text = utc_text(now)
        plan_by_key = {r.key: r for r in planned}
        previous = self.planned_until()
        with self._write() as conn:
            held = self._check_rows(conn)
            if previous is None and self.state.ledger_began() is None:
                self.state.set_ledger_began(start, conn)
            existing = {
                row.key: row
                for row in conn.execute(
                    select(
                        deliveries.c.key,
                        deliveries.c.state,
                        deliveries.c.due_at,
                        deliveries.c.not_after,
                        deliveries.c.payload_json,
                        deliveries.c.campaign_id,
                        deliveries.c.last_error,
                        deliveries.c.audience,
                    ).where(
                        deliveries.c.due_at >= utc_text(start - dt.timedelta(days=2)),
                        deliveries.c.due_at < utc_text(end + dt.timedelta(days=2)),
                    )
                )
            }
            new_rows = []
            for key, item in plan_by_key.items():
                payload = json.dumps(item.message.to_json(), ensure_ascii=False, sort_keys=True)
                row = existing.get(key)
                if row is None:
                    late = item.not_after < now
                    new_rows.append(_insert_values(item, payload, now_text, late))
                    if late:
                        result.expired.append(key)
                    continue
                # A held row follows edits too: what is released is the message as planned now.
                if row.state in (DeliveryState.PENDING, DeliveryState.HELD) and (
                    row.due_at != utc_text(item.due_at)
                    or row.not_after != utc_text(item.not_after)
                    or row.payload_json != payload
                    or row.audience != item.audience.value
                ):
                    conn.execute(
                        update(deliveries)
                        .where(deliveries.c.key == key, deliveries.c.state == row.state)
                        .values(
                            due_at=utc_text(item.due_at),
                            not_after=utc_text(item.not_after),
                            payload_json=payload,
                            audience=item.audience.value,
                            updated_at=now_text,
                        )
                    )
                    result.updated += 1
                elif (
                    row.state == DeliveryState.SKIPPED_CONFIG
                    and (row.last_error or "") in set(CancelReason)
                    and item.not_after >= now
                ):
                    conn.execute(
                        update(deliveries)
                        .where(deliveries.c.key == key)
                        .values(
                            state=DeliveryState.PENDING,
                            due_at=utc_text(item.due_at),
                            not_after=utc_text(item.not_after),
                            payload_json=payload,
                            last_error=None,
                            next_attempt_at=None,
                            updated_at=now_text,
                        )
                    )
                    result.revived.append(key)
            if new_rows:
                # One compiled statement for every row (SQLAlchemy batches the executemany into
                # multi-row INSERTs); RETURNING counts only the rows really inserted, as rowcount
                # is not portable.
                inserted = conn.execute(self._insert_ignore().returning(deliveries.c.key), new_rows)
                result.inserted += len(inserted.all())
            self.state.set_recorded_rows(held + result.inserted, conn)
            start_text, end_text = utc_text(start), utc_text(end)
            for key, row in existing.items():
                if (
                    key not in plan_by_key
                    and row.state in UNSENT_STATES
                    and start_text <= row.due_at < end_text
                ):
                    removed = (
                        known_campaigns is not None
                        and row.campaign_id is not None
                        and row.campaign_id not in known_campaigns
                    )
                    conn.execute(
                        update(deliveries)
                        .where(deliveries.c.key == key, deliveries.c.state == row.state)
                        .values(
                            state=DeliveryState.SKIPPED_CONFIG,
                            last_error=(
                                CancelReason.REMOVED if removed else CancelReason.SUPERSEDED
                            ),
                            updated_at=now_text,
                        )
                    )
                    result.superseded.append(key)
            if previous is None or end > previous:
                self.state.set_planned_until(end, conn)
        return result

    def _check_rows(self, conn: Connection) -> int:
        """The number of rows held, after checking none vanished since the ledger counted them:
        a deleted row would be planned, and sent, again."""
        held = int(conn.execute(select(func.count()).select_from(deliveries)).scalar_one())
        recorded = self.state.recorded_rows(conn)
        if recorded is not None and held < recorded:
            raise LedgerIdentityError(self._lost_rows_text(recorded, held))
        return held

    @staticmethod
    def _lost_rows_text(recorded: int, held: int) -> str:
        return (
            f"the reminder ledger has lost deliveries: it recorded {recorded} but holds {held} "
            "(rows were deleted outside edicalendar), so reminders they recorded as sent would "
            "be planned and sent again; nothing was sent. Restore the database from a backup, "
            f"or {NEW_LEDGER_HINT}"
        )

    def lost_rows(self) -> str | None:
        """Why the ledger cannot plan because rows vanished, or None when none did."""
        with self.engine.connect() as conn:
            held = int(conn.execute(select(func.count()).select_from(deliveries)).scalar_one())
            recorded = self.state.recorded_rows(conn)
        if recorded is not None and held < recorded:
            return self._lost_rows_text(recorded, held)
        return None

    def start_afresh(self, now: dt.datetime) -> list[str]:
        """Begin a new ledger at `now` (an operator's explicit act): nothing that fell due
        before `now` will be sent. Rows still open or claimed that fell due before `now` are
        closed as `skipped_config` (they may have gone from the ledger this one replaced);
        returns their keys. Later rows stay: they cannot have been sent before their time."""
        now_text = utc_text(now)
        condition = and_(
            deliveries.c.state.in_((*UNSENT_STATES, DeliveryState.SENDING)),
            deliveries.c.due_at < now_text,
        )
        with self._write() as conn:
            keys = list(conn.execute(select(deliveries.c.key).where(condition)).scalars())
            if keys:
                conn.execute(
                    update(deliveries)
                    .where(condition)
                    .values(
                        state=DeliveryState.SKIPPED_CONFIG,
                        last_error=STARTED_AFRESH.format(at=now_text),
                        lease_until=None,
                        claimed_by=None,
                        updated_at=now_text,
                    )
                )
            held = int(conn.execute(select(func.count()).select_from(deliveries)).scalar_one())
            self.state.set_recorded_rows(held, conn)
            self.state.set_ledger_began(now, conn)
        log.info(
            "a new reminder ledger begins at %s; %d open deliveries due before then are "
            "closed unsent",
            now_text,
            len(keys),
        )
        return keys

    def prune(self, now: dt.datetime, keep: dt.timedelta) -> int:
        """Delete finished deliveries (sent, accepted, dead, expired, skipped) due and last
        changed more than `keep` ago; open rows are never deleted. Returns how many went."""
        cutoff = utc_text(now - max(keep, AUDIT_LIMIT + dt.timedelta(days=1)))
        condition = and_(
            deliveries.c.state.in_(FINAL_STATES),
            deliveries.c.due_at < cutoff,
            deliveries.c.updated_at < cutoff,
        )
        with self._write() as conn:
            held = self._check_rows(conn)
            gone = conn.execute(deliveries.delete().where(condition)).rowcount or 0
            self.state.set_recorded_rows(held - gone, conn)
        if gone:
            log.info("pruned %d finished deliveries due before %s", gone, cutoff)
        return gone

    def _insert_ignore(self) -> Any:
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(deliveries).on_conflict_do_nothing(index_elements=["key"])
        return sqlite.insert(deliveries).on_conflict_do_nothing(index_elements=["key"])

    # --- state sweeps ----------------------------------------------------------------------

    def expire(self, now: dt.datetime) -> list[str]:
        """Open rows whose `not_after` has passed become `expired` (audited, never sent)."""
        now_text = utc_text(now)
        condition = and_(deliveries.c.state.in_(OPEN_STATES), deliveries.c.not_after < now_text)
        with self._write() as conn:
            keys = list(conn.execute(select(deliveries.c.key).where(condition)).scalars())
            if keys:
                conn.execute(
                    update(deliveries)
                    .where(condition)
                    .values(
                        state=DeliveryState.EXPIRED,
                        last_error="expired: not sent before its not_after",
                        updated_at=now_text,
                    )
                )
        for key in keys:
            log.warning("reminder expired unsent: %s", key)
        return keys

    def held(self) -> list[Delivery]:
        """Deliveries held back by a communication freeze, earliest due first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries)
                .where(deliveries.c.state == DeliveryState.HELD)
                .order_by(deliveries.c.due_at, deliveries.c.key)
            ).all()
        return [Delivery.from_row(row) for row in rows]

    def leave_hold(self, key: str, now: dt.datetime, *, expire: str | None) -> bool:
        """A held row goes back to `pending` (to be sent once, as any other), or with
        `expire` (the reason) to `expired`. False when it was no longer held: another process
        released it first, so it is never released twice."""
        now_text = utc_text(now)
        if expire is None:
            values: dict[str, Any] = {
                "state": DeliveryState.PENDING,
                "next_attempt_at": None,
                "last_error": "released: no communication freeze holds it any more",
            }
        else:
            values = {"state": DeliveryState.EXPIRED, "last_error": expire}
        with self._write() as conn:
            changed = conn.execute(
                update(deliveries)
                .where(deliveries.c.key == key, deliveries.c.state == DeliveryState.HELD)
                .values(**values, updated_at=now_text)
            ).rowcount
        return bool(changed)

    # --- reading and operator actions -------------------------------------------------------

    def deliveries_for(self, keys: Sequence[str]) -> list[Delivery]:
        """The rows for `keys` that exist."""
        found: list[Delivery] = []
        with self.engine.connect() as conn:
            for index in range(0, len(keys), 500):
                chunk = list(keys[index : index + 500])
                found += [
                    Delivery.from_row(row)
                    for row in conn.execute(select(deliveries).where(deliveries.c.key.in_(chunk)))
                ]
        return found

    def get(self, key: str) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(deliveries).where(deliveries.c.key == key)).first()
        return Delivery.from_row(row) if row else None

    def deliveries(
        self, state: DeliveryState | None = None, *, limit: int | None = None
    ) -> list[Delivery]:
        return recorded_deliveries(self.database, state, limit=limit)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            ).all()
        return {state: count for state, count in rows}

    def next_wakeup(
        self, now: dt.datetime, destinations: Collection[str] | None = None
    ) -> dt.datetime | None:
        """The earliest future instant at which an open row (of `destinations`) becomes due."""
        now_text = utc_text(now)
        attempt_at = func.coalesce(deliveries.c.next_attempt_at, deliveries.c.due_at)
        condition = and_(
            deliveries.c.state.in_(OPEN_STATES),
            deliveries.c.not_after >= now_text,
            or_(deliveries.c.due_at > now_text, deliveries.c.next_attempt_at > now_text),
        )
        if destinations is not None:
            condition = and_(condition, deliveries.c.destination.in_(list(destinations)))
        with self.engine.connect() as conn:
            value = conn.execute(
                select(
                    func.min(func.max(attempt_at, deliveries.c.due_at))
                    if self.engine.dialect.name == "sqlite"
                    else func.min(func.greatest(attempt_at, deliveries.c.due_at))
                ).where(condition)
            ).scalar_one_or_none()
        return parse_utc(value) if value else None

    def destinations_open(self, now: dt.datetime) -> list[str]:
        """Destinations with a row still to send, now or later."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(deliveries.c.destination)
                    .where(
                        deliveries.c.state.in_(OPEN_STATES),
                        deliveries.c.not_after >= utc_text(now),
                    )
                    .distinct()
                ).scalars()
            )

    def destinations_with_work(self, now: dt.datetime) -> list[str]:
        """Destinations with a row due now (by the stored times)."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(deliveries.c.destination)
                    .where(self.due_condition(utc_text(now)))
                    .distinct()
                ).scalars()
            )

    def retry(self, key: str, now: dt.datetime, grace: dt.timedelta) -> Delivery:
        """Operator retry: a finished or waiting row goes back to `pending` with fresh
        attempts, sendable for `grace` from now."""
        current = self.get(key)
        if current is None:
            raise LedgerError(f"ledger retry: no delivery with key {key!r}")
        if current.state in (DeliveryState.SENDING, DeliveryState.PENDING):
            raise LedgerError(f"ledger retry: {key} is {current.state}; nothing to retry")
        if current.state is DeliveryState.HELD:
            raise LedgerError(
                f"ledger retry: {key} is held by communication freeze {current.held_by}; it is "
                f"released when the freeze ends (`edicalendar freeze end {current.held_by}`)"
            )
        now_text = utc_text(now)
        with self._write() as conn:
            conn.execute(
                update(deliveries)
                .where(deliveries.c.key == key)
                .values(
                    state=DeliveryState.PENDING,
                    attempts=0,
                    next_attempt_at=None,
                    lease_until=None,
                    not_after=utc_text(max(current.not_after, now + grace)),
                    last_error=f"retry requested by operator (was {current.state})",
                    updated_at=now_text,
                )
            )
        log.info("operator retry of %s (was %s)", key, current.state)
        found = self.get(key)
        assert found is not None
        return found


def _insert_values(
    item: ReminderOccurrence, payload: str, now_text: str, late: bool
) -> dict[str, Any]:
    return {
        "key": item.key,
        "campaign_id": item.campaign_id,
        "kind": item.kind.value,
        "rule": item.rule,
        "local_date": item.local_date.isoformat(),
        "destination": item.destination,
        "due_at": utc_text(item.due_at),
        "not_after": utc_text(item.not_after),
        "state": DeliveryState.EXPIRED if late else DeliveryState.PENDING,
        "attempts": 0,
        "next_attempt_at": None,
        "lease_until": None,
        "last_error": "expired: planned after its not_after (downtime)" if late else None,
        "provider_response": None,
        "payload_json": payload,
        "sent_at": None,
        "created_at": now_text,
        "updated_at": now_text,
        "audience": item.audience.value,
    }

"""The delivery ledger: the one record of which reminder went where, and what came of it.

One row per reminder occurrence and destination, keyed by the planner's deterministic key and
written with `INSERT .. ON CONFLICT DO NOTHING`, so planning twice is harmless. A row is claimed
with a lease before it is sent (SQLite: one `BEGIN IMMEDIATE` transaction; PostgreSQL:
`FOR UPDATE SKIP LOCKED`), sent outside any transaction, then recorded. A row found `sending`
after its lease ran out belongs to a process that died mid-send; it goes back to `retry_wait`
and is logged as a possible duplicate, the only way a reminder can be sent twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from edicalendar.errors import LedgerError
from edicalendar.reminders.channels.base import RecipientOutcome
from edicalendar.reminders.messages import Message
from edicalendar.reminders.planner import ReminderOccurrence
from edicalendar.storage.engine import Database
from edicalendar.storage.state import StateStore
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import parse_utc, utc_text

log = logging.getLogger("edicalendar.reminders.ledger")

#: PostgreSQL advisory lock key held while one worker plans: the first 8 bytes of
#: sha256("edicalendar.planner") as a signed bigint, unlikely to collide with other software.
PLANNER_LOCK_KEY = -5820924305315958950
#: However long the outage, history older than this is never planned (not even as `expired`).
AUDIT_LIMIT = dt.timedelta(days=31)


class DeliveryState(StrEnum):
    """Where a delivery is in its life. Final: sent, accepted, dead, expired, skipped_config."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    #: Handed over with no delivery confirmation (Teams 202, SMTP 250).
    ACCEPTED = "accepted"
    RETRY_WAIT = "retry_wait"
    DEAD = "dead"
    EXPIRED = "expired"
    SKIPPED_CONFIG = "skipped_config"


OPEN_STATES = (DeliveryState.PENDING, DeliveryState.RETRY_WAIT)


class CancelReason(StrEnum):
    """Why planning cancelled an open delivery (stored as its `last_error`, word for word).

    Both can be undone: a delivery cancelled for one of these reasons comes back when the plan
    has it again while it can still be sent.
    """

    #: The campaign still exists but no longer plans this reminder (edited time or rule).
    SUPERSEDED = "superseded: the campaign no longer plans this reminder"
    #: The campaign's file or table is gone.
    REMOVED = "campaign removed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One ledger row."""

    key: str
    kind: str
    campaign_id: str | None
    rule: str
    local_date: str
    destination: str
    due_at: dt.datetime
    not_after: dt.datetime
    state: DeliveryState
    attempts: int
    next_attempt_at: dt.datetime | None
    lease_until: dt.datetime | None
    last_error: str | None
    provider_response: str | None
    payload_json: str
    sent_at: dt.datetime | None
    updated_at: dt.datetime

    @property
    def message(self) -> Message:
        return Message.from_json(json.loads(self.payload_json))

    @property
    def recipient_states(self) -> dict[str, RecipientOutcome]:
        """Per-recipient outcomes kept from earlier attempts (email)."""
        if not self.provider_response:
            return {}
        try:
            data = json.loads(self.provider_response)
        except json.JSONDecodeError:
            return {}
        recipients = data.get("recipients") if isinstance(data, dict) else None
        if not isinstance(recipients, dict):
            return {}
        return {str(a): RecipientOutcome.parse(str(s)) for a, s in recipients.items()}

    @classmethod
    def from_row(cls, row: Row[Any]) -> Delivery:
        m = row._mapping

        def when(name: str) -> dt.datetime | None:
            value = m[name]
            return parse_utc(value) if value else None

        return cls(
            key=m["key"],
            kind=m["kind"],
            campaign_id=m["campaign_id"],
            rule=m["rule"],
            local_date=m["local_date"],
            destination=m["destination"],
            due_at=parse_utc(m["due_at"]),
            not_after=parse_utc(m["not_after"]),
            state=DeliveryState(m["state"]),
            attempts=m["attempts"],
            next_attempt_at=when("next_attempt_at"),
            lease_until=when("lease_until"),
            last_error=m["last_error"],
            provider_response=m["provider_response"],
            payload_json=m["payload_json"],
            sent_at=when("sent_at"),
            updated_at=parse_utc(m["updated_at"]),
        )


@dataclass
class SyncResult:
    """What one planning pass changed in the ledger."""

    inserted: int = 0
    expired: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    updated: int = 0


class Ledger:
    """Reads and writes the `deliveries` table; every method takes the clock's `now`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.engine = database.engine
        self.state = StateStore(database)
        self._local = threading.local()

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
        """Where the next planning window starts: never before `now - max_grace` for a new
        database; after downtime, back to where planning stopped (so missed reminders are
        recorded as expired) but at most :data:`AUDIT_LIMIT` back."""
        fresh = now - max_grace
        previous = self.planned_until()
        if previous is None:
            return fresh
        return max(min(previous, fresh), now - AUDIT_LIMIT)

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
                if row.state == DeliveryState.PENDING and (
                    row.due_at != utc_text(item.due_at)
                    or row.not_after != utc_text(item.not_after)
                    or row.payload_json != payload
                ):
                    conn.execute(
                        update(deliveries)
                        .where(deliveries.c.key == key, deliveries.c.state == row.state)
                        .values(
                            due_at=utc_text(item.due_at),
                            not_after=utc_text(item.not_after),
                            payload_json=payload,
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
                for chunk in _chunks(new_rows, 200):
                    # RETURNING counts only the rows really inserted (rowcount is not portable).
                    inserted = conn.execute(
                        self._insert_ignore().values(chunk).returning(deliveries.c.key)
                    )
                    result.inserted += len(inserted.all())
            start_text, end_text = utc_text(start), utc_text(end)
            for key, row in existing.items():
                if (
                    key not in plan_by_key
                    and row.state in OPEN_STATES
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

    def recover_leases(self, now: dt.datetime) -> list[str]:
        """Rows left `sending` by a process that died go back to `retry_wait`, logged."""
        now_text = utc_text(now)
        condition = and_(
            deliveries.c.state == DeliveryState.SENDING, deliveries.c.lease_until < now_text
        )
        with self._write() as conn:
            keys = list(conn.execute(select(deliveries.c.key).where(condition)).scalars())
            if keys:
                conn.execute(
                    update(deliveries)
                    .where(condition)
                    .values(
                        state=DeliveryState.RETRY_WAIT,
                        next_attempt_at=now_text,
                        lease_until=None,
                        last_error="lease expired mid-send: possible duplicate",
                        updated_at=now_text,
                    )
                )
        for key in keys:
            log.warning(
                "possible duplicate: %s was being sent when its process stopped; "
                "sending again (the earlier attempt may have arrived)",
                key,
            )
        return keys

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
        """Take up to `limit` due rows: state `sending`, a lease, one more attempt."""
        now_text = utc_text(now)
        condition = self.due_condition(now_text)
        if destination is not None:
            condition = and_(condition, deliveries.c.destination == destination)
        query = (
            select(deliveries.c.key)
            .where(condition)
            .order_by(deliveries.c.due_at, deliveries.c.key)
            .limit(limit)
        )
        with self._write() as conn:
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            keys = list(conn.execute(query).scalars())
            if not keys:
                return []
            conn.execute(
                update(deliveries)
                .where(deliveries.c.key.in_(keys))
                .values(
                    state=DeliveryState.SENDING,
                    lease_until=utc_text(now + lease),
                    attempts=deliveries.c.attempts + 1,
                    updated_at=now_text,
                )
            )
            rows = conn.execute(
                select(deliveries)
                .where(deliveries.c.key.in_(keys))
                .order_by(deliveries.c.due_at, deliveries.c.key)
            ).all()
        return [Delivery.from_row(row) for row in rows]

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE): a
        deferred one that reads first can fail at once with "database is locked" when another
        process commits in between, and two claimers could read the same rows as free."""
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as raw:
            conn = raw.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

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
        values = self._outcome_values(state, now, error, response, next_attempt_at)
        buffer: list[tuple[Delivery, dict[str, Any]]] | None = getattr(self._local, "buffer", None)
        if buffer is not None:
            buffer.append((delivery, values))
            return True
        with self._write() as conn:
            return self._apply(conn, delivery, values)

    @contextmanager
    def group_commit(self) -> Iterator[None]:
        """Collect this thread's :meth:`record` calls and write them in one transaction."""
        self._local.buffer = []
        try:
            yield
        finally:
            buffered: list[tuple[Delivery, dict[str, Any]]] = self._local.buffer
            self._local.buffer = None
            if buffered:
                with self._write() as conn:
                    for delivery, values in buffered:
                        self._apply(conn, delivery, values)

    def _apply(self, conn: Connection, delivery: Delivery, values: dict[str, Any]) -> bool:
        done = conn.execute(
            update(deliveries)
            .where(
                deliveries.c.key == delivery.key,
                deliveries.c.state == DeliveryState.SENDING,
                deliveries.c.attempts == delivery.attempts,
            )
            .values(**values)
        )
        if not done.rowcount:
            log.warning("claim on %s was lost before its result was recorded", delivery.key)
        return bool(done.rowcount)

    @staticmethod
    def _outcome_values(
        state: DeliveryState,
        now: dt.datetime,
        error: str | None,
        response: str | None,
        next_attempt_at: dt.datetime | None,
    ) -> dict[str, Any]:
        now_text = utc_text(now)
        values: dict[str, Any] = {
            "state": state,
            "lease_until": None,
            "last_error": error,
            "updated_at": now_text,
            "next_attempt_at": utc_text(next_attempt_at) if next_attempt_at else None,
        }
        if response is not None:
            values["provider_response"] = response
        if state in (DeliveryState.SENT, DeliveryState.ACCEPTED):
            values["sent_at"] = now_text
        return values

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
        query = select(deliveries).order_by(deliveries.c.due_at, deliveries.c.key)
        if state is not None:
            query = query.where(deliveries.c.state == state)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [Delivery.from_row(row) for row in conn.execute(query)]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            ).all()
        return {state: count for state, count in rows}

    def next_wakeup(self, now: dt.datetime) -> dt.datetime | None:
        """The earliest future instant at which an open row becomes due."""
        now_text = utc_text(now)
        attempt_at = func.coalesce(deliveries.c.next_attempt_at, deliveries.c.due_at)
        with self.engine.connect() as conn:
            value = conn.execute(
                select(
                    func.min(func.max(attempt_at, deliveries.c.due_at))
                    if self.engine.dialect.name == "sqlite"
                    else func.min(func.greatest(attempt_at, deliveries.c.due_at))
                ).where(
                    deliveries.c.state.in_(OPEN_STATES),
                    deliveries.c.not_after >= now_text,
                    or_(deliveries.c.due_at > now_text, deliveries.c.next_attempt_at > now_text),
                )
            ).scalar_one_or_none()
        return parse_utc(value) if value else None

    def retry(self, key: str, now: dt.datetime, grace: dt.timedelta) -> Delivery:
        """Operator retry: a finished or waiting row goes back to `pending` with fresh
        attempts, sendable for `grace` from now."""
        current = self.get(key)
        if current is None:
            raise LedgerError(f"ledger retry: no delivery with key {key!r}")
        if current.state in (DeliveryState.SENDING, DeliveryState.PENDING):
            raise LedgerError(f"ledger retry: {key} is {current.state}; nothing to retry")
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
    }


def _chunks(items: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]

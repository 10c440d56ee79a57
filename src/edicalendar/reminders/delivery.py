"""One delivery (a ledger row) and the states it moves through.

The state machine, which planning, dispatch and the operator commands all follow::

    (planned) ─▶ pending ──claim──▶ sending ──┬─ delivered (Slack 200, console) ──▶ sent
                   ▲  │                       ├─ handed over (Teams 202, SMTP 250) ─▶ accepted
                   │  │                       ├─ transient (429, 5xx, timeout) ──▶ retry_wait
                   │  │                       ├─ permanent (400, 413, SMTP 5xx) ──▶ dead
                   │  │                       ├─ destination misconfigured ──▶ skipped_config
                   │  │                       └─ lease ran out (its process died) ─▶ retry_wait
                   │  ├◀─ claimed, never sent (its pass stopped: paused, halted, out of
                   │  │   budget): back as it was (pending or retry_wait), attempt not counted
                   │  ├─ not_after passed ──▶ expired
                   │  ├─ campaign edited or removed ──▶ skipped_config (undone if it comes back)
                   │  └─ claimed inside a communication freeze that restricts it ──▶ held
                   ├─ held, once no freeze holds it and still timely (released once)
                   │    (held, no longer timely when its freeze ends ──▶ expired, saying why)
                   └─ retry_wait, once due, is claimed like pending

`held` waits for its freeze (:mod:`edicalendar.reminders.holding`) and is never claimed.
`sent`, `accepted`, `dead`, `expired` and `skipped_config` are final; `edicalendar ledger retry
KEY` puts any of them (or a `retry_wait`) back to `pending`. A `sending` row is claimed: one
process holds it under a lease until it records the outcome.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from edicalendar.reminders.channels.base import RecipientOutcome
from edicalendar.reminders.messages import Message
from edicalendar.storage.reads import Reads
from edicalendar.storage.timestamps import parse_utc

if TYPE_CHECKING:
    from sqlalchemy import Row


class DeliveryState(StrEnum):
    """Where a delivery is in its life (see the module docstring for the transitions)."""

    #: Planned, waiting for its due time.
    PENDING = "pending"
    #: Claimed by one process, which is sending it now (under a lease).
    SENDING = "sending"
    #: Delivered with confirmation (Slack 200 `ok`, console).
    SENT = "sent"
    #: Handed over with no delivery confirmation (Teams 202, SMTP 250).
    ACCEPTED = "accepted"
    #: A transient failure; sent again at `next_attempt_at`.
    RETRY_WAIT = "retry_wait"
    #: Failed for good (rejected, or out of attempts or time); an alert was raised.
    DEAD = "dead"
    #: Too late to be useful (its `not_after` passed unsent); audited, never sent.
    EXPIRED = "expired"
    #: Not sent: the destination is misconfigured, or the campaign no longer plans it.
    SKIPPED_CONFIG = "skipped_config"
    #: Held back by a communication freeze (`held_by`): released once when no freeze holds it,
    #: or expired with the reason if it is too late by then.
    HELD = "held"


#: States a delivery can still be sent from.
OPEN_STATES = (DeliveryState.PENDING, DeliveryState.RETRY_WAIT)
#: States of a delivery still to be sent: open, or held back by a freeze.
UNSENT_STATES = (*OPEN_STATES, DeliveryState.HELD)
#: States nothing more happens in (unless an operator retries).
FINAL_STATES = (
    DeliveryState.SENT,
    DeliveryState.ACCEPTED,
    DeliveryState.DEAD,
    DeliveryState.EXPIRED,
    DeliveryState.SKIPPED_CONFIG,
)


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
    #: Earlier attempts that may have reached the receiver without a recorded success.
    possible_duplicates: int = 0
    #: Why the latest of them may have (a crash mid-send, a timeout after sending...).
    duplicate_note: str | None = None
    #: The process holding the claim ("host:pid") while `sending`.
    claimed_by: str | None = None
    #: When the claimed attempt's request started (None: claimed, nothing sent yet).
    attempt_started_at: dt.datetime | None = None
    #: Who the message speaks to (internal, staff, public), for communication freezes; None
    #: for rows planned before freezes existed (then by kind: announcements are public).
    audience: str | None = None
    #: The freeze that held it back (kept after its release, as history).
    held_by: int | None = None

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
        return cls.from_mapping(row._mapping)

    @classmethod
    def from_mapping(cls, m: Mapping[Any, Any]) -> Delivery:
        """A row of the `deliveries` table, by column name."""

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
            possible_duplicates=m["possible_duplicates"] or 0,
            duplicate_note=m["duplicate_note"],
            claimed_by=m["claimed_by"],
            attempt_started_at=when("attempt_started_at"),
            audience=m["audience"],
            held_by=m["held_by"],
        )


#: Reading needs no SQLAlchemy (storage.reads), so `edicalendar ledger` can list deliveries
#: without opening the database in full.
_DELIVERY_COLUMNS = (
    "key, kind, campaign_id, rule, local_date, destination, due_at, not_after, state, attempts, "
    "next_attempt_at, lease_until, last_error, provider_response, payload_json, sent_at, "
    "updated_at, possible_duplicates, duplicate_note, claimed_by, attempt_started_at, audience, "
    "held_by"
)


def recorded_deliveries(
    db: Reads, state: DeliveryState | None = None, *, limit: int | None = None
) -> list[Delivery]:
    """Deliveries (in `state`), earliest due first, at most `limit` of them."""
    where = " WHERE state = :state" if state is not None else ""
    bound = " LIMIT :limit" if limit is not None else ""
    sql = f"SELECT {_DELIVERY_COLUMNS} FROM deliveries{where} ORDER BY due_at, key{bound}"
    params: dict[str, Any] = {"state": state.value if state else None, "limit": limit}
    return [Delivery.from_mapping(row) for row in db.fetch(sql, params)]

"""What every reminder channel shares: one small protocol, the result of a send, and helpers.

A channel turns a channel-neutral :class:`~edicalendar.reminders.planner.Message` into one
request (a webhook POST, an SMTP transaction, a line on stdout) and classifies what came back
into an :class:`Outcome`, saying also whether a failed request may have arrived all the same
(`maybe_delivered`) and whether the failure is the destination's rather than the message's
(`pause`). Channels never retry and never sleep: retries, backoff and rate limits belong to the
dispatcher and the ledger, which survive a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from edicalendar.reminders.messages import Link, Message
from edicalendar.urls import public_url


class Outcome(StrEnum):
    """How one attempt ended, from the ledger's point of view."""

    #: Delivered with confirmation (Slack 200 `ok`, console).
    SENT = "sent"
    #: Handed over without delivery confirmation (Teams 202, SMTP 250).
    ACCEPTED = "accepted"
    #: Transient (429, 5xx, timeout, SMTP 4xx): try again later.
    RETRY = "retry"
    #: Permanent and our fault or the content's (400, 413, SMTP 5xx): never retry.
    DEAD = "dead"
    #: The destination is misconfigured (revoked webhook, archived channel): skip, alert.
    CONFIG = "config"
    #: Stop the whole channel group now (SMTP 535, TLS failure): rows wait, operator fixes.
    HALT = "halt"


class RecipientState(StrEnum):
    """What became of one recipient of an email (SMTP answers per recipient)."""

    #: The server took the message for this address (250).
    ACCEPTED = "accepted"
    #: Refused for now (4xx): send to this address again later.
    RETRY = "retry"
    #: Refused for good (5xx): never send to this address again.
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class RecipientOutcome:
    """One recipient's state and the server's words, stored in the ledger as text."""

    state: RecipientState
    detail: str = ""

    def __str__(self) -> str:
        """`accepted`, or `retry: 451 ...` / `dead: 550 ...` (the ledger's stored form)."""
        if self.state is RecipientState.ACCEPTED or not self.detail:
            return self.state.value
        return f"{self.state.value}: {self.detail}"

    @classmethod
    def parse(cls, text: str) -> RecipientOutcome:
        """Inverse of `str()`; text from an older release reads the same way."""
        head, _, detail = text.partition(":")
        try:
            return cls(RecipientState(head.strip()), detail.strip())
        except ValueError:
            return cls(RecipientState.RETRY, text)

    @property
    def settled(self) -> bool:
        """Accepted or refused for good: not sent to again."""
        return self.state is not RecipientState.RETRY


@dataclass(frozen=True, slots=True)
class Outbound:
    """One reminder to send. `recipients` overrides the destination's list (task owners)."""

    key: str
    destination: str
    message: Message
    now: dt.datetime
    recipients: tuple[str, ...] | None = None
    #: Recipients already settled by an earlier attempt (accepted or refused for good).
    settled: frozenset[str] = frozenset()
    #: Called just before the bytes that deliver the message go out (the webhook request, the
    #: email's DATA): from then on a failure may leave it delivered. False: do not send.
    on_send: Callable[[], bool] = lambda: True


NOT_SENT = "not sent: its claim was lost or the ledger could not be written"


@dataclass(frozen=True, slots=True)
class SendResult:
    """The classified result of one attempt; `detail` is already free of secrets."""

    outcome: Outcome
    detail: str = ""
    retry_after: float | None = None
    #: Per-recipient outcomes (email), by address.
    recipients: Mapping[str, RecipientOutcome] = field(default_factory=dict)
    status: int | None = None
    #: The request went out and the answer was lost (a timeout or reset after sending): the
    #: receiver may have it, so a retry may be a duplicate.
    maybe_delivered: bool = False
    #: The destination itself is unwilling or unreachable (429, no answer, connection refused):
    #: hold every message to it until the retry time, not only this one.
    pause: bool = False
    #: Nothing went out: `on_send` said no (the claim was lost, or the sender stopped first).
    not_sent: bool = False


class Channel(Protocol):
    """A configured destination that can send one message at a time."""

    name: str
    kind: str
    #: Messages per second this destination allows; 0 means no limit.
    rate_per_second: float
    #: Destinations sharing an account halt together (all email shares one SMTP login).
    group: str

    def send(self, item: Outbound) -> SendResult:
        """Send one message and classify the response; never raises for delivery failures."""
        ...

    def fingerprint(self) -> str:
        """A digest of the settings a HALT depends on; a change lifts the halt."""
        ...

    def close_idle(self) -> None:
        """Nothing more to send for now: close connections kept open for the next message."""
        ...


def group_for(kind: str, destination: str) -> str:
    """The channel group a destination sends through: its own for a webhook or the console;
    for email, the one SMTP server every email destination shares (they halt and pause as one)."""
    if kind == "email" or destination.startswith("email:"):
        return "email"
    return f"{kind}:{destination}"


def publishable(links: Iterable[Link]) -> tuple[Link, ...]:
    """The links a channel may publish (http(s) only, see :mod:`edicalendar.urls`).

    Links are checked when campaign and calendar data load; each channel filters again so a
    message planned and stored before that check can never carry a `javascript:` link.
    """
    return tuple(link for link in links if public_url(link.url) is not None)


def truncate(text: str, limit: int, marker: str = " … (more at the link below)") -> str:
    """`text` cut to at most `limit` characters, marked when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))].rstrip() + marker


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())

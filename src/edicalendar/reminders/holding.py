"""Communication freezes in the reminder bot: messages held back, then released once or expired.

Just before a message goes out, its lane asks the :class:`FreezeGate` whether a freeze in force
at that moment restricts the message's audience: day-of announcements and publish reminders of
public work (`public = true`) are public, task and lead-time reminders and the digest internal
(held only by a freeze on everything). The gate reads the `freezes` table for every message, so
a freeze recorded a moment ago by `edicalendar freeze add` or the admin page holds the rest of a
burst on every worker, already-due messages included. A held message settles its claim as
`held` (the attempt does not count) and is never claimed while held.

:func:`release_held` runs on every planning pass and on `freeze end`: a held row that no freeze
holds any more goes back to `pending` while it is still timely (its `not_after` has not passed),
or to `expired` saying which freeze held it. Both are conditional updates from `held`, so two
workers, or a worker and `freeze end`, never release one twice; and the usual claim then sends
it once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from edicalendar.calendar.freezes import RESTRICTION_LABELS, Audience, Freeze, in_force
from edicalendar.reminders.delivery import Delivery
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.planner import KIND_AUDIENCE, ReminderKind

log = logging.getLogger("edicalendar.reminders.holding")


def delivery_audience(delivery: Delivery) -> Audience:
    """Who `delivery` speaks to; rows planned before freezes existed go by their kind."""
    if delivery.audience:
        try:
            return Audience(delivery.audience)
        except ValueError:
            pass
    try:
        return KIND_AUDIENCE[ReminderKind(delivery.kind)]
    except ValueError:
        return Audience.PUBLIC  # an unknown kind: the cautious reading


def hold_note(freeze: Freeze) -> str:
    """What a held row says: which freeze, until when, and what it holds back."""
    return (
        f"held by freeze {freeze.id}: {freeze.title}, {freeze.span_text()} "
        f"(holds back {RESTRICTION_LABELS[freeze.restricts]})"
    )


class FreezeGate:
    """Whether a freeze holds a message back now: read afresh from the book for each ask."""

    def __init__(self, read: Callable[[], Sequence[Freeze]], timezone: ZoneInfo) -> None:
        """`read` returns every recorded freeze (FreezeBook.all)."""
        self.read = read
        self.timezone = timezone

    def holding(self, delivery: Delivery, at: dt.datetime) -> Freeze | None:
        """The freeze in force at `at` that restricts `delivery`'s audience (the earliest
        recorded if several do), or None when it may go."""
        audience = delivery_audience(delivery)
        found = [f for f in in_force(self.read(), at, self.timezone) if f.holds(audience)]
        return found[0] if found else None


@dataclass
class Released:
    """What a sweep of held messages did."""

    released: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)


def release_held(ledger: Ledger, gate: FreezeGate, now: dt.datetime) -> Released:
    """Release, once, each held delivery no freeze holds at `now` while it is still timely, and
    expire the rest of those with the reason; ones still held stay held."""
    result = Released()
    held = ledger.held()
    if not held:
        return result
    freezes = {f.id: f for f in gate.read()}
    for delivery in held:
        if gate.holding(delivery, now) is not None:
            continue
        freeze = freezes.get(delivery.held_by or 0)
        name = (
            f"freeze {freeze.id} ({freeze.title}, {freeze.span_text()})"
            if freeze is not None
            else f"freeze {delivery.held_by}"
        )
        if delivery.not_after >= now:
            if ledger.leave_hold(delivery.key, now, expire=None):
                result.released.append(delivery.key)
                log.info("%s released: %s no longer holds it", delivery.key, name)
        else:
            limit = delivery.not_after.astimezone(gate.timezone)
            why = (
                f"expired: held by {name} until too late (it was worth sending until "
                f"{limit:%Y-%m-%d %H:%M}); not sent"
            )
            if ledger.leave_hold(delivery.key, now, expire=why):
                result.expired.append(delivery.key)
                log.warning("%s %s", delivery.key, why)
    return result


def released_text(released: int, expired: int) -> str:
    """ " 2 held reminders go out on the bot's next tick; 1 expired: too late to send." (or
    nothing when the freeze held nothing)."""
    parts = []
    if released:
        plural = "s go" if released != 1 else " goes"
        parts.append(f"{released} held reminder{plural} out on the bot's next tick")
    if expired:
        parts.append(f"{expired} expired: too late to send (`edicalendar ledger --status expired`)")
    return (" " + "; ".join(parts) + ".") if parts else ""

"""The communication freezes as their own iCalendar feed, `freezes.ics`.

One all-day event per public freeze (pre-election periods, national mourning; an organisation's
own freezes only when recorded as public), kept apart from the observance feeds so staff can
subscribe to it beside them and switch it off on its own. UIDs derive from the freeze's id and
when it was recorded, so an event keeps its identity when the freeze is ended early (SEQUENCE
rises, DTEND moves) and a freeze that is cancelled is published as STATUS:CANCELLED. An open-
ended freeze is shown through a week after today, marked "until further notice".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from edicalendar.calendar.freezes import RESTRICTION_LABELS, Freeze, nice_date
from edicalendar.feeds.events import FeedEvent
from edicalendar.feeds.ical import render_tracked
from edicalendar.feeds.specs import FREEZE_FEED_NAME

__all__ = ["FREEZE_FEED_NAME", "build_freeze_feed", "freeze_event", "freeze_events", "freeze_uid"]

if TYPE_CHECKING:
    from edicalendar.config import Settings
    from edicalendar.storage.engine import Database

#: Namespace of every freeze UID; changing it would duplicate every event.
FREEZE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:edicalendar:freezes")
#: Change-tracking scope of the freezes feed in `feed_events`.
FREEZE_SCOPE = "freezes"
#: How far past today an open-ended freeze is shown.
OPEN_ENDED_DAYS = 7

TITLE = "communication freezes"
DESCRIPTION = (
    "Pre-election periods, national mourning and other communication freezes: what is held "
    "back, and until when."
)


def freeze_uid(freeze: Freeze) -> str:
    """Stable UID of one freeze: UUIDv5 of its id and the moment it was recorded."""
    recorded = freeze.created_at.isoformat() if freeze.created_at else ""
    return str(uuid.uuid5(FREEZE_NAMESPACE, f"{freeze.id}:{recorded}")).upper()


def freeze_event(freeze: Freeze, today: dt.date) -> FeedEvent | None:
    """The feed event of one freeze (None when it was cancelled before it began)."""
    if freeze.cancelled:
        return None
    last = freeze.last_day
    summary = f"Freeze: {freeze.reason}"
    lines = [
        f"{freeze.title}.",
        f"Holds back {RESTRICTION_LABELS[freeze.restricts]}.",
    ]
    if last is None:
        last = max(today, freeze.start) + dt.timedelta(days=OPEN_ENDED_DAYS)
        summary += " (until further notice)"
        lines.append(f"From {nice_date(freeze.start)} until further notice.")
    else:
        lines.append(f"From {nice_date(freeze.start)} to {nice_date(last)} inclusive.")
    if freeze.polling_day is not None:
        lines.append(f"Polling day: {nice_date(freeze.polling_day)}.")
    if freeze.area:
        lines.append(f"Applies to: {freeze.area}.")
    if freeze.source:
        lines.append(f"Guidance: {freeze.source}")
    return FeedEvent(
        uid=freeze_uid(freeze),
        summary=summary,
        description="\n".join(lines),
        start=freeze.start,
        end=last,
        url=freeze.source,
        categories=("Communication freeze", freeze.label.capitalize()),
    )


def freeze_events(freezes: Iterable[Freeze], today: dt.date) -> list[FeedEvent]:
    """The public freezes' events, by first day."""
    events = [freeze_event(f, today) for f in freezes if f.public]
    return sorted((e for e in events if e is not None), key=lambda e: (e.start, e.uid))


def build_freeze_feed(
    freezes: Iterable[Freeze],
    settings: Settings,
    *,
    now: dt.datetime,
    today: dt.date,
    database: Database | None,
    window: tuple[dt.date, dt.date] | None = None,
) -> bytes:
    """`freezes.ics` for `window` (default: the feed window, `[feeds] past_days` back and
    `future_days` ahead), change-tracked in `database` (None: stateless, SEQUENCE 0)."""
    from edicalendar.feeds.build import feed_window
    from edicalendar.feeds.events import TrackedEvent

    first, last = window or feed_window(today, settings.feeds)
    every = freeze_events(freezes, today)
    existing = {e.uid for e in every}
    events = [e for e in every if e.end >= first and e.start <= last]
    if database is None:
        tracked = [TrackedEvent(e) for e in events]
    else:
        from edicalendar.feeds.tracking import FeedState

        tracked = FeedState(database).sync(
            FREEZE_SCOPE,
            events,
            now,
            cancelled_days=settings.feeds.cancelled_days,
            # A freeze that left the window is simply not shown; one cancelled is announced.
            responsible=lambda row: row.event.uid not in existing,
        )
    title = f"{settings.feeds.organisation}: {TITLE}"
    return render_tracked(title, DESCRIPTION, tracked, settings)

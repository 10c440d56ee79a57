"""Date-change notices: when a confirmed date replaces an estimate, or a date moves, say so.

Feed clients can take days to refresh, so chat and email are how people hear that Eid is
tomorrow, not the day after. The bot remembers the dates it last saw for every occurrence in
the coming weeks (:class:`KnownDate`); :func:`detect_changes` compares them with the calendar
as it is now and returns one :class:`DateChange` per occurrence whose dates or status changed,
each with a revision number so the same change is never announced twice and a later change is
announced again. The planner turns each change into one notice per destination that asks for
them (`notify_changes = true`). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edicalendar.calendar.occurrence_records import (
    EVENING_BEFORE,
    date_notes,
    day_text,
    margin_text,
    span_text,
)
from edicalendar.feeds.events import occurrence_description
from edicalendar.model import Occurrence, Status

#: How far ahead changes are announced by default: the feeds will have caught up with later ones.
NOTICE_DAYS = 90


@dataclass(frozen=True, slots=True)
class KnownDate:
    """The dates the bot last saw for one occurrence, and how many changes it has announced."""

    observance_id: str
    instance: str
    start: dt.date
    end: dt.date
    status: str
    revision: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.observance_id, self.instance)

    @classmethod
    def of(cls, occurrence: Occurrence, revision: int = 0) -> KnownDate:
        return cls(
            occurrence.observance_id,
            occurrence.instance,
            occurrence.start,
            occurrence.end,
            occurrence.status.value,
            revision,
        )


@dataclass(frozen=True, slots=True)
class DateChange:
    """One change to an occurrence's dates or status, as detected at `detected_at` (UTC)."""

    observance_id: str
    instance: str
    revision: int
    name: str
    old_start: dt.date
    old_end: dt.date
    old_status: str
    new_start: dt.date
    new_end: dt.date
    new_status: str
    detected_at: dt.datetime
    #: What a notice says, written when the change is found (the calendar may change again).
    title: str = ""
    body: str = ""
    url: str | None = None
    source: str | None = None
    #: The feed event's description, for the `.ics` an email notice attaches.
    description: str = ""

    @property
    def moved(self) -> bool:
        return (self.old_start, self.old_end) != (self.new_start, self.new_end)

    @property
    def rule(self) -> str:
        """The reminder rule part of the notice's ledger key: "eid-al-fitr/2027/r1"."""
        return f"{self.observance_id}/{self.instance}/r{self.revision}"


def detect_changes(
    known: Mapping[tuple[str, str], KnownDate],
    current: Iterable[Occurrence],
    detected_at: dt.datetime,
) -> tuple[list[KnownDate], list[DateChange]]:
    """What to remember now, and the changes since `known`.

    An occurrence seen for the first time is remembered without a notice (the first run, or a
    date coming into range, is not a change). One whose dates or status differ from what was
    remembered is a change, with the next revision number.
    """
    remember: list[KnownDate] = []
    changes: list[DateChange] = []
    for occurrence in current:
        key = (occurrence.observance_id, occurrence.instance)
        before = known.get(key)
        now = KnownDate.of(occurrence, before.revision if before else 0)
        if before is None:
            remember.append(now)
            continue
        if (before.start, before.end, before.status) == (now.start, now.end, now.status):
            continue
        revision = before.revision + 1
        remember.append(KnownDate.of(occurrence, revision))
        title, body = notice_text(before, occurrence)
        changes.append(
            DateChange(
                observance_id=occurrence.observance_id,
                instance=occurrence.instance,
                revision=revision,
                name=occurrence.name,
                old_start=before.start,
                old_end=before.end,
                old_status=before.status,
                new_start=occurrence.start,
                new_end=occurrence.end,
                new_status=occurrence.status.value,
                detected_at=detected_at,
                title=title,
                body=body,
                url=occurrence.url,
                source=occurrence.source,
                description=occurrence_description(occurrence),
            )
        )
    return remember, changes


def notice_text(before: KnownDate, occurrence: Occurrence) -> tuple[str, str]:
    """The notice's title and body: what the date was, what it is now, and how sure."""
    new = span_text(occurrence.start, occurrence.end)
    old = span_text(before.start, before.end)
    moved = (before.start, before.end) != (occurrence.start, occurrence.end)
    confirmed = occurrence.status is Status.CONFIRMED
    if moved:
        title = f"Date change: {occurrence.name} is now {new}"
    elif confirmed:
        title = f"Date confirmed: {occurrence.name}, {new}"
    else:
        title = f"Date change: {occurrence.name} ({new}) is now {occurrence.status.value}"
    was = f"It was {before.status} for {old}." if moved else f"It was {before.status}."
    lines = [f"{occurrence.name} {occurrence.instance}: {_now_text(occurrence)}. {was}"]
    if occurrence.begins_evening_before:
        eve = day_text(occurrence.start - dt.timedelta(days=1))
        lines.append(f"It {EVENING_BEFORE}: from sunset on {eve}.")
    if occurrence.theme:
        lines.append(f"Theme: {occurrence.theme}")
    lines.extend(date_notes(occurrence))
    if occurrence.source and confirmed:
        lines.append(f"Source: {occurrence.source}")
    return title, "\n".join(lines)


def _now_text(occurrence: Occurrence) -> str:
    dates = span_text(occurrence.start, occurrence.end)
    if occurrence.status is Status.CONFIRMED:
        return f"confirmed for {dates}"
    text = f"now {occurrence.status.value} for {dates}"
    if occurrence.may_vary_days:
        text += f" ({margin_text(occurrence.may_vary_days)})"
    return text


def in_notice_range(occurrence: Occurrence, today: dt.date, days: int) -> bool:
    """Whether a change to `occurrence` is worth a notice: not over, and starting within
    `days` days of `today`."""
    return occurrence.end >= today and occurrence.start <= today + dt.timedelta(days=days)

"""Feed events: what one all-day event in a subscribed calendar says, and its identity.

A :class:`FeedEvent` is one all-day event as published; observance occurrences and campaign-plan
items both become FeedEvents. Its UID is derived (UUIDv5 of observance id and instance), never
random, so every feed and single-event download of an occurrence carries the same UID forever.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from edicalendar.calendar.filters import Selector
from edicalendar.calendar.occurrence_records import (
    EVENING_AT_SUNSET,
    certainty_text,
    date_notes,
    margin_text,
    status_sentence,
)
from edicalendar.model import CATEGORY_LABELS, Occurrence, Status
from edicalendar.urls import public_url

#: Namespace of every occurrence UID (UUIDv5). Published in subscribers' calendars: never change.
UID_NAMESPACE = uuid.UUID("1bd9339c-1492-5693-9773-9c22de5e977c")

#: Opens the paragraph on whose convention a date follows and why it moved (the importer
#: drops it when reading a feed back, as it is recomputed).
ABOUT_THE_DATE = "About the date: "

#: With `eves=start` a festival's event starts on its eve, so its status line says this
#: instead of :data:`EVENING_AT_SUNSET` ("begins the evening before (at sunset)").
EVENING_START = "begins at sunset on the first day shown"

EVENT_STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})


@dataclass(frozen=True, slots=True)
class EventOrigin:
    """Where an observance event came from; used to decide which feeds show its cancellation."""

    observance_id: str
    instance: str
    calendar: str
    categories: tuple[str, ...]
    #: Further calendars the observance is listed in (see Observance.also_in).
    also_in: tuple[str, ...] = ()
    #: Read by the feed options: a festival beginning at sunset gets an eve (`eves`), and a
    #: day of rest from work may be shown busy (`busy`).
    begins_evening_before: bool = False
    rest_from_work: bool = False
    #: How sure the date is, as every output says it ("estimated ±1 day", "provisional"; see
    #: certainty_text): the title suffix of feeds with `expected`. Empty for confirmed dates;
    #: not stored by to_json, as a withdrawn (CANCELLED) event never shows it.
    certainty: str = ""
    #: The event in Welsh (title, description, how sure the title says the date is), for
    #: feeds with `lang=cy`; not stored by to_json, so a withdrawn event reads in English.
    welsh: tuple[str, str, str] | None = None
    #: What the Welsh feed says that the English fields do not decide (a published Welsh name
    #: and description, the Welsh notes on conventions), as part of the content hash, so that a
    #: change subscribers of the Welsh feed see bumps SEQUENCE too; empty when there is none,
    #: which leaves the hash of such an event what it always was.
    welsh_tracked: str = ""

    def passes(self, only: Selector) -> bool:
        """Whether a feed filtered by `only` carries events of this origin."""
        return only.matches(self.observance_id, self.calendar, self.categories, self.also_in)


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One all-day event as published: `end` is inclusive here and becomes an exclusive DTEND."""

    uid: str
    summary: str
    description: str
    start: dt.date
    end: dt.date
    url: str | None
    categories: tuple[str, ...]
    status: str = "CONFIRMED"
    #: Not published and not part of the content hash.
    origin: EventOrigin | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"{self.uid}: end {self.end} is before start {self.start}")
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"{self.uid}: status {self.status!r} is not one of {EVENT_STATUSES}")

    def published(self) -> dict[str, Any]:
        """The published fields as JSON-ready values (the basis of the content hash)."""
        return {
            "uid": self.uid,
            "summary": self.summary,
            "description": self.description,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "url": self.url,
            "categories": list(self.categories),
            "status": self.status,
        }

    def content_hash(self) -> str:
        """SHA-256 of the published fields (and of what only the Welsh feed says, where it says
        anything of its own): equal hashes mean subscribers see the same event."""
        text = json.dumps(self.published(), sort_keys=True, ensure_ascii=False)
        if self.origin is not None and self.origin.welsh_tracked:
            text += "\n" + self.origin.welsh_tracked
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        """Stable JSON of the event and its origin (stored to republish it as CANCELLED)."""
        data = self.published()
        if self.origin is not None:
            data["origin"] = {
                "observance_id": self.origin.observance_id,
                "instance": self.origin.instance,
                "calendar": self.origin.calendar,
                "categories": list(self.origin.categories),
            }
            if self.origin.also_in:
                data["origin"]["also_in"] = list(self.origin.also_in)
            for flag in ("begins_evening_before", "rest_from_work"):
                if getattr(self.origin, flag):
                    data["origin"][flag] = True
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FeedEvent:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        origin = data.get("origin")
        return cls(
            uid=data["uid"],
            summary=data["summary"],
            description=data["description"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            url=data["url"],
            categories=tuple(data["categories"]),
            status=data["status"],
            origin=EventOrigin(
                observance_id=origin["observance_id"],
                instance=origin["instance"],
                calendar=origin["calendar"],
                categories=tuple(origin["categories"]),
                also_in=tuple(origin.get("also_in", ())),
                begins_evening_before=origin.get("begins_evening_before", False),
                rest_from_work=origin.get("rest_from_work", False),
            )
            if origin
            else None,
        )


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    """An event with its change-tracking values; `modified` is DTSTAMP and LAST-MODIFIED."""

    event: FeedEvent
    sequence: int = 0
    modified: dt.datetime | None = None


def occurrence_uid(observance_id: str, instance: str) -> str:
    """UUIDv5 of "observance-id:instance" ("2026", or "2030-2" for a second one that year)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{observance_id}:{instance}")).upper()


def eve_uid(observance_id: str, instance: str) -> str:
    """UID of the separate eve event of an occurrence (feeds with `eves=events`)."""
    return occurrence_uid(observance_id, f"{instance}:eve")


def occurrence_description(occ: Occurrence) -> str:
    """DESCRIPTION text: how sure the date is, what it is, that year's theme, whose convention
    the date follows (and what the others give), why it moved, how to speak of it (a solemn
    day's guidance), and the link.

    The status line comes first (see :func:`status_sentence`) because clients that show only
    the start of a description still show it. No date is written in the text, so a moved date
    changes DTSTART/DTEND only.
    """
    parts = []
    status = status_sentence(occ)
    if status:
        parts.append(status)
    parts.append(occ.description.strip())
    if occ.theme:
        parts.append(f"Theme for {occ.year}: {occ.theme}")
    if occ.status is Status.PROVISIONAL:
        parts.append(
            f"The organiser has not yet announced the {occ.year} dates. "
            "This date follows the usual pattern and will be updated when they do."
        )
    elif occ.status is Status.ESTIMATED:
        if occ.may_vary_days:
            parts.append(
                "The date is set by local observation or announcement nearer the time, "
                f"so it may move by {margin_text(occ.may_vary_days)}."
            )
        else:
            parts.append("The date is calculated in advance; local observance may differ.")
    notes = date_notes(occ)
    if notes:
        parts.append(f"{ABOUT_THE_DATE}{' '.join(notes)}")
    if occ.tone_guidance:
        parts.append(f"For communications: {occ.tone_guidance}")
    url = public_url(occ.url)
    if url:
        parts.append(f"More information: {url}")
    return "\n\n".join(parts)


def evening_start_description(description: str) -> str:
    """The description of an event moved to start on its eve (`eves=start`): the status line
    (the first paragraph, see :func:`status_sentence`) says it begins on the first day shown."""
    first, sep, rest = description.partition("\n\n")
    for said, instead in (
        (EVENING_AT_SUNSET.capitalize(), EVENING_START.capitalize()),
        (EVENING_AT_SUNSET, EVENING_START),
    ):
        if said in first:
            return first.replace(said, instead, 1) + sep + rest
    return description


def occurrence_event(occ: Occurrence) -> FeedEvent:
    """The FeedEvent of one occurrence; provisional and estimated dates are TENTATIVE."""
    welsh, welsh_tracked = _welsh(occ)
    return FeedEvent(
        uid=occurrence_uid(occ.observance_id, occ.instance),
        summary=occ.name,
        description=occurrence_description(occ),
        start=occ.start,
        end=occ.end,
        url=public_url(occ.url),
        categories=tuple(CATEGORY_LABELS[c] for c in occ.categories),
        status="CONFIRMED" if occ.status is Status.CONFIRMED else "TENTATIVE",
        origin=EventOrigin(
            observance_id=occ.observance_id,
            instance=occ.instance,
            calendar=occ.calendar,
            categories=tuple(str(c) for c in occ.categories),
            also_in=occ.also_in,
            begins_evening_before=occ.begins_evening_before,
            rest_from_work=occ.rest_from_work,
            certainty="" if occ.status is Status.CONFIRMED else certainty_text(occ),
            welsh=welsh,
            welsh_tracked=welsh_tracked,
        ),
    )


def _welsh(occ: Occurrence) -> tuple[tuple[str, str, str], str]:
    """The event in Welsh (title, description, how sure the title says the date is), and what of
    it the English fields do not decide, for the content hash ("" when nothing)."""
    from edicalendar.feeds import welsh

    notes = welsh.convention_text(occ, welsh.WELSH)
    shown = (welsh.summary(occ), welsh.description(occ, notes), welsh.certainty(occ))
    parts = {"name_cy": occ.name_cy, "description_cy": occ.description_cy, "notes": notes}
    found = {key: value for key, value in parts.items() if value}
    return shown, json.dumps(found, sort_keys=True, ensure_ascii=False) if found else ""


def occurrence_events(occurrences: Iterable[Occurrence]) -> list[FeedEvent]:
    """One FeedEvent per occurrence (see :func:`occurrence_event`)."""
    return [occurrence_event(occ) for occ in occurrences]


def cancelled_copy(event: FeedEvent) -> FeedEvent:
    """The event as published once it has been withdrawn."""
    return replace(event, status="CANCELLED")

"""What a reminder says, independent of where it goes: title, body, links, and the event.

A :class:`Message` is planned once (:mod:`edicalendar.reminders.planner`), stored in the ledger
as JSON and rendered by each channel (Slack blocks, a Teams card, an email with an attached
`.ics`), which cut it further to their own limits. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class EventRef:
    """The observance a reminder is about, enough to attach an all-day `.ics` event."""

    uid: str
    name: str
    start: dt.date
    end: dt.date
    description: str = ""
    url: str | None = None


#: Longest title and body kept in the ledger; channels cut further to their own limits.
TITLE_CAP = 500
BODY_CAP = 20_000


@dataclass(frozen=True, slots=True)
class Message:
    """Channel-neutral reminder content; each channel renders and truncates it."""

    title: str
    body: str
    links: tuple[Link, ...] = ()
    event: EventRef | None = None

    def __post_init__(self) -> None:
        # A campaign description can be arbitrarily long; the ledger keeps a bounded copy.
        if len(self.title) > TITLE_CAP:
            object.__setattr__(self, "title", self.title[: TITLE_CAP - 1] + "…")
        if len(self.body) > BODY_CAP:
            object.__setattr__(self, "body", self.body[: BODY_CAP - 1] + "…")

    def to_json(self) -> dict[str, object]:
        event = self.event
        return {
            "title": self.title,
            "body": self.body,
            "links": [[link.label, link.url] for link in self.links],
            "event": None
            if event is None
            else {
                "uid": event.uid,
                "name": event.name,
                "start": event.start.isoformat(),
                "end": event.end.isoformat(),
                "description": event.description,
                "url": event.url,
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Message:
        raw_event = data.get("event")
        event = None
        if isinstance(raw_event, dict):
            event = EventRef(
                uid=str(raw_event["uid"]),
                name=str(raw_event["name"]),
                start=dt.date.fromisoformat(str(raw_event["start"])),
                end=dt.date.fromisoformat(str(raw_event["end"])),
                description=str(raw_event.get("description") or ""),
                url=raw_event.get("url") or None,
            )
        links_raw = data.get("links") or []
        assert isinstance(links_raw, list)
        return cls(
            title=str(data["title"]),
            body=str(data["body"]),
            links=tuple(Link(str(label), str(url)) for label, url in links_raw),
            event=event,
        )

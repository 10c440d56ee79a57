"""Feed options: how each event of a subscribed feed is written, whichever events it carries.

A festival's eve as a separate event or as the event's own start, how sure the date is in the
titles of dates that may move ("Eid al-Fitr (estimated ±1 day)"), days of rest from work shown
busy / out of office, and a reminder alarm. The default writes exactly what every feed
carried before options existed, so no published feed changes. Options are rendered by
:mod:`edicalendar.feeds.ical` and parsed from feed addresses by :mod:`edicalendar.feeds.query`.
Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Longest reminder lead anyone is offered: four weeks.
MAX_ALARM_DAYS = 28
#: The reminder alarm goes off at this local hour, `alarm` days before the first day.
ALARM_HOUR = 9


class Eves(StrEnum):
    """How a festival that begins at sunset shows its evening."""

    #: The event covers the first full day only; its description says it begins the evening
    #: before (the default, and every feed's behaviour before options existed).
    NONE = "none"
    #: A separate all-day "begins at sunset" event on the day of the eve.
    EVENTS = "events"
    #: The event itself starts on the day of the eve.
    START = "start"


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """How each event of a feed is written; the default writes what every feed always had."""

    eves: Eves = Eves.NONE
    #: How sure the date is in the title of every estimated or provisional date, in the words
    #: the pages and command line use: "Eid al-Fitr (estimated ±1 day)", "… (provisional)".
    expected: bool = False
    #: Days of rest from work shown busy / out of office (TRANSP:OPAQUE) instead of free.
    busy: bool = False
    #: A display alarm at 09:00 this many days before the first day; None for no alarm.
    alarm_days: int | None = None
    #: The language of calendar names and event text: "en", or "cy" for Welsh (same UIDs).
    language: str = "en"

    @property
    def plain(self) -> bool:
        return self == PLAIN

    def describe(self) -> list[str]:
        """What the options change, in words for calendar titles and the builder."""
        words = []
        if self.eves is Eves.EVENTS:
            words.append("eves")
        elif self.eves is Eves.START:
            words.append("evening starts")
        if self.expected:
            words.append("expected dates marked")
        if self.busy:
            words.append("rest days busy")
        if self.alarm_days is not None:
            words.append(
                "reminders on the day"
                if self.alarm_days == 0
                else f"reminders {_days(self.alarm_days)} before"
            )
        return words


PLAIN = FeedOptions()


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"

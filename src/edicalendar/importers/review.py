"""Checks a reviewer needs on imported dates, made before anything is written.

They catch what goes wrong when calendars are copied by hand: US conventions in a UK calendar
(Black History Month in February, LGBT+ History Month in October), a "week" that runs ten days,
the same entry twice in one file. Comparisons against an existing observance's rule (a faith date
further than `may_vary_days` from the computed one) live in the mapping, which knows the rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from edicalendar.importers.names import normalise
from edicalendar.importers.source import Finding, SourceEvent

#: (words in the normalised name, US month, UK month, source of the UK convention)
US_CONVENTIONS = (
    ("black history month", 2, 10, "https://www.blackhistorymonth.org.uk/"),
    ("lgbt history month", 10, 2, "https://lgbtplushistorymonth.co.uk/"),
)
_MONTH_NAMES = {2: "February", 10: "October"}


def us_convention(event: SourceEvent) -> Finding | None:
    """A finding when an event follows the US month for an observance the UK holds elsewhere."""
    name = normalise(event.name)
    for words, us_month, uk_month, source in US_CONVENTIONS:
        if words in name and event.start.month == us_month and "us" not in name.split():
            return Finding(
                event.source,
                event.line,
                f"{_MONTH_NAMES[us_month]} is the US convention; the UK marks it in "
                f"{_MONTH_NAMES[uk_month]} ({source})",
                event.name,
            )
    return None


def span_against_name(event: SourceEvent) -> Finding | None:
    """A finding when the length contradicts what the name says (a "Day" over a week)."""
    days = (event.end - event.start).days + 1
    words = normalise(event.name).split()
    expected: tuple[str, int, int] | None = None
    if "month" in words:
        expected = ("month", 28, 36)
    elif "fortnight" in words:
        expected = ("fortnight", 13, 15)
    elif "week" in words:
        expected = ("week", 5, 9)
    elif "day" in words:
        expected = ("day", 1, 1)
    if expected is None:
        return None
    word, shortest, longest = expected
    if shortest <= days <= longest:
        return None
    return Finding(
        event.source,
        event.line,
        f"called a {word} but runs {days} day{'s' if days != 1 else ''} "
        f"({event.start} to {event.end}); check the dates",
        event.name,
    )


def source_checks(events: Iterable[SourceEvent]) -> list[Finding]:
    """Every per-event check, in source order."""
    found: list[Finding] = []
    for event in events:
        for check in (us_convention, span_against_name):
            finding = check(event)
            if finding is not None:
                found.append(finding)
    return found

"""Checks on imported entries, made before anything is written.

:func:`vet_events` applies the rules calendar data follows (:mod:`edicalendar.fields`) to what a
source holds, naming the source line: a name or theme with control characters or starting like
a spreadsheet formula refuses the import; a link that is not http(s) and control characters in
longer text are left out with a warning. The other checks catch what goes wrong when calendars
are copied by hand: US conventions in a UK calendar (Black History Month in February, LGBT+
History Month in October), a "week" that runs ten days, the same entry twice in one file.
Comparisons against an existing observance's rule (a faith date further than `may_vary_days`
from the computed one) live in the mapping, which knows the rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from edicalendar.errors import Problem, SourceError
from edicalendar.fields import link_message, shown
from edicalendar.importers.names import normalise
from edicalendar.importers.source import Finding, SourceEvent
from edicalendar.text import formula_problem, terminal_line, text_problem
from edicalendar.urls import LinkError, check_url


def vet_events(events: Iterable[SourceEvent], findings: list[Finding]) -> list[SourceEvent]:
    """`events` made fit for calendar data; raise :class:`SourceError` listing every name or
    theme that cannot be imported (see the module docstring)."""
    problems: list[Problem] = []
    kept: list[SourceEvent] = []
    for event in events:
        for field, value in (("name", event.name), ("theme", event.theme)):
            if value is None:
                continue
            problem = text_problem(value) or formula_problem(value)
            if problem:
                problems.append(
                    Problem(event.source, event.line, None, field, f"{shown(value)} {problem}")
                )
        changes: dict[str, str | None] = {}
        if event.url is not None:
            try:
                check_url(event.url)
            except LinkError as exc:
                changes["url"] = None
                findings.append(_finding(event, f"url {link_message(event.url, exc)}; left out"))
        for field, multiline in (("description", True), ("tradition", False)):
            value = getattr(event, field)
            if value and text_problem(value, multiline=multiline):
                changes[field] = _without_controls(value, multiline)
                findings.append(_finding(event, f"{field}: control characters removed"))
        kept.append(dataclasses.replace(event, **changes) if changes else event)  # type: ignore[arg-type]
    if problems:
        raise SourceError(problems)
    return kept


def _finding(event: SourceEvent, message: str) -> Finding:
    return Finding(event.source, event.line, message, terminal_line(event.name))


def _without_controls(value: str, multiline: bool) -> str:
    return "".join(c for c in value if not text_problem(c, multiline=multiline))


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

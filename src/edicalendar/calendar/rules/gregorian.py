"""Gregorian rules: fixed dates, spans, whole months, nth weekdays, Easter and RRULE strings.

All of these are exact, so their dates are `confirmed` (the occurrence layer downgrades them to
`provisional` for observances whose organiser announces dates each year). A 29 February rule
gives no date in common years rather than moving to 28 February or 1 March.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from dateutil.rrule import rrulestr

from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.model import (
    EasterCalendar,
    EasterRule,
    FixedRule,
    MonthRule,
    NthWeekdayRule,
    RRuleRule,
    RuleDate,
    SpanRule,
    Status,
)

GregorianRule = FixedRule | SpanRule | MonthRule | NthWeekdayRule | EasterRule | RRuleRule

#: dateutil's computus is defined for these years (Gregorian reform to its table's end).
EASTER_YEARS = (1583, 4099)
#: Every other Gregorian rule works wherever `datetime.date` does, less a year of margin.
GREGORIAN_YEARS = (2, 9998)


def _stretch(start: dt.date, duration_days: int | None) -> RuleDate:
    days = 1 if duration_days is None else duration_days
    return RuleDate(start=start, end=start + dt.timedelta(days=days - 1), status=Status.CONFIRMED)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    """The `nth` (1-5, or -1..-5 from the end) `weekday` (Monday = 0) of a month, if it exists."""
    days_in_month = calendar.monthrange(year, month)[1]
    matching = [
        d for d in range(1, days_in_month + 1) if dt.date(year, month, d).weekday() == weekday
    ]
    index = nth - 1 if nth > 0 else nth
    if -len(matching) <= index < len(matching):
        return dt.date(year, month, matching[index])
    return None


def dates(
    rule: GregorianRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """Dates starting in `year` for a Gregorian rule (see module docstring)."""
    first, last = EASTER_YEARS if isinstance(rule, EasterRule) else GREGORIAN_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last)
    match rule:
        case FixedRule(month, day):
            if day > calendar.monthrange(year, month)[1]:
                return []  # 29 February in a common year
            return [_stretch(dt.date(year, month, day), duration_days)]
        case SpanRule(start_month, start_day, end_month, end_day):
            if start_day > calendar.monthrange(year, start_month)[1]:
                return []  # a span starting on 29 February, in a common year
            start = dt.date(year, start_month, start_day)
            end_year = year if (end_month, end_day) >= (start_month, start_day) else year + 1
            last_day = calendar.monthrange(end_year, end_month)[1]
            end = dt.date(end_year, end_month, min(end_day, last_day))
            return [RuleDate(start=start, end=end, status=Status.CONFIRMED)]
        case MonthRule(month):
            last_day = calendar.monthrange(year, month)[1]
            return [
                RuleDate(
                    start=dt.date(year, month, 1),
                    end=dt.date(year, month, last_day),
                    status=Status.CONFIRMED,
                )
            ]
        case NthWeekdayRule(month, weekday, nth, offset_days):
            found = nth_weekday(year, month, weekday.number, nth)
            if found is None:
                return []  # a fifth weekday that this month does not have
            return [_stretch(found + dt.timedelta(days=offset_days), duration_days)]
        case EasterRule(offset_days, easter_calendar):
            computus: Literal[1, 2, 3] = (
                EASTER_ORTHODOX if easter_calendar is EasterCalendar.ORTHODOX else EASTER_WESTERN
            )
            easter_day = easter(year, computus) + dt.timedelta(days=offset_days)
            return [_stretch(easter_day, duration_days)]
        case RRuleRule(text):
            try:
                recurrence = rrulestr(text, dtstart=dt.datetime(year, 1, 1))
            except (ValueError, TypeError) as exc:
                raise RuleError(f"{subject}: rrule {text!r} cannot be parsed: {exc}") from exc
            found_days = recurrence.between(
                dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59), inc=True
            )
            return [_stretch(d.date(), duration_days) for d in found_days]
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover

"""Date rules: turn one observance rule and a Gregorian year into concrete dates.

Each calendar system lives in its own module (`gregorian`, `islamic`, `hebrew`, `lunisolar`);
:func:`dates_for_year` dispatches on the rule's type. A rule may give no date in a year, one, or
(for the Islamic calendar, which is about 11 days shorter than the solar year) two, so the
result is always a list. Dates outside a calendar's supported range raise
:class:`~edicalendar.errors.UnsupportedYearError`.
"""

from __future__ import annotations

from edicalendar.model import (
    EasterRule,
    FixedRule,
    HebrewRule,
    HijriRule,
    LunisolarRule,
    MonthRule,
    NthWeekdayRule,
    RRuleRule,
    Rule,
    RuleDate,
    SpanRule,
)


def dates_for_year(
    rule: Rule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """Dates the rule gives for occurrences that *start* in `year`, in start order.

    `duration_days` stretches single-day rules into weeks or festivals; spans and whole months
    carry their own length. `subject` names the observance in error messages.
    """
    from edicalendar.calendar.rules import gregorian

    match rule:
        case FixedRule() | SpanRule() | MonthRule() | NthWeekdayRule() | EasterRule() | RRuleRule():
            return gregorian.dates(rule, year, duration_days, subject)
        case HijriRule():
            from edicalendar.calendar.rules import islamic

            return islamic.dates(rule, year, duration_days, subject)
        case HebrewRule():
            from edicalendar.calendar.rules import hebrew

            return hebrew.dates(rule, year, duration_days, subject)
        case LunisolarRule():
            from edicalendar.calendar.rules import lunisolar

            return lunisolar.dates(rule, year, duration_days, subject)
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover

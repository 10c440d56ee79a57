"""Date rules: turn one observance rule and a Gregorian year into concrete dates.

Each calendar system lives in its own module (`gregorian`, `islamic`, `hebrew`, `lunisolar`,
`solar_terms`, `badi`, `tibetan`, `ethiopian`, `zoroastrian`, and `bank_holidays` for UK bank
holidays from the holidays package); :func:`dates_for_year` dispatches on the rule's type. A rule
may give no date in a year, one, or (for the Islamic calendar, which is about 11 days shorter than
the solar year) two, so the result is always a list. Where communities keep a festival by
different conventions (:mod:`edicalendar.calendar.conventions`), the dates follow the chosen one
and carry what the others give. Dates outside a calendar's supported range raise
:class:`~edicalendar.errors.UnsupportedYearError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache

from edicalendar.calendar.conventions import CONVENTIONS, DEFAULT, Conventions, Family, info
from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.model import (
    AlternativeDate,
    BadiRule,
    BankHolidayRule,
    EasterRule,
    EthiopianRule,
    FixedRule,
    HebrewRule,
    HijriRule,
    LunisolarRule,
    MonthRule,
    NthWeekdayRule,
    RRuleRule,
    Rule,
    RuleDate,
    SolarTermRule,
    SpanRule,
    Status,
    TibetanRule,
    ZoroastrianRule,
)

#: Lunisolar festivals whose date depends on a convention family.
_FESTIVAL_FAMILIES = {
    "vesak": Family.VESAK,
    "diwali": Family.DIWALI,
    "bandi_chhor_divas": Family.DIWALI,
}


def family_of(rule: Rule) -> Family | None:
    """The convention family a rule's dates depend on, if any."""
    match rule:
        case HijriRule():
            return Family.ISLAMIC
        case LunisolarRule():
            return _FESTIVAL_FAMILIES.get(rule.festival)
        case TibetanRule():
            return Family.LOSAR
    return None


def _base_dates(rule: Rule, year: int, duration_days: int | None, subject: str) -> list[RuleDate]:
    # Modules are imported on first use: the astronomy and table modules load slowly.
    match rule:
        case FixedRule() | SpanRule() | MonthRule() | NthWeekdayRule() | EasterRule() | RRuleRule():
            from edicalendar.calendar.rules import gregorian

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
        case SolarTermRule():
            from edicalendar.calendar.rules import solar_terms

            return solar_terms.dates(rule, year, duration_days, subject)
        case BadiRule():
            from edicalendar.calendar.rules import badi

            return badi.dates(rule, year, duration_days, subject)
        case TibetanRule():
            from edicalendar.calendar.rules import tibetan

            return tibetan.dates(rule, year, duration_days, subject)
        case EthiopianRule():
            from edicalendar.calendar.rules import ethiopian

            return ethiopian.dates(rule, year, duration_days, subject)
        case ZoroastrianRule():
            from edicalendar.calendar.rules import zoroastrian

            return zoroastrian.dates(rule, year, duration_days, subject)
        case BankHolidayRule():
            from edicalendar.calendar.rules import bank_holidays

            return bank_holidays.dates(rule, year, duration_days, subject)
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover


@lru_cache(maxsize=16_384)
def _convention_dates(
    rule: Rule, family: Family, key: str, year: int, duration_days: int | None, subject: str
) -> tuple[RuleDate, ...]:
    """The rule's dates in `year` by convention `key` (the family's default: the rule itself).

    Cached: each year is also looked at as the neighbour of the years either side of it.
    """
    return tuple(_convention_dates_uncached(rule, family, key, year, duration_days, subject))


def _convention_dates_uncached(
    rule: Rule, family: Family, key: str, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    if key == CONVENTIONS[family][0].key:
        return _base_dates(rule, year, duration_days, subject)
    if isinstance(rule, HijriRule):
        from edicalendar.calendar.rules import islamic

        return islamic.dates(rule, year, duration_days, subject, convention=key)
    from edicalendar.calendar.rules import convention_table

    days = convention_table.load().festivals.get((family.value, key, year))
    if days is None:
        return []
    base = _base_dates(rule, year, duration_days, subject)
    length = (base[0].end - base[0].start).days + 1 if base else (duration_days or 1)
    template = base[0] if base else None
    return [
        RuleDate(
            start=day,
            end=day + dt.timedelta(days=length - 1),
            status=template.status if template else Status.ESTIMATED,
            may_vary_days=template.may_vary_days if template else 1,
            method=key,
        )
        for day in days
    ]


def _nearest(target: RuleDate, candidates: list[RuleDate]) -> RuleDate | None:
    """The candidate describing the same occurrence (starts within 45 days), if any."""
    close = [c for c in candidates if abs((c.start - target.start).days) <= 45]
    return min(close, key=lambda c: abs((c.start - target.start).days), default=None)


def dates_for_year(
    rule: Rule,
    year: int,
    duration_days: int | None,
    subject: str,
    conventions: Conventions = DEFAULT,
) -> list[RuleDate]:
    """Dates the rule gives for occurrences that *start* in `year`, in start order.

    `duration_days` stretches single-day rules into weeks or festivals; spans and whole months
    carry their own length. `subject` names the observance in error messages. Where the rule
    depends on a convention, dates follow `conventions` and list the other conventions' dates
    (looked up in the neighbouring years too, since a day's difference can cross 1 January).
    """
    family = family_of(rule)
    if family is None:
        return _base_dates(rule, year, duration_days, subject)
    chosen = conventions.chosen(family)
    found = list(_convention_dates(rule, family, chosen, year, duration_days, subject))
    if not found:
        return found
    others: dict[str, list[RuleDate]] = {}
    for convention in CONVENTIONS[family]:
        if convention.key == chosen:
            continue
        nearby: list[RuleDate] = []
        for near_year in (year - 1, year, year + 1):
            try:
                nearby += _convention_dates(
                    rule, family, convention.key, near_year, duration_days, subject
                )
            except (UnsupportedYearError, RuleError):
                continue  # an alternative outside its source's years is simply not listed
        others[convention.key] = nearby
    chosen_info = info(family, chosen)
    result = []
    for rule_date in found:
        alternatives = []
        for key, candidates in others.items():
            match = _nearest(rule_date, candidates)
            if match is not None:
                alternatives.append(
                    AlternativeDate(key, info(family, key).label, match.start, match.end)
                )
        result.append(
            dataclasses.replace(
                rule_date,
                convention=chosen,
                convention_label=chosen_info.label,
                alternatives=tuple(alternatives),
            )
        )
    return result

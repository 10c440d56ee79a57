"""One observance in one year as dated :class:`~edicalendar.model.Occurrence` objects.

For each observance and each year that could touch a window, the rule gives dates; a per-year
override then replaces them with organiser-announced dates (status `confirmed`), adds that
year's theme and link, or cancels the year. Rule dates of observances whose organiser announces
dates yearly become `provisional`. Where the calendar date falls on a weekday the community
avoids (Yom HaShoah next to Shabbat), the occurrence moves to the day people keep and its note
says why. Years before an observance's `since` have no occurrence, and years a rule cannot
compute are skipped with a warning that names the observance and the supported range; both are
listed in :attr:`Expansion.skipped`, never silently dropped. The catalog's shared index
(:mod:`~edicalendar.calendar.index`) is built from :func:`occurrences_in_year`; a straight
expansion of any observances is :func:`expand_observances`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from edicalendar.calendar.conventions import DEFAULT, Conventions
from edicalendar.calendar.rules import dates_for_year
from edicalendar.calendar.rules.gregorian import EASTER_YEARS
from edicalendar.errors import (
    CANNOT_COMPUTE,
    CANNOT_COMPUTE_WHY,
    DateRangeError,
    UnsupportedYearError,
)
from edicalendar.i18n import N_, Message
from edicalendar.model import (
    AlternativeDate,
    Observance,
    ObservedShift,
    Occurrence,
    Rule,
    RuleDate,
    Status,
)

#: The years the calendar answers for: those of the Gregorian Easter computus (dateutil's
#: EASTER_WESTERN is valid for 1583-4099), which Easter-relative observances need. Asking for
#: dates beyond is a :class:`DateRangeError`, never a crash at the edge of Python's dates.
FIRST_YEAR, LAST_YEAR = EASTER_YEARS


def check_years(*days: dt.date, what: str = "dates") -> None:
    """Refuse any of `days` outside :data:`FIRST_YEAR`-:data:`LAST_YEAR`, naming it."""
    for day in days:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DateRangeError(
                Message(
                    N_(
                        "%(what)s: %(day)s is outside the years the calendar computes "
                        "(%(first)s-%(last)s); choose a day between %(first)s-01-01 and "
                        "%(last)s-12-31"
                    ),
                    what=what,
                    day=day.isoformat(),
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            )


#: The longest span any rule can produce, so windows look back far enough for spans that began
#: in an earlier year (a whole Hijri month crossing New Year, an announced Nov-Dec month).
LOOKBACK_YEARS = 1


@dataclass(frozen=True, slots=True)
class Skipped:
    """A year of an observance in the window that has no occurrence, and why."""

    observance_id: str
    name: str
    year: int
    #: "before_since" (the observance had not begun) or "not_computable" (outside the rule's range).
    reason: str
    message: str


@dataclass(frozen=True)
class Expansion:
    """The occurrences in a window, in date order, plus what could not be computed."""

    occurrences: list[Occurrence]
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def sort_key(occurrence: Occurrence) -> tuple[dt.date, dt.date, str, str]:
    """The order every listing uses: start, end, name, instance."""
    return (occurrence.start, occurrence.end, occurrence.name, occurrence.instance)


@lru_cache(maxsize=65_536)
def _rule_dates(
    rule: Rule, year: int, duration_days: int | None, subject: str, conventions: Conventions
) -> tuple[RuleDate, ...]:
    return tuple(dates_for_year(rule, year, duration_days, subject, conventions))


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The convention name under which a moved occurrence lists its own calendar date.
CALENDAR_DATE = "calendar-date"


def _observed(rule_date: RuleDate, shift: ObservedShift | None) -> RuleDate:
    """`rule_date` moved to the day people keep, with a note saying why, when `shift` applies."""
    if shift is None:
        return rule_date
    moves = {weekday.number: days for weekday, days in shift.moves}
    days = moves.get(rule_date.start.weekday())
    if not days:
        return rule_date
    delta = dt.timedelta(days=days)
    start, end = rule_date.start + delta, rule_date.end + delta
    note = (
        f"The date falls on {_WEEKDAY_NAMES[rule_date.start.weekday()]} "
        f"{rule_date.start:%-d %B %Y}; it is kept on {_WEEKDAY_NAMES[start.weekday()]} "
        f"{start:%-d %B %Y}: {shift.reason}"
    )
    calendar_date = AlternativeDate(
        CALENDAR_DATE, "the calendar date itself", rule_date.start, rule_date.end
    )
    return replace(
        rule_date,
        start=start,
        end=end,
        note=note,
        alternatives=(calendar_date, *rule_date.alternatives),
    )


def instance_key(year: int, index: int) -> str:
    """Stable name of the `index`-th (0-based) occurrence starting in `year`: "2030", "2030-2"."""
    return str(year) if index == 0 else f"{year}-{index + 1}"


def occurrences_in_year(
    observance: Observance, year: int, conventions: Conventions = DEFAULT
) -> list[Occurrence]:
    """Every occurrence of `observance` that starts in `year`, overrides applied.

    None before the observance's `since` year. Raises :class:`UnsupportedYearError` when the
    rule cannot compute `year` and no announced date for that year is recorded.
    """
    if observance.since is not None and year < observance.since:
        return []
    try:
        rule_dates: tuple[RuleDate, ...] = _rule_dates(
            observance.rule, year, observance.duration_days, observance.id, conventions
        )
    except UnsupportedYearError:
        announced = observance.years.get(str(year))
        if announced is None or announced.start is None:
            raise
        rule_dates = ()
    keys = [instance_key(year, i) for i in range(len(rule_dates))]
    announced_only = [
        key
        for key, override in observance.years.items()
        if key not in keys and override.start is not None and int(key[:4]) == year
    ]
    found: list[Occurrence] = []
    for index, key in enumerate(keys + sorted(announced_only)):
        rule_date = rule_dates[index] if index < len(rule_dates) else None
        override = observance.years.get(key)
        if override is not None and override.cancelled:
            continue
        if override is not None and override.start is not None and override.end is not None:
            start, end = override.start, override.end
            status, may_vary, method = Status.CONFIRMED, 0, "announced"
            kept: RuleDate | None = None
        elif rule_date is not None:
            kept = _observed(rule_date, observance.observed)
            start, end = kept.start, kept.end
            status, may_vary, method = kept.status, kept.may_vary_days, kept.method
            if status is Status.CONFIRMED and observance.announced:
                status = Status.PROVISIONAL
        else:  # pragma: no cover - announced_only always carries dates
            continue
        found.append(
            Occurrence(
                observance_id=observance.id,
                name=observance.name,
                start=start,
                end=end,
                categories=observance.categories,
                status=status,
                may_vary_days=may_vary,
                begins_evening_before=observance.begins_evening_before,
                description=observance.description,
                url=(override.url if override and override.url else None) or observance.url,
                calendar=observance.calendar,
                year=year,
                instance=key,
                theme=override.theme if override else None,
                source=(override.source if override else None)
                or (kept.source if kept else None)
                or (observance.sources[0] if observance.sources else None),
                fasting=observance.fasting,
                rest_from_work=observance.rest_from_work,
                guidance=observance.guidance,
                method=method,
                convention=kept.convention if kept else None,
                convention_label=kept.convention_label if kept else None,
                alternatives=kept.alternatives if kept else (),
                note=kept.note if kept else None,
                tone=observance.tone,
                tone_guidance=observance.tone_guidance,
                name_cy=observance.name_cy,
                description_cy=observance.description_cy,
                name_cy_source=observance.name_cy_source,
                also_in=observance.also_in,
            )
        )
    return found


def expand_observances(
    observances: Iterable[Observance],
    start: dt.date,
    end: dt.date,
    conventions: Conventions = DEFAULT,
) -> Expansion:
    """Occurrences of the given observances that overlap `start`..`end` (both inclusive).

    Computed afresh on every call: for observances outside a catalog. A catalog's own are read
    through :func:`~edicalendar.calendar.occurrences.expand`, which computes each year once.
    """
    if end < start:
        raise ValueError(f"window ends ({end}) before it starts ({start})")
    check_years(start, end)
    found: list[Occurrence] = []
    skipped: list[Skipped] = []
    for obs in observances:
        for year in range(start.year - LOOKBACK_YEARS, end.year + 1):
            if obs.since is not None and year < obs.since:
                if year >= start.year:
                    skipped.append(
                        Skipped(
                            obs.id,
                            obs.name,
                            year,
                            "before_since",
                            f"{obs.id}: not held in {year}; it began in {obs.since}",
                        )
                    )
                continue
            try:
                year_occurrences = occurrences_in_year(obs, year, conventions)
            except UnsupportedYearError as exc:
                if year >= start.year:  # a look-back year only adds spans reaching in
                    skipped.append(Skipped(obs.id, obs.name, year, "not_computable", str(exc)))
                continue
            found.extend(o for o in year_occurrences if o.end >= start and o.start <= end)
    found.sort(key=sort_key)
    return Expansion(occurrences=found, warnings=year_warnings(skipped), skipped=skipped)


def year_warnings(skipped: Iterable[Skipped]) -> list[str]:
    """One warning per observance and reason for the years it cannot compute, consecutive
    years as ranges ("yule: cannot compute 1583-1899, 2201-4099; supported years are ..."), so
    a window of centuries says so in a line per observance, not a line per year."""
    years: dict[str, list[int]] = {}
    for item in skipped:
        if item.reason != "not_computable":
            continue
        marker = f"cannot compute {item.year};"
        if marker in item.message:
            template = item.message.replace(marker, "cannot compute {years};", 1)
            years.setdefault(template, []).append(item.year)
        else:  # not the usual wording: kept as it is, once
            years.setdefault(item.message, [])
    return [
        _as_message(template.replace("{years}", _ranges(sorted(set(found))), 1))
        if found
        else template
        for template, found in years.items()
    ]


_CANNOT = re.compile(
    r"(?P<observance>[^:]+): cannot compute (?P<years>[\d, -]+); supported years are "
    r"(?P<first>\d+)-(?P<last>\d+)(?: \((?P<why>.+)\))?"
)


def _as_message(text: str) -> str:
    """A warning in :class:`UnsupportedYearError`'s words, years as ranges, as the same
    :class:`Message` (the same English; a Welsh page says it in Welsh); other text as it is."""
    found = _CANNOT.fullmatch(text)
    if found is None:
        return text
    values: dict[str, object] = {"observance": found["observance"], "year": found["years"]}
    values.update(first=found["first"], last=found["last"])
    if found["why"]:
        values["why"] = Message(found["why"])
    return Message(CANNOT_COMPUTE_WHY if found["why"] else CANNOT_COMPUTE, False, **values)


def _ranges(years: list[int]) -> str:
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)

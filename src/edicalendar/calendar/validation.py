"""The vocabulary of `calendars/*.toml` (DESIGN 4.2), validated with pydantic.

Each `[[observance]]` table is checked against these models (unknown keys, impossible dates,
unknown categories, weekdays and festivals are errors naming file, line, id and field) and
turned into a frozen :class:`~edicalendar.model.Observance`. Only loading a calendar file needs
this module; a catalog read from the compiled cache (:mod:`~edicalendar.calendar.cache`) never
imports it, so a command that only reads dates starts without building these models.
"""

from __future__ import annotations

import calendar as gregorian_calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from edicalendar import model
from edicalendar.errors import Problem
from edicalendar.fields import Line, Link, Name, Paragraphs, Source, check_source
from edicalendar.tomlsource import TomlSource

#: `\Z`, not `$`: `$` also matches before a trailing newline ("local\n" is no slug).
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
YEAR_KEY = re.compile(r"^(\d{4})(?:-([2-9]))?\Z")
HEBREW_MONTHS = frozenset(
    {
        "nisan",
        "iyar",
        "sivan",
        "tammuz",
        "av",
        "elul",
        "tishrei",
        "cheshvan",
        "kislev",
        "tevet",
        "shevat",
        "adar",
        "adar_i",
        "adar_ii",
    }
)


_E = TypeVar("_E", bound=StrEnum)


def _member(enum: type[_E], value: Any, what: str) -> _E:
    """`value` as a member of `enum`, or an error listing the names a data file may use."""
    names = [member.value for member in enum]
    if isinstance(value, str) and value in names:
        return enum(value)
    raise ValueError(f"unknown {what} {value!r}; use one of: {', '.join(names)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_month_day(month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist; use 1-12")
    # 2024 is a leap year, so 29 February is allowed (it simply skips common years).
    if not 1 <= day <= gregorian_calendar.monthrange(2024, month)[1]:
        raise ValueError(f"{day} {gregorian_calendar.month_name[month]} does not exist in any year")


class FixedRuleIn(_Strict):
    kind: Literal["fixed"]
    month: int
    day: int

    @model_validator(mode="after")
    def _valid(self) -> FixedRuleIn:
        _check_month_day(self.month, self.day)
        return self


class SpanRuleIn(_Strict):
    kind: Literal["span"]
    start_month: int
    start_day: int
    end_month: int
    end_day: int

    @model_validator(mode="after")
    def _valid(self) -> SpanRuleIn:
        _check_month_day(self.start_month, self.start_day)
        _check_month_day(self.end_month, self.end_day)
        return self


class MonthRuleIn(_Strict):
    kind: Literal["month"]
    month: Annotated[int, Field(ge=1, le=12)]


class NthWeekdayRuleIn(_Strict):
    kind: Literal["nth_weekday"]
    month: Annotated[int, Field(ge=1, le=12)]
    weekday: model.Weekday
    nth: int
    offset_days: Annotated[int, Field(ge=-31, le=31)] = 0

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> Any:
        return _member(model.Weekday, value, "weekday")

    @field_validator("nth")
    @classmethod
    def _nth(cls, value: int) -> int:
        if value == 0 or not -5 <= value <= 5:
            raise ValueError(f"nth {value} is not a week of a month; use 1-5, or -1 for the last")
        return value


class EasterRuleIn(_Strict):
    kind: Literal["easter"]
    offset: Annotated[int, Field(ge=-200, le=200)] = 0
    calendar: model.EasterCalendar = model.EasterCalendar.WESTERN

    @field_validator("calendar", mode="before")
    @classmethod
    def _calendar(cls, value: Any) -> Any:
        return _member(model.EasterCalendar, value, "Easter calendar")


class RRuleRuleIn(_Strict):
    kind: Literal["rrule"]
    rrule: str

    @field_validator("rrule")
    @classmethod
    def _parse(cls, value: str) -> str:
        from dateutil.rrule import rrulestr

        upper = value.upper()
        if any(part in upper for part in ("DTSTART", "COUNT=", "UNTIL=")):
            raise ValueError("give only the yearly pattern (no DTSTART, COUNT or UNTIL)")
        if any(part in upper for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
            # Observances are all-day: times of day would repeat the same date.
            raise ValueError("observances are all-day: remove BYHOUR, BYMINUTE and BYSECOND")
        try:
            rrulestr(value, dtstart=dt.datetime(2024, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a valid RRULE: {exc}") from exc
        return value


class HijriRuleIn(_Strict):
    kind: Literal["hijri"]
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=30)] = 1
    whole_month: bool = False


class HebrewRuleIn(_Strict):
    kind: Literal["hebrew"]
    month: str
    day: Annotated[int, Field(ge=1, le=30)]

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        if value not in HEBREW_MONTHS:
            raise ValueError(f"unknown Hebrew month {value!r}; use one of {sorted(HEBREW_MONTHS)}")
        return value


class LunisolarRuleIn(_Strict):
    kind: Literal["lunisolar"]
    festival: str

    @field_validator("festival")
    @classmethod
    def _festival(cls, value: str) -> str:
        from edicalendar.calendar.rules.lunisolar.festivals import FESTIVALS

        if value not in FESTIVALS:
            from difflib import get_close_matches

            close = get_close_matches(value, list(FESTIVALS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown festival {value!r}{hint}; known: {', '.join(FESTIVALS)}")
        return value


class SolarTermRuleIn(_Strict):
    kind: Literal["solar_term"]
    term: str
    place: str = "london"
    day_starts: str = "midnight"

    @field_validator("term")
    @classmethod
    def _term(cls, value: Any) -> str:
        from edicalendar.calendar.rules.solar_terms import Term

        return _member(Term, value, "solar term").value

    @field_validator("place")
    @classmethod
    def _place(cls, value: Any) -> str:
        from edicalendar.calendar.rules.solar_terms import Place

        return _member(Place, value, "place").value

    @field_validator("day_starts")
    @classmethod
    def _day_starts(cls, value: Any) -> str:
        from edicalendar.calendar.rules.solar_terms import DayStart

        return _member(DayStart, value, "day start").value


class BadiRuleIn(_Strict):
    kind: Literal["badi"]
    month: str | None = None
    day: Annotated[int, Field(ge=1, le=19)] = 1
    holy_day: str | None = None
    whole_month: bool = False

    @model_validator(mode="after")
    def _valid(self) -> BadiRuleIn:
        from edicalendar.calendar.rules.badi import AYYAM_I_HA, MONTH_NAMES, TWIN_HOLY_DAYS

        if (self.month is None) == (self.holy_day is None):
            raise ValueError("give either `month` (and `day`) or `holy_day`")
        if self.holy_day is not None and self.holy_day not in TWIN_HOLY_DAYS:
            raise ValueError(
                f"unknown holy day {self.holy_day!r}; use one of: {', '.join(TWIN_HOLY_DAYS)}"
            )
        if self.month is not None and self.month not in MONTH_NAMES:
            raise ValueError(
                f"unknown Badí' month {self.month!r}; use one of: {', '.join(MONTH_NAMES)}"
            )
        if self.month == AYYAM_I_HA and self.day > 4:
            raise ValueError("Ayyám-i-Há has four days (five in some years); use day 1-4")
        if self.whole_month and self.day != 1:
            raise ValueError("`whole_month` covers the month from its first day; leave out `day`")
        return self


class TibetanRuleIn(_Strict):
    kind: Literal["tibetan"]
    month: Annotated[int, Field(ge=1, le=12)] = 1
    day: Annotated[int, Field(ge=1, le=30)] = 1


class EthiopianRuleIn(_Strict):
    kind: Literal["ethiopian"]
    #: 1 Meskerem ... 12 Nehase, 13 Pagume (five or six days).
    month: Annotated[int, Field(ge=1, le=13)]
    day: Annotated[int, Field(ge=1, le=30)]

    @model_validator(mode="after")
    def _valid(self) -> EthiopianRuleIn:
        if self.month == 13 and self.day > 5:
            raise ValueError("Pagume has five days (six only in leap years); use day 1-5")
        return self


class ZoroastrianRuleIn(_Strict):
    kind: Literal["zoroastrian"]
    calendar: str
    #: 1 Farvardin ... 12 Aspandarmad; 13 for the five Gatha days at the year's end.
    month: Annotated[int, Field(ge=1, le=13)]
    day: Annotated[int, Field(ge=1, le=30)]

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: str) -> str:
        from edicalendar.calendar.rules.zoroastrian import CALENDARS

        if value not in CALENDARS:
            raise ValueError(
                f"unknown Zoroastrian calendar {value!r}; use one of: {', '.join(CALENDARS)} "
                '(Fasli dates are fixed Gregorian dates: use kind = "fixed")'
            )
        return value

    @model_validator(mode="after")
    def _valid(self) -> ZoroastrianRuleIn:
        if self.month == 13 and self.day > 5:
            raise ValueError("the Gatha days are five; use day 1-5 with month 13")
        return self


class BankHolidayRuleIn(_Strict):
    kind: Literal["bank_holiday"]
    nation: str
    holiday: str

    @model_validator(mode="after")
    def _valid(self) -> BankHolidayRuleIn:
        from edicalendar.calendar.rules.bank_holidays import NATIONS, holidays_of

        if self.nation not in NATIONS:
            raise ValueError(f"unknown nation {self.nation!r}; use one of: {', '.join(NATIONS)}")
        known = holidays_of(self.nation)
        if self.holiday not in known:
            raise ValueError(
                f"{self.nation} has no bank holiday {self.holiday!r}; use one of: "
                + ", ".join(known)
            )
        return self


RuleIn = Annotated[
    FixedRuleIn
    | SpanRuleIn
    | MonthRuleIn
    | NthWeekdayRuleIn
    | EasterRuleIn
    | RRuleRuleIn
    | HijriRuleIn
    | HebrewRuleIn
    | LunisolarRuleIn
    | SolarTermRuleIn
    | BadiRuleIn
    | TibetanRuleIn
    | EthiopianRuleIn
    | ZoroastrianRuleIn
    | BankHolidayRuleIn,
    Field(discriminator="kind"),
]

#: What a `sources` entry may say it supports: a word, optionally followed by years
#: ("dates 2024", "theme 2025", "dates 2019-2025").
SUPPORTS = re.compile(r"^(rule|dates|theme|since|about)(?: (\d{4})(?:-(\d{4}))?)?\Z")


class SourceIn(_Strict):
    url: Annotated[str, Field(min_length=1)]
    supports: str | list[str]

    @field_validator("supports")
    @classmethod
    def _supports(cls, value: str | list[str]) -> str | list[str]:
        for item in [value] if isinstance(value, str) else value:
            if not SUPPORTS.match(item):
                raise ValueError(
                    f"supports {item!r} is not one of: rule, dates, theme, since, about "
                    '(optionally with years, e.g. "dates 2025" or "dates 2019-2025")'
                )
        return value


_WEEKDAYS = tuple(w.value for w in model.Weekday)


class ObservedIn(_Strict):
    """`observed = { fri = -1, sun = 1, reason = "..." }`: days kept instead of the date."""

    mon: Annotated[int, Field(ge=-6, le=6)] | None = None
    tue: Annotated[int, Field(ge=-6, le=6)] | None = None
    wed: Annotated[int, Field(ge=-6, le=6)] | None = None
    thu: Annotated[int, Field(ge=-6, le=6)] | None = None
    fri: Annotated[int, Field(ge=-6, le=6)] | None = None
    sat: Annotated[int, Field(ge=-6, le=6)] | None = None
    sun: Annotated[int, Field(ge=-6, le=6)] | None = None
    reason: Annotated[Paragraphs, Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def _valid(self) -> ObservedIn:
        if not any(getattr(self, day) for day in _WEEKDAYS):
            raise ValueError("say which weekday moves, e.g. sat = 1 (Saturday to Sunday)")
        return self


class YearIn(_Strict):
    start: dt.date | None = None
    end: dt.date | None = None
    theme: Name | None = None
    url: Link | None = None
    source: Source | None = None
    cancelled: bool = False
    note: Paragraphs | None = None
    checked: dt.date | None = None

    @model_validator(mode="after")
    def _valid(self) -> YearIn:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end (the same date for a one-day event)")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.start and not self.source:
            raise ValueError("announced dates need a `source` (the organiser's page)")
        return self


class ObservanceIn(_Strict):
    id: str
    name: Annotated[Name, Field(min_length=1, max_length=200)]
    categories: Annotated[list[model.Category], Field(min_length=1)]
    rule: RuleIn
    description: Annotated[Paragraphs, Field(min_length=1, max_length=2000)]
    url: Link | None = None
    sources: Annotated[list[str | SourceIn], Field(min_length=1)]
    since: Annotated[int, Field(ge=1, le=9998)] | None = None
    observed: ObservedIn | None = None
    # At most a year, so an occurrence never reaches past the year after it starts (the
    # occurrence window looks back one year for spans that began earlier).
    duration_days: Annotated[int, Field(ge=1, le=366)] | None = None
    begins_evening_before: bool = False
    announced: bool = False
    fasting: bool = False
    rest_from_work: bool = False
    guidance: Paragraphs | None = None
    tradition: Line | None = None
    years: dict[str, YearIn] = Field(default_factory=dict)
    tone: model.Tone | None = None
    tone_guidance: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    also_in: list[str] = Field(default_factory=list)
    #: Other names and spellings, for search ("Chanukah", "Id al-Fitr").
    aliases: Annotated[list[Name], Field(max_length=12)] = Field(default_factory=list)
    #: The Welsh name, exactly as a Welsh public body (NHS Wales, Welsh Government, the Senedd,
    #: a council) or the organiser publishes it, with that page: names are never translated here.
    name_cy: Annotated[Name, Field(min_length=1, max_length=200)] | None = None
    name_cy_source: Link | None = None
    description_cy: Annotated[Paragraphs, Field(min_length=1, max_length=2000)] | None = None

    @model_validator(mode="after")
    def _welsh_name_has_its_source(self) -> ObservanceIn:
        if self.name_cy is not None and self.name_cy_source is None:
            raise ValueError(
                "name_cy needs name_cy_source: the page of a Welsh public body or the organiser "
                "that uses this Welsh name"
            )
        if self.name_cy_source is not None and self.name_cy is None:
            raise ValueError("name_cy_source is given without name_cy")
        if self.name_cy is not None and self.name_cy.strip() != self.name_cy:
            raise ValueError(f"name_cy: {self.name_cy!r} has spaces at its start or end")
        return self

    @field_validator("tone", mode="before")
    @classmethod
    def _tone(cls, value: Any) -> Any:
        return None if value is None else _member(model.Tone, value, "tone")

    @model_validator(mode="after")
    def _solemn_needs_guidance(self) -> ObservanceIn:
        if self.tone is model.Tone.SOLEMN and not self.tone_guidance:
            raise ValueError(
                "a solemn observance needs tone_guidance: one line for comms, such as "
                "\"do not wish a 'happy' day; share remembrance or learning\""
            )
        return self

    @model_validator(mode="after")
    def _distinct_aliases(self) -> ObservanceIn:
        seen = {self.name.casefold()}
        for alias in self.aliases:
            if not alias.strip() or len(alias) > 100:
                raise ValueError(f"aliases: {alias[:40]!r} must be a name of 1 to 100 characters")
            if alias != alias.strip():
                raise ValueError(f"aliases: {alias!r} has spaces at its start or end")
            if alias.casefold() in seen:
                raise ValueError(
                    f"aliases: {alias!r} is given twice (or is the name itself); list each "
                    "other name once"
                )
            seen.add(alias.casefold())
        return self

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(
                f"id {value!r} must be a lower-case slug such as 'black-history-month'"
            )
        return value

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [_member(model.Category, v, "category") for v in value]
        return value

    @field_validator("sources")
    @classmethod
    def _sources(cls, value: list[str | SourceIn]) -> list[str | SourceIn]:
        texts = [s if isinstance(s, str) else s.url for s in value]
        if not all(text.strip() for text in texts):
            raise ValueError("sources must not contain empty entries")
        for index, text in enumerate(texts):
            # Checked here, not as a field type: a failed check inside `str | SourceIn` would
            # be reported once per alternative.
            try:
                check_source(text)
            except ValueError as exc:
                raise ValueError(f"entry {index + 1}: {exc}") from None
        return value

    @field_validator("years")
    @classmethod
    def _year_keys(cls, value: dict[str, YearIn]) -> dict[str, YearIn]:
        for key, year in value.items():
            match = YEAR_KEY.match(key)
            if not match:
                raise ValueError(f'year key {key!r} must be a year such as "2026" (or "2030-2")')
            if year.start and match and year.start.year != int(match.group(1)):
                raise ValueError(f"years.{key}: start {year.start} is not in {match.group(1)}")
        return value


class CalendarHeaderIn(_Strict):
    title: Name | None = None
    description: Paragraphs | None = None
    #: Off until an organisation switches it on in config (`[calendars] enabled`).
    optional: bool = False


@dataclass(frozen=True, slots=True)
class CalendarHeader:
    """A calendar file's `[calendar]` table, with the defaults filled in."""

    title: str
    description: str
    optional: bool = False


def _to_rule(rule: Any) -> model.Rule:
    match rule:
        case FixedRuleIn():
            return model.FixedRule(rule.month, rule.day)
        case SpanRuleIn():
            return model.SpanRule(rule.start_month, rule.start_day, rule.end_month, rule.end_day)
        case MonthRuleIn():
            return model.MonthRule(rule.month)
        case NthWeekdayRuleIn():
            return model.NthWeekdayRule(rule.month, rule.weekday, rule.nth, rule.offset_days)
        case EasterRuleIn():
            return model.EasterRule(rule.offset, rule.calendar)
        case RRuleRuleIn():
            return model.RRuleRule(rule.rrule)
        case HijriRuleIn():
            return model.HijriRule(rule.month, rule.day, rule.whole_month)
        case HebrewRuleIn():
            return model.HebrewRule(rule.month, rule.day)
        case LunisolarRuleIn():
            return model.LunisolarRule(rule.festival)
        case SolarTermRuleIn():
            return model.SolarTermRule(rule.term, rule.place, rule.day_starts)
        case BadiRuleIn():
            return model.BadiRule(rule.month, rule.day, rule.holy_day, rule.whole_month)
        case TibetanRuleIn():
            return model.TibetanRule(rule.month, rule.day)
        case EthiopianRuleIn():
            return model.EthiopianRule(rule.month, rule.day)
        case ZoroastrianRuleIn():
            return model.ZoroastrianRule(rule.calendar, rule.month, rule.day)
        case BankHolidayRuleIn():
            return model.BankHolidayRule(rule.nation, rule.holiday)
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover


def _message(error: Any) -> str:
    text = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "unknown key; check the spelling against docs/calendar-format.md"
    if error["type"] == "missing":
        return "required field is missing"
    return text


def _field_path(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # Drop pydantic's discriminator tags (e.g. 'fixed') from rule locations.
    parts: list[str | int] = []
    for i, part in enumerate(loc):
        if i > 0 and loc[i - 1] == "rule" and isinstance(part, str) and part in _RULE_KINDS:
            continue
        parts.append(part)
    return tuple(parts)


_RULE_KINDS = {
    "fixed",
    "span",
    "month",
    "nth_weekday",
    "easter",
    "rrule",
    "hijri",
    "hebrew",
    "lunisolar",
    "solar_term",
    "badi",
    "tibetan",
    "ethiopian",
    "zoroastrian",
    "bank_holiday",
}


def _source_ref(entry: str | SourceIn) -> model.Source:
    if isinstance(entry, str):
        return model.Source(entry)
    supports: list[model.SourceSupport] = []
    years: list[int] = []
    for item in [entry.supports] if isinstance(entry.supports, str) else entry.supports:
        match = SUPPORTS.match(item)
        assert match is not None  # checked by SourceIn
        supports.append(model.SourceSupport(match.group(1)))
        if match.group(2):
            first = int(match.group(2))
            last = int(match.group(3) or first)
            years.extend(range(first, last + 1))
    return model.Source(entry.url, tuple(dict.fromkeys(supports)), tuple(sorted(set(years))))


def _observed(entry: ObservedIn | None) -> model.ObservedShift | None:
    if entry is None:
        return None
    moves = tuple(
        (model.Weekday(day), getattr(entry, day)) for day in _WEEKDAYS if getattr(entry, day)
    )
    return model.ObservedShift(moves=moves, reason=entry.reason)


def _observance(
    entry: ObservanceIn, calendar_name: str, source: TomlSource, index: int
) -> model.Observance:
    return model.Observance(
        id=entry.id,
        name=entry.name,
        categories=tuple(entry.categories),
        rule=_to_rule(entry.rule),
        description=entry.description,
        url=entry.url,
        sources=tuple(s if isinstance(s, str) else s.url for s in entry.sources),
        source_refs=tuple(_source_ref(s) for s in entry.sources),
        since=entry.since,
        observed=_observed(entry.observed),
        calendar=calendar_name,
        duration_days=entry.duration_days,
        begins_evening_before=entry.begins_evening_before,
        announced=entry.announced,
        fasting=entry.fasting,
        rest_from_work=entry.rest_from_work,
        guidance=entry.guidance,
        tradition=entry.tradition,
        years={
            key: model.YearOverride(
                start=y.start,
                end=y.end,
                theme=y.theme,
                url=y.url,
                source=y.source,
                cancelled=y.cancelled,
                note=y.note,
                checked=y.checked,
            )
            for key, y in entry.years.items()
        },
        tone=entry.tone,
        tone_guidance=entry.tone_guidance,
        also_in=tuple(entry.also_in),
        aliases=tuple(entry.aliases),
        name_cy=entry.name_cy,
        name_cy_source=entry.name_cy_source,
        description_cy=entry.description_cy,
        path=source.display,
        line=source.line_of("observance", index),
    )


def load_file(
    path: Path, display: str, problems: list[Problem], raw: bytes | None = None
) -> tuple[CalendarHeader, list[model.Observance]] | None:
    """One calendar file's header and valid observances; its problems go to `problems`.

    `raw` is the file's content when the caller has read it already (to hash it, say), so
    what is parsed is exactly what was read.
    """
    source = TomlSource.read(path, display, raw=raw)
    if isinstance(source, Problem):
        problems.append(source)
        return None
    data = dict(source.data)
    header_raw = data.pop("calendar", {})
    entries = data.pop("observance", [])
    for key in data:
        problems.append(
            Problem(
                display, None, None, key, "unknown top-level key; use [calendar] and [[observance]]"
            )
        )
    try:
        header = CalendarHeaderIn.model_validate(header_raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(
                Problem(
                    display, None, None, "calendar." + ".".join(map(str, err["loc"])), _message(err)
                )
            )
        header = CalendarHeaderIn()
    name = path.stem
    info = CalendarHeader(
        title=header.title or name.replace("-", " ").capitalize(),
        description=header.description or "",
        optional=header.optional,
    )
    if not isinstance(entries, list):
        problems.append(Problem(display, None, None, "observance", "use [[observance]] tables"))
        return info, []
    observances: list[model.Observance] = []
    for index, raw in enumerate(entries):
        subject = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        subject = subject or f"observance #{index + 1}"
        try:
            entry = ObservanceIn.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = _field_path(tuple(err["loc"]))
                problems.append(
                    Problem(
                        display,
                        source.line_of("observance", index, loc),
                        subject,
                        ".".join(str(p) for p in loc) or None,
                        _message(err),
                    )
                )
            continue
        observances.append(_observance(entry, name, source, index))
    return info, observances

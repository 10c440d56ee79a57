"""What falls, or may fall, on a day: for someone booking a meeting, a rota or a clinic.

A calendar about inclusion must never call a day clear when a festival may fall on it. So the
answer lists, for each day, every observance that is on it, every one whose estimated dates may
move onto it (within `may_vary_days`, or on the dates another community's convention gives),
every festival whose eve it is or may be (festivals that begin at sunset), and the day's bank
holiday in the configured nation. Each is labelled with how sure that is: `confirmed`,
`expected` (an estimated or provisional date as predicted) or `possible (±N days)`.

Over a range of days, observances longer than a week (a month, Ramadan, Lent) are summarised in
one row for the whole range instead of repeating on every day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrence_records import (
    date_range_message,
    margin_message,
    span_message,
    span_text,
)
from edicalendar.calendar.occurrences import CALENDAR_DATE, FIRST_YEAR, LAST_YEAR, Skipped, expand
from edicalendar.calendar.rules.bank_holidays import HOLIDAYS
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.i18n import N_, Day, Message, Named, gettext
from edicalendar.model import BankHolidayRule, Category, Occurrence, Status
from edicalendar.urls import public_url

#: Observances longer than this are summarised once per range; the month grid lists them
#: above the days instead of in every cell, for the same reason.
LONG_DAYS = 7


class Certainty(StrEnum):
    """How sure it is that an observance touches the day."""

    #: A confirmed date: a fixed rule, or dates an organiser announced with a source.
    CONFIRMED = "confirmed"
    #: The predicted date of an estimated or provisional occurrence.
    EXPECTED = "expected"
    #: Not the predicted date, but within its margin or another community's date.
    POSSIBLE = "possible"


#: Each certainty as the "How sure" column says it.
CERTAINTY_WORDS = {
    Certainty.CONFIRMED: N_("confirmed"),
    Certainty.EXPECTED: N_("expected"),
    Certainty.POSSIBLE: N_("possible"),
}


class ClashKind(StrEnum):
    """What a row of the answer is about."""

    OBSERVANCE = "observance"
    BANK_HOLIDAY = "bank_holiday"


_ORDER = {Certainty.CONFIRMED: 0, Certainty.EXPECTED: 1, Certainty.POSSIBLE: 2}


@dataclass(frozen=True, slots=True)
class Clash:
    """One observance (or bank holiday) touching one day, or a run of days, and how.

    `until` is after `day` only for a summarised long observance. `on_day` says whether the
    observance itself is (or may be) on the day; when only its eve is, `eve` is true and the day
    itself is not a rest or fasting day.
    """

    day: dt.date
    until: dt.date
    name: str
    what: str
    certainty: Certainty
    on_day: bool
    eve: bool
    occurrence: Occurrence | None = None
    #: Why a possible clash is possible: a margin of days ("±1 day") or another convention.
    possible_because: Message | Named | None = None
    kind: ClashKind = ClashKind.OBSERVANCE

    @property
    def label(self) -> str:
        """ "confirmed", "expected", or "possible (±1 day)" as people read it."""
        if self.certainty is Certainty.POSSIBLE and self.possible_because:
            return Message(N_("possible (%(because)s)"), because=self.possible_because)
        return Message(CERTAINTY_WORDS[self.certainty])

    @property
    def fasting(self) -> bool:
        """Whether the day is (or may be) a fasting day of this observance."""
        return self.on_day and self.occurrence is not None and self.occurrence.fasting

    @property
    def rest_from_work(self) -> bool:
        """Whether many observers rest from work on the day itself (never only its eve)."""
        if self.kind is ClashKind.BANK_HOLIDAY:
            return True
        return self.on_day and self.occurrence is not None and self.occurrence.rest_from_work

    @property
    def rest_from_sunset(self) -> bool:
        """Whether observers stop work at sunset on this day: the eve of a day of rest."""
        return self.eve and self.occurrence is not None and self.occurrence.rest_from_work

    @property
    def rest_text(self) -> str:
        """The "Rest from work" cell: "Yes", "From sunset" (an eve) or "No"."""
        if self.rest_from_work:
            return Message(N_("Yes"))
        return Message(N_("From sunset")) if self.rest_from_sunset else Message(N_("No"))

    @property
    def weighty(self) -> bool:
        """Work stops or people fast: these matter most to a booking and are listed first."""
        return self.rest_from_work or self.rest_from_sunset or self.fasting

    def record(self) -> dict[str, Any]:
        """The JSON object (`clashes --format json`, `/api/clashes`); keys only ever grow."""
        occ = self.occurrence
        return {
            "date": self.day.isoformat(),
            "until": self.until.isoformat(),
            "kind": self.kind.value,
            "observance": occ.observance_id if occ else None,
            "name": self.name,
            "what": self.what,
            "eve": self.eve,
            "on_day": self.on_day,
            "certainty": self.certainty.value,
            "label": self.label,
            "start": occ.start.isoformat() if occ else self.day.isoformat(),
            "end": occ.end.isoformat() if occ else self.day.isoformat(),
            "fasting": self.fasting,
            "rest_from_work": self.rest_from_work,
            "rest_from_sunset": self.rest_from_sunset,
            "begins_evening_before": occ.begins_evening_before if occ else False,
            "status": occ.status.value if occ else Status.CONFIRMED.value,
            "may_vary_days": occ.may_vary_days if occ else 0,
            "categories": [c.value for c in occ.categories] if occ else [],
            "guidance": occ.guidance if occ else None,
            "url": public_url(occ.url) if occ else None,
        }


#: CSV columns of a clash: every key of :meth:`Clash.record`, the first six in the order earlier
#: releases wrote them.
CLASH_CSV_COLUMNS = (
    "date",
    "name",
    "what",
    "fasting",
    "rest_from_work",
    "status",
    "until",
    "kind",
    "observance",
    "label",
    "certainty",
    "eve",
    "rest_from_sunset",
    "may_vary_days",
    "on_day",
    "start",
    "end",
    "begins_evening_before",
    "categories",
    "guidance",
    "url",
)


@dataclass(frozen=True)
class ClashReport:
    clashes: list[Clash]
    warnings: list[str]
    #: Years of observances that could not be dated near the range (see `Expansion.skipped`).
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Dates:
    """One set of dates an occurrence may be kept on: the predicted one or another's."""

    start: dt.date
    end: dt.date
    #: None for the predicted dates; else why these are possible ("±1 day", a convention).
    because: Message | Named | None
    #: Who keeps these dates (another convention's full label), for the answer's wording.
    kept_by: str | None = None


#: Why a moved occurrence's own calendar date is possible.
CALENDAR_TEXT = Message(N_("the calendar date"))
#: When an eve begins, as a clash on that day says it.
THIS_EVENING = Message(N_("this evening"))
#: What a bank holiday row says, by nation ("bank holiday in England and Wales"): whole
#: sentences, as Welsh mutates the nation's name after "yn" ("yng Nghymru a Lloegr").
BANK_HOLIDAY_IN = {
    "england-and-wales": N_("bank holiday in England and Wales"),
    "scotland": N_("bank holiday in Scotland"),
    "northern-ireland": N_("bank holiday in Northern Ireland"),
}


def short_label(label: str) -> str:
    """A convention's label without its explanation: "UK moon sighting"."""
    return label.split(" (", 1)[0]


@cache
def convention_name(label: str) -> ConventionName:
    """The :class:`ConventionName` of a convention's full label (one per label)."""
    return ConventionName(label)


class ConventionName(Named):
    """A convention by its short label inside a message ("UK moon sighting"); in Welsh the
    catalogue's words for its full label, shortened the same way ("gweld y lleuad yn y DU"),
    the words the Welsh convention notes use."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        super().__init__(short_label(label))
        self.label = label

    def translated(self, lang: str) -> str:
        return short_label(gettext(self.label, lang))


def _candidates(occ: Occurrence) -> list[_Dates]:
    """The predicted dates, then each other convention's, then each shift within the margin."""
    found = [_Dates(occ.start, occ.end, None)]
    for alternative in occ.alternatives:
        if (alternative.start, alternative.end) == (occ.start, occ.end):
            continue
        if alternative.convention == CALENDAR_DATE:
            found.append(_Dates(alternative.start, alternative.end, CALENDAR_TEXT))
        else:
            label = alternative.label
            found.append(
                _Dates(alternative.start, alternative.end, convention_name(label), kept_by=label)
            )
    margin = occ.may_vary_days
    for shift in range(1, margin + 1):
        for sign in (-1, 1):
            delta = dt.timedelta(days=sign * shift)
            found.append(_Dates(occ.start + delta, occ.end + delta, margin_message(margin)))
    return found


def _expected(occ: Occurrence) -> Message:
    """ "expected Tue 9 Mar 2027" plus, where traditions differ, whose date that is."""
    dates = date_range_message(occ)
    if occ.convention_label:
        return Message(
            N_("expected %(dates)s by the %(convention)s"),
            dates=dates,
            convention=convention_name(occ.convention_label),
        )
    return Message(N_("expected %(dates)s"), dates=dates)


def _position(occ: Occurrence, day: dt.date) -> str:
    if occ.start == occ.end:
        return Message(N_("on this day"))
    if day == occ.start:
        return Message(N_("first day (of %(days)s)"), days=occ.days)
    if day == occ.end:
        return Message(N_("last day (of %(days)s)"), days=occ.days)
    return Message(N_("day %(day)s of %(days)s"), day=(day - occ.start).days + 1, days=occ.days)


def _eve_expected(occ: Occurrence) -> Message:
    """ "expected from the evening of Mon 8 Mar 2027", and whose date that is."""
    evening = Day(occ.start - dt.timedelta(days=1))
    if occ.convention_label:
        return Message(
            N_("expected from the evening of %(evening)s by the %(convention)s"),
            evening=evening,
            convention=convention_name(occ.convention_label),
        )
    return Message(N_("expected from the evening of %(evening)s"), evening=evening)


def _possible(
    occ: Occurrence,
    matching: list[_Dates],
    expected: Message,
    evening: Message | None = None,
    *,
    then_eve: bool = False,
) -> tuple[Message, Message | Named]:
    """What a possible clash says, and why it is possible (the label's parenthesis): "may fall
    on this day (…)", or with `evening` "may begin at sunset this evening (…)"; `then_eve` adds
    that the festival is expected to begin at sunset this evening."""
    kept: dict[str, str] = {}
    for candidate in matching:
        if candidate.kept_by:
            kept.setdefault(short_label(candidate.kept_by), candidate.kept_by)
    keepers = list(kept.values())
    in_margin = any(c.kept_by is None and c.because != CALENDAR_TEXT for c in matching)
    detail = expected
    if occ.may_vary_days:
        detail = Message(
            N_("%(expected)s, %(margin)s"),
            expected=expected,
            margin=margin_message(occ.may_vary_days),
        )
    if not in_margin and not keepers:
        moved: Message | Named
        if isinstance(occ.note, Message) and not (then_eve and occ.note.endswith(".")):
            moved = occ.note  # a computed date's note, which the catalogue has
        elif occ.note:
            # A note from the data (why a year's date moved) stays English.
            moved = Named(occ.note.rstrip(".") if then_eve else str(occ.note))
        else:
            moved = Message(N_("it is kept on %(dates)s instead"), dates=date_range_message(occ))
        calendar = Message(N_("its calendar date. %(moved)s"), moved=moved)
        return _then_eve(calendar) if then_eve else calendar, CALENDAR_TEXT
    if evening is None:
        what = Message(N_("may fall on this day (%(detail)s)"), detail=detail)
    else:
        what = Message(
            N_("may begin at sunset %(evening)s (%(detail)s)"), evening=evening, detail=detail
        )
    if len(keepers) == 1:
        what = Message(
            N_("%(what)s; the %(convention)s gives this date"),
            what=what,
            convention=convention_name(keepers[0]),
        )
    elif keepers:
        named: Message | Named = convention_name(keepers[0])
        for label in keepers[1:]:
            named = Message(
                N_("%(first)s and the %(then)s"), first=named, then=convention_name(label)
            )
        what = Message(
            N_("%(what)s; the %(conventions)s give this date"), what=what, conventions=named
        )
    because = margin_message(occ.may_vary_days) if in_margin else convention_name(keepers[0])
    return (_then_eve(what) if then_eve else what), because


def _then_eve(what: Message) -> Message:
    return Message(N_("%(what)s; expected to begin at sunset this evening"), what=what)


def _on_or_eve(occ: Occurrence, day: dt.date, evening: Message = THIS_EVENING) -> Clash | None:
    """How `occ` touches `day`: its own dates first, then possible dates, then eves (which
    begin `evening`: "this evening", or in a summary "on the evening of Mon 8 Mar 2027")."""
    sure = Certainty.CONFIRMED if occ.status is Status.CONFIRMED else Certainty.EXPECTED
    evening_of = day + dt.timedelta(days=1)
    candidates = _candidates(occ)
    on = [c for c in candidates if c.start <= day <= c.end]
    eves = [c for c in candidates if c.start == evening_of] if occ.begins_evening_before else []
    if any(c.because is None for c in on):
        what = _position(occ, day)
        return Clash(day, day, occ.name, what, sure, on_day=True, eve=False, occurrence=occ)
    sure_eve = any(c.because is None for c in eves)
    if on:
        what, because = _possible(occ, on, _expected(occ), then_eve=sure_eve)
        return Clash(
            day,
            day,
            occ.name,
            what,
            Certainty.POSSIBLE,
            on_day=True,
            eve=bool(eves),
            occurrence=occ,
            possible_because=because,
        )
    if not eves:
        return None
    if sure_eve:
        begins = Message(N_("begins at sunset %(evening)s"), evening=evening)
        return Clash(day, day, occ.name, begins, sure, False, True, occurrence=occ)
    what, because = _possible(occ, eves, _eve_expected(occ), evening)
    return Clash(
        day,
        day,
        occ.name,
        what,
        Certainty.POSSIBLE,
        on_day=False,
        eve=True,
        occurrence=occ,
        possible_because=because,
    )


def _summary(occ: Occurrence, days: list[Clash]) -> Clash:
    """One row for a long observance over a range, from its clashes on each day of it."""
    sure = [c for c in days if c.on_day and c.certainty is not Certainty.POSSIBLE]
    possible = [c for c in days if c.on_day and c.certainty is Certainty.POSSIBLE]
    eves = [c for c in days if not c.on_day]
    parts: list[str] = []
    if sure:
        first = (sure[0].day - occ.start).days + 1
        last = (sure[-1].day - occ.start).days + 1
        if first == 1 and last == occ.days:
            numbers = Message(N_("all %(days)s days"), days=occ.days)
        elif first == last:
            numbers = Message(N_("day %(day)s of %(days)s"), day=first, days=occ.days)
        else:
            numbers = Message(
                N_("days %(first)s–%(last)s of %(days)s"), first=first, last=last, days=occ.days
            )
        parts.append(
            Message(
                N_("%(numbers)s (runs %(dates)s)"), numbers=numbers, dates=date_range_message(occ)
            )
        )
    if possible:
        parts.append(
            Message(
                N_("may also fall on %(dates)s (%(because)s)"),
                dates=span_message(possible[0].day, possible[-1].day),
                because=possible[0].possible_because,
            )
        )
    for eve in eves:
        evening = Message(N_("on the evening of %(day)s"), day=Day(eve.day))
        again = _on_or_eve(occ, eve.day, evening)
        parts.append(again.what if again is not None else eve.what)
    what = parts[0]
    for part in parts[1:]:
        what = Message(N_("%(first)s; %(then)s"), first=what, then=part)
    strongest = min(days, key=lambda c: _ORDER[c.certainty])
    because = next((c.possible_because for c in days if c.possible_because), None)
    return Clash(
        days[0].day,
        days[-1].day,
        occ.name,
        what,
        strongest.certainty,
        on_day=bool(sure or possible),
        eve=bool(eves),
        occurrence=occ,
        possible_because=because if strongest.certainty is Certainty.POSSIBLE else None,
    )


def _bank_holiday_of(catalog: Catalog, occ: Occurrence, nation: str) -> bool:
    observance = catalog.get(occ.observance_id)
    rule = observance.rule if observance else None
    return isinstance(rule, BankHolidayRule) and rule.nation == nation


def _reach(occ: Occurrence) -> tuple[dt.date, dt.date]:
    """The first and last day `occ` may touch: its margin, other conventions, its eve."""
    candidates = _candidates(occ)
    first = min(c.start for c in candidates)
    if occ.begins_evening_before:
        first -= dt.timedelta(days=1)
    return first, max(c.end for c in candidates)


#: The widest margin or convention difference looked for around the window (Vesak conventions
#: can be a lunar month apart).
_SEARCH_DAYS = 35


def find_clashes(
    catalog: Catalog,
    start: dt.date,
    end: dt.date,
    categories: Collection[Category] = (),
    *,
    workdays: WorkingDays | None = None,
) -> ClashReport:
    """Everything on, possibly on, or beginning the evening of each day in `start`..`end`.

    `workdays` knows the bank holidays of the organisation's nation (None: none listed).
    """
    search = dt.timedelta(days=_SEARCH_DAYS)
    # Never past the years the calendar computes.
    first = max(start - search, dt.date(FIRST_YEAR, 1, 1))
    last = min(end + search, dt.date(LAST_YEAR, 12, 31))
    expansion = expand(catalog, first, last, categories=categories)
    found: list[Clash] = []
    summarise = end > start
    listed: set[dt.date] = set()
    for occ in expansion.occurrences:
        if workdays is not None and _bank_holiday_of(catalog, occ, workdays.nation):
            # The nation's own bank-holiday calendar is switched on: its observance is the
            # day's bank-holiday row (and the table below adds no second one).
            for row in _bank_holiday_rows(occ, start, end, workdays):
                listed.add(row.day)
                found.append(row)
            continue
        first, last = _reach(occ)
        if last < start or first > end:
            continue
        touched: list[Clash] = []
        day = max(first, start)
        while day <= min(last, end):
            clash = _on_or_eve(occ, day)
            if clash is not None:
                touched.append(clash)
            day += dt.timedelta(days=1)
        if summarise and occ.days > LONG_DAYS and touched:
            found.append(_summary(occ, touched))
        else:
            found.extend(touched)
    if workdays is not None:
        found.extend(
            c for c in _bank_holidays(workdays, start, end, catalog) if c.day not in listed
        )
    found.sort(
        key=lambda c: (
            c.day,
            c.kind is not ClashKind.BANK_HOLIDAY,
            not c.weighty,
            _ORDER[c.certainty],
            c.occurrence.days if c.occurrence else 0,
            c.name,
        )
    )
    not_computed = [s for s in expansion.skipped if s.reason != "before_since"]
    return ClashReport(found, expansion.warnings, not_computed)


def _bank_holiday_in(workdays: WorkingDays) -> str:
    """ "bank holiday in England and Wales", as a message where the nation has one."""
    msgid = BANK_HOLIDAY_IN.get(workdays.nation)
    return Message(msgid) if msgid else f"bank holiday in {workdays.nation_name}"


def _welsh_bank_holiday_names(catalog: Catalog, nation: str) -> dict[str, str]:
    """The Welsh name the data gives each of the nation's bank holidays, by the holidays
    package's name for it ("Christmas Day": "Dydd Nadolig"), whether or not its calendar is on."""
    names: dict[str, str] = {}
    for observance in (*catalog.observances.values(), *catalog.switched_off.values()):
        rule = observance.rule
        if isinstance(rule, BankHolidayRule) and rule.nation == nation and observance.name_cy:
            name = HOLIDAYS.get(rule.holiday, {}).get(nation)
            if name:
                names[name] = observance.name_cy
    return names


def _bank_holidays(
    workdays: WorkingDays, start: dt.date, end: dt.date, catalog: Catalog
) -> Iterator[Clash]:
    """The nation's days off in `start`..`end`, as gov.uk lists them: a holiday at a weekend
    on its substitute weekday, under its own name (calendar.rules.bank_holidays), with the
    Welsh name the catalog's data gives it for Welsh pages."""
    welsh: dict[str, str] | None = None
    for year in range(start.year, end.year + 1):
        for day, name in workdays.days_off(year):
            if not start <= day <= end or day.weekday() >= 5:
                continue
            if welsh is None:
                welsh = _welsh_bank_holiday_names(catalog, workdays.nation)
            moved = "(observed)" in (workdays.bank_holiday(day) or "") and not _on_own_day(
                workdays, day, name
            )
            named = Named(name, welsh.get(name))
            yield Clash(
                day,
                day,
                Message(N_("Bank holiday: %(name)s (substitute day)"), name=named)
                if moved
                else Message(N_("Bank holiday: %(name)s"), name=named),
                _bank_holiday_in(workdays),
                Certainty.CONFIRMED,
                on_day=True,
                eve=False,
                kind=ClashKind.BANK_HOLIDAY,
            )


def _bank_holiday_rows(
    occ: Occurrence, start: dt.date, end: dt.date, workdays: WorkingDays
) -> Iterator[Clash]:
    day = max(occ.start, start)
    while day <= min(occ.end, end):
        yield Clash(
            day,
            day,
            occ.name,
            _bank_holiday_in(workdays),
            Certainty.CONFIRMED,
            on_day=True,
            eve=False,
            occurrence=occ,
            kind=ClashKind.BANK_HOLIDAY,
        )
        day += dt.timedelta(days=1)


def _on_own_day(workdays: WorkingDays, day: dt.date, name: str) -> bool:
    """Whether `name` is the holiday's own name on `day` (not a substitute for it)."""
    return name in (workdays.bank_holiday(day) or "").split("; ")


def clash_dates_text(clash: Clash) -> str:
    """The Date cell of a clash table: "Wed 10 Mar 2027", or a summarised run of days."""
    return span_text(clash.day, clash.until)

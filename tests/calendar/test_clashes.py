"""The date check: every observance that may fall on a day, labelled with how sure that is.

Run over the shipped calendars. Independent facts used: the tabular Islamic calendar
(convertdate) puts 1 Shawwal 1448 on 10 March 2027, a day after the Umm al-Qura estimate of 9
March; Easter 2027 is 28 March, so Good Friday (a bank holiday everywhere in the UK) is 26
March; 1 January 2027 is a Friday, so Scotland's 2 January holiday moves to Monday 4 January
(gov.uk: a substitute weekday when a bank holiday falls at a weekend); St Andrew's Day, 30
November, is a Scottish bank holiday only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from convertdate import hebrew, islamic

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.clashes import Certainty, Clash, ClashKind, find_clashes
from edicalendar.calendar.occurrences import expand
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.model import Occurrence, Status
from support.paths import REPO_ROOT

DAY = dt.timedelta(days=1)


def _shipped() -> Catalog:
    """The shipped calendars as an organisation gets them: optional calendars off."""
    return load_catalog(REPO_ROOT / "calendars").enabled(())


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _shipped()


def _on(catalog: Catalog, day: dt.date, observance: str) -> Clash | None:
    rows = [c for c in find_clashes(catalog, day, day).clashes if c.occurrence]
    return next(
        (c for c in rows if c.occurrence and c.occurrence.observance_id == observance), None
    )


def _estimated_2027(catalog: Catalog) -> list[Occurrence]:
    window = expand(catalog, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    return [
        o
        for o in window.occurrences
        if o.status is Status.ESTIMATED and o.may_vary_days and o.year == 2027
    ]


def test_the_booking_in_the_issue_is_not_told_the_day_is_clear(catalog: Catalog) -> None:
    """10 Mar 2027: Eid al-Fitr is estimated for the 9th (Umm al-Qura) and the tabular
    calendar gives the 10th, so the answer lists Eid as possible (±1 day) and a rest day."""
    tabular = dt.date(*islamic.to_gregorian(1448, 10, 1))
    assert tabular == dt.date(2027, 3, 10)
    eid = _on(catalog, tabular, "eid-al-fitr")
    assert eid is not None
    assert (eid.certainty, eid.label) == (Certainty.POSSIBLE, "possible (±1 day)")
    assert eid.on_day and eid.rest_from_work and not eid.eve
    assert eid.what.startswith(
        "may fall on this day (expected Tue 9 Mar 2027 by the Umm al-Qura calendar, ±1 day)"
    )


@pytest.mark.parametrize(
    "occurrence",
    _estimated_2027(_shipped()),
    ids=lambda o: f"{o.observance_id}-{o.instance}",
)
def test_every_estimated_observance_in_2027_is_possible_either_side(
    catalog: Catalog, occurrence: Occurrence
) -> None:
    """For every estimated 2027 date that may move (`may_vary_days` > 0): the day before and
    the day after are reported as possible, its own days as expected, and a festival beginning
    at sunset also shows on its eve. (Dates computed exactly, such as the equinox days, have
    no margin; other conventions' dates are checked below.)"""
    margin = (
        f"possible (±{occurrence.may_vary_days} day{'s' if occurrence.may_vary_days > 1 else ''})"
    )
    for day in (occurrence.start - DAY, occurrence.end + DAY):
        clash = _on(catalog, day, occurrence.observance_id)
        assert clash is not None, f"{occurrence.observance_id} missing on {day}"
        assert clash.certainty is Certainty.POSSIBLE or clash.occurrence != occurrence
        if clash.occurrence == occurrence:
            assert clash.label == margin and clash.on_day
    inside = _on(catalog, occurrence.start, occurrence.observance_id)
    assert inside is not None and inside.certainty is Certainty.EXPECTED
    if occurrence.begins_evening_before:
        eve = _on(catalog, occurrence.start - DAY, occurrence.observance_id)
        assert eve is not None and eve.eve
    beyond = occurrence.end + dt.timedelta(days=occurrence.may_vary_days + 1)
    if not any(a.start <= beyond <= a.end for a in occurrence.alternatives):
        outside = _on(catalog, beyond, occurrence.observance_id)
        assert outside is None or outside.occurrence != occurrence


def test_at_least_the_lunar_festivals_are_estimated_in_2027(catalog: Catalog) -> None:
    """The parametrised test above covers the Islamic, Hindu and Sikh lunar festivals."""
    ids = {o.observance_id for o in _estimated_2027(catalog)}
    assert {"eid-al-fitr", "eid-al-adha", "ramadan", "diwali", "holi"} <= ids


def test_an_eve_is_not_the_rest_day(catalog: Catalog) -> None:
    """Yom Kippur 5788 (10 Tishrei, by convertdate's Hebrew calendar) is Mon 11 Oct 2027; on
    Sun 10 Oct work stops at sunset, so the eve says "From sunset" and only the day itself is
    a rest and fasting day."""
    yom_kippur = dt.date(*hebrew.to_gregorian(5788, 7, 10))
    assert yom_kippur == dt.date(2027, 10, 11)
    eve = _on(catalog, yom_kippur - DAY, "yom-kippur")
    day = _on(catalog, yom_kippur, "yom-kippur")
    assert eve is not None and day is not None
    assert (eve.eve, eve.on_day, eve.rest_from_work, eve.fasting) == (True, False, False, False)
    assert eve.rest_text == "From sunset" and eve.record()["rest_from_sunset"] is True
    assert (day.rest_from_work, day.fasting, day.rest_text) == (True, True, "Yes")
    assert eve.label == day.label == "confirmed"


def test_a_possible_eve_is_listed_before_the_possible_day(catalog: Catalog) -> None:
    """If Eid al-Fitr 2027 came a day early (the 8th), it would begin on the evening of the
    7th: that evening is a possible eve, not a rest day."""
    eve = _on(catalog, dt.date(2027, 3, 7), "eid-al-fitr")
    assert eve is not None
    assert (eve.certainty, eve.eve, eve.on_day, eve.rest_text) == (
        Certainty.POSSIBLE,
        True,
        False,
        "From sunset",
    )
    day_before = _on(catalog, dt.date(2027, 3, 8), "eid-al-fitr")
    assert day_before is not None and day_before.on_day and day_before.eve
    assert day_before.what.endswith("expected to begin at sunset this evening")


def test_a_range_summarises_month_long_observances_once(catalog: Catalog) -> None:
    """Over 1-14 March 2027 Women's History Month (all March) is one row, not fourteen, and
    Ramadan (8 Feb-8 Mar, estimated) one row that says it may also fall on the 9th."""
    report = find_clashes(catalog, dt.date(2027, 3, 1), dt.date(2027, 3, 14))
    by_id: dict[str, list[Clash]] = {}
    for clash in report.clashes:
        if clash.occurrence:
            by_id.setdefault(clash.occurrence.observance_id, []).append(clash)
    (month,) = by_id["womens-history-month"]
    assert (month.day, month.until) == (dt.date(2027, 3, 1), dt.date(2027, 3, 14))
    assert month.what.startswith("days 1–14 of 31")
    (ramadan,) = by_id["ramadan"]
    assert (ramadan.day, ramadan.until) == (dt.date(2027, 3, 1), dt.date(2027, 3, 9))
    assert ramadan.fasting and ramadan.certainty is Certainty.EXPECTED
    assert "may also fall on Tue 9 Mar 2027 (±1 day)" in ramadan.what
    # Short observances still get a row per day they touch.
    assert len(by_id["eid-al-fitr"]) == 4  # possible eve 7th, possible 8th, 9th, possible 10th


def test_a_single_day_keeps_the_position_in_a_long_observance(catalog: Catalog) -> None:
    """On one day a month-long observance says which day of it this is."""
    month = _on(catalog, dt.date(2027, 3, 10), "womens-history-month")
    assert month is not None and month.what == "day 10 of 31"


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        ("england-and-wales", dt.date(2027, 3, 26), "Good Friday"),
        ("scotland", dt.date(2027, 3, 26), "Good Friday"),
        ("scotland", dt.date(2027, 1, 4), "New Year Holiday (substitute day)"),
        ("scotland", dt.date(2027, 11, 30), "Saint Andrew's Day"),
        # gov.uk: 1 Jan 2023 was a Sunday, so New Year's Day moved to Monday 2 January and
        # Scotland's 2 January holiday on to Tuesday 3 January.
        ("scotland", dt.date(2023, 1, 2), "New Year's Day (substitute day)"),
        ("scotland", dt.date(2023, 1, 3), "New Year Holiday (substitute day)"),
        ("england-and-wales", dt.date(2023, 1, 2), "New Year's Day (substitute day)"),
    ],
)
def test_bank_holidays_of_the_nation_are_listed(
    catalog: Catalog, nation: str, day: dt.date, name: str
) -> None:
    """The configured nation's bank holidays appear first, as confirmed rest days."""
    workdays = WorkingDays(nation)
    report = find_clashes(catalog, day, day, workdays=workdays)
    first = report.clashes[0]
    assert first.kind is ClashKind.BANK_HOLIDAY
    assert first.name == f"Bank holiday: {name}"
    assert first.what == f"bank holiday in {workdays.nation_name}"
    assert first.rest_from_work and first.label == "confirmed"


def test_no_bank_holiday_elsewhere_or_at_the_weekend(catalog: Catalog) -> None:
    """St Andrew's Day is not a bank holiday in England; Christmas Day 2027 falls on a
    Saturday, so its bank holiday is the substitute Monday, not the Saturday."""
    england = WorkingDays("england-and-wales")
    for day in (dt.date(2027, 11, 30), dt.date(2027, 12, 25)):
        report = find_clashes(catalog, day, day, workdays=england)
        assert all(c.kind is ClashKind.OBSERVANCE for c in report.clashes)
    monday = find_clashes(catalog, dt.date(2027, 12, 27), dt.date(2027, 12, 27), workdays=england)
    assert monday.clashes[0].name == "Bank holiday: Christmas Day (substitute day)"


def _with_alternatives(catalog: Catalog, start: dt.date, end: dt.date) -> list[Occurrence]:
    window = expand(catalog, start, end).occurrences
    return [
        o
        for o in window
        if any((a.start, a.end) != (o.start, o.end) for a in o.alternatives) and o.start >= start
    ]


def test_another_conventions_date_is_possible_even_beyond_the_margin(catalog: Catalog) -> None:
    """Where another community's convention gives a different date (UK moon sighting for
    Islamic months, the UK almanac for Diwali, another tradition's Vesak), that date is
    reported as possible and names the convention, even when it lies outside ±N days."""
    checked = 0
    for occ in _with_alternatives(catalog, dt.date(2027, 1, 1), dt.date(2027, 12, 31)):
        for alternative in occ.alternatives:
            if alternative.start <= occ.end and alternative.end >= occ.start:
                continue  # overlaps the expected dates: those days are already expected
            clash = _on(catalog, alternative.start, occ.observance_id)
            assert clash is not None, (occ.observance_id, alternative)
            assert clash.certainty is Certainty.POSSIBLE and clash.on_day
            short = alternative.label.split(" (", 1)[0]
            assert short in clash.what, clash.what
            if abs((alternative.start - occ.start).days) > occ.may_vary_days:
                assert clash.label == f"possible ({short})"
            checked += 1
    assert checked >= 5


def test_a_moved_commemoration_shows_its_calendar_date_as_possible(catalog: Catalog) -> None:
    """Yom HaShoah moves off a Friday or Sunday; the calendar date it moved from is listed
    as possible, with the reason, so nobody who keeps the calendar date is told it is clear."""
    moved = [
        o
        for o in _with_alternatives(catalog, dt.date(2020, 1, 1), dt.date(2035, 12, 31))
        if o.note and any(a.convention == "calendar-date" for a in o.alternatives)
    ]
    assert moved, "no moved occurrence in 2020-2035"
    for occ in moved:
        (own,) = [a for a in occ.alternatives if a.convention == "calendar-date"]
        clash = _on(catalog, own.start, occ.observance_id)
        assert clash is not None and clash.label == "possible (the calendar date)"
        assert clash.what.startswith(f"its calendar date. {occ.note.rstrip('.')}")


def test_the_optional_bank_holiday_calendar_does_not_list_a_day_twice(catalog: Catalog) -> None:
    """With the bank-holiday calendar of the organisation's nation switched on, Good Friday
    2027 is one bank-holiday row, that calendar's observance (beside the Christian one)."""
    with_holidays = load_catalog(REPO_ROOT / "calendars").enabled(
        ["bank-holidays-england-and-wales"]
    )
    england = WorkingDays("england-and-wales")
    day = dt.date(2027, 3, 26)
    found = find_clashes(with_holidays, day, day, workdays=england).clashes
    (holiday,) = [c for c in found if c.kind is ClashKind.BANK_HOLIDAY]
    assert holiday.occurrence is not None
    assert (holiday.occurrence.observance_id, holiday.rest_from_work) == (
        "bank-holiday-ew-good-friday",
        True,
    )
    scotland = WorkingDays("scotland")
    other = [c.name for c in find_clashes(with_holidays, day, day, workdays=scotland).clashes]
    assert "Good Friday (England and Wales)" in other  # another nation's calendar still shows

"""Importing Google- and Outlook-shaped iCalendar exports into a commented calendar file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.importers.ics import read_ics
from support.cli import CliRunner

WINDOW = (dt.date(2025, 1, 1), dt.date(2028, 12, 31))


def test_google_export_events(fixtures: Path) -> None:
    """All-day, timed and yearly-recurring events become dated events with their lines."""
    result = read_ics((fixtures / "google-export.ics").read_bytes(), "g.ics", WINDOW)
    assert result.title == "Trust EDI calendar"
    found = {(e.name, e.start, e.end) for e in result.events}
    # International Women's Day is 8 March every year (internationalwomensday.com).
    for year in range(2025, 2029):
        assert ("International Women's Day", dt.date(year, 3, 8), dt.date(year, 3, 8)) in found
    assert ("Black History Month", dt.date(2026, 10, 1), dt.date(2026, 10, 31)) in found
    assert ("South Asian Heritage Month", dt.date(2026, 7, 18), dt.date(2026, 8, 17)) in found
    timed = [e for e in result.events if e.timed]
    assert [(e.start, e.line) for e in timed] == [(dt.date(2026, 5, 13), 48)]


def test_outlook_export_with_windows_zone_and_exdate(fixtures: Path) -> None:
    """Outlook's "GMT Standard Time" zone, EXDATE and an event without DTSTART are handled."""
    result = read_ics((fixtures / "outlook-export.ics").read_bytes(), "o.ics", WINDOW)
    by_name: dict[str, list[Any]] = {}
    for event in result.events:
        by_name.setdefault(event.name, []).append(event)
    # The first Monday of November: 2 Nov 2026, (1 Nov 2027 excluded), 6 Nov 2028.
    assert [e.start for e in by_name["Staff Networks Day"]] == [
        dt.date(2026, 11, 2),
        dt.date(2028, 11, 6),
    ]
    # 18:00 London time on 27 February is still 27 February.
    assert by_name["LGBT+ History Month closing social"][0].start == dt.date(2026, 2, 27)
    # All-day DTEND is exclusive: 11-17 May 2026 (Mental Health Foundation's dates).
    mhaw = by_name["Mental Health Awareness Week"][0]
    assert (mhaw.start, mhaw.end) == (dt.date(2026, 5, 11), dt.date(2026, 5, 17))
    assert any("without a date" in f.message and f.line == 74 for f in result.findings)


def test_outlook_import_report_and_file(workdir: Path, fixtures: Path, run_cli: CliRunner) -> None:
    """The Outlook export gives sensible observances, a readable report and a loadable file."""
    result = run_cli("import", str(fixtures / "outlook-export.ics"), "--calendar", "trust")
    assert result.code == 0, result.err
    catalog = load_catalog(workdir / "calendars")
    mhaw = catalog.observances["mental-health-awareness-week"]
    # Agrees with the rule (week from the second Monday of May) so it is now confirmed.
    assert mhaw.years["2026"].start == dt.date(2026, 5, 11)
    assert mhaw.years["2026"].source == "outlook-export.ics"
    networks = catalog.observances["staff-networks-day"]
    assert networks.rule.__class__.__name__ == "NthWeekdayRule"
    # Black History Month in February is reported as the US convention, never taken.
    assert "2026" not in catalog.observances["black-history-month"].years
    assert "February is the US convention" in result.err
    assert "outlook-export.ics:44" in result.err
    assert "second date in 2026" in result.err
    last = result.out.strip().splitlines()[-1]
    assert last.startswith("2 added, 2 updated, 0 unchanged, 1 reported, 6 warnings")
    assert "wrote calendars/trust.toml" in last


def test_disagreeing_faith_date_is_reported(
    workdir: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    """An Eid date three days from the computed one is reported as beyond ±1 day, not taken."""
    ics = tmp_path / "eid.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260323\r\n"
        "SUMMARY:Eid al-Fitr\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    result = run_cli("import", str(ics), "--calendar", "trust")
    assert result.code == 0
    assert "+3 days from the computed 2026-03-20" in result.err
    assert "more than the ±1 day it may vary" in result.err
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


@pytest.mark.timeout(30)
def test_yearly_rule_expansion_is_bounded_by_year(
    workdir: Path, fixtures: Path, run_cli: CliRunner
) -> None:
    """With --year only that year's instance of a recurring event is imported."""
    result = run_cli(
        "import", str(fixtures / "google-export.ics"), "--calendar", "trust", "--year", "2027",
        "--dry-run",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "international-womens-day" in result.out
    assert "2026-10-01" not in result.out  # Black History Month 2026 is outside --year


def test_rdate_and_moved_instance() -> None:
    """RDATE adds days; a RECURRENCE-ID instance replaces the day it moved from."""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260601\r\n"
        "RRULE:FREQ=YEARLY;COUNT=3\r\nRDATE;VALUE=DATE:20260901,20261001\r\n"
        "SUMMARY:Staff forum\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;VALUE=DATE:20270601\r\n"
        "DTSTART;VALUE=DATE:20270603\r\nSUMMARY:Staff forum\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    result = read_ics(text.encode(), "r.ics", WINDOW)
    assert sorted(e.start for e in result.events) == [
        dt.date(2026, 6, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        dt.date(2027, 6, 3),
        dt.date(2028, 6, 1),
    ]


@pytest.mark.parametrize("name", ["google-export.ics", "outlook-export.ics"])
def test_expansion_agrees_with_recurring_ical_events(fixtures: Path, name: str) -> None:
    """Every (name, first day) matches what the independent recurring-ical-events library gives."""
    import icalendar
    import recurring_ical_events

    raw = (fixtures / name).read_bytes()
    ours = {(e.name, e.start) for e in read_ics(raw, name, WINDOW).events}
    calendar = icalendar.Calendar.from_ical(raw)
    # An event without DTSTART is invalid; ours skips it with a warning, the library raises.
    calendar.subcomponents[:] = [
        c for c in calendar.subcomponents if c.name != "VEVENT" or "DTSTART" in c
    ]
    theirs = set()
    for event in recurring_ical_events.of(calendar).between(WINDOW[0], WINDOW[1]):
        start = event["DTSTART"].dt
        if isinstance(start, dt.datetime):
            start = start.astimezone(ZoneInfo("Europe/London")).date()
        theirs.add((" ".join(str(event["SUMMARY"]).split()), start))
    assert ours == theirs


def test_unknown_zone_with_utc_end() -> None:
    """A DTSTART in a zone nobody knows (read as floating) and a UTC DTEND still give a day."""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:z\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Nowhere/Else:20260601T100000\r\n"
        "DTEND:20260601T120000Z\r\nSUMMARY:Pride breakfast\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = read_ics(text.encode(), "z.ics", WINDOW).events
    assert (event.start, event.end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 1))


@pytest.mark.parametrize(
    "published",
    [
        # As 0.1.0 feeds wrote it.
        "Festival marking the end of Ramadan.\n\nBegins at sunset on the evening before.\n\n"
        "Estimated date: may vary by 1 day, as the date is set by local observation or "
        "announcement nearer the time.\n\nTheme for 2026: Sharing\n\n"
        "More information: https://www.mcb.org.uk/",
        # As feeds write it now: the status first, the conventions after the description.
        "Estimated date, ±1 day; begins the evening before (at sunset).\n\n"
        "Festival marking the end of Ramadan.\n\nTheme for 2026: Sharing\n\n"
        "The date is set by local observation or announcement nearer the time, so it may move "
        "by ±1 day.\n\nAbout the date: Dates follow the Umm al-Qura calendar (Saudi Arabia); UK "
        "moon sighting (crescent visible from London) gives Sat 21 Mar 2026.\n\n"
        "More information: https://www.mcb.org.uk/",
    ],
    ids=["0.1.0", "now"],
)
def test_descriptions_from_edicalendar_feeds_read_back(published: str) -> None:
    """The paragraphs edicalendar's feeds add, in this release's wording and 0.1.0's, are read
    back (evening start, theme, link) or dropped (status, conventions), never copied."""
    from edicalendar.importers.ics import read_description

    notes = read_description(published)
    assert notes.description == "Festival marking the end of Ramadan."
    assert (notes.theme, notes.url, notes.evening_before) == (
        "Sharing",
        "https://www.mcb.org.uk/",
        True,
    )

"""Round trip: a feed of the project's occurrences, imported into an empty calendar, gives
the same occurrences back."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from edicalendar.catalog import load_catalog
from edicalendar.importers import ImportOptions, run_import
from edicalendar.occurrences import expand

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip"
START, END = dt.date(2026, 1, 1), dt.date(2027, 12, 31)


def _feed_bytes() -> bytes:
    """An .ics of the fixture calendar built with the icalendar library (one VEVENT each)."""
    from icalendar import Calendar, Event

    catalog = load_catalog(FIXTURE)
    calendar = Calendar()
    calendar.add("prodid", "-//edicalendar tests//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Round trip")
    for occ in expand(catalog, START, END).occurrences:
        event = Event()
        key = f"{occ.observance_id}/{occ.instance}"
        event.add("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, key)))
        event.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        event.add("summary", occ.name)
        event.add("dtstart", occ.start)
        event.add("dtend", occ.end + dt.timedelta(days=1))
        event.add("description", occ.description)
        event.add("categories", [c.value for c in occ.categories])
        calendar.add_component(event)
    return calendar.to_ical()


def _occurrences(directory: Path) -> set[tuple[str, dt.date, dt.date]]:
    found = expand(load_catalog(directory), START, END).occurrences
    return {(o.name, o.start, o.end) for o in found}


def test_feed_imported_into_empty_calendar_gives_same_occurrences(tmp_path: Path) -> None:
    """Every occurrence in the feed window comes back with the same name and dates."""
    feed = tmp_path / "feed.ics"
    feed.write_bytes(_feed_bytes())
    target = tmp_path / "calendars"
    report = run_import(
        ImportOptions(source=str(feed), calendar="imported"),
        calendars_dir=target,
        data_dir=tmp_path / "data",
        today=dt.date(2026, 6, 1),
    )
    assert report.written
    expected = _occurrences(FIXTURE)
    assert len(expected) >= 18
    assert _occurrences(target) == expected
    # Fixed, monthly and span rules are recognised; lunar ones need a reviewer.
    catalog = load_catalog(target)
    assert type(catalog.observances["international-womens-day"].rule).__name__ == "FixedRule"
    assert type(catalog.observances["lgbt-history-month"].rule).__name__ == "MonthRule"
    assert type(catalog.observances["mental-health-awareness-week"].rule).__name__ == (
        "NthWeekdayRule"
    )
    text = (target / "imported.toml").read_text()
    assert "# review: rule is a placeholder (dates differ between years)" in text
    assert text.startswith('[calendar]\ntitle = "Round trip"\n')

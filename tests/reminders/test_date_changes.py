"""Date-change notices, the pure part: which changes are found, and what each notice says.

Eid al-Fitr 1448 is estimated for Tue 9 Mar 2027 by the Umm al-Qura calendar; a UK
moon-sighting announcement of Wed 10 Mar is the change a notice must carry. Carers Week 2027
is predicted for 7-13 June until Carers UK announces it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from edicalendar.model import Status
from edicalendar.reminders.date_changes import KnownDate, detect_changes
from edicalendar.reminders.planner import (
    PlannerInput,
    PlannerSettings,
    ReminderKind,
    plan_reminders,
)
from support.builders import make_occurrence
from support.clock import utc

FOUND = utc(2027, 3, 8, 19, 5)
EID = replace(
    make_occurrence(
        "eid-al-fitr", "Eid al-Fitr", dt.date(2027, 3, 9), url="https://www.mcb.org.uk/"
    ),
    status=Status.ESTIMATED,
    may_vary_days=1,
    begins_evening_before=True,
    calendar="islamic",
)
CONFIRMED_EID = replace(
    EID,
    start=dt.date(2027, 3, 10),
    end=dt.date(2027, 3, 10),
    status=Status.CONFIRMED,
    may_vary_days=0,
    source="https://www.hilalcommittee.org.uk/",
)


def test_first_sight_is_remembered_without_a_notice() -> None:
    """The first run (or a date coming into range) is not a change."""
    remember, changes = detect_changes({}, [EID], FOUND)
    assert changes == []
    assert remember == [KnownDate("eid-al-fitr", "2027", EID.start, EID.end, "estimated", 0)]


def test_an_eid_confirmation_a_day_later_is_one_change() -> None:
    """Estimated 9 March, confirmed 10 March: one change, revision 1, saying both dates."""
    known = {("eid-al-fitr", "2027"): KnownDate.of(EID)}
    remember, (change,) = detect_changes(known, [CONFIRMED_EID], FOUND)
    assert remember == [KnownDate.of(CONFIRMED_EID, 1)]
    assert (change.revision, change.moved, change.rule) == (1, True, "eid-al-fitr/2027/r1")
    assert change.title == "Date change: Eid al-Fitr is now Wed 10 Mar 2027"
    assert change.body.splitlines()[:2] == [
        "Eid al-Fitr 2027: confirmed for Wed 10 Mar 2027. It was estimated for Tue 9 Mar 2027.",
        "It begins the evening before: from sunset on Tue 9 Mar 2027.",
    ]
    assert "Source: https://www.hilalcommittee.org.uk/" in change.body


def test_same_dates_confirmed_is_a_change_and_nothing_new_is_not() -> None:
    """Carers Week announced on the predicted dates: "Date confirmed". The same state seen
    again (the next tick) is no change."""
    week = replace(
        make_occurrence("carers-week", "Carers Week", dt.date(2027, 6, 7), dt.date(2027, 6, 13)),
        status=Status.PROVISIONAL,
    )
    announced = replace(week, status=Status.CONFIRMED, theme="Caring together")
    known = {("carers-week", "2027"): KnownDate.of(week, 3)}
    remember, (change,) = detect_changes(known, [announced], FOUND)
    assert change.revision == 4 and not change.moved
    assert change.title == "Date confirmed: Carers Week, Mon 7 Jun 2027 – Sun 13 Jun 2027"
    assert "Theme: Caring together" in change.body
    again = {k.key: k for k in remember}
    assert detect_changes(again, [announced], FOUND) == ([], [])


def test_the_planner_sends_each_change_once_to_each_destination_that_asks() -> None:
    """One notice per destination with notify_changes, due when found, keyed by revision,
    worth sending until the occurrence is over, with the feed's event attached."""
    _, changes = detect_changes(
        {("eid-al-fitr", "2027"): KnownDate.of(EID)}, [CONFIRMED_EID], FOUND
    )
    settings = PlannerSettings(change_destinations=("staff-slack", "staff-email"))
    planned = plan_reminders(
        PlannerInput([], date_changes=changes), settings, utc(2027, 3, 8), utc(2027, 3, 9)
    )
    assert [(r.kind, r.key, r.due_at) for r in planned] == [
        (
            ReminderKind.DATE_CHANGE,
            "date-change:eid-al-fitr/2027/r1:2027-03-08:staff-email",
            FOUND,
        ),
        (
            ReminderKind.DATE_CHANGE,
            "date-change:eid-al-fitr/2027/r1:2027-03-08:staff-slack",
            FOUND,
        ),
    ]
    notice = planned[0]
    assert notice.not_after == utc(2027, 3, 11)  # midnight after 10 March (GMT)
    assert notice.message.event is not None
    assert (notice.message.event.start, notice.message.event.end) == (
        dt.date(2027, 3, 10),
        dt.date(2027, 3, 10),
    )
    assert notice.message.event.description.startswith("Begins the evening before (at sunset)")
    assert [link.url for link in notice.message.links] == [
        "https://www.mcb.org.uk/",
        "https://www.hilalcommittee.org.uk/",
    ]
    nobody = plan_reminders(
        PlannerInput([], date_changes=changes), PlannerSettings(), utc(2027, 3, 8), utc(2027, 3, 9)
    )
    assert nobody == []


def test_the_tracker_records_each_change_once_on_both_databases(
    any_url: str, tmp_path: Path
) -> None:
    """On SQLite and PostgreSQL: the first pass remembers, a confirmation is one change kept in
    the database for the planner, passes after it find nothing new, and a dry run finds the
    change without recording it."""
    from zoneinfo import ZoneInfo

    from edicalendar.calendar.catalog_watch import CatalogWatch
    from edicalendar.reminders.date_tracking import DateTracker
    from edicalendar.storage.engine import open_database

    folder = tmp_path / "calendars"
    folder.mkdir()
    week = folder / "weeks.toml"
    week.write_text(WEEK, encoding="utf-8")
    database = open_database(any_url)
    try:
        tracker = DateTracker(
            database, CatalogWatch(folder), timezone=ZoneInfo("Europe/London"), days=90
        )
        first = utc(2026, 6, 1, 8)
        assert tracker.detect(first) == []
        week.write_text(WEEK + ANNOUNCED, encoding="utf-8")
        (dry,) = tracker.pending(utc(2026, 6, 2, 8))
        assert tracker.recent(first) == []
        (found,) = tracker.detect(utc(2026, 6, 2, 8))
        assert (dry.revision, found.revision) == (1, 1)
        assert tracker.detect(utc(2026, 6, 2, 9)) == []
        (kept,) = tracker.recent(first)
        assert (kept.rule, kept.detected_at, kept.title, kept.body) == (
            "carers-week/2026/r1",
            utc(2026, 6, 2, 8),
            found.title,
            found.body,
        )
        assert (kept.old_start, kept.new_start, kept.new_status) == (
            dt.date(2026, 6, 15),
            dt.date(2026, 6, 8),
            "confirmed",
        )
    finally:
        database.engine.dispose()


def test_a_date_moved_out_of_range_is_still_a_change(tmp_path: Path) -> None:
    """A week moved from mid-June to September (beyond the 90 days ahead) is announced: people
    expecting it in June need to hear that it moved."""
    from zoneinfo import ZoneInfo

    from edicalendar.calendar.catalog_watch import CatalogWatch
    from edicalendar.reminders.date_tracking import DateTracker
    from edicalendar.storage.engine import open_database

    folder = tmp_path / "calendars"
    folder.mkdir()
    week = folder / "weeks.toml"
    week.write_text(WEEK, encoding="utf-8")
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        tracker = DateTracker(
            database, CatalogWatch(folder), timezone=ZoneInfo("Europe/London"), days=30
        )
        assert tracker.detect(utc(2026, 6, 1, 8)) == []
        week.write_text(
            WEEK
            + ANNOUNCED.replace("2026-06-08", "2026-09-07").replace("2026-06-14", "2026-09-13"),
            encoding="utf-8",
        )
        (moved,) = tracker.detect(utc(2026, 6, 2, 8))
        assert (moved.new_start, moved.title) == (
            dt.date(2026, 9, 7),
            "Date change: Carers Week is now Mon 7 Sep 2026 – Sun 13 Sep 2026",
        )
    finally:
        database.engine.dispose()


WEEK = """\
[[observance]]
id = "carers-week"
name = "Carers Week"
categories = ["health_wellbeing"]
rule = { kind = "nth_weekday", month = 6, weekday = "mon", nth = 3 }
duration_days = 7
announced = true
description = "Carers UK's week."
sources = ["https://www.carersuk.org/"]
"""
ANNOUNCED = """
[observance.years.2026]
start = 2026-06-08
end = 2026-06-14
source = "https://www.carersuk.org/news/carers-week-2026"
"""


def test_a_commit_by_another_process_mid_pass_waits_rather_than_failing(tmp_path: Path) -> None:
    """The first planning pass of a new `serve` reads the remembered dates, works out the
    calendar (slow the first time), then writes. If the web side commits its feed tracking in
    between, a transaction that only read so far cannot take the write lock ("database is
    locked" at once, whatever the busy timeout): the pass must hold the lock from its start,
    so the other writer waits a moment and both succeed."""
    import threading
    from zoneinfo import ZoneInfo

    from edicalendar.calendar.catalog_watch import CatalogWatch
    from edicalendar.reminders.date_tracking import DateTracker
    from edicalendar.storage.engine import open_database
    from edicalendar.storage.state import StateStore

    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "weeks.toml").write_text(WEEK, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    database = open_database(url)
    web = open_database(url)
    watch = CatalogWatch(folder)
    outcome: list[str] = []

    def web_commits() -> None:
        try:
            StateStore(web).set_pruned_at("feed_events", utc(2026, 6, 1, 8))
            outcome.append("committed")
        except Exception as exc:  # the assertion below says what happened
            outcome.append(repr(exc))

    def catalog_while_the_web_writes():  # type: ignore[no-untyped-def]
        other = threading.Thread(target=web_commits)
        other.start()
        other.join(timeout=1.0)  # committed at once if this pass holds no lock; else waits
        return watch()

    try:
        tracker = DateTracker(
            database, catalog_while_the_web_writes, timezone=ZoneInfo("Europe/London"), days=90
        )
        assert tracker.detect(utc(2026, 6, 1, 8)) == []
        for _ in range(100):  # the other writer goes on once the pass commits
            if outcome:
                break
            threading.Event().wait(0.05)
        assert outcome == ["committed"]
        assert StateStore(database).pruned_at("feed_events") == utc(2026, 6, 1, 8)
    finally:
        database.engine.dispose()
        web.engine.dispose()

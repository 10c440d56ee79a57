"""`edicalendar dates due`: what is still a prediction in the coming year, and where to check.

A small calendar with known history: a week its organiser announces each year (2025 recorded
and checked), a day announced but never recorded, an estimated Islamic date, and a fixed day.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from edicalendar.calendar.announcements import dates_due
from edicalendar.calendar.catalog import load_catalog
from support.cli import CliRunner

CALENDAR = """\
[calendar]
title = "Test"

[[observance]]
id = "carers-week"
name = "Carers Week"
categories = ["health_wellbeing"]
rule = { kind = "nth_weekday", month = 6, weekday = "mon", nth = 2 }
duration_days = 7
announced = true
description = "Carers UK's week."
url = "https://www.carersuk.org/get-involved/carers-week/"
sources = ["https://www.carersuk.org/"]

[observance.years.2025]
start = 2025-06-09
end = 2025-06-15
source = "https://www.carersuk.org/"
checked = 2025-03-03

[observance.years.2026]
theme = "Recorded without dates"
checked = 2026-02-10

[[observance]]
id = "staff-networks-day"
name = "National Day for Staff Networks"
categories = ["general_edi"]
rule = { kind = "nth_weekday", month = 5, weekday = "wed", nth = 2 }
announced = true
description = "A day in May."
sources = ["https://example.org/"]

[[observance]]
id = "eid-al-fitr"
name = "Eid al-Fitr"
categories = ["religion_belief"]
rule = { kind = "hijri", month = 10, day = 1 }
begins_evening_before = true
description = "End of Ramadan."
sources = ["https://example.org/"]

[[observance]]
id = "womens-day"
name = "International Women's Day"
categories = ["sex"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "8 March."
sources = ["https://example.org/"]
"""


@pytest.fixture
def calendars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "test.toml").write_text(CALENDAR, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def test_due_lists_unannounced_organiser_dates_with_their_history(calendars: Path) -> None:
    """From 1 Feb 2026: the staff networks day (Wed 13 May 2026) and Carers Week (8-14 June
    2026, the second Monday) are due, with the organiser's page and the last check; the
    estimated Eid and the fixed day are not, unless every estimated date is asked for."""
    catalog = load_catalog(calendars)
    due = dates_due(catalog, dt.date(2026, 2, 1), days=200)
    assert [(d.occurrence.observance_id, d.occurrence.start) for d in due] == [
        ("staff-networks-day", dt.date(2026, 5, 13)),
        ("carers-week", dt.date(2026, 6, 8)),
    ]
    networks, carers = due
    assert (networks.last_checked, networks.last_recorded, networks.organiser_url) == (
        None,
        None,
        None,
    )
    assert (carers.last_checked, carers.last_recorded) == (dt.date(2026, 2, 10), "2025")
    assert carers.record()["organiser_url"] == "https://www.carersuk.org/get-involved/carers-week/"
    everything = dates_due(catalog, dt.date(2026, 2, 1), days=200, include_estimated=True)
    assert [d.occurrence.observance_id for d in everything] == [
        "eid-al-fitr",  # 20 March 2026 (Umm al-Qura)
        "staff-networks-day",
        "carers-week",
    ]


def test_a_recorded_year_is_no_longer_due(calendars: Path) -> None:
    """Once 2026's dates are recorded, Carers Week 2026 drops out; over 500 days, 2027's
    (from Monday 14 June 2027) is due, after both years of the staff networks day."""
    text = (calendars / "test.toml").read_text(encoding="utf-8")
    text = text.replace(
        'theme = "Recorded without dates"\n',
        'start = 2026-06-08\nend = 2026-06-14\nsource = "https://www.carersuk.org/"\n',
    )
    (calendars / "test.toml").write_text(text, encoding="utf-8")
    due = dates_due(load_catalog(calendars), dt.date(2026, 2, 1), days=500)
    assert [(d.occurrence.observance_id, d.occurrence.instance) for d in due] == [
        ("staff-networks-day", "2026"),
        ("staff-networks-day", "2027"),
        ("carers-week", "2027"),
    ]
    assert due[-1].last_recorded == "2026"


def test_due_command_table_and_json(calendars: Path, run_cli: CliRunner) -> None:
    """The table names each date, its organiser's page and last check, then how to record an
    announcement; JSON carries the same with stable keys."""
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        table = run_cli("dates", "due")
        data = run_cli("dates", "due", "--format", "json")
    assert table.code == 0, table.err
    assert "Mon 8 Jun 2026 – Sun 14 Jun 2026 (provisional)" in table.out
    assert "https://www.carersuk.org/get-involved/carers-week/" in table.out
    assert "2026-02-10" in table.out and "never" in table.out
    assert "edicalendar dates confirm ID --year YEAR --start YYYY-MM-DD" in table.out
    rows = json.loads(data.out)
    assert [r["observance"] for r in rows] == ["staff-networks-day", "carers-week"]
    assert set(rows[1]) >= {
        "observance",
        "name",
        "instance",
        "start",
        "end",
        "status",
        "organiser_url",
        "last_checked",
        "last_recorded",
    }
    assert (rows[1]["last_checked"], rows[1]["last_recorded"]) == ("2026-02-10", "2025")

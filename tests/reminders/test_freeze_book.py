"""The freeze book and `edicalendar freeze`: recording, listing and ending freezes.

The book runs against a real SQLite file and a real PostgreSQL database with an injected
clock; the commands run in-process with the clock moved by time-machine. Dates of computed
pre-election periods are the ones NHS England and the election timetables published (see
tests/calendar/test_freezes.py for the sources).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from edicalendar.calendar.freezes import FreezeKind, FreezeStatus, Restriction, freeze_status
from edicalendar.config import FreezeSettings
from edicalendar.errors import FreezeError, FreezeNotFoundError
from edicalendar.reminders.freeze_book import FreezeBook, FreezeRequest
from edicalendar.storage.engine import open_database
from support.cli import CliRunner
from support.clock import Clock, utc

LONDON = ZoneInfo("Europe/London")
D = dt.date
NHS_ENGLAND_2024 = (
    "https://www.england.nhs.uk/long-read/"
    "pre-election-guidance-for-nhs-organisations-general-election-2024/"
)


def _book(url: str, clock: Clock, settings: FreezeSettings | None = None) -> FreezeBook:
    return FreezeBook(
        open_database(url),
        settings or FreezeSettings(),
        nation="england-and-wales",
        timezone=LONDON,
        now=clock,
    )


def test_lifecycle_of_a_general_election_period_with_an_injected_clock(any_url: str) -> None:
    """Recorded in April from its polling day; upcoming, in force from 00:01 on its first day,
    over after polling day; the table says so at every step."""
    clock = Clock(utc(2024, 4, 2, 9))
    book = _book(any_url, clock)
    freeze = book.add(
        FreezeRequest(
            FreezeKind.GENERAL_ELECTION,
            "General election 4 July 2024",
            start=D(2024, 5, 25),
            polling_day=D(2024, 7, 4),
            source=NHS_ENGLAND_2024,
        ),
        by="asha.khan@nhs.net",
    )
    assert (freeze.start, freeze.end, freeze.restricts) == (
        D(2024, 5, 25),
        D(2024, 7, 4),
        Restriction.PUBLIC,
    )
    assert freeze.created_by == "asha.khan@nhs.net" and freeze.public
    assert [f.id for f in book.current()] == [freeze.id] and book.in_force() == []
    assert freeze_status(freeze, clock(), LONDON) is FreezeStatus.UPCOMING
    clock.set(utc(2024, 5, 24, 23, 0, 30))  # 00:00:30 BST on Saturday 25 May
    assert [f.id for f in book.in_force()] == [freeze.id]
    clock.set(utc(2024, 7, 4, 22, 59))
    assert book.in_force() != []
    clock.set(utc(2024, 7, 4, 23, 0))  # midnight BST: 5 July
    assert book.in_force() == [] and book.current() == []
    assert freeze_status(book.get(freeze.id), clock(), LONDON) is FreezeStatus.OVER
    with pytest.raises(FreezeError, match="already over: its last day was Thu 4 Jul 2024"):
        book.end(freeze.id, by="asha.khan@nhs.net")


def test_open_ended_mourning_is_ended_once(any_url: str) -> None:
    """National mourning from 9 September 2022 until someone ends it; a second end is refused
    with when and by whom it was ended."""
    clock = Clock(utc(2022, 9, 8, 18, 30))  # the death of Queen Elizabeth II was announced
    book = _book(any_url, clock)
    mourning = book.add(
        FreezeRequest(FreezeKind.MOURNING, "Death of Queen Elizabeth II", start=D(2022, 9, 9)),
        by="comms",
    )
    assert mourning.end is None and mourning.restricts is Restriction.STAFF
    clock.set(utc(2022, 9, 19, 12))
    assert [f.id for f in book.in_force()] == [mourning.id]
    clock.set(utc(2022, 9, 20, 7, 30))  # 08:30 BST
    ended = book.end(mourning.id, by="comms")
    assert ended.ended_at == clock() and ended.ended_by == "comms"
    assert ended.last_day == D(2022, 9, 19)
    assert book.in_force() == [] and book.current() == []
    with pytest.raises(FreezeError, match="already ended at 2022-09-20 08:30 by comms"):
        book.end(mourning.id, by="someone else")
    assert len(book.all()) == 1


def test_ending_a_freeze_that_has_not_begun_cancels_it(any_url: str) -> None:
    clock = Clock(utc(2026, 11, 1, 10))
    book = _book(any_url, clock)
    ahead = book.add(
        FreezeRequest(FreezeKind.LOCAL_ELECTION, "Local elections", polling_day=D(2027, 5, 6)),
        by=None,
    )
    # 25 working days back from Thursday 6 May 2027, skipping the early May bank holiday (3 May)
    # and Easter Monday (29 March), counted by hand on a calendar: Wednesday 31 March.
    assert ahead.start == D(2027, 3, 31)
    cancelled = book.end(ahead.id, by=None)
    assert cancelled.cancelled
    assert freeze_status(cancelled, clock(), LONDON) is FreezeStatus.CANCELLED
    assert book.current() == []


def test_the_same_freeze_twice_is_refused_naming_the_first(sqlite_url: str) -> None:
    book = _book(sqlite_url, Clock(utc(2026, 3, 1)))
    request = FreezeRequest(
        FreezeKind.DEVOLVED_ELECTION, "Senedd 2026", polling_day=D(2026, 5, 7), area="Wales"
    )
    first = book.add(request, by=None)
    assert (first.start, first.area) == (D(2026, 4, 8), "wales")
    with pytest.raises(FreezeError, match=f"already recorded as freeze {first.id}"):
        book.add(request, by=None)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            FreezeRequest(
                FreezeKind.ORGANISATION, "Embargo", start=D(2026, 5, 2), end=D(2026, 5, 1)
            ),
            "the last day (--to) 2026-05-01 is before the first (--from) 2026-05-02",
        ),
        (
            FreezeRequest(FreezeKind.GENERAL_ELECTION, "GE", start=D(2026, 5, 2)),
            "a pre-election period ends",
        ),
        (
            FreezeRequest(FreezeKind.MOURNING, "Mourning"),
            "say when it starts: its first day (--from)",
        ),
        (
            FreezeRequest(FreezeKind.MOURNING, "Mourning", polling_day=D(2026, 5, 7)),
            "a polling day (--polling-day) is for elections",
        ),
        (
            FreezeRequest(FreezeKind.DEVOLVED_ELECTION, "Holyrood", polling_day=D(2026, 5, 7)),
            "needs its area (--area): scotland, wales or northern-ireland",
        ),
        (
            FreezeRequest(
                FreezeKind.LOCAL_ELECTION,
                "Local",
                start=D(2026, 5, 8),
                polling_day=D(2026, 5, 7),
            ),
            "polling day 2026-05-07 is outside the period",
        ),
        (
            FreezeRequest(FreezeKind.MOURNING, "  ", start=D(2026, 5, 7)),
            "reason: say why",
        ),
        (
            FreezeRequest(
                FreezeKind.MOURNING, "Mourning", start=D(2026, 5, 7), source="javascript:alert(1)"
            ),
            "is not a link we publish: it has javascript:",
        ),
        (
            FreezeRequest(FreezeKind.MOURNING, "Mourning", start=D(1066, 10, 14)),
            "outside the years 1900-2200",
        ),
    ],
    ids=[
        "ends-before-start",
        "election-without-end",
        "no-start",
        "polling-day-for-mourning",
        "devolved-without-nation",
        "polling-outside",
        "blank-reason",
        "bad-source",
        "year-typo",
    ],
)
def test_a_freeze_that_cannot_be_is_refused_saying_why(
    sqlite_url: str, request_: FreezeRequest, message: str
) -> None:
    book = _book(sqlite_url, Clock(utc(2026, 3, 1)))
    with pytest.raises(FreezeError, match=re.escape(message)):
        book.add(request_, by=None)
    assert book.all() == []


def test_an_unknown_freeze_is_not_found(sqlite_url: str) -> None:
    with pytest.raises(FreezeNotFoundError, match="no freeze 7"):
        _book(sqlite_url, Clock(utc(2026, 3, 1))).end(7, by=None)


def test_control_characters_and_spaces_in_a_reason_are_folded(sqlite_url: str) -> None:
    book = _book(sqlite_url, Clock(utc(2026, 3, 1)))
    freeze = book.add(
        FreezeRequest(FreezeKind.ORGANISATION, "Serious\x1b[31m   incident\nreview", D(2026, 3, 2)),
        by=None,
    )
    assert freeze.reason == "Serious [31m incident review"
    assert not freeze.public  # an organisation's own freeze is private unless said


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ('=HYPERLINK("http://x")', "spreadsheets run as a formula"),
        ("Review \u202egninrom", "U+202E"),
    ],
    ids=["formula", "bidi-override"],
)
def test_a_reason_that_reads_as_a_formula_or_hides_text_is_refused(
    sqlite_url: str, reason: str, expected: str
) -> None:
    book = _book(sqlite_url, Clock(utc(2026, 3, 1)))
    with pytest.raises(FreezeError, match=re.escape(expected)):
        book.add(FreezeRequest(FreezeKind.ORGANISATION, reason, D(2026, 3, 2)), by=None)
    assert book.all() == []


# --- the commands -------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, run_cli: CliRunner) -> CliRunner:
    config = tmp_path / "edicalendar.toml"
    config.write_text(f'[data]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n', encoding="utf-8")
    return run_cli.with_config(config)


def test_freeze_commands_record_list_and_end(cli: CliRunner) -> None:
    with time_machine.travel(dt.datetime(2024, 5, 23, 10, tzinfo=dt.UTC), tick=False):
        added = cli(
            "freeze",
            "add",
            "--kind",
            "general-election",
            "--from",
            "2024-05-25",
            "--polling-day",
            "2024-07-04",
            "--reason",
            "General election 4 July 2024",
            "--source",
            NHS_ENGLAND_2024,
            "--by",
            "Asha",
        )
        assert added.code == 0, added.err
        assert added.out.splitlines() == [
            "Recorded freeze 1: General election pre-election period: General election 4 July "
            "2024, Sat 25 May 2024 to Thu 4 Jul 2024 (polling day Thu 4 Jul 2024).",
            "It holds public announcements and social posts.",
        ]
        mourning = cli(
            "freeze", "add", "--kind", "mourning", "--from", "2024-06-01", "--reason", "Test"
        )
        assert mourning.code == 0 and "from Sat 1 Jun 2024 until it is ended" in mourning.out
        listed = cli("freeze", "list", "--format", "json")
        records = json.loads(listed.out)
        assert [r["id"] for r in records] == [1, 2]
        assert records[0] | {"created_at": None} == {
            "id": 1,
            "kind": "general-election",
            "title": "General election pre-election period: General election 4 July 2024",
            "reason": "General election 4 July 2024",
            "start": "2024-05-25",
            "end": "2024-07-04",
            "planned_end": "2024-07-04",
            "polling_day": "2024-07-04",
            "scope": "national",
            "area": None,
            "restricts": "public",
            "restricts_text": "public announcements and social posts",
            "public": True,
            "source": NHS_ENGLAND_2024,
            "status": "upcoming",
            "created_by": "Asha",
            "created_at": None,
            "ended_at": None,
            "ended_by": None,
        }
        assert records[1]["end"] is None and records[1]["restricts"] == "staff"
        table = cli("freeze", "list")
        assert "until ended" in table.out and "General election 4 July 2024" in table.out
    with time_machine.travel(dt.datetime(2024, 6, 3, 14, tzinfo=dt.UTC), tick=False):
        ended = cli("freeze", "end", "2", "--by", "Asha")
        assert ended.code == 0
        assert ended.out.startswith("Ended freeze 2: Period of national mourning: Test at ")
        again = cli("freeze", "end", "2")
        assert again.code == 1 and "freeze 2 was already ended" in again.err
        rows = list(csv.DictReader(io.StringIO(cli("freeze", "list", "--all", "-f", "csv").out)))
        assert [(r["id"], r["status"], r["end"]) for r in rows] == [
            ("1", "in force", "2024-07-04"),
            ("2", "ended", "2024-06-02"),
        ]
        assert cli("freeze", "list", "-f", "json").out.count('"id"') == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--kind", "general-election", "--reason", "GE"], 1, "say when it starts"),
        (["--kind", "by-election", "--from", "2026-01-01", "--reason", "x"], 2, "by-election"),
        (["--kind", "mourning", "--from", "1 June", "--reason", "x"], 2, "--from: '1 June'"),
        (["--kind", "mourning", "--from", "2026-06-01"], 2, "--reason"),
    ],
    ids=["no-dates", "unknown-kind", "bad-date", "no-reason"],
)
def test_freeze_add_refuses_with_the_option_named(
    cli: CliRunner, args: list[str], code: int, message: str
) -> None:
    result = cli("freeze", "add", *args)
    assert result.code == code
    assert message in result.err


def test_freeze_end_of_an_unknown_id_is_a_usage_error(cli: CliRunner) -> None:
    result = cli("freeze", "end", "9")
    assert result.code == 2 and "no freeze 9" in result.err

"""JSON says what a window leaves out, and why: `not_computed` and `not_held`.

The shipped calendars are used read-only. Facts: the Umm al-Qura table the Islamic dates come
from ends with 1500 AH, on 16 November 2077 (hijridate's documented range is 1343-1500 AH), so
the engine cannot date the whole of 2077 and must say so; LGBT+ History Month was first held
in the UK in February 2005 (Schools OUT UK, lgbtplushistorymonth.co.uk), so February 2004 has
none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine

from support.cli import CliResult, CliRunner
from support.paths import REPO_ROOT

Run = Callable[..., CliResult]


@pytest.fixture
def cli(make_config: Callable[[Path], Path], run_cli: CliRunner) -> Run:
    return run_cli.with_config(make_config(REPO_ROOT / "calendars"))


def _json(result: CliResult) -> Any:
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_occurrences_with_missing_lists_years_that_cannot_be_dated(cli: Run) -> None:
    """In March 2077 every Islamic observance is in `not_computed` with the reason; the bare
    list (the 0.1.0 shape) is unchanged without the option, and the warning stays on stderr."""
    args = ("occurrences", "--from", "2077-03-01", "--to", "2077-03-31", "--format", "json")
    document = _json(cli(*args, "--with-missing"))
    assert set(document) == {"from", "to", "occurrences", "not_computed", "not_held"}
    missing = {item["observance"]: item for item in document["not_computed"]}
    assert {"eid-al-fitr", "ramadan", "eid-al-adha", "islamic-new-year"} <= set(missing)
    eid = missing["eid-al-fitr"]
    assert (eid["name"], eid["year"]) == ("Eid al-Fitr", 2077)
    assert eid["reason"].startswith("cannot compute 2077; supported years are")
    assert not any(o["observance"] == "eid-al-fitr" for o in document["occurrences"])
    bare = cli(*args)
    assert isinstance(json.loads(bare.out), list)
    assert json.loads(bare.out) == document["occurrences"]
    assert "eid-al-fitr: cannot compute 2077" in bare.err


def test_occurrences_with_missing_says_when_an_observance_had_not_begun(cli: Run) -> None:
    """February 2004 has no LGBT+ History Month: `not_held` says it began in 2005."""
    document = _json(
        cli(
            "occurrences",
            "--from",
            "2004-02-01",
            "--to",
            "2004-02-29",
            "-f",
            "json",
            "--with-missing",
        )
    )
    held = {item["observance"]: item for item in document["not_held"]}
    lgbt = held["lgbt-history-month"]
    assert (lgbt["year"], lgbt["since"]) == (2004, 2005)
    assert lgbt["reason"] == "not held in 2004; it began in 2005"
    assert document["not_computed"] == []
    february_2005 = _json(
        cli("occurrences", "--from", "2005-02-01", "--to", "2005-02-28", "-f", "json")
    )
    assert any(o["observance"] == "lgbt-history-month" for o in february_2005)


def test_upcoming_json_always_carries_the_missing_lists(cli: Run) -> None:
    """`upcoming` JSON is an object already, so the lists are always there (empty or not)."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        today = _json(cli("upcoming", "--days", "30", "--format", "json"))
    assert (today["not_computed"], today["not_held"]) == ([], [])
    late = _json(cli("upcoming", "--from", "2076-12-20", "--days", "30", "--format", "json"))
    assert {"eid-al-fitr", "ramadan"} <= {i["observance"] for i in late["not_computed"]}
    assert {i["year"] for i in late["not_computed"]} == {2077}


def test_clashes_with_missing_says_what_could_not_be_checked(cli: Run) -> None:
    """A date check in 2077 cannot say whether Eid falls on the day: it says so."""
    document = _json(cli("clashes", "2077-03-01", "--format", "json", "--with-missing"))
    assert set(document) == {"from", "to", "clashes", "not_computed"}
    assert "eid-al-fitr" in {item["observance"] for item in document["not_computed"]}


def test_years_that_cannot_be_dated_are_warned_once_per_observance_as_ranges(cli: Run) -> None:
    """Four years past the Umm al-Qura table give one warning line per Islamic observance,
    naming the years as a range, not a line per observance and year."""
    result = cli("occurrences", "--from", "2077-01-01", "--to", "2080-12-31", "--format", "json")
    assert result.code == 0, result.err
    eid = [line for line in result.err.splitlines() if "eid-al-fitr:" in line]
    assert len(eid) == 1, eid
    assert "eid-al-fitr: cannot compute 2077-2080; supported years are" in eid[0]


def test_year_warnings_join_consecutive_years_and_keep_other_wording() -> None:
    from edicalendar.calendar.expansion import Skipped, year_warnings

    def skipped(year: int, reason: str = "not_computable") -> Skipped:
        return Skipped("yule", "Yule", year, reason, f"yule: cannot compute {year}; up to 2200")

    items = [skipped(y) for y in (2201, 1899, 1898, 2203, 2202, 1950)]
    items.append(skipped(1890, "before_since"))  # not a computing limit: no warning
    items.append(Skipped("odd", "Odd", 3000, "not_computable", "odd: the table ends"))
    assert year_warnings(items) == [
        "yule: cannot compute 1898-1899, 1950, 2201-2203; up to 2200",
        "odd: the table ends",
    ]

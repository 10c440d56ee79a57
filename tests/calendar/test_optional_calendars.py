"""Optional calendars from the command line, on the shipped data: off by default in
`occurrences`, `clashes`, `feed` and `check`, on when `[calendars] enabled` names them.

Dates used (each published independently of edicalendar): the early May bank holiday 2026 in
England and Wales is Monday 4 May and the summer one Monday 31 August, while Scotland's summer
bank holiday is Monday 3 August (gov.uk/bank-holidays); St Andrew's Day is 30 November; Dry
January is the whole of January (Alcohol Change UK); Cervical Screening Awareness Week 2026
follows Jo's Trust's week in mid-June, and it is cross-listed into the awareness calendar.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.cli import CliRunner
from support.paths import REPO_ROOT

SHIPPED = REPO_ROOT / "calendars"
OPTIONAL = {
    "bank-holidays-england-and-wales",
    "bank-holidays-northern-ireland",
    "bank-holidays-scotland",
    "health-campaigns",
    "nhs-workforce",
    "staff-heritage",
    "uk-nations",
}


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SHIPPED, tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _switch_on(root: Path, *names: str) -> None:
    quoted = ", ".join(f'"{n}"' for n in names)
    (root / "edicalendar.toml").write_text(f"[calendars]\nenabled = [{quoted}]\n")


def _ids(run_cli: CliRunner, *args: str) -> list[str]:
    result = run_cli(*args, "--format", "json")
    assert result.code == 0, result.err
    return [row["observance"] for row in json.loads(result.out)]


def test_calendars_command_lists_optional_calendars_off(shipped: Path, run_cli: CliRunner) -> None:
    result = run_cli("calendars", "--format", "json")
    assert result.code == 0, result.err
    rows = {row["calendar"]: row for row in json.loads(result.out)}
    assert {name for name, row in rows.items() if row["optional"]} == OPTIONAL
    assert {name for name, row in rows.items() if not row["enabled"]} == OPTIONAL
    assert rows["bank-holidays-scotland"]["observances"] >= 9
    table = run_cli("calendars")
    assert "switch optional ones on in [calendars] enabled" in table.out


def test_occurrences_leave_switched_off_calendars_out(shipped: Path, run_cli: CliRunner) -> None:
    may = _ids(run_cli, "occurrences", "--from", "2026-05-04", "--to", "2026-05-04")
    assert "bank-holiday-ew-early-may" not in may
    january = _ids(run_cli, "occurrences", "--from", "2026-01-01", "--to", "2026-01-31")
    assert "dry-january" not in january
    # Cross-listed into the default awareness calendar, so it is on without the option.
    june = _ids(run_cli, "occurrences", "--from", "2026-06-01", "--to", "2026-06-30")
    assert "cervical-screening-awareness-week" in june
    by_calendar = _ids(
        run_cli, "occurrences", "--from", "2026-06-01", "--to", "2026-06-30",
        "--calendar", "awareness",
    )  # fmt: skip
    assert "cervical-screening-awareness-week" in by_calendar


def test_occurrences_of_a_switched_off_calendar_say_how_to_switch_it_on(
    shipped: Path, run_cli: CliRunner
) -> None:
    result = run_cli(
        "occurrences", "--from", "2026-01-01", "--to", "2026-12-31",
        "--calendar", "bank-holidays-scotland",
    )  # fmt: skip
    assert result.code == 2
    assert "optional calendar that is switched off" in result.err
    assert "[calendars] enabled in edicalendar.toml" in result.err


def test_switched_on_calendars_list_in_occurrences(shipped: Path, run_cli: CliRunner) -> None:
    _switch_on(shipped, "bank-holidays-england-and-wales", "bank-holidays-scotland", "uk-nations")
    august = _ids(run_cli, "occurrences", "--from", "2026-08-01", "--to", "2026-08-31")
    assert "bank-holiday-scotland-summer" in august
    assert "bank-holiday-ew-summer" in august
    result = run_cli(
        "occurrences", "--from", "2026-08-01", "--to", "2026-08-31", "--format", "json"
    )
    days = {row["observance"]: row["start"] for row in json.loads(result.out)}
    assert days["bank-holiday-scotland-summer"] == "2026-08-03"
    assert days["bank-holiday-ew-summer"] == "2026-08-31"
    november = _ids(run_cli, "occurrences", "--from", "2026-11-30", "--to", "2026-11-30")
    assert "st-andrews-day" in november
    # Still off: the ones not named.
    assert "dry-january" not in _ids(
        run_cli, "occurrences", "--from", "2026-01-01", "--to", "2026-01-31"
    )


def test_clashes_follow_the_config(shipped: Path, run_cli: CliRunner) -> None:
    def clash_ids() -> set[str]:
        result = run_cli("clashes", "2026-05-04", "--format", "json")
        assert result.code == 0, result.err
        return {row["observance"] for row in json.loads(result.out)}

    assert "bank-holiday-ew-early-may" not in clash_ids()
    _switch_on(shipped, "bank-holidays-england-and-wales")
    assert "bank-holiday-ew-early-may" in clash_ids()


def test_feed_follows_the_config(shipped: Path, run_cli: CliRunner) -> None:
    args = ("feed", "--stateless", "--from", "2026-01-01", "--to", "2026-01-31")
    off = run_cli(*args)
    assert off.code == 0, off.err
    assert "SUMMARY:Dry January" not in off.out
    _switch_on(shipped, "health-campaigns")
    on = run_cli(*args)
    assert on.code == 0, on.err
    assert "SUMMARY:Dry January" in on.out


def test_check_counts_switched_off_calendars(shipped: Path, run_cli: CliRunner) -> None:
    result = run_cli("check")
    assert result.code == 0, result.err
    assert f"{len(OPTIONAL)} optional calendars switched off" in result.out
    _switch_on(shipped, *sorted(OPTIONAL))
    result = run_cli("check")
    assert result.code == 0, result.err
    assert "switched off" not in result.out


def test_unknown_calendar_in_config_names_the_setting(shipped: Path, run_cli: CliRunner) -> None:
    _switch_on(shipped, "bank-holidays-wales")
    result = run_cli("occurrences", "--from", "2026-01-01", "--to", "2026-01-02")
    assert result.code != 0
    assert "calendars.enabled" in result.err
    assert "bank-holidays-wales" in result.err and "bank-holidays-england-and-wales" in result.err


def test_campaign_on_a_switched_off_observance_says_which_calendar(
    shipped: Path, run_cli: CliRunner
) -> None:
    (shipped / "campaigns").mkdir()
    (shipped / "campaigns" / "dry.toml").write_text(
        '[[campaign]]\nid = "dry"\ntitle = "Dry January"\nobservance = "dry-january"\n'
        "every_year = true\n"
    )
    result = run_cli("check")
    assert result.code == 1
    assert "'dry-january' is in the optional calendar 'health-campaigns'" in result.out + result.err
    _switch_on(shipped, "health-campaigns")
    assert run_cli("check").code == 0

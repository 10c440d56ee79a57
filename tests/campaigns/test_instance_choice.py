"""Which campaign instance a command means when none is named: the current or next unfinished.

On 1 December 2026 the shipped Black History Month campaign's 2026 tasks (October 2026) are
overdue and `upcoming` lists them; `campaign done` and `campaign asset` without --year must
record against 2026, say so, and move on to 2027 only once 2026's work is finished.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from support.cli import CliRunner, fix_today

SHIPPED = Path(__file__).resolve().parents[2] / "campaigns"
DECEMBER = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def cli(
    write_config: Callable[..., Path], run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    fix_today(monkeypatch, DECEMBER)
    return run_cli.with_config(write_config(SHIPPED))


def _overdue(cli: CliRunner) -> set[tuple[str, str]]:
    result = cli("upcoming", "--days", "30", "-f", "json")
    assert result.code == 0
    tasks = json.loads(result.out)["tasks"]
    return {(t["task"], t["instance"]) for t in tasks if t["campaign"] == "black-history-month"}


def test_done_marks_the_overdue_instance_that_upcoming_lists(cli: CliRunner) -> None:
    """The task `upcoming` shows overdue (2026's) is the one `done` marks, and it says so."""
    assert ("draft-blog", "2026") in _overdue(cli)
    result = cli("campaign", "done", "black-history-month", "draft-blog", "--by", "Asha")
    assert result.code == 0
    assert result.out.startswith("black-history-month 2026: task draft-blog marked done by Asha")
    assert "the 2026 campaign" in result.out and "--year picks another" in result.out
    assert ("draft-blog", "2026") not in _overdue(cli)


def test_overdue_tasks_stay_listed_past_ninety_days(cli: CliRunner) -> None:
    """Six weeks before 1 Oct 2026 is 20 Aug 2026, 103 days before 1 Dec: still listed."""
    assert ("invite-stories", "2026") in _overdue(cli)


def test_next_year_once_this_years_work_is_finished(cli: CliRunner) -> None:
    """With every 2026 task done and every asset published, the next default is 2027."""
    for task in ("invite-stories", "draft-blog", "update-resources"):
        assert cli("campaign", "done", "black-history-month", task).code == 0
    for asset in ("staff-stories-blog", "resources-page", "newsletter-item"):
        result = cli("campaign", "asset", "black-history-month", asset, "--status", "published")
        assert result.code == 0
        assert result.out.startswith("black-history-month 2026: asset")
    result = cli("campaign", "done", "black-history-month", "draft-blog")
    assert result.out.startswith("black-history-month 2027: task draft-blog marked done")
    # Reopening goes back to where the task was last done before today: 2026.
    result = cli("campaign", "done", "black-history-month", "draft-blog", "--undo")
    assert result.out.startswith("black-history-month 2026: task draft-blog marked open again")


def test_asset_defaults_to_the_same_instance(cli: CliRunner) -> None:
    """`campaign asset` picks the year exactly as `campaign done` does."""
    result = cli(
        "campaign", "asset", "black-history-month", "staff-stories-blog", "--status", "ready"
    )
    assert result.code == 0
    assert result.out.startswith("black-history-month 2026: asset staff-stories-blog is ready")


def test_year_still_chooses(cli: CliRunner) -> None:
    """An explicit --year is obeyed and adds no note."""
    result = cli("campaign", "done", "black-history-month", "draft-blog", "--year", "2027")
    assert result.out.startswith("black-history-month 2027: task draft-blog marked done")
    assert "picks another" not in result.out


def test_show_includes_the_unfinished_instance(cli: CliRunner) -> None:
    """`campaign show` lists 2026 (open work) beside 2027; its CSV is CSV, like `campaigns`."""
    result = cli("campaign", "show", "black-history-month")
    assert "\n2026: Black History Month" in result.out
    assert "\n2027: Black History Month" in result.out
    csv_out = cli("campaign", "show", "black-history-month", "-f", "csv").out
    plan_csv = cli("campaigns", "--year", "2026", "-f", "csv").out
    assert csv_out.splitlines()[0] == plan_csv.splitlines()[0]
    assert not csv_out.lstrip().startswith(("[", "{"))

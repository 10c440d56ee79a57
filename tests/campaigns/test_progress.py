"""Progress commands write to a real SQLite file; done tasks leave `upcoming` and the reminders."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.cli import main


@pytest.fixture
def config(write_config: Callable[..., Path]) -> Path:
    """Config using the fixture calendar and campaigns, with the database under tmp_path."""
    return write_config()


def _rows(config: Path) -> list[tuple[object, ...]]:
    database = config.parent / "data" / "edicalendar.db"
    if not database.exists():
        return []
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT campaign_id, year, instance, item_kind, item_id, status, url, recorded_by "
            "FROM campaign_progress ORDER BY id"
        ).fetchall()


def _upcoming_tasks(config: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    args = [
        "--config",
        str(config),
        "upcoming",
        "--from",
        "2021-03-01",
        "--days",
        "31",
        "-f",
        "json",
    ]
    assert main(args) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    return [t["task"] for t in tasks if t["campaign"] == "iwd-2021"]


def test_done_round_trips_through_sqlite_and_leaves_upcoming(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`campaign done` records who and which instance; the task leaves `upcoming` and
    `done_tasks`, and `--undo` brings it back."""
    from edicalendar.campaigns.progress import done_tasks
    from edicalendar.storage.engine import open_database

    assert _upcoming_tasks(config, capsys) == ["confirm-speaker", "write-up"]
    args = ["--config", str(config), "campaign", "done", "iwd-2021", "confirm-speaker"]
    assert main([*args, "--year", "2021", "--by", "Asha"]) == 0
    assert "iwd-2021 2021: task confirm-speaker marked done by Asha" in capsys.readouterr().out
    assert _rows(config) == [
        ("iwd-2021", 2021, "2021", "task", "confirm-speaker", "done", None, "Asha")
    ]
    assert _upcoming_tasks(config, capsys) == ["write-up"]
    db = open_database(f"sqlite:///{config.parent / 'data' / 'edicalendar.db'}")
    try:
        assert done_tasks(db) == {("iwd-2021", "2021", "confirm-speaker")}
        assert main([*args, "--year", "2021", "--by", "Asha", "--undo"]) == 0
        assert done_tasks(db) == set()
    finally:
        db.close()
    capsys.readouterr()
    assert _upcoming_tasks(config, capsys) == ["confirm-speaker", "write-up"]


def test_asset_status_and_url_show_in_the_plan(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Publishing an asset records status and url; the plan then shows the real address."""
    url = "https://intranet.example.nhs.uk/blog/2021/iwd-guest"
    args = ["--config", str(config), "campaign", "asset", "iwd-2021", "session-blog"]
    assert (
        main([*args, "--status", "published", "--url", url, "--year", "2021", "--by", "Sam"]) == 0
    )
    assert _rows(config)[-1] == (
        "iwd-2021",
        2021,
        "2021",
        "asset",
        "session-blog",
        "published",
        url,
        "Sam",
    )
    capsys.readouterr()
    assert main(["--config", str(config), "campaigns", "--year", "2021", "-f", "json"]) == 0
    plan = {c["campaign"]: c for c in json.loads(capsys.readouterr().out)}
    asset = plan["iwd-2021"]["assets"][0]
    assert (asset["status"], asset["url"]) == ("published", url)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["campaign", "done", "iwd-2021", "no-such-task", "--year", "2021"],
            "has no task 'no-such-task'",
        ),
        (["campaign", "done", "iwd-2O21", "write-up", "--year", "2021"], "did you mean 'iwd-2021'"),
        (["campaign", "done", "iwd-2021", "write-up", "--year", "2023"], "no instance in 2023"),
        (
            [
                "campaign",
                "asset",
                "iwd-2021",
                "session-blog",
                "--status",
                "published",
                "--url",
                "ftp://x",
                "--year",
                "2021",
            ],
            "is not a link we publish",
        ),
    ],
)
def test_progress_commands_refuse_what_does_not_exist(
    argv: list[str], message: str, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown tasks, campaigns, years and bad urls are usage errors that record nothing."""
    assert main(["--config", str(config), *argv]) == 2
    assert message in capsys.readouterr().err
    assert _rows(config) == []


def test_progress_never_makes_check_fail(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Recorded progress for a campaign later removed from the files does not upset `check`."""
    from edicalendar.campaigns.progress import record_task
    from edicalendar.storage.engine import open_database

    db = open_database(f"sqlite:///{config.parent / 'data' / 'edicalendar.db'}")
    try:
        at = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)
        record_task(db, "deleted-campaign", "2021", "gone", by="x", at=at)
    finally:
        db.close()
    assert main(["--config", str(config), "check"]) == 0


def test_done_without_a_year_acts_on_the_next_instance(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """On 1 Sep 2026 (London), a task of a recurring campaign refers to the 2026 instance."""
    import time_machine

    shipped = Path(__file__).resolve().parents[2] / "campaigns"
    config = write_config(shipped)
    with time_machine.travel(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        args = ["campaign", "done", "black-history-month", "draft-blog", "--by", "Kim"]
        assert main(["--config", str(config), *args]) == 0
    assert "black-history-month 2026: task draft-blog marked done by Kim" in capsys.readouterr().out
    assert _rows(config) == [
        ("black-history-month", 2026, "2026", "task", "draft-blog", "done", None, "Kim")
    ]

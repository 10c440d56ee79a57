"""`edicalendar health`: one command for cron and monitoring, exit 0 only when all is well.

It reads what the bot recorded in the ledger (reminders.health) and exits 3 when a channel
group is halted, a destination is unhealthy, no tick ran for `--max-age` minutes (or none
ever did), or a reminder has been waiting past its time for longer than that; a destination
paused by a 429 is reported but is not a failure. Real SQLite ledgers, written by real ticks
against receivers on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.messages import Message
from edicalendar.storage.engine import open_database
from support.builders import make_reminder
from support.cli import CliRunner
from support.webhooks import Reply

DATA = Path(__file__).parent / "data"


@pytest.fixture
def cli(tmp_path: Path, webhook: Any, monkeypatch: pytest.MonkeyPatch, run_cli: CliRunner) -> Any:
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{DATA / "calendars"}"\n'
        f'campaigns_dir = "{DATA / "campaigns"}"\n'
        f'data_dir = "{tmp_path / "data"}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n"
        '[destinations.staff]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\ndigest = true\n'
    )
    return run_cli.with_config(config)


def health(cli: CliRunner, at: str, *extra: str) -> tuple[int, Any]:
    """`health` as of `at` (local time on Monday 12 January 2026): exit code and JSON."""
    result = cli("health", "--format", "json", "--at", f"2026-01-12T{at}", *extra)
    return result.code, json.loads(result.out)


def test_health_is_fine_after_a_tick_and_stale_after_max_age(cli: CliRunner) -> None:
    """Never ticked: exit 3. Just ticked: exit 0. 11 minutes later with --max-age 10: exit 3
    naming the silence; with --max-age 15: exit 0."""
    code, report = health(cli, "08:00")
    assert code == 3 and report["problems"] == ["no reminder tick has ever run on this ledger"]
    assert cli("remind", "--record", "--at", "2026-01-12T08:00").code == 0
    code, report = health(cli, "08:01")
    assert code == 0 and report["healthy"] is True and report["problems"] == []
    assert report["last_tick"] == "2026-01-12T08:00:00Z"
    code, report = health(cli, "08:11")
    assert code == 3 and "no reminder tick for 11 minutes" in report["problems"][0]
    assert health(cli, "08:11", "--max-age", "15")[0] == 0


def test_health_fails_on_an_unhealthy_destination(cli: CliRunner, webhook: Any) -> None:
    """A revoked webhook (404 no_service) marks the destination unhealthy: exit 3 naming it."""
    webhook.default = Reply(404, b"no_service")
    assert cli("remind", "--record", "--at", "2026-01-12T08:55").code == 0
    assert cli("remind", "--record", "--at", "2026-01-12T09:00").code == 0
    code, report = health(cli, "09:01")
    assert code == 3
    assert report["unhealthy"]["staff"]["reason"].startswith("HTTP 404")
    assert any("destination staff marked unhealthy" in p for p in report["problems"])


def test_health_fails_when_reminders_wait_past_their_time(cli: CliRunner, tmp_path: Path) -> None:
    """A reminder due 20 minutes ago still pending (no tick sent it): 'falling behind'."""
    assert cli("remind", "--record", "--at", "2026-01-12T08:30").code == 0
    database = open_database(f"sqlite:///{tmp_path / 'data' / 'edicalendar.db'}")
    try:
        due = dt.datetime(2026, 1, 12, 8, 40, tzinfo=dt.UTC)
        late = make_reminder(
            "late", due.date(), "staff", due, due.replace(hour=20), Message("T", "b")
        )
        Ledger(database).sync([late], due, due.replace(hour=9), due)
    finally:
        database.close()
    code, report = health(cli, "09:01", "--max-age", "60")
    assert code == 0  # still inside the hour the operator allows
    code, report = health(cli, "09:01")
    assert code == 3 and any("falling behind" in p for p in report["problems"])
    assert report["oldest_waiting"] == "2026-01-12T08:40:00Z"


def test_a_paused_destination_is_reported_but_is_not_a_failure(
    cli: CliRunner, webhook: Any
) -> None:
    """A 429 with Retry-After: 600 pauses the destination: health shows the pause, exit 0."""
    webhook.queue(Reply(429, b"rate_limited", {"Retry-After": "600"}))
    assert cli("remind", "--record", "--at", "2026-01-12T08:55").code == 0
    assert cli("remind", "--record", "--at", "2026-01-12T09:00").code == 0
    code, report = health(cli, "09:02")
    assert code == 0, report["problems"]
    assert report["paused"]["slack:staff"]["until"] == "2026-01-12T09:10:00Z"


def test_health_text_names_each_problem(cli: CliRunner) -> None:
    """The plain-text report (for a person or a cron mail) says NEEDS ATTENTION and why."""
    result = cli("health")
    assert result.code == 3
    assert result.out.splitlines()[0] == "reminders: NEEDS ATTENTION"
    assert "problem: no reminder tick has ever run" in result.out


def test_idle_ticks_count_as_ticks_for_health(cli: CliRunner) -> None:
    """`remind` from cron with nothing to do answers without touching the ledger; `health`
    still sees it ticking: after a full tick at 08:00 and idle ones up to 08:20, it is fine at
    08:21 with --max-age 10, and stale at 08:31 when the ticks stop."""
    assert cli("remind", "--record", "--at", "2026-01-12T08:00").code == 0
    for minute in (5, 10, 15, 20):
        tick = cli("remind", "--record", "--at", f"2026-01-12T08:{minute:02d}")
        assert tick.code == 0 and tick.out == "0 sent, 0 failed, 0 expired\n"
    code, report = health(cli, "08:21", "--max-age", "10")
    assert code == 0, report
    assert report["last_tick"] == "2026-01-12T08:20:00Z"
    code, report = health(cli, "08:31", "--max-age", "10")
    assert code == 3 and "no reminder tick for 11 minutes" in report["problems"][0]

"""The whole story on the command line: a pre-election period over Pride Month 2024.

NHS England's 2024 general election period ran from 25 May to 4 July 2024; Pride Month's first
day, Saturday 1 June, fell inside it. With the period recorded, `edicalendar campaigns` flags
the campaign's blog, `edicalendar remind` holds the day-of announcement (09:00 BST), `ledger
--status held` lists it, and `freeze end` releases it once the same day, or expires it the day
after. The webhook is a real HTTP server on 127.0.0.1; the clock is moved by time-machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine

from support.cli import CliRunner

KEY = "pride-2024:announce:2024-06-01:slack"
CAMPAIGN = """
[[campaign]]
id = "pride-2024"
title = "Pride Month 2024"
observance = "pride-month"
years = [2024]
lead_times = []
announce_destinations = ["slack"]

[[campaign.assets]]
id = "pride-blog"
kind = "blog"
title = "Pride Month: our LGBT+ network's stories"
publish = "start"
"""


@pytest.fixture
def cli(
    tmp_path: Path, run_cli: CliRunner, webhook: Any, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "pride.toml").write_text(CAMPAIGN, encoding="utf-8")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        f'campaigns_dir = "{(tmp_path / "campaigns").as_posix()}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n"
        '[destinations.slack]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    return run_cli.with_config(config)


def _at(*parts: int) -> Any:
    return time_machine.travel(dt.datetime(*parts, tzinfo=dt.UTC), tick=False)


def _held(cli: CliRunner) -> list[dict[str, str]]:
    listed = cli("ledger", "--status", "held", "--format", "csv")
    assert listed.code == 0, listed.err
    return list(csv.DictReader(io.StringIO(listed.out)))


@pytest.mark.parametrize(
    ("ended_at", "outcome"),
    [((2024, 6, 1, 12), "released"), ((2024, 6, 2, 12), "expired")],
    ids=["ended-the-same-day", "ended-the-day-after"],
)
def test_a_pre_election_period_flags_holds_and_then_releases_or_expires_once(
    cli: CliRunner, webhook: Any, ended_at: tuple[int, ...], outcome: str
) -> None:
    with _at(2024, 5, 23, 10):
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
        )
        assert added.code == 0, added.err
        assert added.out.splitlines()[-1] == (
            "1 campaign item falls inside it: see `edicalendar campaigns --year 2024`."
        )
        plan = cli("campaigns", "--year", "2024")
        assert plan.code == 0, plan.err
        assert (
            "FREEZE: inside the general election pre-election period (Sat 25 May 2024 to Thu 4 "
            "Jul 2024): hold or move; nearest open date Fri 24 May 2024"
        ) in plan.out
        assert cli("remind").code == 0  # the bot is running before the day

    with _at(2024, 6, 1, 8, 0, 30):  # 09:00:30 BST on Saturday 1 June
        ticked = cli("remind")
        assert ticked.code == 0, ticked.err
        assert "0 sent" in ticked.out and "1 held by a communication freeze" in ticked.out
        assert webhook.requests == []
        held = _held(cli)
        assert [(r["key"], r["state"], r["held_by"]) for r in held] == [(KEY, "held", "1")]
        assert held[0]["last_error"].startswith(
            "held by freeze 1: General election pre-election period: General election 4 July 2024"
        )
        assert cli("remind").code == 0
        assert webhook.requests == []

    with _at(*ended_at):
        ended = cli("freeze", "end", "1")
        assert ended.code == 0, ended.err
        lines = ended.out.splitlines()
        assert lines[0].startswith("Ended freeze 1: General election pre-election period")
        if outcome == "released":
            assert lines[1:] == [
                f"released {KEY}",
                "1 held reminder goes out on the bot's next tick.",
            ]
        else:
            assert lines[1:] == [
                f"expired {KEY}: too late to send",
                "1 expired: too late to send (`edicalendar ledger --status expired`).",
            ]
        assert _held(cli) == []
        again = cli("freeze", "end", "1")
        assert again.code != 0 and "already ended" in again.err
        first = cli("remind")
        second = cli("remind")
        assert first.code == second.code == 0

    if outcome == "released":
        assert webhook.keys() == [KEY]
        assert first.out.strip().startswith("1 sent")
    else:
        assert webhook.requests == []
        listed = cli("ledger", "--status", "expired", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(listed.out)))
        assert [r["key"] for r in rows] == [KEY]
        assert "until too late" in rows[0]["last_error"]

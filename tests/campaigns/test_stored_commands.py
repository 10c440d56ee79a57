"""Campaigns from the database and from files, side by side in every command that reads the
plan: `campaigns` (table, JSON, CSV), `campaign show` and `done`, `upcoming`, `feed --campaigns`,
`remind --dry-run` and `check`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from edicalendar.context import AppContext
from support.cli import CliRunner
from support.ical_readers import read_icalendar, read_vobject

DATA = Path(__file__).parent / "data"

STORED: dict[str, Any] = {
    "id": "iwd-2026",
    "title": "International Women's Day 2026",
    "observance": "international-womens-day",
    "years": [2026],
    "owners": [{"name": "Asha Khan", "email": "asha.khan@nhs.net"}],
    "assets": [{"id": "blog", "kind": "blog", "title": "Guest blog", "publish": "start",
                "owner": "Asha Khan"}],
    "tasks": [{"id": "draft", "name": "Draft the blog", "due": "-10 working days"}],
    "lead_times": [28],
    "lead_time_destinations": ["console"],
}  # fmt: skip


@pytest.fixture
def cli(tmp_path: Path, run_cli: CliRunner) -> CliRunner:
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        "[data]\n"
        f'calendars_dir = "{(DATA / "calendars").as_posix()}"\n'
        f'campaigns_dir = "{(DATA / "campaigns").as_posix()}"\n'
        f'data_dir = "{(tmp_path / "state").as_posix()}"\n',
        encoding="utf-8",
    )
    AppContext(config_path=config).campaigns().create(dict(STORED), by="asha.khan@nhs.net")
    return run_cli.with_config(config)


def test_the_plan_lists_both_sources(cli: CliRunner) -> None:
    out = cli("campaigns", "--year", "2026", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    ours = [r for r in rows if r["campaign"] == "iwd-2026"]
    assert [(r["item"], r["date"], r["owner"], r["source"]) for r in ours] == [
        ("task", "2026-02-23", "", "database"),
        ("blog", "2026-03-08", "Asha Khan", "database"),
    ]
    assert any(r["source"].endswith("recurring.toml") for r in rows)
    listed = json.loads(cli("campaigns", "--year", "2026", "--format", "json").out)
    record = next(r for r in listed if r["campaign"] == "iwd-2026")
    assert record["origin"] == "database" and record["revision"] == 1
    shown = cli("campaign", "show", "iwd-2026", "--year", "2026")
    assert "stored in the database (revision 1)" in shown.out


def test_work_on_a_stored_campaign_is_recorded_from_the_command_line(cli: CliRunner) -> None:
    done = cli("campaign", "done", "iwd-2026", "draft", "--year", "2026", "--by", "Ben")
    assert done.code == 0, done.err
    assert done.out == "iwd-2026 2026: task draft marked done by Ben\n"
    shown = cli("campaign", "show", "iwd-2026", "--year", "2026").out
    assert "[x] 2026-02-23 draft: Draft the blog — done by Ben" in shown


def test_upcoming_and_the_plan_feed_include_stored_campaigns(
    cli: CliRunner, tmp_path: Path
) -> None:
    upcoming = json.loads(
        cli("upcoming", "--from", "2026-02-20", "--days", "10", "--format", "json").out
    )
    assert {(t["campaign"], t["task"], t["due"]) for t in upcoming["tasks"]} >= {
        ("iwd-2026", "draft", "2026-02-23")
    }
    feed = tmp_path / "plan.ics"
    made = cli("feed", "--campaigns", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(feed))
    assert made.code == 0, made.err
    for reader in (read_icalendar, read_vobject):
        events = {e.summary: e.start for e in reader(feed.read_bytes())}
        assert events["Due: Draft the blog (International Women's Day 2026)"] == dt.date(
            2026, 2, 23
        )
        assert events["Publish: Guest blog"] == dt.date(2026, 3, 8)


def test_the_reminder_bot_plans_for_stored_campaigns(cli: CliRunner) -> None:
    """28 days before Sunday 8 March 2026 is Sunday 8 February, at 09:00 (GMT)."""
    planned = cli("remind", "--dry-run", "--at", "2026-02-08T09:00:00Z")
    assert planned.code == 0, planned.err
    assert "iwd-2026:lead-28:2026-02-08:console" in planned.out


def test_check_reports_a_stored_campaign_that_no_longer_fits(
    cli: CliRunner, tmp_path: Path
) -> None:
    config = cli.config
    assert config is not None
    ctx = AppContext(config_path=config)
    ctx.campaigns().update(
        "iwd-2026", {**STORED, "lead_time_destinations": ["console"]}, by="x"
    )  # still fine
    assert cli("check").code == 0
    with ctx.database.engine.begin() as conn:
        from edicalendar.storage.tables import campaigns

        conn.execute(
            campaigns.update().values(
                definition=json.dumps({**STORED, "observance": "international-mens-day"})
            )
        )
    checked = cli("check")
    assert checked.code == 1
    assert "database: iwd-2026: observance: unknown observance 'international-mens-day'" in (
        checked.out + checked.err
    )

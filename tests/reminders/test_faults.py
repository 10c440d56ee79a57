"""P2 faults: a locked or failing database, a bad time zone, night-time reminder warnings."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from edicalendar.cli import main
from edicalendar.errors import ConfigError, DatabaseError
from edicalendar.model import RelativeDay, ReminderRule
from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.reminders.planner import PlannerInput, PlannerSettings, plan_reminders
from support.builders import make_instance

SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 1000}}
ROOT = Path(__file__).resolve().parents[2]


def test_failed_write_after_send_stops_sending_and_resends_once_after_recovery(
    harness: Any,
    webhook: Any,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Disk error while recording the 2nd of 5: nothing more is sent that tick; after the lease
    the unrecorded one is re-sent once (logged as a possible duplicate), the rest once."""
    harness.instances = [make_instance(f"c{n}") for n in range(5)]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    calls = {"n": 0}
    original = Ledger._settle

    def failing(self: Ledger, conn: Any, settled: Any) -> Any:
        if settled:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OperationalError(
                    "UPDATE deliveries", {}, sqlite3.OperationalError("disk I/O error")
                )
        return original(self, conn, settled)

    monkeypatch.setattr(Ledger, "_settle", failing)
    with pytest.raises(DatabaseError, match="disk I/O error"):
        dispatcher.tick()
    assert len(webhook.requests) == 2
    monkeypatch.setattr(Ledger, "_settle", original)
    clock.advance(400)  # past the 300 s lease
    dispatcher.tick()
    keys = webhook.keys()
    assert len(keys) == 6 and len(set(keys)) == 5
    duplicate = keys[1]
    assert keys.count(duplicate) == 2
    assert f"possible duplicate: {duplicate}" in caplog.text
    assert {d.state for d in Ledger(dispatcher.database).deliveries()} == {DeliveryState.SENT}


@pytest.mark.slow
def test_database_locked_beyond_busy_timeout_skips_the_tick_without_loss(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Another writer holds an exclusive lock past the 5 s busy timeout: the tick fails with a
    clear error and sends nothing; the next tick sends everything once."""
    harness.instances = [make_instance()]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()})
    blocker = sqlite3.connect(harness.db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        # Held until the tick gave up (after its busy timeout), however slow the machine.
        with pytest.raises(DatabaseError, match="locked"):
            dispatcher.tick()
        assert webhook.requests == []
    finally:
        blocker.rollback()
        blocker.close()
    dispatcher.tick()
    assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]


def test_unknown_time_zone_is_a_clean_config_error(harness: Any, webhook: Any) -> None:
    """A zone that cannot be loaded stops start-up with a message naming the setting."""
    with pytest.raises(ConfigError, match=r"reminders\.timezone.*Europe/Atlantis"):
        harness.dispatcher(
            SLACK, {"SLACK_URL": webhook.url()}, reminders={"timezone": "Europe/Atlantis"}
        )


def test_timezone_loads_from_the_tzdata_package_without_system_zoneinfo(
    tmp_path: Path,
) -> None:
    """With the system zone folder hidden (PYTHONTZPATH empty), Europe/London still loads from
    the pinned tzdata package, so DST rules never depend on the host."""
    import os
    import subprocess
    import sys

    empty = tmp_path / "zoneinfo"
    empty.mkdir()
    code = (
        "import zoneinfo, datetime as d; z = zoneinfo.ZoneInfo('Europe/London');"
        "print(d.datetime(2026, 7, 1, 12, tzinfo=z).utcoffset())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONTZPATH": str(empty)},
        timeout=60,
    )
    assert result.stdout.strip() == "1:00:00"


def test_night_time_reminders_are_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A campaign sending at 01:30 gets a warning naming the file, campaign and field."""
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "night.toml").write_text(
        '[[campaign]]\nid = "night"\ntitle = "Night"\nobservance = "international-womens-day"\n'
        'years = [2026]\nlead_times = [28]\nlead_time_at = "01:30"\n'
        'lead_time_destinations = ["console"]\n'
    )
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{ROOT / "calendars"}"\n'
        f'campaigns_dir = "{folder}"\ndata_dir = "{tmp_path / "data"}"\n'
    )
    assert main(["--config", str(config), "remind", "--record", "--at", "2026-02-08T01:30"]) == 0
    captured = capsys.readouterr()
    assert "night.toml" in captured.err and "lead_time_at: 01:30" in captured.err
    assert "[console] International Women's Day in 4 weeks" in captured.out


def test_rule_templates_fill_every_documented_placeholder() -> None:
    """{campaign} {observance} {start} {end} {year} {when} are filled; others stay as written."""
    rule = ReminderRule(
        id="t",
        when=RelativeDay(days=-14),
        time=dt.time(10, 0),
        destinations=("slack",),
        template="{observance} {when} ({start} to {end}, {year}): {campaign} {unknown}",
    )
    instance = make_instance(start=dt.date(2026, 3, 8), lead_times=(), rules=(rule,))
    (reminder,) = plan_reminders(
        PlannerInput([instance]),
        PlannerSettings(),
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
    )
    assert reminder.message.title == (
        "International Women's Day in 2 weeks (2026-03-08 to 2026-03-08, 2026): "
        "IWD guest blog {unknown}"
    )
    assert reminder.due_at == dt.datetime(2026, 2, 22, 10, 0, tzinfo=dt.UTC)

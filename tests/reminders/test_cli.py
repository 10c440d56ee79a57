"""The `remind` and `ledger` commands, in-process and as a subprocess; failing closed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from edicalendar.cli import main
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.messages import Message
from edicalendar.storage.engine import open_database
from support.builders import make_reminder
from support.paths import inherited_env
from support.webhooks import Reply

DATA = Path(__file__).parent / "data"


def write_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{DATA / "calendars"}"\n'
        f'campaigns_dir = "{DATA / "campaigns"}"\n'
        f'data_dir = "{tmp_path / "data"}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n"
        '[destinations.staff]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\ndigest = true\n'
    )
    return config


@pytest.fixture
def config(tmp_path: Path, webhook: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    return write_config(tmp_path, webhook.url())


def test_remind_dry_run_lists_what_is_due_then_sends_once_then_nothing(
    config: Path, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run at Mon 5 Jan 2026 09:00 lists the weekly digest only and sends nothing; a real
    run sends it once; a second run sends nothing."""
    at = ["--config", str(config), "remind", "--at", "2026-01-05T09:00"]
    assert main([*at, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 due (dry run: nothing sent)"
    assert out[0].startswith("2026-01-05 09:00 GMT  staff  digest:weekly:2026-01-05:staff")
    assert webhook.requests == []
    assert main([*at, "--record"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 sent, 0 failed, 0 expired"
    assert webhook.keys() == ["digest:weekly:2026-01-05:staff"]
    assert main([*at, "--record"]) == 0
    assert capsys.readouterr().out.strip() == "0 sent, 0 failed, 0 expired"
    assert main([*at, "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == "0 due (dry run: nothing sent)"
    assert len(webhook.requests) == 1


def test_ledger_lists_filters_and_retries(
    config: Path, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ledger --status dead` shows a dead delivery; `ledger retry KEY` re-queues and the next
    `remind` sends it."""
    webhook.queue(Reply(400, b"invalid_blocks"))
    at = ["--config", str(config), "remind", "--at", "2026-01-05T09:00"]
    assert main([*at, "--record"]) == 0
    assert "1 failed" in capsys.readouterr().out
    assert main(["--config", str(config), "ledger", "--status", "dead", "-f", "csv"]) == 0
    listing = capsys.readouterr().out
    assert "digest:weekly:2026-01-05:staff,dead" in listing
    assert listing.splitlines()[0] == (
        "key,state,destination,due_at,attempts,next_attempt_at,last_error,"
        "possible_duplicates,duplicate_note,held_by"
    )
    assert main(["--config", str(config), "ledger", "--status", "sent", "-f", "csv"]) == 0
    assert "digest:weekly" not in capsys.readouterr().out
    key = "digest:weekly:2026-01-05:staff"
    assert main(["--config", str(config), "ledger", "retry", key]) == 0
    assert capsys.readouterr().out.startswith("1 re-queued")
    assert main([*at, "--record"]) == 0
    assert capsys.readouterr().out.startswith("1 sent")
    assert webhook.keys() == [key, key]
    assert main(["--config", str(config), "ledger", "retry", "no:such:key"]) == 2
    assert main(["--config", str(config), "ledger", "--status", "bogus"]) == 2


def test_remind_runs_as_a_subprocess(config: Path, webhook: Any) -> None:
    """`python -m edicalendar remind` works end to end and prints the one-line summary: run at
    08:55 (the ledger begins; nothing due yet), then at 09:00:05 the 09:00 digest goes."""

    def remind(at: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(sys.executable, "-m", "edicalendar", "--config", str(config)),
                *("remind", "--record", "--at", at),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=inherited_env(TEST_SLACK_URL=webhook.url()),
        )

    first = remind("2026-01-12T08:55")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "0 sent, 0 failed, 0 expired"
    result = remind("2026-01-12T09:00:05")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 sent, 0 failed, 0 expired"
    assert webhook.keys() == ["digest:weekly:2026-01-12:staff"]


def test_missing_webhook_variable_is_fatal_at_start(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unset url_env stops `remind` with exit 1 naming the setting; nothing falls back."""
    monkeypatch.delenv("TEST_SLACK_URL")
    assert main(["--config", str(config), "remind"]) == 1
    assert "destinations.staff.url_env" in capsys.readouterr().err


def _fill(db: Path) -> None:
    database = open_database(f"sqlite:///{db}")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    planned = [
        make_reminder(
            f"c{n}",
            dt.date(2026, 1, 1),
            "staff",
            start,
            start + dt.timedelta(days=400),
            Message(f"Title {n}", "body " * 40),
        )
        for n in range(3000)
    ]
    Ledger(database).sync(planned, start, start + dt.timedelta(days=1), start)
    database.close()


@pytest.mark.parametrize("damage", ["middle", "truncate", "header"])
def test_corrupt_database_fails_closed_and_is_left_untouched(
    config: Path, webhook: Any, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damaged SQLite file: exit 3, nothing sent, the message says how to restore, and the
    file's bytes are unchanged."""
    db = tmp_path / "data" / "edicalendar.db"
    _fill(db)
    data = bytearray(db.read_bytes())
    if damage == "middle":
        middle = len(data) // 2 // 4096 * 4096
        data[middle : middle + 4096] = os.urandom(4096)
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[:16] = b"this is not sql!"
    db.write_bytes(bytes(data))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert main(["--config", str(config), "remind", "--record", "--at", "2026-01-05T09:00"]) == 3
    err = capsys.readouterr().err
    assert "restore" in err
    assert webhook.requests == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_remind_started_while_another_is_still_sending_steps_aside(
    tmp_path: Path, webhook: Any
) -> None:
    """cron starts `remind` every minute; when the previous one is still sending (its webhook
    slow to answer), the new one prints a summary saying it skipped, exits 0 and sends nothing;
    the first one then finishes as normal."""
    config = write_config(tmp_path, webhook.url())
    config.write_text(
        config.read_text().replace("http_timeout_seconds = 1", "http_timeout_seconds = 20")
    )
    release = threading.Event()
    webhook.queue(Reply(hold=release))
    env = inherited_env(TEST_SLACK_URL=webhook.url())
    command = [
        sys.executable,
        "-m",
        "edicalendar",
        "--config",
        str(config),
        "remind",
        "--record",
        "--at",
    ]
    first = subprocess.Popen(
        [*command, "2026-01-05T09:00"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert webhook.wait_for(1, timeout=30)
        second = subprocess.run(
            [*command, "2026-01-05T09:01"], capture_output=True, text=True, timeout=60, env=env
        )
        assert second.returncode == 0, second.stderr
        assert second.stdout.startswith("0 sent, 0 failed, 0 expired (skipped:")
        assert f"pid {first.pid}" in second.stdout and "still running" in second.stdout
        assert webhook.total == 1
    finally:
        release.set()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert out.strip() == "1 sent, 0 failed, 0 expired"


def test_a_simulated_time_never_touches_the_ledger(
    config: Path, webhook: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`remind --at` alone is a simulation: it lists what is due and what would expire, sends
    nothing and leaves the ledger's bytes alone; `--record` is the explicit way to act."""
    at = ["--config", str(config), "remind", "--at"]
    webhook.queue(Reply(503, b"busy"))
    assert main([*at, "2026-01-05T09:00", "--record"]) == 0  # one failed try: retrying
    assert "1 retrying" in capsys.readouterr().out
    db = tmp_path / "data" / "edicalendar.db"
    before = _dump(db)
    assert main([*at, "2026-01-09T10:00"]) == 0
    out = capsys.readouterr().out.splitlines()
    # The digest of Monday 5 January goes out until the end of that Monday's grace.
    assert out[0].startswith("would expire  staff  digest:weekly:2026-01-05:staff  (its grace")
    assert out[-1] == (
        "0 due, 1 would expire (simulated --at: nothing sent or recorded; add --record to send "
        "and record)"
    )
    assert main([*at, "2026-01-09T10:00", "--dry-run"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "0 due, 1 would expire (dry run: nothing sent)"
    )
    assert _dump(db) == before
    assert len(webhook.requests) == 1
    state = Ledger(open_database(f"sqlite:///{db}")).get("digest:weekly:2026-01-05:staff")
    assert state is not None and state.state.value == "retry_wait"


def _dump(db: Path) -> list[str]:
    """Every row of every table (the file's bytes move when SQLite checkpoints its WAL)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--at", "2026-01-05"],
            "'2026-01-05' has no time of day; give one, such as 2026-01-05T09:00",
        ),
        (["--record"], "--record goes with --at"),
        (["--at", "2026-01-05T09:00", "--record", "--dry-run"], "--record goes with --at"),
    ],
)
def test_simulation_mistakes_are_refused(
    config: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bare date is not midnight; --record without --at (or with --dry-run) is refused."""
    assert main(["--config", str(config), "remind", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1

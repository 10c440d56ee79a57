"""Date-change notices end to end, with real processes: found once, sent once, never lost.

A site with one organiser week (Carers Week, provisionally from the third Monday of June 2026,
15 June) and a Slack-like webhook on 127.0.0.1 that asks for notices. `edicalendar remind` runs
as the bot would from cron; `edicalendar dates confirm` records the organiser's dates (8-14
June, a week earlier) between runs; the bot is SIGKILLed at the worst moments.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.storage.engine import open_database
from support.paths import inherited_env
from support.webhooks import WebhookReceiver

pytestmark = pytest.mark.crash

CRASH = Path(__file__).with_name("notice_crash.py")
NOTICE = "date-change:carers-week/2026/r1:2026-06-02:staff"

WEEK = """\
[calendar]
title = "Organiser weeks"

[[observance]]
id = "carers-week"
name = "Carers Week"
categories = ["health_wellbeing"]
# The week from the third Monday of June, until Carers UK announces the year.
rule = { kind = "nth_weekday", month = 6, weekday = "mon", nth = 3 }
duration_days = 7
announced = true
description = "Carers UK's week for unpaid carers."
url = "https://www.carersuk.org/"
sources = ["https://www.carersuk.org/"]
"""


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def site(tmp_path: Path, receiver: WebhookReceiver) -> Path:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "weeks.toml").write_text(WEEK, encoding="utf-8")
    (tmp_path / "campaigns").mkdir()
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        "[data]\n"
        f'calendars_dir = "{(tmp_path / "calendars").as_posix()}"\n'
        f'campaigns_dir = "{(tmp_path / "campaigns").as_posix()}"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n\n'
        "[reminders]\nallow_http_webhooks = true\n\n"
        '[destinations.staff]\nkind = "slack"\nurl_env = "STAFF_WEBHOOK"\n'
        "notify_changes = true\n",
        encoding="utf-8",
    )
    return config


def _run(site: Path, receiver: WebhookReceiver, *args: str, crash: str | None = None) -> int:
    command = [sys.executable, "-m", "edicalendar", "--config", str(site), *args]
    if crash:
        command = [sys.executable, str(CRASH), crash, "--", "--config", str(site), *args]
    done = subprocess.run(
        command,
        env=inherited_env(STAFF_WEBHOOK=receiver.url()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if crash:
        assert done.returncode == -signal.SIGKILL, done.stderr
    return done.returncode


def _confirm(site: Path, receiver: WebhookReceiver, start: str = "2026-06-08") -> None:
    """Record Carers Week 2026 from `start` with `edicalendar dates confirm`."""
    source = "https://www.carersuk.org/news/carers-week-2026"
    args = ("carers-week", "--year", "2026", "--start", start, "--source", source)
    assert _run(site, receiver, "dates", "confirm", *args) == 0


def _ledger_state(site: Path, key: str) -> DeliveryState | None:
    database = open_database(f"sqlite:///{site.parent / 'data' / 'edicalendar.db'}")
    try:
        found = Ledger(database).get(key)
        return found.state if found else None
    finally:
        database.engine.dispose()


def test_a_confirmed_date_is_announced_once(site: Path, receiver: WebhookReceiver) -> None:
    """The first run only remembers the dates; the run after the organiser's dates are
    recorded posts one notice, saying the old and new dates; later runs post nothing more."""
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-01T09:00") == 0
    assert receiver.total == 0
    _confirm(site, receiver)
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-02T09:00") == 0
    assert receiver.counts() == {NOTICE: 1}
    text = receiver.requests[0].body.decode("utf-8")
    assert "Date change: Carers Week is now Mon 8 Jun 2026 – Sun 14 Jun 2026" in text
    assert "It was provisional for Mon 15 Jun 2026 – Sun 21 Jun 2026." in text
    for at in ("2026-06-02T09:05", "2026-06-03T09:00", "2026-06-09T09:00"):
        assert _run(site, receiver, "remind", "--record", "--at", at) == 0
    assert receiver.counts() == {NOTICE: 1}
    assert _ledger_state(site, NOTICE) is DeliveryState.SENT


@pytest.mark.parametrize("crash", ["after-detect", "after-sync"])
def test_a_crash_loses_no_notice_and_sends_none_twice(
    site: Path, receiver: WebhookReceiver, crash: str
) -> None:
    """Killed right after the change is recorded (before its notice is in the ledger), or
    right after the notice is in the ledger (before it is sent): the next run posts it,
    once, and the runs after post nothing."""
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-01T09:00") == 0
    _confirm(site, receiver)
    _run(site, receiver, "remind", "--record", "--at", "2026-06-02T09:00", crash=crash)
    assert receiver.total == 0
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-02T09:01") == 0
    assert receiver.counts() == {NOTICE: 1}
    for at in ("2026-06-02T09:02", "2026-06-04T09:00"):
        assert _run(site, receiver, "remind", "--record", "--at", at) == 0
    assert receiver.counts() == {NOTICE: 1}


def test_a_second_change_is_announced_again(site: Path, receiver: WebhookReceiver) -> None:
    """A later correction (the organiser moves the week again) is revision 2: one more
    notice, under its own key."""
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-01T09:00") == 0
    _confirm(site, receiver)
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-02T09:00") == 0
    _confirm(site, receiver, start="2026-06-09")
    assert _run(site, receiver, "remind", "--record", "--at", "2026-06-03T09:00") == 0
    assert receiver.counts() == {
        NOTICE: 1,
        "date-change:carers-week/2026/r2:2026-06-03:staff": 1,
    }

"""Crashes and concurrency with real processes: SIGKILL mid-send, two senders, the lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.storage.engine import open_database
from support.paths import SRC, TESTS, inherited_env
from support.webhooks import Reply

#: Real processes killed mid-send: the full suite runs these, the quick loop does not.
pytestmark = pytest.mark.crash

DRIVER = Path(__file__).with_name("driver.py")
T0 = dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC)


def env() -> dict[str, str]:
    """The driver imports the package and `support` (for its builders)."""
    return inherited_env(PYTHONPATH=os.pathsep.join([str(SRC), str(TESTS)]))


class Driver:
    """Starts tests/reminders/driver.py with a spec and waits for it to be ready."""

    def __init__(self, script: Path, tmp_path: Path) -> None:
        self.script = script
        self.tmp_path = tmp_path
        self.count = 0
        self.logs: list[str] = []

    def start(self, **spec: Any) -> subprocess.Popen[str]:
        self.count += 1
        path = self.tmp_path / f"spec{self.count}.json"
        path.write_text(json.dumps(spec))
        process = subprocess.Popen(
            [sys.executable, str(self.script), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", process.stderr.read() if process.stderr else line
        return process

    def finish(self, process: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
        out, err = process.communicate(timeout=timeout)
        self.logs.append(err)
        return process.returncode, out + err

    def kill(self, process: subprocess.Popen[str]) -> None:
        process.send_signal(signal.SIGKILL)
        self.finish(process)


@pytest.fixture
def driver(tmp_path: Path) -> Driver:
    return Driver(DRIVER, tmp_path)


def ledger_rows(db: Path) -> dict[str, Any]:
    database = open_database(f"sqlite:///{db}")
    try:
        return {d.key: d for d in Ledger(database).deliveries()}
    finally:
        database.close()


def spec(
    db: Path, url: str, now: dt.datetime, campaigns: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    return {"db": str(db), "url": url, "now": now.isoformat(), "campaigns": campaigns, **extra}


ONE = [("iwd", "2026-03-08")]
KEY = "iwd:lead-28:2026-02-08:slack"


def test_killed_after_request_before_record_resends_once_and_logs_duplicate(
    driver: Driver, webhook: Any, tmp_path: Path
) -> None:
    """SIGKILL while Slack holds the request: after restart (+6 min) it is sent again, once,
    logged as a possible duplicate; the ledger ends sent with 2 attempts."""
    db = tmp_path / "ledger.db"
    release = threading.Event()
    webhook.queue(Reply(hold=release))
    first = driver.start(**spec(db, webhook.url(), T0, ONE))
    assert webhook.wait_for(1)
    driver.kill(first)
    release.set()
    assert ledger_rows(db)[KEY].state is DeliveryState.SENDING
    second = driver.start(**spec(db, webhook.url(), T0 + dt.timedelta(minutes=6), ONE))
    code, output = driver.finish(second)
    assert code == 0
    assert webhook.keys() == [KEY, KEY]
    assert f"possible duplicate: {KEY}" in output
    row = ledger_rows(db)[KEY]
    assert row.state is DeliveryState.SENT and row.attempts == 2


def test_killed_after_claim_before_request_sends_exactly_once(
    driver: Driver, webhook: Any, tmp_path: Path
) -> None:
    """SIGKILL right after the claim commits: nothing was sent; after restart, exactly one."""
    db = tmp_path / "ledger.db"
    first = driver.start(**spec(db, webhook.url(), T0, ONE, kill="after-claim"))
    code, _ = driver.finish(first)
    assert code == -signal.SIGKILL
    assert webhook.requests == []
    second = driver.start(**spec(db, webhook.url(), T0 + dt.timedelta(minutes=6), ONE))
    assert driver.finish(second)[0] == 0
    assert webhook.keys() == [KEY]
    assert ledger_rows(db)[KEY].state is DeliveryState.SENT


def test_restart_inside_the_lease_waits_for_it(
    driver: Driver, webhook: Any, tmp_path: Path
) -> None:
    """A restart before the lease runs out does not touch the claimed row (no early resend)."""
    db = tmp_path / "ledger.db"
    driver.finish(driver.start(**spec(db, webhook.url(), T0, ONE, kill="after-claim")))
    second = driver.start(**spec(db, webhook.url(), T0 + dt.timedelta(minutes=2), ONE))
    assert driver.finish(second)[0] == 0
    assert webhook.requests == []
    assert ledger_rows(db)[KEY].state is DeliveryState.SENDING


def test_two_processes_on_one_database_send_each_reminder_once(
    driver: Driver, webhook: Any, tmp_path: Path
) -> None:
    """Two senders ticking at once over one SQLite file: 25 reminders, 25 POSTs, no repeats."""
    db = tmp_path / "ledger.db"
    webhook.default = Reply(delay=0.01)
    campaigns = [(f"c{n:02d}", "2026-03-08") for n in range(25)]
    open_database(f"sqlite:///{db}").close()
    processes = [driver.start(**spec(db, webhook.url(), T0, campaigns)) for _ in range(2)]
    assert [driver.finish(p)[0] for p in processes] == [0, 0]
    counts = Counter(webhook.keys())
    assert len(counts) == 25 and set(counts.values()) == {1}
    assert {r.state for r in ledger_rows(db).values()} == {DeliveryState.SENT}


@pytest.mark.slow
@pytest.mark.parametrize(("rate", "delay"), [(40.0, 0.01), (0.0, 0.15)])
def test_fault_injection_random_kills_during_a_burst_lose_nothing(
    driver: Driver, webhook: Any, tmp_path: Path, rate: float, delay: float
) -> None:
    """Kill the sender at random moments during a 30-message burst (rate-limited one by one,
    or unlimited in parallel batches), restart, repeat: every reminder arrives, and every key
    that arrived twice was logged as a possible duplicate."""
    db = tmp_path / "ledger.db"
    webhook.default = Reply(delay=delay)
    campaigns = [(f"c{n:02d}", "2026-03-08") for n in range(30)]
    rng = random.Random(20261125)
    now = T0
    kills = 0
    for _ in range(8):
        seen = len(webhook.requests)
        process = driver.start(
            **spec(db, webhook.url(), now, campaigns, lease_seconds=60, rate=rate)
        )
        # Kill once sending is under way (at least one request arrived), at a random moment.
        webhook.wait_for(seen + 1, timeout=5)
        time.sleep(rng.uniform(0.0, 0.3))
        if process.poll() is None:
            driver.kill(process)
            kills += 1
        else:
            driver.finish(process)
        now += dt.timedelta(minutes=2)
        if all(r.state is DeliveryState.SENT for r in ledger_rows(db).values()):
            break
    final = driver.start(**spec(db, webhook.url(), now, campaigns, rate=rate))
    assert driver.finish(final)[0] == 0
    rows = ledger_rows(db)
    assert len(rows) == 30
    assert {r.state for r in rows.values()} == {DeliveryState.SENT}
    counts = Counter(webhook.keys())
    assert set(counts) == set(rows)
    assert kills >= 1
    logs = "\n".join(driver.logs)
    for key, count in counts.items():
        if count > 1:
            assert f"possible duplicate: {key}" in logs


def write_config(tmp_path: Path, url: str | None = None, data_dir: Path | None = None) -> Path:
    data = Path(__file__).parent / "data"
    destinations = ""
    if url is not None:
        destinations = (
            '[destinations.slack]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\n'
            "digest = true\nrate_per_second = 0\n"
        )
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{data / "calendars"}"\n'
        f'campaigns_dir = "{data / "campaigns"}"\n'
        f'data_dir = "{data_dir or tmp_path / "data"}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n" + destinations
    )
    return config


def test_second_instance_on_the_same_database_refuses(
    driver: Driver, webhook: Any, tmp_path: Path
) -> None:
    """While one clock runs, a second clock and a `remind` both exit non-zero, naming the lock."""
    config = write_config(tmp_path, webhook.url())
    child_env = {**env(), "TEST_SLACK_URL": webhook.url()}
    spec_path = tmp_path / "clock.json"
    spec_path.write_text(json.dumps({"mode": "start-clock", "config": str(config)}))
    running = subprocess.Popen(
        [sys.executable, str(driver.script), str(spec_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env,
    )
    try:
        assert running.stdout is not None
        assert running.stdout.readline().strip() == "ready"
        second = subprocess.run(
            [sys.executable, str(driver.script), str(spec_path)],
            capture_output=True,
            text=True,
            env=child_env,
            timeout=60,
        )
        assert second.returncode != 0
        assert "already running" in second.stderr
        remind = subprocess.run(
            [sys.executable, "-m", "edicalendar", "--config", str(config), "remind"],
            capture_output=True,
            text=True,
            env=child_env,
            timeout=60,
        )
        assert remind.returncode == 3
        assert "already running" in remind.stderr and "lock file" in remind.stderr
    finally:
        running.kill()
        running.communicate(timeout=30)

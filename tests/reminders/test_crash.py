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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.storage.engine import open_database
from support.paths import SRC, TESTS, inherited_env
from support.webhooks import SECRET_PATH, Reply, WebhookReceiver

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


@dataclass
class Storm:
    """What a kill storm did, seen from the ledger after each kill and from the receiver."""

    kills: int = 0
    #: Per key, the kills that left its row claimed (`sending`): the crashes that interrupted it.
    interrupted: Counter[str] = field(default_factory=Counter)
    #: Keys whose request a kill interrupted after it started (marked), logged as possible
    #: duplicates by the recovery.
    warned: set[str] = field(default_factory=set)
    #: Warned requests that had not reached the receiver in that run (noise).
    unreceived: int = 0
    #: Claims a kill left before their request started (sent again without a warning), and
    #: those of them that had reached the receiver all the same (must be none).
    claimed_only: int = 0
    claimed_only_received: int = 0
    #: The most requests one kill interrupted after they started: the messages in flight.
    largest_in_flight: int = 0


def kill_storm(
    driver: Driver,
    db: Path,
    url: str,
    arrived: Callable[[], list[str]],
    campaigns: list[tuple[str, str]],
    kills: int,
    **extra: Any,
) -> Storm:
    """Start the sender again and again, SIGKILL it at a random moment once sending is under
    way, `kills` times, then let it finish; record what each kill interrupted.

    Each run is killed after a random number of arrivals (at most a share of the burst that
    leaves work for every kill, however fast or slow the machine sends) plus a few
    milliseconds' jitter, so the kills land at different points of a request."""
    storm = Storm()
    rng = random.Random(20261201)
    now = T0
    per_run = max(1, len(campaigns) // (2 * kills))
    for _ in range(kills * 3):
        if storm.kills >= kills:
            break
        seen = len(arrived())
        target = seen + rng.randint(1, per_run)
        process = driver.start(**spec(db, url, now, campaigns, lease_seconds=5, **extra))
        deadline = time.monotonic() + 10
        while len(arrived()) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, 0.01))
        if process.poll() is None:
            driver.kill(process)
            storm.kills += 1
            time.sleep(0.2)  # let the receiver finish reading what was already on the wire
            this_run = set(arrived()[seen:])
            sending, started = _left_sending(db)
            storm.interrupted.update(sending)
            storm.warned |= started
            storm.unreceived += len(started - this_run)
            storm.claimed_only += len(sending - started)
            storm.claimed_only_received += len((sending - started) & this_run)
            storm.largest_in_flight = max(storm.largest_in_flight, len(started))
        else:
            driver.finish(process)
        now += dt.timedelta(seconds=10)  # past the 5 s lease of anything left `sending`
    for _ in range(3):
        final = driver.start(**spec(db, url, now, campaigns, **extra))
        assert driver.finish(final)[0] == 0
        if all(r.state in FINAL for r in ledger_rows(db).values()):
            break
        now += dt.timedelta(seconds=10)
    return storm


FINAL = (DeliveryState.SENT, DeliveryState.ACCEPTED)


def _left_sending(db: Path) -> tuple[set[str], set[str]]:
    """Keys a killed sender left claimed, and those whose request it had marked as started."""
    database = open_database(f"sqlite:///{db}")
    try:
        ledger = Ledger(database)
        rows = [d for d in ledger.deliveries() if d.state is DeliveryState.SENDING]
        started = set()
        for row in rows:
            marks = ledger.marks.started(row.claimed_by)
            if marks is not None and (row.key, row.attempts) in marks:
                started.add(row.key)
        return {r.key for r in rows}, started
    finally:
        database.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["slack", "teams", "email"])
def test_kill_storm_sends_no_reminder_more_than_once_per_crash_that_interrupted_it(
    driver: Driver, smtp_factory: Any, tmp_path: Path, kind: str
) -> None:
    """15 SIGKILLs during a burst of reminders (Slack and Teams: no rate limit, 8 sending at
    once and up to 16 claimed; email: one SMTP connection): every reminder arrives; none
    arrives more than once per kill that interrupted its request; a kill interrupts at most the
    requests started and not yet recorded (16, or 1 for email); each interrupted request is
    logged as a possible duplicate, and hardly any of those warnings is for a request that had
    not reached the receiver (claims whose request had not started are re-sent without one)."""
    db = tmp_path / "ledger.db"
    campaigns = [(f"c{n:03d}", "2026-03-08") for n in range(300 if kind != "email" else 150)]
    extra: dict[str, Any] = {"kind": kind}
    url = ""
    if kind == "email":
        smtp = smtp_factory()
        arrived = smtp.handler.keys
        extra["smtp_port"] = smtp.port
    else:
        # Kept-alive connections, as Slack and Teams keep them.
        webhook = WebhookReceiver(
            Reply(202, b"", delay=0.02) if kind == "teams" else Reply(delay=0.02), keep_alive=True
        )
        arrived = webhook.keys
        url = webhook.url("/workflows/1?sig=SECRETSIG" if kind == "teams" else SECRET_PATH)
    try:
        storm = kill_storm(driver, db, url, arrived, campaigns, kills=15, **extra)
    finally:
        if kind != "email":
            webhook.close()
    rows = ledger_rows(db)
    assert len(rows) == len(campaigns)
    assert {r.state for r in rows.values()} <= set(FINAL)
    counts = Counter(arrived())
    assert set(counts) == set(rows)  # nothing lost
    assert storm.kills >= 10
    over = {k: (n, storm.interrupted[k]) for k, n in counts.items() if n > 1 + storm.interrupted[k]}
    assert over == {}, f"copies beyond one per interrupting crash: {over}"
    assert storm.largest_in_flight <= (1 if kind == "email" else 16)
    assert storm.claimed_only_received == 0  # every request that went out was marked first
    assert storm.unreceived <= storm.kills
    logs = "\n".join(driver.logs)
    for key in storm.warned:
        assert f"possible duplicate: {key}" in logs
    for key, n in counts.items():
        assert rows[key].possible_duplicates >= n - 1
    print(
        f"{kind}: {storm.kills} kills, {sum(counts.values()) - len(counts)} extra copies, "
        f"most in flight {storm.largest_in_flight}, {len(storm.warned)} possible duplicates "
        f"logged, {storm.unreceived} of them for requests that had not arrived, "
        f"{storm.claimed_only} claims re-sent quietly, worst key {max(counts.values())} copies"
    )


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

"""Several `edicalendar remind` workers against one PostgreSQL database and a loopback webhook.

5,000 reminders fall due at once; four worker processes claim them with `FOR UPDATE SKIP
LOCKED`, post them to a real HTTP server on 127.0.0.1 that counts POSTs per ledger key, and
record the results. Without faults every key arrives exactly once; with workers SIGKILLed at
random points and restarted, every key still arrives and any key that arrived twice was logged
as a possible duplicate by the worker that recovered it.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from edicalendar.storage.tables import deliveries
from support.webhooks import Reply

REMINDERS = 5000
#: Local (London, GMT in March) times for `--at`: planning an hour ahead, then the due time.
PLAN_AT = "2027-03-01T08:00"
DUE = dt.datetime(2027, 3, 1, 9, 0)
WORKERS = 4

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _at(seconds: int) -> str:
    return (DUE + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _ledger(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            states = dict(
                conn.execute(
                    select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
                ).all()
            )
            attempts = dict(conn.execute(select(deliveries.c.key, deliveries.c.attempts)).all())
    finally:
        engine.dispose()
    return {"states": states, "attempts": attempts}


def _plan_ahead(fleet: Any) -> None:
    """One worker plans the load an hour before it is due (nothing is sent yet)."""
    planner = fleet.start(PLAN_AT)
    assert planner.wait(timeout=60) == 0, fleet.output(planner)
    assert fleet.sent(planner) == 0


def test_four_workers_send_5000_reminders_exactly_once(
    postgres_url: str, fleet_factory: Callable[[str, int], Any], tmp_path: Path
) -> None:
    """Four concurrent workers on one PostgreSQL database deliver each of 5,000 keys once."""
    fleet = fleet_factory(postgres_url, REMINDERS)
    fleet.webhook.default = Reply(delay=0.001)  # so the fleet overlaps long enough to contend
    _plan_ahead(fleet)
    assert _ledger(postgres_url)["states"] == {"pending": REMINDERS}

    workers = [fleet.start(_at(0)) for _ in range(WORKERS)]
    for worker in workers:
        assert worker.wait(timeout=90) == 0, fleet.output(worker)

    counts = fleet.webhook.counts()
    assert len(counts) == REMINDERS
    assert set(counts.values()) == {1}
    assert all(key.startswith("scale-") for key in counts)
    assert _ledger(postgres_url)["states"] == {"sent": REMINDERS}
    per_worker = [fleet.sent(w) for w in workers]
    assert sum(per_worker) == REMINDERS
    assert sum(1 for n in per_worker if n > 0) >= 2, per_worker  # the work really was shared
    assert fleet.possible_duplicates() == set()
    # The SQLite single-instance lock file is never taken on PostgreSQL.
    assert list((tmp_path / "site").rglob("*.lock")) == []


def test_killed_and_restarted_workers_lose_nothing_and_log_duplicates(
    postgres_url: str, fleet_factory: Callable[[str, int], Any]
) -> None:
    """SIGKILLed workers, restarted: every key arrives, and every double is logged."""
    rng = random.Random(7)
    fleet = fleet_factory(postgres_url, REMINDERS)
    fleet.webhook.default = Reply(delay=0.001)
    _plan_ahead(fleet)

    kill_rounds, max_rounds, killed = 3, 8, 0
    for round_number in range(max_rounds):
        # Each round acts 20 s later than the last, past the 5 s lease of any claim left behind.
        workers = [fleet.start(_at(20 * round_number)) for _ in range(WORKERS)]
        if round_number < kill_rounds:
            base = fleet.webhook.total
            remaining = REMINDERS - len(fleet.webhook.counts())
            # Kill points measured in POSTs seen this round, so each kill lands mid-dispatch.
            plan = sorted(
                (base + rng.randint(20, max(40, remaining // 3)), worker)
                for worker in rng.sample(workers, rng.randint(1, WORKERS))
            )
            deadline = time.monotonic() + 60
            for threshold, worker in plan:
                while fleet.webhook.total < threshold and worker.poll() is None:
                    assert time.monotonic() < deadline, "workers stalled"
                    time.sleep(0.002)
                if worker.poll() is None:
                    worker.send_signal(signal.SIGKILL)
                    killed += 1
        for worker in workers:
            code = worker.wait(timeout=90)
            assert code in (0, -signal.SIGKILL), fleet.output(worker)
        if _ledger(postgres_url)["states"] == {"sent": REMINDERS}:
            break

    assert killed >= 1
    ledger = _ledger(postgres_url)
    assert ledger["states"] == {"sent": REMINDERS}, f"after {round_number + 1} rounds"
    counts = fleet.webhook.counts()
    assert len(counts) == REMINDERS  # none lost
    duplicates = {key for key, n in counts.items() if n > 1}
    logged = fleet.possible_duplicates()
    assert logged, "no kill landed mid-send; the fault was not exercised"
    assert duplicates <= logged
    for key, posts in counts.items():
        assert ledger["attempts"][key] >= posts, key


def test_worker_killed_while_planning_releases_the_planner_lock(
    postgres_url: str, fleet_factory: Callable[[str, int], Any]
) -> None:
    """A planner SIGKILLed while it holds the advisory lock leaves no lock behind."""
    fleet = fleet_factory(postgres_url, REMINDERS)
    first = fleet.start(PLAN_AT)
    seen = False
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline and first.poll() is None:
        seen = _planner_lock_held(postgres_url)
        time.sleep(0.002)
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    assert seen, "the planner finished before the lock was observed"
    assert not _planner_lock_held(postgres_url)
    second = fleet.start("2027-03-01T08:01")
    assert second.wait(timeout=60) == 0, fleet.output(second)
    assert _ledger(postgres_url)["states"] == {"pending": REMINDERS}


def _planner_lock_held(url: str) -> bool:
    from edicalendar.reminders.ledger import PLANNER_LOCK_KEY

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT classid::bigint << 32 | objid::bigint FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted"
            ).scalars()
            return any(
                (value - (1 << 64) if value >= 1 << 63 else value) == PLANNER_LOCK_KEY
                for value in rows
            )
    finally:
        engine.dispose()

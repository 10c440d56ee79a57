"""The planner lock: on PostgreSQL one worker plans at a time (`pg_try_advisory_lock`).

Two dispatchers with their own engines tick at the same moment against one database; the one
that finds the lock taken plans nothing and only sends, so each reminder is planned once. The
lock lives in the holder's session, so a closed connection (a dead process) frees it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, func, select, text

from edicalendar.config import Settings
from edicalendar.reminders.dispatch import Dispatcher, TickSummary
from edicalendar.reminders.ledger import PLANNER_LOCK_KEY, Ledger
from edicalendar.reminders.planner import PlannerInput
from edicalendar.storage.engine import Database, open_database
from edicalendar.storage.tables import deliveries
from support.builders import many_instances
from support.clock import Clock
from support.dispatch import make_dispatcher

#: An hour before the generated reminders fall due: a tick plans them and sends nothing.
PLAN_AT = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
COUNT = 300


def _dispatcher(
    database: Database, source: Callable[[dt.date, dt.date], PlannerInput]
) -> Dispatcher:
    return make_dispatcher(database, Settings(), source, Clock(PLAN_AT))


def _rows(database: Database) -> tuple[int, int]:
    with database.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(deliveries)).scalar_one()
        keys = conn.execute(select(func.count(func.distinct(deliveries.c.key)))).scalar_one()
    return total, keys


@pytest.mark.postgres
def test_two_planners_at_once_plan_each_reminder_once(postgres_url: str) -> None:
    """While one dispatcher plans, a second one ticking at the same moment plans nothing."""
    load = many_instances(COUNT, ["console"])
    inside, release = threading.Event(), threading.Event()
    calls = {"a": 0, "b": 0}

    def source_a(first: dt.date, last: dt.date) -> PlannerInput:
        calls["a"] += 1
        inside.set()
        assert release.wait(20), "the second planner never finished"
        return load

    def source_b(first: dt.date, last: dt.date) -> PlannerInput:
        calls["b"] += 1
        return load

    db_a, db_b = open_database(postgres_url), open_database(postgres_url)
    try:
        a, b = _dispatcher(db_a, source_a), _dispatcher(db_b, source_b)
        results: dict[str, TickSummary] = {}
        thread = threading.Thread(target=lambda: results.setdefault("a", a.tick()))
        thread.start()
        try:
            assert inside.wait(20), "the first planner never started planning"
            results["b"] = b.tick()  # the first still holds the lock, mid-plan
        finally:
            release.set()
            thread.join(30)
        assert calls == {"a": 1, "b": 0}
        assert results["b"].planned == 0
        assert results["a"].planned == COUNT
        assert _rows(db_a) == (COUNT, COUNT)
        assert Ledger(db_a).counts() == {"pending": COUNT}

        # The lock is free again: the second dispatcher now plans, and finds nothing new.
        again = b.tick()
        assert calls["b"] == 1 and again.planned == COUNT
        assert _rows(db_b) == (COUNT, COUNT)
    finally:
        db_a.close()
        db_b.close()


def _wait_for_session_end(database: Database, pid: int) -> None:
    """The server ends a closed session's backend (and drops its locks) a moment after the
    client hangs up; wait for that, at most 30 s, so a loaded machine cannot race it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with database.engine.connect() as conn:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            if conn.execute(query, {"pid": pid}).scalar_one() == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"PostgreSQL session {pid} still open 30 s after it was closed")


@pytest.mark.postgres
def test_planner_lock_is_refused_while_held_and_freed_with_its_session(postgres_url: str) -> None:
    """Another session holding the advisory lock blocks planning until that session ends."""
    database = open_database(postgres_url)
    other = create_engine(postgres_url)
    try:
        ledger = Ledger(database)
        holder = other.connect()
        holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert holder.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": PLANNER_LOCK_KEY}
        ).scalar_one()
        with ledger.planning_lock() as got:
            assert got is False
        holder.close()  # returns the connection to the pool: the session keeps the lock
        other.dispose()  # closes it, as a dead process would
        _wait_for_session_end(database, holder_pid)
        with ledger.planning_lock() as got:
            assert got is True
            with ledger.planning_lock() as nested_elsewhere:
                # A second session (a second worker) cannot take it meanwhile.
                assert nested_elsewhere is False
        with ledger.planning_lock() as got:
            assert got is True  # released on exit
    finally:
        other.dispose()
        database.close()


def test_sqlite_needs_no_planner_lock(sqlite_url: str) -> None:
    """On SQLite the instance lock file admits one process, so planning always proceeds."""
    database = open_database(sqlite_url)
    try:
        with Ledger(database).planning_lock() as got:
            assert got is True
    finally:
        database.close()

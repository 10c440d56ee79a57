"""The project database: migrations on SQLite and PostgreSQL, and failing closed on damage."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from edicalendar.errors import DatabaseError
from edicalendar.storage.engine import open_database
from edicalendar.storage.migrations import MIGRATIONS, Migration, migrate
from edicalendar.storage.state import StateStore
from edicalendar.storage.tables import schema_migrations

TABLES = {"schema_migrations", "meta", "feed_events", "campaign_progress", "deliveries"}

PLANNED = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_sqlite_database_gets_every_table_in_wal_mode(sqlite_url: str) -> None:
    """Opening a missing SQLite file creates it, applies every migration and turns on WAL."""
    db = open_database(sqlite_url)
    try:
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            applied = list(conn.execute(select(schema_migrations.c.name)).scalars())
        assert applied == [m.name for m in MIGRATIONS]
    finally:
        db.close()


def test_reopening_applies_nothing_and_keeps_rows(sqlite_url: str) -> None:
    """A second open finds every migration applied and the stored rows intact."""
    db = open_database(sqlite_url)
    StateStore(db).set_planned_until(PLANNED)
    db.close()
    again = open_database(sqlite_url)
    try:
        assert migrate(again.engine) == []
        assert StateStore(again).planned_until() == PLANNED
    finally:
        again.close()


@pytest.mark.parametrize("damage", ["junk_header", "overwrite_middle", "truncate"])
def test_damaged_sqlite_file_fails_closed_and_is_untouched(sqlite_url: str, damage: str) -> None:
    """A corrupt database raises DatabaseError with restore advice and is never written to."""
    db = open_database(sqlite_url)
    with db.engine.begin() as conn:
        for i in range(2000):
            conn.exec_driver_sql(
                "INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{i}", "x" * 200)
            )
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db.sqlite_path
    db.close()
    assert path is not None
    raw = bytearray(path.read_bytes())
    if damage == "junk_header":
        raw[:16] = b"this is not sql!"
    elif damage == "overwrite_middle":
        middle = len(raw) // 2
        raw[middle : middle + 4096] = b"\xa5" * 4096
    else:
        raw = raw[: len(raw) // 2]
    path.write_bytes(bytes(raw))
    before = _sha(path)
    with pytest.raises(DatabaseError) as caught:
        open_database(sqlite_url)
    assert "restore" in str(caught.value)
    assert _sha(path) == before


def test_migration_is_recorded_in_the_same_transaction(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails leaves neither its change nor its record behind."""
    db = open_database(sqlite_url)

    def broken(conn: object) -> None:
        from sqlalchemy import Connection

        assert isinstance(conn, Connection)
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        "edicalendar.storage.migrations.MIGRATIONS", [*MIGRATIONS, Migration("0099_broken", broken)]
    )
    with pytest.raises(RuntimeError):
        migrate(db.engine)
    assert "half_done" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert "0099_broken" not in set(conn.execute(select(schema_migrations.c.name)).scalars())
    db.close()


@pytest.mark.postgres
def test_postgresql_database_migrates_and_keeps_rows(postgres_url: str) -> None:
    """The same migrations run on a real PostgreSQL server, and a reopen keeps stored rows."""
    db = open_database(postgres_url)
    try:
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        StateStore(db).set_planned_until(PLANNED)
    finally:
        db.close()
    again = open_database(postgres_url)
    try:
        assert migrate(again.engine) == []
        assert StateStore(again).planned_until() == PLANNED
    finally:
        again.close()

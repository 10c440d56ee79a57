"""A database written by the previous release upgrades in place, with nothing lost.

`data/release-0.1.0-*.sql` are dumps of real databases that release 0.1.0 wrote (its own
`feed`, `feed --campaigns`, `campaign done`, `campaign asset` and `remind` commands, on SQLite
and on PostgreSQL), trimmed to a few feed rows. Opening one with this release must keep every
row, and must leave the same schema a fresh database gets: migrations with frozen DDL mean an
upgraded database and a new one never drift apart.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text

from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.storage.engine import Database, open_database
from edicalendar.storage.migrations import MIGRATIONS
from edicalendar.storage.state import StateStore
from edicalendar.storage.tables import (
    campaign_progress,
    deliveries,
    feed_events,
    meta,
    schema_migrations,
)

DATA = Path(__file__).with_name("data")
TABLES = (meta, feed_events, campaign_progress, deliveries)


#: Columns added to `deliveries` since 0.1.0, with the value every old row must get.
ADDED = {
    "possible_duplicates": 0,
    "duplicate_note": None,
    "claimed_by": None,
    "attempt_started_at": None,
    "audience": None,
    "held_by": None,
}


def _rows(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row in the columns 0.1.0 had; meta without the id this release adds."""
    with database.engine.connect() as conn:
        rows = {
            table.name: sorted(
                tuple(row)
                for row in conn.execute(select(*(c for c in table.columns if c.name not in ADDED)))
            )
            for table in TABLES
        }
        added = conn.execute(select(*(deliveries.c[n] for n in ADDED)).distinct()).all()
    assert added == [tuple(ADDED.values())]
    # The one meta row a 0.1.0 database gains: the ledger id (storage.identity).
    assert [r for r in rows["meta"] if r[0] == "ledger.id"]
    rows["meta"] = [r for r in rows["meta"] if r[0] != "ledger.id"]
    return rows


def _schema(url: str) -> dict[str, Any]:
    """Tables, columns (name, type, nullable, primary key), indexes and unique constraints."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        schema: dict[str, Any] = {}
        for table in sorted(found.get_table_names()):
            pk = set(found.get_pk_constraint(table)["constrained_columns"])
            schema[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c["name"] in pk)
                    for c in found.get_columns(table)
                ],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in found.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in found.get_unique_constraints(table)
                ),
            }
        return schema
    finally:
        engine.dispose()


def _check_upgraded(old: Database, fresh_url: str) -> None:
    rows = _rows(old)
    # What release 0.1.0 recorded is all still there.
    assert len(rows["feed_events"]) >= 12
    progress = {(r[1], r[3], r[4], r[5], r[6]) for r in rows["campaign_progress"]}
    assert ("black-history-month", "2027", "task", "draft-blog", "done") in progress
    assert {r[9] for r in rows["deliveries"]} >= {"sent", "expired"}
    # ... and readable through this release's typed code.
    state = StateStore(old)
    assert state.planned_until() is not None and state.last_tick() is not None
    sent = Ledger(old).deliveries(DeliveryState.SENT)
    assert sent and all(d.message.title for d in sent)
    with old.engine.connect() as conn:
        applied = set(conn.execute(select(schema_migrations.c.name)).scalars())
    assert applied == {m.name for m in MIGRATIONS}


def test_sqlite_database_from_release_0_1_0_upgrades_in_place(tmp_path: Path) -> None:
    """Every row of a 0.1.0 SQLite file survives opening, and its schema equals a fresh one's."""
    path = tmp_path / "edicalendar.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / "release-0.1.0-sqlite.sql").read_text(encoding="utf-8"))
    url = f"sqlite:///{path.as_posix()}"
    before = _rows_raw_sqlite(path)
    old = open_database(url)
    try:
        _check_upgraded(old, url)
        assert _rows(old) == before
    finally:
        old.close()
    fresh_url = f"sqlite:///{(tmp_path / 'fresh.db').as_posix()}"
    open_database(fresh_url).close()
    assert _schema(url) == _schema(fresh_url)


def _rows_raw_sqlite(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table.name: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table.name}"))
            for table in TABLES
        }


def _without_psql_commands(dump: Path) -> str:
    """The dump's SQL without psql meta-commands: pg_dump 17.6 and later wrap a dump in
    `\\restrict KEY` / `\\unrestrict KEY`, which only psql understands, not the server."""
    lines = dump.read_text("utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("\\"))


@pytest.mark.postgres
def test_postgresql_database_from_release_0_1_0_upgrades_in_place(postgres_url: str) -> None:
    """The same on PostgreSQL: a 0.1.0 dump keeps every row and matches a fresh schema."""
    loader = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with loader.connect() as conn:
            conn.exec_driver_sql(_without_psql_commands(DATA / "release-0.1.0-postgresql.sql"))
    finally:
        loader.dispose()
    reader = create_engine(postgres_url)
    with reader.connect() as conn:
        before = {
            t.name: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t.name}")))
            for t in TABLES
        }
    reader.dispose()
    old = open_database(postgres_url)
    try:
        _check_upgraded(old, postgres_url)
        assert _rows(old) == before
    finally:
        old.close()
    upgraded = _schema(postgres_url)
    fresh_url = postgres_url + "_fresh"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    fresh_name = fresh_url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{fresh_name}"'))
    try:
        open_database(fresh_url).close()
        assert upgraded == _schema(fresh_url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_build_exactly_the_tables_the_code_uses(tmp_path: Path) -> None:
    """A fresh database (frozen DDL, migration by migration) has the schema `tables.py` says:
    a column added to a table without a migration fails here, not on a user's database."""
    from edicalendar.storage.tables import metadata

    migrated = f"sqlite:///{(tmp_path / 'migrated.db').as_posix()}"
    open_database(migrated).close()
    declared = f"sqlite:///{(tmp_path / 'declared.db').as_posix()}"
    engine = create_engine(declared)
    metadata.create_all(engine)
    engine.dispose()
    assert _schema(migrated) == _schema(declared)

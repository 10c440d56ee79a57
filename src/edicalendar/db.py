"""The one project database: engine, schema and named migrations.

SQLite (in the data folder) by default, PostgreSQL by URL. It holds three kinds of state, each
small: feed change tracking (SEQUENCE and LAST-MODIFIED per UID), campaign progress (who marked
what done, when) and the reminder delivery ledger. Migrations are named, ordered and applied in
one transaction each, recorded in `schema_migrations`. Timestamps are stored as UTC ISO 8601 text.
On SQLite the database runs in WAL mode and is checked with `PRAGMA quick_check` when opened; a
damaged file is never written to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from edicalendar.errors import DatabaseError

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Feed change tracking: one row per published UID.
feed_events = Table(
    "feed_events",
    metadata,
    #: Which complete event set the UID belongs to ("observances", or a campaign plan's own);
    #: each scope tracks its own SEQUENCE, so one UID may appear in several scopes.
    Column("scope", String(200), primary_key=True, default=""),
    Column("uid", String(64), primary_key=True),
    Column("observance_id", String(200), nullable=False),
    Column("instance", String(40), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("sequence", Integer, nullable=False, default=0),
    Column("last_modified", String(40), nullable=False),
    Column("cancelled_at", String(40), nullable=True),
    #: JSON of the last published event, so a vanished occurrence can be sent as CANCELLED.
    Column("event_json", Text, nullable=False),
)

#: Campaign progress: an append-only history; the newest row per item is its state.
campaign_progress = Table(
    "campaign_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(200), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    #: The occurrence the item belongs to ("2030", or "2030-2" for a second one that year).
    Column("instance", String(40), nullable=False),
    Column("item_kind", String(20), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("status", String(40), nullable=False),
    Column("url", Text, nullable=True),
    Column("recorded_by", String(200), nullable=True),
    Column("recorded_at", String(40), nullable=False),
)

#: The reminder delivery ledger (the outbox): one row per reminder occurrence and destination.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(500), nullable=False),
    Column("campaign_id", String(200), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("rule", String(200), nullable=False, default=""),
    Column("local_date", String(10), nullable=False, default=""),
    Column("destination", String(200), nullable=False, index=True),
    Column("due_at", String(40), nullable=False, index=True),
    Column("not_after", String(40), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(40), nullable=True),
    Column("lease_until", String(40), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("provider_response", Text, nullable=True),
    Column("payload_json", Text, nullable=False),
    Column("sent_at", String(40), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("key", name="uq_deliveries_key"),
)


@dataclass(frozen=True)
class Migration:
    """A named, ordered schema change applied once, inside one transaction."""

    name: str
    upgrade: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meta, feed_events, campaign_progress, deliveries])


def _deliveries_due_index(conn: Connection) -> None:
    # Every claim and every tick asks "open rows due by now"; one index on both columns lets
    # PostgreSQL answer that (and lock with SKIP LOCKED) without scanning every state's rows.
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_deliveries_state_due_at ON deliveries (state, due_at)"
        )
    )


MIGRATIONS: list[Migration] = [
    Migration("0001_initial", _initial),
    Migration("0002_deliveries_state_due_index", _deliveries_due_index),
]


def utc_text(moment: dt.datetime) -> str:
    """A timezone-aware instant as sortable UTC text (`2026-03-08T09:00:00Z`)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware UTC instant")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: str) -> dt.datetime:
    """Inverse of :func:`utc_text`."""
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so DDL in a
    # migration is transactional and claims can use BEGIN IMMEDIATE (SQLAlchemy pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # `conn.execution_options(sqlite_begin="IMMEDIATE")` takes the write lock at BEGIN, which a
    # claim needs so two workers cannot read the same pending rows.
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # the caller manages BEGIN/COMMIT itself
    mode = options.get("sqlite_begin", "")
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


RESTORE_HINT = (
    "stop edicalendar, move the damaged file aside, restore the latest backup "
    '(sqlite3 BACKUP.db ".restore DATABASE") or copy a backup into place, then start again; '
    "nothing was sent while the database was unreadable"
)


@dataclass
class Database:
    """An open, migrated database."""

    engine: Engine
    url: str

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = make_url(self.url).database
        return Path(database) if self.is_sqlite and database else None

    def close(self) -> None:
        self.engine.dispose()

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()

    def set_meta(self, key: str, value: str) -> None:
        """Store `value` under `key`, atomically (an upsert, safe with several processes)."""
        from sqlalchemy.dialects import postgresql, sqlite

        statement: Any
        if self.is_sqlite:
            statement = sqlite.insert(meta).values(key=key, value=value)
        else:
            statement = postgresql.insert(meta).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[meta.c.key], set_={"value": statement.excluded.value}
        )
        with self.engine.begin() as conn:
            conn.execute(statement)


def open_database(url: str, *, check: bool = True, create: bool = True) -> Database:
    """Open (creating when allowed) and migrate the database at `url`.

    On SQLite a failed `quick_check` or an unreadable file raises :class:`DatabaseError`
    without writing anything: fail closed, with instructions to restore.
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.exists() and not create:
            raise DatabaseError(f"database {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise DatabaseError(f"{path} is not an SQLite database; {RESTORE_HINT}")
    engine = create_engine(url, future=True)
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    database = Database(engine=engine, url=url)
    try:
        if is_sqlite and check:
            with engine.connect() as conn:
                rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
            if rows != ["ok"]:
                engine.dispose()
                raise DatabaseError(
                    f"{database.sqlite_path} failed its integrity check ({'; '.join(rows[:3])}); "
                    f"{RESTORE_HINT}"
                )
        migrate(database)
    except (SADatabaseError, OperationalError) as exc:
        engine.dispose()
        where = database.sqlite_path or parsed.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot open database {where}: {exc.orig}; {RESTORE_HINT}") from None
    return database


def migrate(database: Database) -> list[str]:
    """Apply pending migrations in order; return the names applied."""
    applied_now: list[str] = []
    metadata.create_all(database.engine, tables=[schema_migrations])
    with database.engine.connect() as conn:
        done = set(conn.execute(select(schema_migrations.c.name)).scalars())
    for migration in MIGRATIONS:
        if migration.name in done:
            continue
        with database.engine.begin() as conn:
            migration.upgrade(conn)
            conn.execute(
                schema_migrations.insert().values(
                    name=migration.name, applied_at=utc_text(dt.datetime.now(dt.UTC))
                )
            )
        applied_now.append(migration.name)
    return applied_now

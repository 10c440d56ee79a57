"""Opening the one project database: SQLite in the data folder by default, PostgreSQL by URL.

:func:`open_database` checks an SQLite file before anything is written (header, then
`PRAGMA quick_check`) and applies pending migrations (:mod:`edicalendar.storage.migrations`).
On SQLite the database runs in WAL mode with full fsync and claims take the write lock at
BEGIN. Timestamps are stored as UTC ISO 8601 text (:func:`utc_text`, :func:`parse_utc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from edicalendar.errors import DatabaseError
from edicalendar.storage.migrations import migrate


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
        migrate(engine)
    except (SADatabaseError, OperationalError) as exc:
        engine.dispose()
        where = database.sqlite_path or parsed.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot open database {where}: {exc.orig}; {RESTORE_HINT}") from None
    return database

"""Opening the one project database: SQLite in the data folder by default, PostgreSQL by URL.

:func:`open_database` checks an SQLite file before anything is written (header, then
`PRAGMA quick_check`) and applies pending migrations (:mod:`edicalendar.storage.migrations`).
On SQLite the database runs in WAL mode with full fsync and claims take the write lock at
BEGIN. Timestamps are stored as UTC ISO 8601 text (:func:`utc_text`, :func:`parse_utc`).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import StaticPool

from edicalendar.errors import DatabaseError
from edicalendar.storage import identity

# Kept importable from here, where callers have always found them.
from edicalendar.storage.advice import RESTORE_HINT as RESTORE_HINT
from edicalendar.storage.advice import recovery_advice as recovery_advice
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


#: Permissions of the data folder and the SQLite file edicalendar creates: people's names,
#: email addresses, sessions and delivery errors are for the service account only.
DATA_DIR_MODE = 0o700
DATABASE_MODE = 0o600


def _create_private(path: Path) -> None:
    """Create the data folder and an empty database file readable by this user only (SQLite
    gives its -wal and -shm files the database file's permissions)."""
    try:
        path.parent.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
        if not path.exists():
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, DATABASE_MODE)
            os.close(descriptor)
    except FileExistsError:
        pass  # another process created it a moment ago
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DatabaseError(
            f"cannot create database {path}: {reason}; {recovery_advice(reason, path)}"
        ) from None


#: How to put a database back, for the identity refusals.
PUT_BACK_HINT = "restore it from your backup or move the original back into place"
#: The database URLs edicalendar works with, for messages about one it cannot use.
URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/NAME"
POSTGRESQL_EXTRA = "pip install 'edicalendar[postgresql]'"


def missing_driver(parsed: URL, display: str, exc: ImportError) -> str:
    """What to do when the Python driver a database URL names is not installed."""
    module = exc.name or "its driver"
    found = (
        f"cannot open database {display}: the Python module {module!r} it needs is not installed"
    )
    if parsed.get_backend_name() != "postgresql":
        return f"{found}; write the URL as {URL_FORMS}"
    if parsed.get_driver_name() == "psycopg":
        return f"{found}; install PostgreSQL support with {POSTGRESQL_EXTRA}"
    return (
        f"{found}. edicalendar talks to PostgreSQL through psycopg 3: write the URL as "
        f"postgresql+psycopg://... and install it with {POSTGRESQL_EXTRA}"
    )


@dataclass
class Database:
    """An open, migrated database, and the ledger identity it was checked against."""

    engine: Engine
    url: str
    #: The ledger id the database carries.
    ledger_id: str | None = None
    #: The marker file beside it (None for an in-memory database or one without a folder).
    marker: Path | None = None
    #: Why the database was adopted as a new ledger (`adopt_at` given and something was wrong).
    started_afresh: str | None = None
    _display: str = field(default="", repr=False)
    _kept: KeptReader | None = field(default=None, repr=False)
    _kept_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def note_progress(self, serial: int) -> None:
        """Record in the marker that the ledger reached `serial` (after each tick)."""
        if self.marker is not None and self.ledger_id is not None:
            identity.write_marker(self.marker, self.ledger_id, serial, self._display)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every row `sql` selects, as dicts (:class:`~edicalendar.storage.reads.Reads`)."""
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(text(sql), dict(params or {})).mappings()]

    def quick_reads(self) -> Database | KeptReader:
        """The same reads (:class:`~edicalendar.storage.reads.Reads`) for a query asked very
        often, such as the freezes read before every message: on an SQLite file, over
        standard-library connections kept open (:class:`KeptReader`); otherwise this
        database."""
        if self._kept is not None:
            return self._kept
        path = self.sqlite_path
        if path is None:
            return self
        with self._kept_lock:
            if self._kept is None:
                self._kept = KeptReader(path)
            return self._kept

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that reads and then writes. On SQLite it takes the write lock at BEGIN
        (IMMEDIATE): a deferred one that reads first fails at once with "database is locked"
        when another connection commits in between (no busy timeout helps), and two writers
        could both read a row as free."""
        if not self.is_sqlite:
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as raw:
            conn = raw.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @property
    def sqlite_path(self) -> Path | None:
        database = make_url(self.url).database
        return Path(database) if self.is_sqlite and database else None

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
        self.engine.dispose()


class KeptReader:
    """Read-only queries on one SQLite file over standard-library connections kept open
    between queries (as many as threads read at once), for a read asked before every message
    (a tenth of the cost of a query through SQLAlchemy). Each query runs on its own, outside
    any transaction, so it sees the latest commit; errors are raised as SQLAlchemy's, as
    :meth:`Database.fetch` raises them."""

    #: Connections kept idle at most (more are closed after their query).
    KEEP = 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA query_only=ON")
        return conn

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        try:
            if conn is None:
                conn = self._connect()
            cursor = conn.execute(sql, dict(params or {}))
            names = [column[0] for column in cursor.description or ()]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise DBAPIError.instance(sql, dict(params or {}), exc, sqlite3.Error) from None
        with self._lock:
            if self._closed or len(self._idle) >= self.KEEP:
                conn.close()
            else:
                self._idle.append(conn)
        return rows

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def sqlite_path_of(url: str) -> Path | None:
    """The file an SQLite URL names (None for another database, an in-memory one, or text
    that is no URL: :func:`open_database` says what is wrong with that)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if parsed.database == ":memory:" else Path(parsed.database)


def open_database(
    url: str,
    *,
    check: bool = True,
    create: bool = True,
    marker_dir: Path | None = None,
    adopt_at: dt.datetime | None = None,
    read_only: bool = False,
) -> Database:
    """Open (creating when allowed) and migrate the database at `url`.

    On SQLite a failed `quick_check` or an unreadable file raises :class:`DatabaseError`
    without writing anything: fail closed, with instructions to restore when the file is
    damaged, and other advice when it is not (:func:`recovery_advice`). A new data folder and
    database file are created readable by this user only. A database that is not the ledger
    its marker names (missing, empty, swapped, rolled back) raises
    :class:`~edicalendar.errors.LedgerIdentityError`, unless `adopt_at` is given: then it
    becomes a new ledger beginning at that instant (nothing due before it is ever sent from
    it) and `started_afresh` says why. `marker_dir` holds the marker of a server database
    (SQLite keeps it beside the file).

    With `read_only` (commands that only look, and reminder simulations) no ledger is ever
    made: a database not made yet (a missing or empty SQLite file, a server database without
    edicalendar's tables) that no marker names is read as an empty in-memory one, and the
    marker is not written. One a marker names is refused as above. An existing database is
    still brought up to the current schema, which every command needs.
    """
    adopt = adopt_at is not None
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Not echoed: a mistyped URL may still hold a password.
        raise DatabaseError(
            f"the database URL (data.database_url or EDICALENDAR_DATABASE_URL) is not a URL "
            f"edicalendar can read; write it as {URL_FORMS}"
        ) from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    display = parsed.render_as_string(hide_password=True)
    marker_file = identity.marker_path(parsed, marker_dir)
    marker = identity.read_marker(marker_file) if marker_file is not None else None
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        display = str(path)
        if not path.exists() and not create:
            raise DatabaseError(f"database {path} does not exist")
        present = path.exists() and path.stat().st_size > 0
        if not present and marker is None and read_only:
            return open_database("sqlite://")
        if not present and marker is not None and not adopt:
            # Checked before SQLite is let near the path: it would make a new, empty file.
            raise identity.refusal(
                f"the reminder ledger {path} is "
                f"{'empty (0 bytes)' if path.exists() else 'missing'}, but this data folder "
                f"last used ledger {marker.ledger_id} (marker {marker.path})",
                PUT_BACK_HINT,
            )
        _create_private(path)
        if present:
            with path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise DatabaseError(f"{path} is not an SQLite database; {RESTORE_HINT}")
    # A lane sends up to 16 reminders at once and each marks its row as it starts: room for
    # every lane's senders and the planner without waiting on the pool.
    try:
        if is_sqlite and parsed.database in (None, "", ":memory:"):
            # One in-memory database (what a reader sees when none was made yet), shared by
            # every thread that uses this engine.
            engine = create_engine(
                url, future=True, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            engine = create_engine(url, future=True, pool_size=10, max_overflow=40)
    except NoSuchModuleError:
        raise DatabaseError(
            f"cannot open database {display}: edicalendar cannot use a "
            f"{parsed.drivername!r} database; write the URL as {URL_FORMS}"
        ) from None
    except ImportError as exc:
        raise DatabaseError(missing_driver(parsed, display, exc)) from None
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
        found = identity.inspect_database(engine)
        if read_only and marker is None and not found.has_tables:
            engine.dispose()
            return open_database("sqlite://")
        wrong = identity.problem(marker, found, display)
        if wrong is not None and not adopt:
            engine.dispose()
            raise identity.refusal(wrong, PUT_BACK_HINT)
        migrate(engine)
        with engine.begin() as conn:
            begins = adopt_at if wrong is not None else None
            database.ledger_id = identity.settle_ledger_id(conn, begins=begins)
    except (SADatabaseError, OperationalError) as exc:
        engine.dispose()
        where = database.sqlite_path or display
        advice = recovery_advice(exc.orig, where)
        raise DatabaseError(f"cannot open database {where}: {exc.orig}; {advice}") from None
    database.marker = marker_file
    database.started_afresh = wrong
    database._display = display
    if read_only:
        database.marker = None  # a reader leaves the marker to the next real tick
    elif marker_file is not None and (marker is None or marker.ledger_id != database.ledger_id):
        database.note_progress(found.serial)
    return database

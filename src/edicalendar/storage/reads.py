"""Reading recorded rows without SQLAlchemy, for commands that only look.

`upcoming`, `campaigns`, `campaign show`, `check`, `ledger`, `freeze list` and `health` read a
few tables (task progress, the campaigns kept in the database and their changes, communication
freezes, deliveries, the reminder bot's state in `meta`) and would otherwise
spend most of their start-up importing SQLAlchemy. :class:`Reads` is the one query method both
sources offer: an open :class:`~edicalendar.storage.engine.Database`, and :class:`SqliteReader`,
the standard library's `sqlite3` on a plain SQLite file opened read-only. Each query is written
once, as SQL with `:name` parameters, which both accept.

:func:`sqlite_reader` hands out a reader only when the file plainly needs nothing from a full
open: no file yet (nothing recorded; nothing is created), or a file with every migration applied
that is the ledger its marker names. Anything else (PostgreSQL, an older schema, a swapped or
rolled-back ledger, a damaged or locked file) gets None, and the caller opens the database in
full, which migrates, refuses or explains as it always has.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from edicalendar.errors import DatabaseError
from edicalendar.storage.advice import recovery_advice

#: Every migration's name, in order (`storage.migrations.MIGRATIONS`; a test keeps them equal).
#: A file without all of them is opened in full, which brings it up to date.
MIGRATION_NAMES = (
    "0001_initial",
    "0002_deliveries_state_due_index",
    "0003_accounts",
    "0004_freezes",
    "0005_deliveries_duplicates_and_claims",
    "0006_date_changes",
    "0007_campaign_workspace",
    "0008_deliveries_audience_and_hold",
)
#: How long a read waits for another process's write lock (as the full open's busy timeout).
WAIT_SECONDS = 5.0
#: The marker beside an SQLite ledger, and the `meta` keys it is checked against (defined here,
#: without SQLAlchemy, for `storage.identity` and this reader alike).
MARKER_SUFFIX = ".ledger-id"
LEDGER_ID_KEY = "ledger.id"
LEDGER_SERIAL_KEY = "ledger.serial"
#: When the ledger began: nothing that fell due before it is planned or sent.
LEDGER_BEGAN_KEY = "reminders.began"


class Reads(Protocol):
    """Somewhere rows can be read from."""

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every row `sql` selects, as a dict per row (column name to value)."""
        ...


def sqlite_file(url: str) -> Path | None:
    """The database file of a plain `sqlite:///PATH` URL; None for anything else (a URL with
    a query or a %-escape is left to SQLAlchemy, which reads those)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "%" in url or url == prefix:
        return None
    return Path(url[len(prefix) :])


class SqliteReader:
    """Read-only queries on one SQLite file (None: no database yet, so nothing recorded)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=WAIT_SECONDS)

    def fetch(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.path is None:
            return []
        try:
            with contextlib.closing(self._connect()) as conn:
                cursor = conn.execute(sql, dict(params or {}))
                names = [column[0] for column in cursor.description or ()]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, error: sqlite3.Error) -> DatabaseError:
        """The one-line error for a file that could not be read after it was chosen: locked
        by another process past the wait, removed or moved away, or damaged meanwhile."""
        assert self.path is not None
        if not self.path.exists():
            advice = (
                "it was moved or removed while edicalendar was reading it; nothing was changed: "
                "put it back (or check data.data_dir), then run the command again"
            )
        else:
            advice = recovery_advice(error, self.path)
        return DatabaseError(f"cannot read database {self.path}: {error}; {advice}")

    def _current(self) -> bool:
        """Whether the file has every migration and is the ledger its marker names."""
        assert self.path is not None
        marker = _read_marker(self.path.with_name(self.path.name + MARKER_SUFFIX))
        with contextlib.closing(self._connect()) as conn:
            applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
            if not applied.issuperset(MIGRATION_NAMES):
                return False
            if marker is None:
                return True
            stored = dict(
                conn.execute(
                    "SELECT key, value FROM meta WHERE key IN (?, ?)",
                    (LEDGER_ID_KEY, LEDGER_SERIAL_KEY),
                ).fetchall()
            )
        ledger, serial = marker
        return (
            bool(stored.get(LEDGER_ID_KEY) == ledger)
            and int(stored.get(LEDGER_SERIAL_KEY) or 0) >= serial
        )


def _read_marker(path: Path) -> tuple[str, int] | None:
    """(ledger id, serial) from a marker file; None when there is none. A marker that cannot
    be read raises ValueError or OSError (the full open says what is wrong with it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    if not values.get("ledger"):
        raise ValueError(f"{path} names no ledger")
    return values["ledger"], int(values.get("serial", "0"))


def sqlite_reader(url: str) -> SqliteReader | None:
    """A reader for the plain SQLite database at `url` when one can stand in for a full open
    (see the module docstring); None when the database must be opened in full."""
    path = sqlite_file(url)
    if path is None or str(path) == ":memory:":
        return None
    try:
        if not path.exists() or path.stat().st_size == 0:
            marker = path.with_name(path.name + MARKER_SUFFIX)
            # A marker naming a ledger that is gone is refused by the full open.
            return None if marker.exists() else SqliteReader(None)
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return None
        reader = SqliteReader(path)
        return reader if reader._current() else None
    except (OSError, ValueError, sqlite3.Error):
        return None

"""One reminder process per SQLite database: an exclusive lock file beside it.

SQLite admits one bot (the clock in `serve`, or a `remind` tick from cron); a second one stops
with a message naming the process that holds the lock. The file says who holds it (`pid role
since`): a `remind` that finds another `remind` still sending can then step aside quietly,
while a running clock is an error. Kept apart from the scheduler so that a `remind` tick takes
the lock without loading APScheduler.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from pathlib import Path
from typing import IO

from edicalendar.errors import DatabaseError, InstanceLockedError


class InstanceLock:
    """An exclusive `flock` on a file beside the SQLite database, held for the process."""

    def __init__(self, path: Path, role: str = "clock") -> None:
        self.path = path
        self.role = role
        self._handle: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+")
        except OSError as exc:
            raise self._cannot_write(exc) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid, role, since = ([*handle.read().split(), "unknown", "clock", "unknown"])[:3]
            handle.close()
            raise InstanceLockedError(
                f"another edicalendar reminder process (pid {pid}) is already running on "
                f"this database (lock file {self.path}); stop it first, or run "
                "`edicalendar serve --no-scheduler` beside it",
                pid=pid,
                role=role,
                since=since,
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            handle.write(f"{os.getpid()} {self.role} {since}\n")
            handle.flush()
        except OSError as exc:  # a full disk, most likely
            with contextlib.suppress(OSError):  # closing flushes the same unwritable bytes
                handle.close()
            raise self._cannot_write(exc) from None
        self._handle = handle
        return self

    def _cannot_write(self, exc: OSError) -> DatabaseError:
        # A read-only or full file system, or a folder this user cannot write: say so, as the
        # database would (the lock is taken before the database is opened).
        from edicalendar.storage.engine import recovery_advice

        return DatabaseError(
            f"cannot write the lock file {self.path}: {exc.strerror or exc}; "
            f"{recovery_advice(exc, self.path)}"
        )

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def lock_path_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".lock")

"""One reminder process per SQLite database: an exclusive lock file beside it.

SQLite admits one bot (the clock in `serve`, or a `remind` tick from cron); a second one stops
with a message naming the process that holds the lock. Kept apart from the scheduler so that a
`remind` tick takes the lock without loading APScheduler.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from edicalendar.errors import DatabaseError


class InstanceLock:
    """An exclusive `flock` on a file beside the SQLite database, held for the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DatabaseError(
                f"another edicalendar reminder process (pid {holder}) is already running on "
                f"this database (lock file {self.path}); stop it first, or run "
                "`edicalendar serve --no-scheduler` beside it"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def lock_path_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".lock")

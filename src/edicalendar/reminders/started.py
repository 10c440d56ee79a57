"""Which claimed deliveries had their request started: known even after the process is killed.

A claim says a process took a delivery; whether its request then went out decides, after a
crash, between sending it again quietly (nothing left) and sending it again as a possible
duplicate. The sending thread marks the delivery just before the request goes out. On
PostgreSQL the mark is the row's `attempt_started_at`, committed without waiting for the disk.
On SQLite, whose one write lock would queue every mark behind each commit's fsync, the mark is
a line appended to a small journal beside the database (`edicalendar.db.sending-PID-N`), which
the kernel keeps when the process is killed; it is emptied whenever nothing is in flight.
Either way a mark survives a killed process, not necessarily a power cut: then a reminder
whose request was under way is sent again without the possible-duplicate warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import socket
import threading
from pathlib import Path

from sqlalchemy import text, update

from edicalendar.storage.engine import Database
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import utc_text

log = logging.getLogger("edicalendar.reminders.ledger")

_numbers = itertools.count(1)


class StartMarks:
    """Marks of started requests for one database (see the module docstring)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        path = database.sqlite_path
        self._journal = (
            None
            if path is None
            else path.with_name(f"{path.name}.sending-{os.getpid()}-{next(_numbers)}")
        )
        self._open: set[tuple[str, int]] = set()
        self._handle: int | None = None
        self._lock = threading.Lock()

    def mark(self, key: str, attempts: int, now: dt.datetime) -> bool:
        """Record that attempt `attempts` of `key` is about to be sent; False when it cannot be
        (the claim was lost, or the mark cannot be written): then nothing is sent."""
        if self._journal is None:
            return self._mark_row(key, attempts, now)
        line = f"{key}\t{attempts}\t{utc_text(now)}\n".encode()
        with self._lock:
            try:
                if self._handle is None:
                    self._handle = os.open(
                        self._journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640
                    )
                os.write(self._handle, line)
            except OSError as exc:
                log.error("cannot write %s (%s); not sending %s", self._journal, exc, key)
                return False
            self._open.add((key, attempts))
        return True

    def _mark_row(self, key: str, attempts: int, now: dt.datetime) -> bool:
        statement = (
            update(deliveries)
            .where(
                deliveries.c.key == key,
                deliveries.c.state == "sending",
                deliveries.c.attempts == attempts,
            )
            .values(attempt_started_at=utc_text(now))
        )
        with self.database.write() as conn:
            conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
            return bool(conn.execute(statement).rowcount)

    def settled(self, done: list[tuple[str, int]]) -> None:
        """These attempts' outcomes are recorded: their marks are no longer needed (the
        journal is emptied once nothing of this process is in flight)."""
        if self._journal is None or not done:
            return
        with self._lock:
            self._open.difference_update(done)
            if self._open or self._handle is None:
                return
            os.close(self._handle)
            self._handle = None
            with contextlib.suppress(OSError):
                self._journal.unlink()

    def started(self, holder: str | None) -> set[tuple[str, int]] | None:
        """The attempts `holder` ("host:pid") marked as started, or None when this process
        cannot know (another host, or not SQLite: then the row's own mark says)."""
        if self._journal is None or holder is None:
            return None
        host, _, pid = holder.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return None
        found: set[tuple[str, int]] = set()
        for path in self._journals(pid):
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                parts = line.split("\t")
                if len(parts) >= 2 and parts[1].isdigit():
                    found.add((parts[0], int(parts[1])))
        return found

    def forget(self, holder: str) -> None:
        """Remove the journals of a process that died, once its claims are all recovered."""
        pid = holder.rpartition(":")[2]
        if self._journal is None or not pid.isdigit() or int(pid) == os.getpid():
            return
        for path in self._journals(pid):
            with contextlib.suppress(OSError):
                path.unlink()

    def _journals(self, pid: str) -> list[Path]:
        assert self._journal is not None
        stem = self._journal.name.rsplit("-", 2)[0]
        return sorted(self._journal.parent.glob(f"{stem}-{pid}-*"))

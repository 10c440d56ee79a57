"""What to tell a person when the database cannot be read or written, in one clause of advice.

Kept apart from :mod:`edicalendar.storage.engine` so that the standard-library reader
(:mod:`edicalendar.storage.reads`) gives the same advice without importing SQLAlchemy.
"""

from __future__ import annotations

import os
from pathlib import Path

RESTORE_HINT = (
    "stop edicalendar, move the damaged file aside, restore the latest backup "
    '(sqlite3 BACKUP.db ".restore DATABASE") or copy a backup into place, then run '
    "`edicalendar remind --new-ledger` once, so that reminders sent after the backup was made "
    "are not sent again; nothing was sent while the database was unreadable"
)


def _folder_state(path: Path) -> str | None:
    """ "read-only", "full" or "not writable" for the folder of an SQLite file, or None."""
    folder = path.parent
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "read-only"
    if stats.f_bavail == 0:
        return "full"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "not writable"
    return None


def recovery_advice(error: object, where: object) -> str:
    """What to do about a database error, in words: only damage earns the restore advice.

    A read-only file, a full disk, a lock held by another process or a PostgreSQL server that
    refuses connections leave the data intact, and restoring a backup would throw away good
    data, so each gets its own message. For an SQLite file (`where` a Path) the folder is
    looked at too, since SQLite says only "unable to open database file" when it cannot
    create its -wal or -shm file beside the database.
    """
    text = str(error).lower()
    state = _folder_state(where) if isinstance(where, Path) else None
    if state == "read-only":
        return (
            f"the file system holding {where} is mounted read-only; nothing is damaged: "
            "mount it read-write, or point data.data_dir at a writable folder"
        )
    if state == "full":
        text += " disk is full"
    elif state == "not writable":
        text += " readonly"
    if "readonly" in text or "read-only" in text:
        return (
            f"{where} (or its folder) is read-only for this user; nothing is damaged: give the "
            "account that runs edicalendar write access to the data folder (chown/chmod), or "
            "point data.data_dir at a writable folder"
        )
    if "disk is full" in text or "no space left" in text or "database or disk is full" in text:
        return (
            f"the disk holding {where} is full; nothing is damaged: free some space, then run "
            "the command again"
        )
    if "database is locked" in text or "database table is locked" in text:
        return (
            f"another process is writing to {where} and held it longer than the 5 s wait; "
            "nothing is damaged: try again, or stop the other edicalendar process"
        )
    if "unable to open database file" in text or "permission denied" in text:
        return (
            f"{where} cannot be opened: its folder is missing or not readable and writable by "
            "this user; nothing is damaged: check the data folder's owner and permissions"
        )
    if (
        "connection refused" in text
        or "could not connect" in text
        or "connection timed out" in text
    ):
        return (
            "the PostgreSQL server is not accepting connections there; nothing is damaged: "
            "check that it is running and that data.database_url (or EDICALENDAR_DATABASE_URL) "
            "names its host and port"
        )
    if "password authentication failed" in text or "no pg_hba.conf entry" in text:
        return (
            "PostgreSQL refused the login; nothing is damaged: check the user name and password "
            "in data.database_url (or EDICALENDAR_DATABASE_URL)"
        )
    if "does not exist" in text and "database" in text:
        return "that PostgreSQL database does not exist: create it (createdb) or fix the URL"
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return RESTORE_HINT
    return (
        "if `sqlite3 DATABASE 'PRAGMA quick_check'` reports damage, restore the latest backup; "
        "otherwise fix the cause above and run the command again"
    )

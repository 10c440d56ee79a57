"""Reading the database with the standard library (`storage.reads`) for commands that only look.

The reader must see exactly what a full open sees, never create or change anything, and stand
aside (None) whenever only the full open can be trusted: another database, an older schema, a
ledger its marker does not name, a file that is not SQLite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from edicalendar.calendar.freezes import FreezeKind
from edicalendar.campaigns.progress import history, record_task
from edicalendar.campaigns.store import (
    CampaignStore,
    ChangeAction,
    recorded_changes,
    stored_campaigns,
    stored_tables,
)
from edicalendar.config import Settings
from edicalendar.errors import DatabaseError
from edicalendar.reminders.freeze_book import FreezeBook, FreezeRequest
from edicalendar.reminders.freeze_rows import recorded_freezes
from edicalendar.storage import identity, reads
from edicalendar.storage.engine import Database, open_database
from edicalendar.storage.migrations import MIGRATIONS
from edicalendar.storage.reads import MIGRATION_NAMES, SqliteReader, sqlite_file, sqlite_reader
from support.cli import CliRunner

AT = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
TABLE = {"id": "winter-wellbeing", "title": "Winter wellbeing", "observance": "world-aids-day"}


def _path(url: str) -> Path:
    found = sqlite_file(url)
    assert found is not None
    return found


def _filled(url: str) -> Database:
    """A database holding a little of everything the read-only commands read."""
    db = open_database(url)
    record_task(db, "black-history-month", "2026", "draft-blog", by="Asha", at=AT)
    record_task(db, "black-history-month", "2026", "draft-blog", done=False, by=None, at=AT)
    record_task(db, "pride-month", "2027", "book-speaker", by="Sam", at=AT)
    store = CampaignStore(db)
    store.create(TABLE, by="Asha", at=AT)
    store.record(
        "winter-wellbeing",
        ChangeAction.REASSIGNED,
        by="Asha",
        at=AT,
        instance="2026",
        item_kind="task",
        item_id="draft",
        detail='{"name": "Sam"}',
    )
    store.record("winter-wellbeing", ChangeAction.COMMENTED, by="Sam", at=AT, detail="Nearly")
    settings = Settings()
    book = FreezeBook(
        db,
        settings.freezes,
        nation=settings.nation,
        timezone=ZoneInfo("Europe/London"),
        now=lambda: AT,
    )
    book.add(
        FreezeRequest(
            FreezeKind.ORGANISATION,
            "Board review",
            start=dt.date(2026, 12, 1),
            end=dt.date(2026, 12, 5),
        ),
        by="Asha",
    )
    return db


def test_the_reader_knows_every_migration() -> None:
    """A database is read without a full open only when it has every migration applied."""
    assert tuple(m.name for m in MIGRATIONS) == MIGRATION_NAMES


def test_no_database_yet_reads_as_nothing_recorded_and_creates_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    reader = sqlite_reader(sqlite_url)
    assert reader is not None
    assert history(reader) == []
    assert stored_tables(reader) == []
    assert recorded_freezes(reader) == []
    assert not (tmp_path / "data").exists()


def test_a_current_database_reads_as_the_full_open_reads_it(sqlite_url: str) -> None:
    db = _filled(sqlite_url)
    try:
        reader = sqlite_reader(sqlite_url)
        assert isinstance(reader, SqliteReader)
        assert reader.path == _path(sqlite_url)
        for read in (
            history,
            lambda r: history(r, "black-history-month"),
            stored_tables,
            stored_campaigns,
            recorded_changes,
            lambda r: recorded_changes(r, "winter-wellbeing"),
            lambda r: recorded_changes(r, actions=(ChangeAction.REASSIGNED,)),
            lambda r: recorded_changes(
                r, actions=(ChangeAction.REASSIGNED, ChangeAction.COMMENTED)
            ),
            recorded_freezes,
        ):
            assert read(reader) == read(db)
        # What was written, as written: the newest row of an item wins, undo included.
        assert [(e.item_id, e.status, e.recorded_by) for e in history(reader)] == [
            ("draft-blog", "done", "Asha"),
            ("draft-blog", "open", None),
            ("book-speaker", "done", "Sam"),
        ]
        assert stored_tables(reader) == [(TABLE, 1)]
        changes = recorded_changes(reader, actions=(ChangeAction.REASSIGNED,))
        assert [(c.action, c.item_id, c.detail) for c in changes] == [
            (ChangeAction.REASSIGNED, "draft", '{"name": "Sam"}')
        ]
        [freeze] = recorded_freezes(reader)
        assert (freeze.reason, freeze.start, freeze.end) == (
            "Board review",
            dt.date(2026, 12, 1),
            dt.date(2026, 12, 5),
        )
    finally:
        db.close()


def test_health_reads_through_the_reader_as_through_the_full_open(sqlite_url: str) -> None:
    """`edicalendar health`'s figures (halts, pauses, unhealthy destinations, the last tick,
    how far planning reached, when the ledger began, deliveries by state and the oldest one
    waiting) are the same read with the standard library as with the full open."""
    from edicalendar.reminders.health import read_health
    from edicalendar.reminders.ledger import Ledger
    from edicalendar.reminders.messages import Message
    from edicalendar.storage.state import Halt, Pause, StateStore, Unhealthy
    from support.builders import make_reminder

    db = _filled(sqlite_url)
    try:
        due = AT - dt.timedelta(hours=2)
        planned = [
            make_reminder(
                name, due.date(), where, due, due + dt.timedelta(hours=8), Message("T", "b")
            )
            for name, where in (("late", "staff"), ("later", "ops"), ("rested", "halted-one"))
        ]
        Ledger(db).sync(planned, due, AT, due)
        state = StateStore(db)
        state.set_halt(Halt("halted-one", "f1", "SMTP 535", AT))
        state.set_pause(Pause("ops", AT + dt.timedelta(minutes=5), "429"))
        state.set_pause(Pause("gone", AT - dt.timedelta(minutes=5), "429"))
        state.mark_unhealthy(Unhealthy("teams", "revoked", None))
        state.set_last_tick(AT - dt.timedelta(minutes=1))
        reader = sqlite_reader(sqlite_url)
        assert isinstance(reader, SqliteReader)
        for now in (None, AT):
            assert read_health(reader, now=now) == read_health(db, now=now)
        report = read_health(reader, now=AT)
        assert report.counts == {"pending": 3}
        assert (set(report.halted), set(report.paused), set(report.unhealthy)) == (
            {"halted-one"},
            {"ops"},
            {"teams"},
        )
        assert report.oldest_waiting == due
        assert report.last_tick == AT - dt.timedelta(minutes=1)
    finally:
        db.close()
    fresh = open_database(sqlite_url.replace(".db", "-new.db"))
    try:
        # No database yet reads as a new, empty one.
        assert read_health(SqliteReader(None), now=AT) == read_health(fresh, now=AT)
    finally:
        fresh.close()


def test_the_reader_cannot_write(sqlite_url: str) -> None:
    _filled(sqlite_url).close()
    before = _path(sqlite_url).read_bytes()
    reader = sqlite_reader(sqlite_url)
    assert reader is not None
    with pytest.raises(DatabaseError, match="readonly"):
        reader.fetch("DELETE FROM campaign_progress")
    assert _path(sqlite_url).read_bytes() == before
    assert len(history(reader)) == 3


def test_the_reader_stands_aside_when_only_a_full_open_will_do(
    sqlite_url: str, tmp_path: Path
) -> None:
    """None means "open it in full": that migrates, refuses or explains as it always has."""
    assert sqlite_reader("postgresql+psycopg://edicalendar@db.example/edicalendar") is None
    assert sqlite_reader(sqlite_url + "?timeout=5") is None
    assert sqlite_reader("sqlite:///" + str(tmp_path / "a%20b.db")) is None  # SQLAlchemy decodes
    assert sqlite_reader("sqlite://") is None

    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("not a database", encoding="utf-8")
    assert sqlite_reader(f"sqlite:///{not_sqlite}") is None

    _filled(sqlite_url).close()
    path = _path(sqlite_url)
    marker = path.with_name(path.name + identity.MARKER_SUFFIX)
    assert marker.is_file() and sqlite_reader(sqlite_url) is not None

    # A ledger its marker does not name (swapped or restored from an older copy).
    kept = marker.read_text(encoding="utf-8")
    marker.write_text(kept.replace("ledger = ", "ledger = 0ther"), encoding="utf-8")
    assert sqlite_reader(sqlite_url) is None
    marker.write_text(kept.replace("serial = ", "serial = 9"), encoding="utf-8")
    assert sqlite_reader(sqlite_url) is None
    marker.write_text(kept, encoding="utf-8")

    # An older schema: the full open brings it up to date first.
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE name = ?", (MIGRATION_NAMES[-1],))
    assert sqlite_reader(sqlite_url) is None

    # The ledger the marker names is gone: the full open refuses, so the reader must not
    # report "nothing recorded".
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    assert marker.is_file()
    assert sqlite_reader(sqlite_url) is None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Another process's write lock on the SQLite file, held until the block ends."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE meta SET value = value WHERE key = 'ledger.id'")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_a_file_locked_after_it_was_chosen_gives_the_database_message(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked by a writer between choosing the reader and reading: the one-line database
    error with the advice the full open gives (try again; nothing is damaged), exit code 3."""
    _filled(sqlite_url).close()
    monkeypatch.setattr(reads, "WAIT_SECONDS", 0.2)
    reader = sqlite_reader(sqlite_url)
    assert reader is not None
    with _locked(_path(sqlite_url)), pytest.raises(DatabaseError) as caught:
        history(reader)
    message = str(caught.value)
    assert message.startswith(f"cannot read database {_path(sqlite_url)}: database is locked; ")
    assert "another process is writing to" in message and "try again" in message
    assert "\n" not in message and caught.value.exit_code == 3
    assert len(history(reader)) == 3  # once the lock is gone, it reads again


def test_a_file_removed_after_it_was_chosen_says_so(sqlite_url: str) -> None:
    _filled(sqlite_url).close()
    reader = sqlite_reader(sqlite_url)
    assert reader is not None
    path = _path(sqlite_url)
    aside = path.with_name("moved.db")
    path.rename(aside)
    with pytest.raises(DatabaseError, match="moved or removed while edicalendar was reading"):
        recorded_freezes(reader)
    assert not path.exists()  # read-only: nothing created in its place


def test_the_command_line_reports_a_lock_taken_after_the_choice(
    sqlite_url: str, tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger` on a database another process locks as it starts reading: `error: cannot read
    database ...` on one line and exit code 3, not an unexpected OperationalError."""
    _filled(sqlite_url).close()
    path = _path(sqlite_url)
    config = tmp_path / "edicalendar.toml"
    config.write_text(f'[data]\ndata_dir = "{path.parent}"\n', encoding="utf-8")
    monkeypatch.setattr(reads, "WAIT_SECONDS", 0.2)
    chosen = reads.sqlite_reader
    held = contextlib.ExitStack()

    def choose_then_lock(url: str) -> SqliteReader | None:
        reader = chosen(url)
        assert reader is not None
        held.enter_context(_locked(path))
        return reader

    monkeypatch.setattr(reads, "sqlite_reader", choose_then_lock)
    with held:
        result = run_cli.with_config(config)("ledger")
    assert result.code == 3
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot read database {path}: ")
    assert "database is locked" in lines[0] and "unexpected" not in lines[0]


def test_quick_reads_read_as_the_full_open_and_see_each_commit_at_once(sqlite_url: str) -> None:
    """The kept-open reader the dispatcher asks before every message reads what the database
    reads, sees a freeze recorded by another connection on its very next query (a burst is
    held from the next message on), cannot write, and fails as the database fails."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    db = _filled(sqlite_url)
    try:
        quick = db.quick_reads()
        assert quick is db.quick_reads()  # one reader, its connections kept
        for read in (history, stored_tables, stored_campaigns, recorded_changes, recorded_freezes):
            assert read(quick) == read(db)
        assert len(recorded_freezes(quick)) == 1
        other = open_database(sqlite_url)
        try:
            settings = Settings()
            FreezeBook(
                other,
                settings.freezes,
                nation=settings.nation,
                timezone=ZoneInfo("Europe/London"),
                now=lambda: AT,
            ).add(
                FreezeRequest(FreezeKind.MOURNING, "National mourning", start=AT.date()), by="Sam"
            )
        finally:
            other.close()
        assert [f.reason for f in recorded_freezes(quick)] == ["National mourning", "Board review"]
        before = _path(sqlite_url).read_bytes()
        with pytest.raises(OperationalError, match="readonly"):
            quick.fetch("DELETE FROM campaign_progress")
        with pytest.raises(SQLAlchemyError, match="no such table"):
            quick.fetch("SELECT * FROM no_such_table")
        assert _path(sqlite_url).read_bytes() == before
    finally:
        db.close()


def test_quick_reads_of_another_database_are_the_database_itself() -> None:
    db = open_database("sqlite://")
    try:
        assert db.quick_reads() is db
    finally:
        db.close()

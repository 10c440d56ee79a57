"""A ledger that goes missing never replays: every way of losing it is refused, with instructions.

Each test runs the real `remind` command against a Slack receiver on 127.0.0.1 with a weekly
digest due Monday 12 January 2026 at 09:00: the digest goes once, the ledger is then emptied,
truncated, deleted, swapped for another installation's, rolled back to an older copy, stripped
of its tables or of its rows, and the next `remind` must send nothing and exit 3 naming
`--new-ledger`. `remind --new-ledger` then starts afresh without sending anything that fell
due before it, and the next week's digest still goes. On PostgreSQL the same holds when the
tables vanish.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from edicalendar.errors import LedgerIdentityError
from edicalendar.storage.engine import open_database
from edicalendar.storage.identity import read_marker
from support.cli import CliRunner

DATA = Path(__file__).parent / "data"
DIGEST = "digest:weekly:2026-01-12:staff"
NEXT_WEEK = "digest:weekly:2026-01-19:staff"


def write_config(folder: Path, database_url: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "edicalendar.toml"
    url = f'database_url = "{database_url}"\n' if database_url else ""
    config.write_text(
        f'[data]\ncalendars_dir = "{DATA / "calendars"}"\n'
        f'campaigns_dir = "{DATA / "campaigns"}"\n'
        f'data_dir = "{folder / "data"}"\n{url}\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n"
        '[destinations.staff]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\ndigest = true\n'
    )
    return config


@pytest.fixture
def site(
    tmp_path: Path, webhook: Any, monkeypatch: pytest.MonkeyPatch, run_cli: CliRunner
) -> CliRunner:
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    return run_cli.with_config(write_config(tmp_path / "site"))


def remind(cli: CliRunner, at: str, *extra: str) -> Any:
    return cli("remind", "--record", "--at", f"2026-01-12T{at}", *extra)


def _sqlite_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def damage(kind: str, db: Path, tmp_path: Path, cli: CliRunner, webhook: Any) -> None:
    """Do `kind` to the ledger at `db` (after 08:55 and 09:00 runs) or to its copy."""
    if kind == "zero-bytes":
        db.write_bytes(b"")
    elif kind == "deleted":
        for path in _sqlite_files(db):
            path.unlink(missing_ok=True)
    elif kind == "replaced":
        # Another installation's ledger, which never sent this site's digest.
        other = write_config(tmp_path / "other")
        result = CliRunner(cli.capsys, other)("remind", "--record", "--at", "2026-01-12T08:00")
        assert result.code == 0, result.err
        shutil.copy(tmp_path / "other" / "data" / "edicalendar.db", db)
    elif kind == "older-copy":
        shutil.copy(tmp_path / "before-0900.db", db)
    elif kind == "tables-dropped":
        with sqlite3.connect(db) as conn:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for name in names:
                conn.execute(f'DROP TABLE "{name}"')
    elif kind == "rows-deleted":
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM deliveries")
    else:
        raise AssertionError(kind)


KINDS = ["zero-bytes", "deleted", "replaced", "older-copy", "tables-dropped", "rows-deleted"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_lost_ledger_is_refused_and_new_ledger_sends_nothing_already_due(
    site: CliRunner, webhook: Any, tmp_path: Path, kind: str
) -> None:
    """However the ledger was lost, the next `remind` sends nothing, exits 3 and says how to
    restore or start afresh; `--new-ledger` then sends nothing that was due before it, and
    the following week's digest still goes, once."""
    db = tmp_path / "site" / "data" / "edicalendar.db"
    assert remind(site, "08:55").code == 0  # the bot is running before the digest is due
    shutil.copy(db, tmp_path / "before-0900.db")
    sent = remind(site, "09:00")
    assert sent.code == 0 and sent.out.strip() == "1 sent, 0 failed, 0 expired"
    assert webhook.keys() == [DIGEST]

    damage(kind, db, tmp_path, site, webhook)
    refused = remind(site, "09:05")
    assert refused.code == 3, refused.out + refused.err
    assert "--new-ledger" in refused.err and "nothing was sent" in refused.err
    assert webhook.keys() == [DIGEST]
    if kind == "deleted":
        assert not db.exists()  # refused before SQLite could make a new, empty file
    assert site("health").code == 3  # the monitor sees it too

    fresh = remind(site, "09:10", "--new-ledger")
    assert fresh.code == 0, fresh.err
    assert fresh.out.strip().splitlines()[-1] == "0 sent, 0 failed, 0 expired"
    assert "new ledger" in fresh.err and "nothing that fell due before then" in fresh.err
    assert remind(site, "09:15").out.strip() == "0 sent, 0 failed, 0 expired"
    assert webhook.keys() == [DIGEST]
    later = site("remind", "--record", "--at", "2026-01-19T09:00")
    assert later.code == 0 and later.out.strip().startswith("1 sent")
    assert webhook.keys() == [DIGEST, NEXT_WEEK]


def _folder_bytes(folder: Path) -> dict[str, object]:
    """Each file of the data folder: the database as its rows (its bytes move when SQLite
    checkpoints the write-ahead log), every other file as its bytes."""
    found: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(("-wal", "-shm")):
            continue
        if path.suffix == ".db" and path.stat().st_size > 0:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                found[path.name] = list(conn.iterdump())
        else:
            found[path.name] = path.read_bytes()
    return found


@pytest.mark.parametrize("kind", ["zero-bytes", "deleted", "rows-deleted"])
def test_a_simulation_never_makes_or_writes_a_lost_ledger(
    site: CliRunner, webhook: Any, tmp_path: Path, kind: str
) -> None:
    """`--at` without `--record` and `--dry-run` write nothing: on a lost ledger they are
    refused like the real tick (exit 3) and leave every file of the data folder as it was, and
    `--new-ledger` is refused with them (exit 2) instead of starting a ledger."""
    data = tmp_path / "site" / "data"
    db = data / "edicalendar.db"
    assert remind(site, "09:00").out.startswith("1 sent")
    damage(kind, db, tmp_path, site, webhook)
    before = _folder_bytes(data)
    for args in (["--at", "2026-01-12T09:05"], ["--at", "2026-01-12T09:05", "--dry-run"]):
        refused = site("remind", *args)
        assert refused.code == 3, refused.out + refused.err
        assert "--new-ledger" in refused.err and "nothing was sent" in refused.err
        assert _folder_bytes(data) == before
    for args in (["--at", "2026-01-12T09:05"], ["--dry-run"]):
        mistaken = site("remind", *args, "--new-ledger")
        assert mistaken.code == 2, mistaken.out + mistaken.err
        assert "--new-ledger starts a ledger" in mistaken.err
        assert _folder_bytes(data) == before
    assert not db.exists() if kind == "deleted" else db.exists()
    assert webhook.keys() == [DIGEST]


def test_a_simulation_on_a_sound_ledger_writes_nothing(
    site: CliRunner, webhook: Any, tmp_path: Path
) -> None:
    """A week ahead, `--at` lists next Monday's digest as due and leaves the ledger, its marker
    and the idle record as they were; `--record` then sends it."""
    data = tmp_path / "site" / "data"
    assert remind(site, "09:00").out.startswith("1 sent")
    before = _folder_bytes(data)
    preview = site("remind", "--at", "2026-01-19T09:00")
    assert preview.code == 0, preview.err
    assert NEXT_WEEK in preview.out
    assert preview.out.strip().splitlines()[-1].startswith("1 due")
    assert _folder_bytes(data) == before
    assert webhook.keys() == [DIGEST]
    assert site("remind", "--record", "--at", "2026-01-19T09:00").out.startswith("1 sent")
    assert webhook.keys() == [DIGEST, NEXT_WEEK]


def test_an_older_copy_adopted_with_new_ledger_closes_what_it_did_not_know_was_sent(
    site: CliRunner, webhook: Any, tmp_path: Path
) -> None:
    """A backup taken before the digest went still holds it as pending: adopting the backup
    with --new-ledger closes it unsent (it may have gone) rather than sending it again."""
    db = tmp_path / "site" / "data" / "edicalendar.db"
    assert remind(site, "08:55").code == 0  # plans the 09:00 digest as pending
    shutil.copy(db, tmp_path / "backup.db")
    assert remind(site, "09:00").out.startswith("1 sent")
    shutil.copy(tmp_path / "backup.db", db)
    assert remind(site, "09:30").code == 3
    adopted = remind(site, "09:30", "--new-ledger")
    assert adopted.code == 0, adopted.err
    assert "older copy" in adopted.err and "1 deliveries" in adopted.err
    listing = site("ledger", "--format", "csv")
    assert f"{DIGEST},skipped_config" in listing.out
    assert "new ledger began" in listing.out
    assert webhook.keys() == [DIGEST]


def test_new_ledger_on_a_sound_ledger_changes_nothing(site: CliRunner, webhook: Any) -> None:
    """`--new-ledger` is only for a lost ledger: on the right one it says so and carries on."""
    assert remind(site, "08:55").code == 0
    result = remind(site, "09:00", "--new-ledger")
    assert result.code == 0
    assert "changed nothing" in result.err
    assert result.out.strip() == "1 sent, 0 failed, 0 expired"


def test_a_deleted_marker_is_written_again_from_the_database(
    site: CliRunner, webhook: Any, tmp_path: Path
) -> None:
    """The marker only guards the database: without it, the database's own id is trusted and
    the marker is written again (so deleting the marker never blocks the bot)."""
    db = tmp_path / "site" / "data" / "edicalendar.db"
    marker = db.with_name(db.name + ".ledger-id")
    assert remind(site, "08:55").code == 0
    first = read_marker(marker)
    assert first is not None and first.serial == 1
    marker.unlink()
    assert remind(site, "09:00").out.startswith("1 sent")
    again = read_marker(marker)
    assert again is not None and again.ledger_id == first.ledger_id and again.serial == 2


def test_a_brand_new_ledger_sends_nothing_that_fell_due_before_its_first_run(
    site: CliRunner, webhook: Any
) -> None:
    """Installed at 09:30, after the 09:00 digest: nothing from before is sent (not even
    inside the grace window), and the next week's digest goes."""
    first = remind(site, "09:30")
    assert first.code == 0 and first.out.strip() == "0 sent, 0 failed, 0 expired"
    assert webhook.keys() == []
    assert site("remind", "--record", "--at", "2026-01-19T09:00").out.startswith("1 sent")
    assert webhook.keys() == [NEXT_WEEK]


@pytest.mark.postgres
def test_postgres_tables_that_vanished_are_refused_until_new_ledger(
    postgres_url: str, tmp_path: Path, webhook: Any, run_cli: CliRunner, monkeypatch: Any
) -> None:
    """On PostgreSQL a worker's data folder remembers the ledger: after the tables are dropped
    the worker refuses (exit 3) instead of re-creating them and sending the digest again."""
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    cli = run_cli.with_config(write_config(tmp_path / "worker", postgres_url))
    assert remind(cli, "08:55").code == 0
    assert remind(cli, "09:00").out.startswith("1 sent")
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    refused = remind(cli, "09:05")
    assert refused.code == 3 and "no edicalendar tables" in refused.err
    with pytest.raises(LedgerIdentityError):
        open_database(postgres_url, marker_dir=tmp_path / "worker" / "data")
    fresh = remind(cli, "09:10", "--new-ledger")
    assert fresh.code == 0 and fresh.out.strip().endswith("0 sent, 0 failed, 0 expired")
    assert webhook.keys() == [DIGEST]


@pytest.mark.postgres
def test_a_simulation_on_postgres_makes_no_ledger(
    postgres_url: str, tmp_path: Path, webhook: Any, run_cli: CliRunner, monkeypatch: Any
) -> None:
    """Before the first real tick, `--at` and `--dry-run` on a fresh PostgreSQL database list
    the digest and create no tables and no marker; the first `--record` tick makes the ledger."""
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    cli = run_cli.with_config(write_config(tmp_path / "worker", postgres_url))
    data = tmp_path / "worker" / "data"
    for args in (["--at", "2026-01-12T09:00"], ["--at", "2026-01-12T09:00", "--dry-run"]):
        preview = cli("remind", *args)
        assert preview.code == 0, preview.err
        assert DIGEST in preview.out and preview.out.strip().splitlines()[-1].startswith("1 due")
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                )
            ).all()
    finally:
        engine.dispose()
    assert tables == []
    assert not data.exists() or list(data.glob("*.ledger-id")) == []
    assert webhook.keys() == []
    assert remind(cli, "09:00").out.startswith("1 sent")
    assert len(list(data.glob("*.ledger-id"))) == 1
    assert webhook.keys() == [DIGEST]

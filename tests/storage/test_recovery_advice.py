"""A database that cannot be used gets advice that fits the cause; only damage means restore.

"Move the damaged file aside, restore the latest backup" is right for a corrupt file and wrong
for an intact one: following it would throw away good data. A read-only file system, a full
disk and a PostgreSQL server that refuses connections are each made for real here (a mount
namespace with a read-only bind mount or a tiny tmpfs, an unused port) and each must name its
own cause, while SQLite's own integrity check still finds the file intact. New data folders
and database files are for the service account only, whatever the umask.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from edicalendar.storage.engine import open_database
from support.cli import CliRunner
from support.net import free_port
from support.paths import inherited_env
from support.sites import copy_site

RESTORE_WORDS = ("restore the latest backup", "damaged file")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy_site(tmp_path)
    open_database(f"sqlite:///{tmp_path / 'state' / 'edicalendar.db'}").close()
    return tmp_path


def _in_mount_namespace(site: Path, setup: str) -> subprocess.CompletedProcess[str]:
    """Run `setup`, then `edicalendar remind`, in a private mount namespace (as root, or as a
    user mapped to root in a user namespace), so the mounts vanish with the process."""
    prefix = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "-r", "--mount"]
    command = shlex.join([sys.executable, "-m", "edicalendar", "--config",
                          str(site / "edicalendar.toml"), "remind"])  # fmt: skip
    return subprocess.run(
        [*prefix, "sh", "-ec", f"cd {shlex.quote(str(site))}; {setup}; exec {command}"],
        env=inherited_env(EDICALENDAR_TOKEN=""),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _intact(database: Path) -> None:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def test_a_read_only_file_system_is_named(site: Path) -> None:
    done = _in_mount_namespace(site, "mount --bind state state; mount -o remount,bind,ro state")
    assert done.returncode == 3, done.stderr
    assert "is mounted read-only; nothing is damaged" in done.stderr
    assert not any(words in done.stderr for words in RESTORE_WORDS)
    _intact(site / "state" / "edicalendar.db")


def test_a_full_disk_is_named(site: Path) -> None:
    setup = (
        "mkdir small; mount -t tmpfs -o size=400k tmpfs small; cp -a state small/; "
        'sed -i \'s|"state"|"small/state"|\' edicalendar.toml; '
        "dd if=/dev/zero of=small/filler bs=4k 2>/dev/null || true"
    )
    done = _in_mount_namespace(site, setup)
    assert done.returncode == 3, done.stderr
    assert "is full; nothing is damaged: free some space" in done.stderr
    assert not any(words in done.stderr for words in RESTORE_WORDS)


def test_a_refused_postgresql_connection_is_named(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql+psycopg://edicalendar:pw-never-shown@127.0.0.1:{free_port()}/edicalendar"
    monkeypatch.setenv("EDICALENDAR_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    result = run_cli("ledger")
    assert result.code == 3
    assert "the PostgreSQL server is not accepting connections there; nothing is damaged" in (
        result.err
    )
    assert "pw-never-shown" not in result.err
    assert not any(words in result.err for words in RESTORE_WORDS)


def test_a_damaged_file_still_gets_the_restore_advice(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one case the backup is for."""
    (tmp_path / "edicalendar-data").mkdir()
    (tmp_path / "edicalendar-data" / "edicalendar.db").write_bytes(b"not a database at all!")
    monkeypatch.chdir(tmp_path)
    result = run_cli("ledger")
    assert result.code == 3
    assert "restore the latest backup" in result.err


def test_new_data_folders_and_databases_are_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        database = open_database(f"sqlite:///{tmp_path / 'data' / 'edicalendar.db'}")
        with database.engine.begin() as conn:  # WAL mode: the -wal and -shm files now exist
            conn.exec_driver_sql("CREATE TABLE probe (x)")
            written = sorted(p.name for p in (tmp_path / "data").iterdir())
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "data").iterdir()}
        database.close()
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    # The ledger marker (storage.identity) beside the database is owner-only too.
    assert written == [
        "edicalendar.db",
        "edicalendar.db-shm",
        "edicalendar.db-wal",
        "edicalendar.db.ledger-id",
    ]
    assert modes == dict.fromkeys(written, 0o600)

"""Fixtures shared by every test area: real databases (an SQLite file, a PostgreSQL database,
or each in turn) and the in-process CLI runner. The pieces themselves live in `support/`."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from support.cli import CliRunner

# Compiled calendars and bank holidays go to a private folder for this run (and the processes it
# starts), never to the home folder's cache.
os.environ["EDICALENDAR_CACHE_DIR"] = tempfile.mkdtemp(prefix="edicalendar-test-cache-")

# Property tests check answers, never speed: on a shared, loaded machine the first example of a
# test can take several times hypothesis's default 200 ms deadline (cold caches, other jobs).
settings.register_profile("edicalendar", deadline=None)
settings.load_profile("edicalendar")


@pytest.fixture(autouse=True)
def _own_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own per-user data folder (where the database goes without a config
    file), so no test reads or writes the real ~/.local/share/edicalendar or another's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A not-yet-created SQLite file under the test's temporary folder."""
    return f"sqlite:///{(tmp_path / 'data' / 'edicalendar.db').as_posix()}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; fails (never skips) when no server is set."""
    base = os.environ.get("EDICALENDAR_TEST_POSTGRES_URL")
    if not base:
        pytest.fail(
            "EDICALENDAR_TEST_POSTGRES_URL is not set: run the suite with `bash scripts/test.sh`, "
            "which starts PostgreSQL on 127.0.0.1, or deselect with -m 'not postgres'"
        )
    name = f"edicalendar_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest) -> str:
    """The same test on a real SQLite file and on a fresh PostgreSQL database."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run `edicalendar` in-process: `run_cli("check")` gives the exit code, stdout, stderr."""
    monkeypatch.setenv("COLUMNS", "240")  # keep table rows on one line for assertions
    return CliRunner(capsys)

"""Choosing PostgreSQL by URL from the environment (`EDICALENDAR_DATABASE_URL`), for containers
and service units that keep the password out of the config file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from edicalendar.cli import main
from edicalendar.storage.tables import meta, schema_migrations


@pytest.mark.postgres
def test_remind_uses_the_database_url_from_the_environment(
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With only EDICALENDAR_DATABASE_URL set, `remind` plans into that PostgreSQL database."""
    (tmp_path / "calendars").mkdir()
    (tmp_path / "campaigns").mkdir()
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "data"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("EDICALENDAR_DATABASE_URL", postgres_url)
    assert main(["--config", str(config), "remind", "--record", "--at", "2027-03-01T09:00"]) == 0
    assert capsys.readouterr().out.endswith("0 sent, 0 failed, 0 expired\n")
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            applied = set(conn.execute(select(schema_migrations.c.name)).scalars())
            planned = conn.execute(
                select(meta.c.value).where(meta.c.key == "reminders.planned_until")
            ).scalar_one()
    finally:
        engine.dispose()
    assert "0002_deliveries_state_due_index" in applied
    assert planned.startswith("2027-03-0")  # the --at moment plus the look-ahead
    data = tmp_path / "data"
    assert not (data / "edicalendar.db").exists() and not list(data.glob("*.lock"))  # no SQLite
    # Only the marker of the PostgreSQL ledger this data folder used (so it notices if the
    # tables vanish).
    assert [p.name.endswith(".ledger-id") for p in data.iterdir()] == [True]


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        (
            "postgresql+psycopg://edicalendar:s3cret@127.0.0.1:9/edicalendar",
            "'psycopg' it needs is not installed; install PostgreSQL support with "
            "pip install 'edicalendar[postgresql]'",
        ),
        (
            # SQLAlchemy 2.1 reads a plain postgresql:// as psycopg 3, the extra's driver.
            "postgresql://edicalendar:s3cret@127.0.0.1:9/edicalendar",
            "install PostgreSQL support with pip install 'edicalendar[postgresql]'",
        ),
        (
            "postgresql+psycopg2://edicalendar:s3cret@127.0.0.1:9/edicalendar",
            "'psycopg2' it needs is not installed. edicalendar talks to PostgreSQL through "
            "psycopg 3: write the URL as postgresql+psycopg://... and install it with "
            "pip install 'edicalendar[postgresql]'",
        ),
        (
            "postgres ql://edicalendar:s3cret@host/edicalendar",
            "is not a URL edicalendar can read; write it as sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/NAME",
        ),
    ],
)
def test_a_database_url_edicalendar_cannot_use_says_what_to_do(
    url: str,
    advice: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without the `postgresql` extra (its driver not importable, as in an install without
    it) a PostgreSQL URL gets one line naming the extra to install, never "unexpected
    ModuleNotFoundError"; the password is never shown."""
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    config = tmp_path / "edicalendar.toml"
    config.write_text('[data]\ndata_dir = "data"\n', encoding="utf-8")
    monkeypatch.setenv("EDICALENDAR_DATABASE_URL", url)
    for command in (["ledger"], ["remind"], ["remind", "--dry-run"]):
        assert main(["--config", str(config), *command]) == 3, command
        err = capsys.readouterr().err
        assert advice in err, err
        assert "unexpected" not in err and "s3cret" not in err
        assert len(err.strip().splitlines()) == 1

"""Choosing PostgreSQL by URL from the environment (`EDICALENDAR_DATABASE_URL`), for containers
and service units that keep the password out of the config file."""

from __future__ import annotations

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

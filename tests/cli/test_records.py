"""One record shape per kind of thing: the CSV of occurrences, clashes and upcoming has the keys
their JSON has, and tables print the ids people copy (campaign, task, ledger key) whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from support.cli import CliRunner, fix_today

SHIPPED_CAMPAIGNS = Path(__file__).resolve().parents[2] / "campaigns"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _flat(value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def test_occurrences_csv_has_every_json_key(run_cli: CliRunner) -> None:
    """Fasting, rest from work and the source are in the CSV, with the JSON's values."""
    args = ["occurrences", "--from", "2026-03-01", "--to", "2026-03-31"]
    records = json.loads(run_cli(*args, "-f", "json").out)
    rows = _csv(run_cli(*args, "-f", "csv").out)
    assert set(rows[0]) == set(records[0])
    assert len(rows) == len(records)
    ramadan = next(r for r in rows if r["observance"] == "ramadan")
    assert ramadan["fasting"] == "yes" and ramadan["source"].startswith("https://")
    for row, record in zip(rows, records, strict=True):
        for key in ("observance", "start", "end", "fasting", "rest_from_work", "source", "tone"):
            assert row[key] == _flat(record[key])
    # The earlier releases' columns keep their places.
    assert list(rows[0])[:4] == ["observance", "name", "start", "end"]


def test_clashes_csv_names_the_observance(run_cli: CliRunner) -> None:
    """Every key of the JSON clash, the observance id among them, is a CSV column."""
    args = ["clashes", "2026-09-21", "--to", "2026-09-27"]
    records = json.loads(run_cli(*args, "-f", "json").out)
    rows = _csv(run_cli(*args, "-f", "csv").out)
    assert set(rows[0]) == set(records[0])
    # Yom Kippur 2026 falls on Monday 21 September (hebcal.com), a fast and a rest day.
    kippur = next(r for r in rows if r["observance"] == "yom-kippur" and r["date"] == "2026-09-21")
    assert (kippur["fasting"], kippur["rest_from_work"]) == ("yes", "yes")


def test_upcoming_csv_carries_the_tasks_json_has(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fix_today(monkeypatch, dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncampaigns_dir = "{SHIPPED_CAMPAIGNS}"\ndata_dir = "{tmp_path / "d"}"\n'
    )
    cli = run_cli.with_config(config)
    document = json.loads(cli("upcoming", "--days", "30", "-f", "json").out)
    rows = _csv(cli("upcoming", "--days", "30", "-f", "csv").out)
    observances = [r for r in rows if r["record"] == "observance"]
    tasks = [r for r in rows if r["record"] == "task"]
    assert [r["observance"] for r in observances] == [
        o["observance"] for o in document["observances"]
    ]
    assert len(tasks) == len(document["tasks"]) > 0
    for row, task in zip(tasks, document["tasks"], strict=True):
        assert {k: row[k] for k in task} == {k: _flat(v) for k, v in task.items()}
    occurrence_columns = _csv(
        cli("occurrences", "--from", "2026-12-01", "--to", "2026-12-02", "-f", "csv").out
    )[0]
    assert list(rows[0])[1 : 1 + len(occurrence_columns)] == list(occurrence_columns)


@pytest.mark.parametrize("width", [80, 120])
def test_tables_never_break_ids(
    width: int,
    run_cli: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 80 and 120 columns the campaign and task ids, calendar names and ledger keys appear
    whole, and the Theme column no observance in the window has is left out."""
    fix_today(monkeypatch, dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    monkeypatch.setenv("COLUMNS", str(width))
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncampaigns_dir = "{SHIPPED_CAMPAIGNS}"\ndata_dir = "{tmp_path / "d"}"\n'
    )
    cli = run_cli.with_config(config)
    out = cli("upcoming", "--days", "30").out
    assert "edicalendar campaign done black-history-month draft-blog --year 2026" in out
    assert "edicalendar campaign done uk-disability-history-month check-theme --year 2026" in out
    assert "Theme" not in out
    calendars = cli("calendars").out
    for name in ("bank-holidays-england-and-wales", "bank-holidays-northern-ireland"):
        assert re.search(rf"│ {name} +│", calendars), name
    assert cli("remind", "--at", "2027-09-03T09:00", "--record").code == 0
    ledger = cli("ledger").out
    assert "black-history-month:lead-28:2027-09-03:console" in ledger
    assert all(len(line) <= width for line in ledger.splitlines())

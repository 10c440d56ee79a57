"""Upgrading a database made by the previous schema, on SQLite and PostgreSQL.

The previous schema is what migration 0001 alone creates; 0002 adds the (state, due_at) index
the claim query uses. A database at 0001 holding rows in every table must come through the
upgrade with every row intact, and the ledger must work on it afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Integer, Table, inspect, select

import edicalendar.storage.migrations as db
from edicalendar.reminders.ledger import Ledger, _insert_values
from edicalendar.reminders.planner import PlannerSettings, plan_reminders
from edicalendar.storage.engine import Database, open_database
from edicalendar.storage.keyvalue import upsert
from edicalendar.storage.tables import (
    campaign_progress,
    deliveries,
    feed_events,
    meta,
    schema_migrations,
)
from edicalendar.storage.timestamps import utc_text
from support.builders import many_instances

INDEX = "ix_deliveries_state_due_at"
TABLES = (meta, feed_events, campaign_progress, deliveries)
DUE = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _columns(database: Database) -> dict[str, list[str]]:
    found = inspect(database.engine)
    return {t.name: [c["name"] for c in found.get_columns(t.name)] for t in TABLES}


def _dump(
    database: Database, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in the columns given (default: those the database has), so an
    upgraded database is compared on the columns that existed before."""
    columns = columns or _columns(database)
    with database.engine.connect() as conn:
        return {
            table.name: sorted(
                tuple(row)
                for row in conn.execute(select(*(table.c[n] for n in columns[table.name])))
            )
            for table in TABLES
        }


def _filled(table: Table, number: int) -> dict[str, Any]:
    """A row with every required column set, whatever columns 0001 has by now."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.nullable or column.autoincrement is True or column.default is not None:
            continue
        if isinstance(column.type, Integer) and not column.primary_key:
            row[column.name] = number + 1
        else:
            row[column.name] = f"{column.name}-{number}"
    return row


def _indexes(database: Database) -> dict[str, list[str | None]]:
    return {
        str(ix["name"]): list(ix["column_names"])
        for ix in inspect(database.engine).get_indexes("deliveries")
    }


def test_database_at_0001_upgrades_without_losing_rows(
    any_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 0001 database with rows gains the claim index and keeps every row, on both engines."""
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:1])
    old = open_database(any_url)
    try:
        assert INDEX not in _indexes(old)
        window = (DUE - dt.timedelta(hours=1), DUE + dt.timedelta(hours=1))
        planned = plan_reminders(many_instances(40, ["console"]), PlannerSettings(), *window)
        assert len(planned) == 40
        # Rows as the 0001 release wrote them: only the columns it had.
        have = set(_columns(old)["deliveries"])
        now_text = utc_text(DUE - dt.timedelta(hours=1))
        with old.engine.begin() as conn:
            for item in planned:
                payload = json.dumps(item.message.to_json(), ensure_ascii=False, sort_keys=True)
                values = _insert_values(item, payload, now_text, late=False)
                conn.execute(deliveries.insert().values({k: values[k] for k in have & set(values)}))
        with old.engine.begin() as conn:
            upsert(conn, "reminders.halted.email", '{"reason": "535"}')
        with old.engine.begin() as conn:
            for table in (feed_events, campaign_progress):
                for number in range(3):
                    conn.execute(table.insert().values(_filled(table, number)))
        before = _dump(old)
        old_columns = _columns(old)
    finally:
        old.close()
    assert len(before["deliveries"]) == 40
    assert len(before["feed_events"]) == len(before["campaign_progress"]) == 3

    monkeypatch.undo()
    upgraded = open_database(any_url)
    try:
        with upgraded.engine.connect() as conn:
            applied = list(conn.execute(select(schema_migrations.c.name)).scalars())
        assert sorted(applied) == [m.name for m in db.MIGRATIONS]
        assert _indexes(upgraded)[INDEX] == ["state", "due_at"]
        after = _dump(upgraded, old_columns)
        assert after == before
        # Columns added since 0001 start at their defaults on every old row.
        with upgraded.engine.connect() as conn:
            extra = conn.execute(
                select(
                    deliveries.c.possible_duplicates,
                    deliveries.c.duplicate_note,
                    deliveries.c.claimed_by,
                    deliveries.c.attempt_started_at,
                    deliveries.c.audience,
                    deliveries.c.held_by,
                ).distinct()
            ).all()
        assert extra == [(0, None, None, None, None, None)]
        claimed = Ledger(upgraded).claim(DUE, dt.timedelta(minutes=5), limit=100)
        assert len(claimed) == 40
    finally:
        upgraded.close()


def test_a_database_before_the_campaign_workspace_gains_its_tables(
    any_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database at 0006 (people and freezes in it) gains the tables of campaigns
    made in the browser, their history and the personal feed links, keeping every row; then a
    campaign is stored and a person who was already there gets a feed address."""
    from edicalendar.accounts.feedlinks import link_person, replace_link
    from edicalendar.campaigns.store import CampaignStore
    from edicalendar.storage.tables import freezes, people

    names = [m.name for m in db.MIGRATIONS]
    assert names.index("0007_campaign_workspace") == 6
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:6])
    old = open_database(any_url)
    try:
        assert "campaigns" not in inspect(old.engine).get_table_names()
        with old.engine.begin() as conn:
            for table in (people, freezes):
                for number in range(2):
                    stamp = "2026-11-30T09:00:00Z"
                    row = _filled(table, number) | {"created_at": stamp, "updated_at": stamp}
                    if table is people:
                        row |= {"email": f"person{number}@nhs.net", "role": "editor"}
                    else:
                        row |= {
                            "kind": "organisation",
                            "scope": "organisation",
                            "restricts": "public",
                            "starts_on": f"2026-12-0{number + 1}",
                        }
                    conn.execute(table.insert().values(row))
        with old.engine.connect() as conn:
            before = {
                t.name: sorted(tuple(r) for r in conn.execute(select(t))) for t in (people, freezes)
            }
    finally:
        old.close()

    monkeypatch.undo()
    upgraded = open_database(any_url)
    try:
        found = set(inspect(upgraded.engine).get_table_names())
        assert {"campaigns", "campaign_changes", "feed_links"} <= found
        with upgraded.engine.connect() as conn:
            applied = list(conn.execute(select(schema_migrations.c.name)).scalars())
            after = {
                t.name: sorted(tuple(r) for r in conn.execute(select(t))) for t in (people, freezes)
            }
        assert sorted(applied) == names
        assert after == before
        store = CampaignStore(upgraded)
        table = {"id": "iwd-2027", "title": "IWD", "observance": "international-womens-day"}
        made = store.create(table, by="person0@nhs.net", at=DUE)
        assert (made.revision, store.tables()) == (1, [(table, 1)])
        person_id = before["people"][0][0]
        secret = replace_link(upgraded, person_id, DUE)
        holder = link_person(upgraded, secret, DUE)
        assert holder is not None and holder.email == "person0@nhs.net"
    finally:
        upgraded.close()

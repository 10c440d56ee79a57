"""The tables of the project database as they are now (SQLAlchemy Core).

Three kinds of state, each small: feed change tracking (SEQUENCE and LAST-MODIFIED per UID),
campaign progress (who marked what done, when) and the reminder delivery ledger, plus `meta`
(typed reads and writes in :mod:`edicalendar.storage.state`). These definitions are what the
code reads and writes; the DDL that creates them is frozen per version in
:mod:`edicalendar.storage.migrations`, never taken from here.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Feed change tracking: one row per published UID.
feed_events = Table(
    "feed_events",
    metadata,
    #: Which complete event set the UID belongs to ("observances", or a campaign plan's own);
    #: each scope tracks its own SEQUENCE, so one UID may appear in several scopes.
    Column("scope", String(200), primary_key=True, default=""),
    Column("uid", String(64), primary_key=True),
    Column("observance_id", String(200), nullable=False),
    Column("instance", String(40), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("sequence", Integer, nullable=False, default=0),
    Column("last_modified", String(40), nullable=False),
    Column("cancelled_at", String(40), nullable=True),
    #: JSON of the last published event, so a vanished occurrence can be sent as CANCELLED.
    Column("event_json", Text, nullable=False),
)

#: Campaign progress: an append-only history; the newest row per item is its state.
campaign_progress = Table(
    "campaign_progress",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(200), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    #: The occurrence the item belongs to ("2030", or "2030-2" for a second one that year).
    Column("instance", String(40), nullable=False),
    Column("item_kind", String(20), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("status", String(40), nullable=False),
    Column("url", Text, nullable=True),
    Column("recorded_by", String(200), nullable=True),
    Column("recorded_at", String(40), nullable=False),
)

#: The reminder delivery ledger (the outbox): one row per reminder occurrence and destination.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(500), nullable=False),
    Column("campaign_id", String(200), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("rule", String(200), nullable=False, default=""),
    Column("local_date", String(10), nullable=False, default=""),
    Column("destination", String(200), nullable=False, index=True),
    Column("due_at", String(40), nullable=False, index=True),
    Column("not_after", String(40), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(40), nullable=True),
    Column("lease_until", String(40), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("provider_response", Text, nullable=True),
    Column("payload_json", Text, nullable=False),
    Column("sent_at", String(40), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("key", name="uq_deliveries_key"),
    # Every claim and tick asks "open rows due by now" (migration 0002).
    Index("ix_deliveries_state_due_at", "state", "due_at"),
)

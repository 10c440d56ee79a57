"""Schema migrations: named, ordered, applied once each inside one transaction.

Applied names are recorded in `schema_migrations`. Each migration's DDL is frozen as it was
when the migration was written (its own table definitions below, never the current ones in
:mod:`edicalendar.storage.tables`), so a fresh database and an upgraded one end with the same
schema however the tables change later. Add a migration; never edit one that has shipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)

from edicalendar.storage.tables import metadata, schema_migrations
from edicalendar.storage.timestamps import utc_text


@dataclass(frozen=True)
class Migration:
    """A named, ordered schema change applied once, inside one transaction."""

    name: str
    upgrade: Callable[[Connection], None]


# --- 0001: the tables of release 0.1.0, frozen -------------------------------------------------

_v1 = MetaData()

_v1_meta = Table(
    "meta",
    _v1,
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

# Feed change tracking: one row per published UID.
_v1_feed_events = Table(
    "feed_events",
    _v1,
    # Which complete event set the UID belongs to ("observances", or a campaign plan's own);
    # each scope tracks its own SEQUENCE, so one UID may appear in several scopes.
    Column("scope", String(200), primary_key=True, default=""),
    Column("uid", String(64), primary_key=True),
    Column("observance_id", String(200), nullable=False),
    Column("instance", String(40), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("sequence", Integer, nullable=False, default=0),
    Column("last_modified", String(40), nullable=False),
    Column("cancelled_at", String(40), nullable=True),
    # JSON of the last published event, so a vanished occurrence can be sent as CANCELLED.
    Column("event_json", Text, nullable=False),
)

# Campaign progress: an append-only history; the newest row per item is its state.
_v1_campaign_progress = Table(
    "campaign_progress",
    _v1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(200), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    # The occurrence the item belongs to ("2030", or "2030-2" for a second one that year).
    Column("instance", String(40), nullable=False),
    Column("item_kind", String(20), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("status", String(40), nullable=False),
    Column("url", Text, nullable=True),
    Column("recorded_by", String(200), nullable=True),
    Column("recorded_at", String(40), nullable=False),
)

# The reminder delivery ledger (the outbox): one row per reminder occurrence and destination.
_v1_deliveries = Table(
    "deliveries",
    _v1,
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
)


def _initial(conn: Connection) -> None:
    _v1.create_all(conn)


def _deliveries_due_index(conn: Connection) -> None:
    # Every claim and every tick asks "open rows due by now"; one index on both columns lets
    # PostgreSQL answer that (and lock with SKIP LOCKED) without scanning every state's rows.
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_deliveries_state_due_at ON deliveries (state, due_at)")
    )


# --- 0003: people, sessions, invitations, API tokens, sign-in limits, frozen -------------------

_v3 = MetaData()

# People who may sign in, one row per email address (stored lower-case).
_v3_people = Table(
    "people",
    _v3,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    # viewer, editor or admin.
    Column("role", String(20), nullable=False),
    # argon2id hash of a local account's password; None until the invitation is used.
    Column("password_hash", Text, nullable=True),
    # The single sign-on identity (issuer and subject) once the person has used it.
    Column("oidc_issuer", String(500), nullable=True),
    Column("oidc_subject", String(255), nullable=True),
    Column("added_by", String(320), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("last_signin_at", String(40), nullable=True),
    UniqueConstraint("email", name="uq_people_email"),
    UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_people_oidc"),
)

# Signed-in browsers: the cookie holds a random token, this table its SHA-256 digest.
_v3_sessions = Table(
    "sessions",
    _v3,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # The session's CSRF token, which every form of the session carries.
    Column("csrf_token", String(64), nullable=False),
    # How the person signed in: password or oidc.
    Column("method", String(20), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False, index=True),
    Column("last_seen_at", String(40), nullable=False),
    Column("address", String(64), nullable=True),
    Column("user_agent", String(200), nullable=True),
)

# One-time invitation links (digest of the token in the link), deleted once used.
_v3_invitations = Table(
    "invitations",
    _v3,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("created_by", String(320), nullable=True),
)

# Personal API tokens for scripts (digest only; the token is shown once).
_v3_api_tokens = Table(
    "api_tokens",
    _v3,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("token_hash", String(64), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("last_used_at", String(40), nullable=True),
    UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
)

# Failed sign-ins, for the per-account and per-address limits (pruned after the window).
_v3_signin_failures = Table(
    "signin_failures",
    _v3,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("account", String(320), nullable=False),
    Column("address", String(64), nullable=False),
    Index("ix_signin_failures_account_at", "account", "at"),
    Index("ix_signin_failures_address_at", "address", "at"),
)

# Single sign-on requests under way: state (digest), nonce and PKCE verifier, for minutes.
_v3_oidc_logins = Table(
    "oidc_logins",
    _v3,
    Column("state_hash", String(64), primary_key=True),
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("return_to", String(500), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)


def _accounts(conn: Connection) -> None:
    _v3.create_all(conn)


# --- 0004: communication freezes, frozen ---------------------------------------------------------

_v4 = MetaData()

# Communication freezes: pre-election periods, national mourning, an organisation's own.
_v4_freezes = Table(
    "freezes",
    _v4,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("scope", String(20), nullable=False),
    Column("area", String(200), nullable=True),
    Column("restricts", String(20), nullable=False),
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10), nullable=True),
    Column("polling_day", String(10), nullable=True),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=True),
    Column("public", Integer, nullable=False, default=1),
    Column("created_by", String(320), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("ended_at", String(40), nullable=True),
    Column("ended_on", String(10), nullable=True),
    Column("ended_by", String(320), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Index("ix_freezes_starts_on", "starts_on"),
)


def _freezes(conn: Connection) -> None:
    _v4.create_all(conn)


# --- 0005: possible duplicates and claim holders on deliveries -------------------------------


def _deliveries_duplicates_and_claims(conn: Connection) -> None:
    # How many earlier attempts may have reached the receiver (and why, last), so an operator
    # can see a possible duplicate on the row itself; which process holds a claim, and whether
    # its request had started (a crash before that is not a possible duplicate).
    for column in (
        "possible_duplicates INTEGER NOT NULL DEFAULT 0",
        "duplicate_note TEXT",
        "claimed_by VARCHAR(200)",
        "attempt_started_at VARCHAR(40)",
    ):
        conn.execute(text(f"ALTER TABLE deliveries ADD COLUMN {column}"))


# --- 0006: dates the reminder bot has seen, and the changes it found, frozen -------------------

_v6 = MetaData()

# The dates last seen for each occurrence in the coming weeks.
_v6_known_dates = Table(
    "known_dates",
    _v6,
    Column("observance_id", String(200), primary_key=True),
    Column("instance", String(40), primary_key=True),
    Column("start_date", String(10), nullable=False),
    Column("end_date", String(10), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("updated_at", String(40), nullable=False),
)

# Every date change found; each is announced once per destination with notify_changes.
_v6_date_changes = Table(
    "date_changes",
    _v6,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("observance_id", String(200), nullable=False),
    Column("instance", String(40), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("old_start", String(10), nullable=False),
    Column("old_end", String(10), nullable=False),
    Column("old_status", String(20), nullable=False),
    Column("new_start", String(10), nullable=False),
    Column("new_end", String(10), nullable=False, index=True),
    Column("new_status", String(20), nullable=False),
    Column("detected_at", String(40), nullable=False, index=True),
    Column("notice_json", Text, nullable=False),
    UniqueConstraint("observance_id", "instance", "revision", name="uq_date_changes_revision"),
)


def _date_changes(conn: Connection) -> None:
    _v6.create_all(conn)


# --- 0007: campaigns made in the browser, their history, personal feed links, frozen ----------

_v7 = MetaData()

# Campaigns made in the browser, through the API or by `campaigns import`: the `[[campaign]]`
# table as JSON, with a revision counting changes.
_v7_campaigns = Table(
    "campaigns",
    _v7,
    Column("id", String(200), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(320), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(320), nullable=True),
)

# Made, edited, imported, deleted, reassigned, commented: append-only.
_v7_campaign_changes = Table(
    "campaign_changes",
    _v7,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(200), nullable=False, index=True),
    Column("action", String(20), nullable=False),
    Column("instance", String(40), nullable=True),
    Column("item_kind", String(20), nullable=True),
    Column("item_id", String(200), nullable=True),
    Column("detail", Text, nullable=True),
    Column("revision", Integer, nullable=True),
    Column("definition", Text, nullable=True),
    Column("recorded_by", String(320), nullable=True),
    Column("recorded_at", String(40), nullable=False),
)

# Personal deadline feeds: the digest of the secret in each feed's address.
_v7_people_ref = Table("people", _v7, Column("id", Integer, primary_key=True))
_v7_feed_links = Table(
    "feed_links",
    _v7,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_used_at", String(40), nullable=True),
    UniqueConstraint("token_hash", name="uq_feed_links_token_hash"),
)


def _campaign_workspace(conn: Connection) -> None:
    # `people` is only referenced (it exists since 0003), never created here.
    _v7.create_all(conn, tables=[_v7_campaigns, _v7_campaign_changes, _v7_feed_links])


# --- 0008: who each delivery speaks to, and the freeze that held it ------------------------------


def _deliveries_audience_and_hold(conn: Connection) -> None:
    # Rows planned before this keep a null audience: read by their kind (announcements public).
    for column in ("audience VARCHAR(20)", "held_by INTEGER"):
        conn.execute(text(f"ALTER TABLE deliveries ADD COLUMN {column}"))


MIGRATIONS: list[Migration] = [
    Migration("0001_initial", _initial),
    Migration("0002_deliveries_state_due_index", _deliveries_due_index),
    Migration("0003_accounts", _accounts),
    Migration("0004_freezes", _freezes),
    Migration("0005_deliveries_duplicates_and_claims", _deliveries_duplicates_and_claims),
    Migration("0006_date_changes", _date_changes),
    Migration("0007_campaign_workspace", _campaign_workspace),
    Migration("0008_deliveries_audience_and_hold", _deliveries_audience_and_hold),
]


def migrate(engine: Engine) -> list[str]:
    """Apply pending migrations in order; return the names applied."""
    applied_now: list[str] = []
    metadata.create_all(engine, tables=[schema_migrations])
    with engine.connect() as conn:
        done = set(conn.execute(select(schema_migrations.c.name)).scalars())
    for migration in MIGRATIONS:
        if migration.name in done:
            continue
        with engine.begin() as conn:
            migration.upgrade(conn)
            conn.execute(
                schema_migrations.insert().values(
                    name=migration.name, applied_at=utc_text(dt.datetime.now(dt.UTC))
                )
            )
        applied_now.append(migration.name)
    return applied_now

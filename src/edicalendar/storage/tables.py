"""The tables of the project database as they are now (SQLAlchemy Core).

Five kinds of state, each small: feed change tracking (SEQUENCE and LAST-MODIFIED per UID),
campaign progress (who marked what done, when), the campaigns made in the browser with the
history of every change to them, the reminder delivery ledger, the dates the bot has seen and
the changes it found (for date-change notices), and people with their sessions, invitations,
API tokens and personal feed links, plus `meta` (typed reads and writes in
:mod:`edicalendar.storage.state`). These definitions are what the
code reads and writes; the DDL that creates them is frozen per version in
:mod:`edicalendar.storage.migrations`, never taken from here.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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
    #: Earlier attempts that may have reached the receiver although no success was recorded
    #: (a crash mid-send, a timeout or reset after the request went out), and the latest why.
    Column("possible_duplicates", Integer, nullable=False, server_default="0"),
    Column("duplicate_note", Text, nullable=True),
    #: Who holds the current claim ("host:pid"), while the row is `sending`, and when its
    #: request started (unset: claimed, but nothing went out yet).
    Column("claimed_by", String(200), nullable=True),
    Column("attempt_started_at", String(40), nullable=True),
    #: Who the message speaks to (internal, staff, public: communication freezes hold it by
    #: this) and the freeze that held it back, if one did (migration 0006).
    Column("audience", String(20), nullable=True),
    Column("held_by", Integer, nullable=True),
    UniqueConstraint("key", name="uq_deliveries_key"),
    # Every claim and tick asks "open rows due by now" (migration 0002).
    Index("ix_deliveries_state_due_at", "state", "due_at"),
)

#: People who may sign in, one row per email address (stored lower-case).
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    #: viewer, editor or admin (:class:`edicalendar.accounts.people.Role`).
    Column("role", String(20), nullable=False),
    #: argon2id hash of a local account's password; None until the invitation is used.
    Column("password_hash", Text, nullable=True),
    #: The single sign-on identity (issuer and subject) once the person has used it.
    Column("oidc_issuer", String(500), nullable=True),
    Column("oidc_subject", String(255), nullable=True),
    Column("added_by", String(320), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("last_signin_at", String(40), nullable=True),
    UniqueConstraint("email", name="uq_people_email"),
    UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_people_oidc"),
)

#: Signed-in browsers: the cookie holds a random token, this table its SHA-256 digest.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    #: The session's CSRF token, which every form of the session carries.
    Column("csrf_token", String(64), nullable=False),
    #: How the person signed in: password or oidc.
    Column("method", String(20), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False, index=True),
    Column("last_seen_at", String(40), nullable=False),
    Column("address", String(64), nullable=True),
    Column("user_agent", String(200), nullable=True),
)

#: One-time invitation links (digest of the token in the link), deleted once used.
invitations = Table(
    "invitations",
    metadata,
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

#: Personal API tokens for scripts (digest only; the token is shown once).
api_tokens = Table(
    "api_tokens",
    metadata,
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

#: Failed sign-ins, for the per-account and per-address limits (pruned after the window).
signin_failures = Table(
    "signin_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("account", String(320), nullable=False),
    Column("address", String(64), nullable=False),
    Index("ix_signin_failures_account_at", "account", "at"),
    Index("ix_signin_failures_address_at", "address", "at"),
)

#: Single sign-on requests under way: state (digest), nonce and PKCE verifier, for minutes.
oidc_logins = Table(
    "oidc_logins",
    metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("return_to", String(500), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)

#: Communication freezes: pre-election periods, national mourning, an organisation's own.
freezes = Table(
    "freezes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    #: general-election, devolved-election, ... (:class:`edicalendar.calendar.freezes.FreezeKind`).
    Column("kind", String(40), nullable=False),
    #: national, nation, local or organisation, and the area it names (a nation, a council).
    Column("scope", String(20), nullable=False),
    Column("area", String(200), nullable=True),
    #: public, staff or everything (:class:`edicalendar.calendar.freezes.Restriction`).
    Column("restricts", String(20), nullable=False),
    #: First and last frozen local dates (inclusive); no last date: open-ended.
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10), nullable=True),
    Column("polling_day", String(10), nullable=True),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=True),
    #: Shown on public pages and in freezes.ics (1) or only to people signed in (0).
    Column("public", Integer, nullable=False, default=1),
    Column("created_by", String(320), nullable=True),
    Column("created_at", String(40), nullable=False),
    #: When it was ended early (`freeze end`), the local date of that moment, and by whom.
    Column("ended_at", String(40), nullable=True),
    Column("ended_on", String(10), nullable=True),
    Column("ended_by", String(320), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Index("ix_freezes_starts_on", "starts_on"),
)

#: The dates the reminder bot last saw for each occurrence in the coming weeks, so a change
#: (a confirmed date replacing an estimate, a date that moved) is noticed and announced once.
known_dates = Table(
    "known_dates",
    metadata,
    Column("observance_id", String(200), primary_key=True),
    Column("instance", String(40), primary_key=True),
    Column("start_date", String(10), nullable=False),
    Column("end_date", String(10), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    #: How many changes to this occurrence have been found (the revision of the last one).
    Column("revision", Integer, nullable=False, default=0),
    Column("updated_at", String(40), nullable=False),
)

#: Every date change found, in order; each becomes one notice per destination that asks.
date_changes = Table(
    "date_changes",
    metadata,
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
    #: The notice as written when the change was found: name, title, body, links, event text.
    Column("notice_json", Text, nullable=False),
    UniqueConstraint("observance_id", "instance", "revision", name="uq_date_changes_revision"),
)

#: Campaigns made in the browser, through the API or by `campaigns import`: one row each, the
#: `[[campaign]]` table as JSON. `revision` counts changes, so two people editing at once cannot
#: overwrite each other unseen.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(320), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(320), nullable=True),
)

#: What people did to campaigns besides progress: made, edited, imported, deleted, work
#: reassigned, comments. Append-only; `campaign_id` is kept after the campaign is deleted.
campaign_changes = Table(
    "campaign_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(200), nullable=False, index=True),
    #: created, edited, imported, deleted, reassigned or commented.
    Column("action", String(20), nullable=False),
    #: The occurrence a reassignment or comment is about ("2026", "2030-2"); None: every year.
    Column("instance", String(40), nullable=True),
    Column("item_kind", String(20), nullable=True),
    Column("item_id", String(200), nullable=True),
    #: What changed, in words; a comment's text; a reassignment's new owner as JSON.
    Column("detail", Text, nullable=True),
    #: The campaign's revision after an edit (None for reassignments and comments).
    Column("revision", Integer, nullable=True),
    #: The `[[campaign]]` table as it was after the change (made, edited, imported).
    Column("definition", Text, nullable=True),
    Column("recorded_by", String(320), nullable=True),
    Column("recorded_at", String(40), nullable=False),
)

#: Personal deadline feeds: the secret in the feed's address, as its SHA-256 digest.
feed_links = Table(
    "feed_links",
    metadata,
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

"""Feed change tracking: SEQUENCE and LAST-MODIFIED per published UID, kept in the database.

Calendar clients only replace an event they already hold when its SEQUENCE rises, so each UID's
content hash is stored with its SEQUENCE and the time its content last changed (used for both
DTSTAMP and LAST-MODIFIED). Unchanged events keep their stored values, which makes regenerated
feeds byte-identical; a changed event gets SEQUENCE + 1 at the injected `now`. An event that
disappears is republished as STATUS:CANCELLED (SEQUENCE + 1) for `cancelled_days`, then dropped.
Rows of events that ended (or were cancelled) more than `feeds.retention_days` ago, outside
every feed's window, are pruned once a day (:func:`prune_daily`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from edicalendar.feeds.events import FeedEvent, TrackedEvent, cancelled_copy
from edicalendar.feeds.ical import etag
from edicalendar.storage.engine import Database
from edicalendar.storage.state import FeedBody, StateStore
from edicalendar.storage.tables import feed_events
from edicalendar.storage.timestamps import parse_utc, utc_text


@dataclass(frozen=True)
class StoredEvent:
    """One row of `feed_events`: the last published event and its tracking values."""

    uid: str
    event_json: str
    content_hash: str
    sequence: int
    modified: dt.datetime
    cancelled_at: dt.datetime | None

    @cached_property
    def event(self) -> FeedEvent:
        """The stored event (parsed only when needed: most rows are just compared by hash)."""
        return FeedEvent.from_json(self.event_json)


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(
        uid=row.uid,
        event_json=row.event_json,
        content_hash=row.content_hash,
        sequence=row.sequence,
        modified=parse_utc(row.last_modified),
        cancelled_at=parse_utc(row.cancelled_at) if row.cancelled_at else None,
    )


class FeedState:
    """Change tracking for published feed events, backed by the `feed_events` table."""

    def __init__(self, database: Database, *, cache: bool = False) -> None:
        """With `cache`, rows are read once and kept in step with this object's own writes:
        for one build of many feeds, not for a long-lived object beside other writers."""
        self.database = database
        self._cache: dict[str, dict[str, StoredEvent]] | None = {} if cache else None
        #: Hash and JSON of each event object seen, as the same events reach many feeds.
        self._values: dict[int, tuple[FeedEvent, str, str]] = {}

    def _values_of(self, event: FeedEvent, scope: str) -> dict[str, Any]:
        seen = self._values.get(id(event))
        if seen is None or seen[0] is not event:
            seen = (event, event.content_hash(), event.to_json())
            if self._cache is not None:
                self._values[id(event)] = seen  # the event is kept alive by the tuple
        origin = event.origin
        return {
            "scope": scope,
            "observance_id": origin.observance_id if origin else "",
            "instance": origin.instance if origin else "",
            "content_hash": seen[1],
            "event_json": seen[2],
        }

    def load(self, scope: str) -> dict[str, StoredEvent]:
        """Every stored event of `scope`, by UID."""
        if self._cache is not None and scope in self._cache:
            return dict(self._cache[scope])
        with self.database.engine.connect() as conn:
            rows = conn.execute(select(feed_events).where(feed_events.c.scope == scope)).all()
        loaded = {row.uid: _stored(row) for row in rows}
        if self._cache is not None:
            self._cache[scope] = dict(loaded)
        return loaded

    def sync(
        self,
        scope: str,
        events: Sequence[FeedEvent],
        now: dt.datetime,
        *,
        cancelled_days: int,
        responsible: Callable[[StoredEvent], bool],
    ) -> list[TrackedEvent]:
        """Record `events` and return them tracked, plus cancellations this feed must show.

        A stored event missing from `events` is cancelled (once, at `now`) when
        `responsible(row)` says this feed speaks for it: in the feed's window and filters and
        truly gone from the data, not just outside this feed. Cancelled events are returned
        until `cancelled_days` after their cancellation. Nothing is written when nothing changed.
        """
        try:
            return self._sync(scope, events, now, cancelled_days, responsible)
        except (IntegrityError, _Conflict):
            # Another process recorded the same change first; its rows are now the truth.
            if self._cache is not None:
                self._cache.pop(scope, None)
            return self._sync(scope, events, now, cancelled_days, responsible)

    def _sync(
        self,
        scope: str,
        events: Sequence[FeedEvent],
        now: dt.datetime,
        cancelled_days: int,
        responsible: Callable[[StoredEvent], bool],
    ) -> list[TrackedEvent]:
        stored = self.load(scope)
        stamp = utc_text(now)
        moment = parse_utc(stamp)  # whole seconds, as stored and as published
        inserts: list[dict[str, Any]] = []
        updates: dict[str, dict[str, Any]] = {}
        tracked: list[TrackedEvent] = []
        present: set[str] = set()
        for event in events:
            if event.uid in present:
                raise ValueError(f"duplicate UID {event.uid} ({event.summary})")
            present.add(event.uid)
            row = stored.get(event.uid)
            values = self._values_of(event, scope)
            if row is None:
                inserts.append({"uid": event.uid, **values, "sequence": 0, "last_modified": stamp})
                tracked.append(TrackedEvent(event, 0, moment))
            elif row.cancelled_at is None and row.content_hash == values["content_hash"]:
                if row.event_json != values["event_json"]:
                    updates[event.uid] = values  # origin moved (say, another file): not news
                tracked.append(TrackedEvent(event, row.sequence, row.modified))
            else:
                sequence = row.sequence + 1
                updates[event.uid] = {
                    **values,
                    "sequence": sequence,
                    "last_modified": stamp,
                    "cancelled_at": None,
                }
                tracked.append(TrackedEvent(event, sequence, moment))
        keep = dt.timedelta(days=cancelled_days)
        for uid, row in stored.items():
            if uid in present or not responsible(row):
                continue
            if row.cancelled_at is None:
                sequence = row.sequence + 1
                updates[uid] = {"sequence": sequence, "last_modified": stamp, "cancelled_at": stamp}
                tracked.append(TrackedEvent(cancelled_copy(row.event), sequence, moment))
            elif moment < row.cancelled_at + keep:
                tracked.append(TrackedEvent(cancelled_copy(row.event), row.sequence, row.modified))
        if inserts or updates:
            if self._cache is not None:
                self._cache.pop(scope, None)  # reread after writing: simple and always right
            with self.database.write() as conn:
                if inserts:
                    conn.execute(feed_events.insert(), inserts)
                for uid, changes in updates.items():
                    # Only if nobody else changed the row since we read it (optimistic lock).
                    done = conn.execute(
                        feed_events.update().where(
                            feed_events.c.scope == scope,
                            feed_events.c.uid == uid,
                            feed_events.c.sequence == stored[uid].sequence,
                        ),
                        changes,
                    )
                    if done.rowcount != 1:
                        raise _Conflict(uid)
        return tracked


#: Old tracking rows are pruned at most this often.
PRUNE_EVERY = dt.timedelta(days=1)


def prune(database: Database, now: dt.datetime, keep_days: int) -> int:
    """Delete the tracking rows of events that ended, or were cancelled, more than `keep_days`
    before `now` (config makes that longer than any feed looks back). Returns how many went."""
    cutoff_day = now.date() - dt.timedelta(days=keep_days)
    cutoff = utc_text(now - dt.timedelta(days=keep_days))
    with database.engine.connect() as conn:
        rows = conn.execute(
            select(
                feed_events.c.scope,
                feed_events.c.uid,
                feed_events.c.event_json,
                feed_events.c.cancelled_at,
            )
        ).all()
    old = [
        (row.scope, row.uid)
        for row in rows
        if (row.cancelled_at is not None and row.cancelled_at < cutoff)
        or FeedEvent.from_json(row.event_json).end < cutoff_day
    ]
    if old:
        with database.write() as conn:
            for scope, uid in old:
                conn.execute(
                    feed_events.delete().where(
                        feed_events.c.scope == scope, feed_events.c.uid == uid
                    )
                )
    return len(old)


def prune_daily(database: Database, now: dt.datetime, keep_days: int) -> int:
    """:func:`prune` if it has not run in the last day; returns how many rows went."""
    store = StateStore(database)
    last = store.pruned_at("feed_events")
    if last is not None and last <= now < last + PRUNE_EVERY:
        return 0
    gone = prune(database, now, keep_days)
    store.set_pruned_at("feed_events", now)
    return gone


class _Conflict(Exception):
    """Another process changed a row between our read and our write; the transaction rolls back."""


def first_published(database: Database, name: str, body: bytes, now: dt.datetime) -> dt.datetime:
    """When feed `name` first had exactly these bytes (for the HTTP Last-Modified header).

    Unlike :func:`~edicalendar.feeds.ical.last_modified`, this also moves when an event leaves
    the feed (the window moved, a cancellation expired), so If-Modified-Since never gets a stale
    304. The first sight of each body is recorded at `now`, to the second.
    """
    store = StateStore(database)
    tag = etag(body)
    stored = store.feed_body(name)
    if stored is not None and stored.etag == tag:
        return stored.since
    moment = parse_utc(utc_text(now))
    store.set_feed_body(name, FeedBody(tag, moment))
    return moment

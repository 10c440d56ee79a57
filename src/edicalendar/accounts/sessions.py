"""Server-side sessions: a signed-in browser holds a random token, the database its digest.

A session lasts `[accounts] session_hours` from sign-in. Every request looks it up (with the
person, so a role change applies at once); an expired session is deleted when met, signing out
deletes it, and removing a person deletes all of theirs (the foreign key cascades, and the
code deletes them too for databases without cascades). Each session has its own CSRF token,
which every form of that session must carry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, delete, select, update

from edicalendar.accounts.credentials import digest, new_secret
from edicalendar.accounts.people import Person, person_from_row
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import people, sessions
from edicalendar.storage.timestamps import parse_utc, utc_text

#: `last_seen_at` is written at most this often, so reading pages is not a write each time.
TOUCH_EVERY = dt.timedelta(minutes=5)


class SignInMethod(StrEnum):
    """How a session was opened."""

    PASSWORD = "password"
    OIDC = "oidc"


@dataclass(frozen=True, slots=True)
class Session:
    """An open session and the person it belongs to."""

    person: Person
    method: SignInMethod
    csrf_token: str
    created_at: dt.datetime
    expires_at: dt.datetime
    token_hash: str


def open_session(
    conn: Connection,
    person_id: int,
    method: SignInMethod,
    *,
    now: dt.datetime,
    lifetime: dt.timedelta,
    address: str | None,
    user_agent: str | None,
) -> str:
    """Open a session for `person_id`; returns the token for the cookie (shown nowhere else)."""
    token = new_secret()
    stamp = utc_text(now)
    conn.execute(
        sessions.insert().values(
            token_hash=digest(token),
            person_id=person_id,
            csrf_token=new_secret(),
            method=method.value,
            created_at=stamp,
            expires_at=utc_text(now + lifetime),
            last_seen_at=stamp,
            address=(address or "")[:64] or None,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    return token


def find_session(db: Database, token: str, now: dt.datetime) -> Session | None:
    """The live session for a cookie `token`, or None (an expired one is deleted)."""
    if not token or len(token) > 200:
        return None
    key = digest(token)
    query = (
        select(people, sessions.c.csrf_token, sessions.c.method, sessions.c.expires_at)
        .add_columns(sessions.c.created_at.label("session_created_at"), sessions.c.last_seen_at)
        .join(sessions, sessions.c.person_id == people.c.id)
        .where(sessions.c.token_hash == key)
    )
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    expires = parse_utc(row["expires_at"])
    if expires <= now:
        with db.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == key))
        return None
    if now - parse_utc(row["last_seen_at"]) >= TOUCH_EVERY:
        with db.write() as conn:
            conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == key)
                .values(last_seen_at=utc_text(now))
            )
    return Session(
        person=person_from_row(row),
        method=SignInMethod(row["method"]),
        csrf_token=str(row["csrf_token"]),
        created_at=parse_utc(row["session_created_at"]),
        expires_at=expires,
        token_hash=key,
    )


def end_session(db: Database, token: str) -> bool:
    """Sign out: delete the session of `token`. Whether there was one."""
    with db.write() as conn:
        result = conn.execute(delete(sessions).where(sessions.c.token_hash == digest(token)))
    return bool(result.rowcount)


def end_sessions_of(conn: Connection, person_id: int) -> int:
    """Delete every session of a person; how many there were."""
    result = conn.execute(delete(sessions).where(sessions.c.person_id == person_id))
    return int(result.rowcount or 0)


def prune_sessions(conn: Connection, now: dt.datetime) -> None:
    """Delete sessions that have expired (they are refused anyway; this keeps the table small)."""
    conn.execute(delete(sessions).where(sessions.c.expires_at <= utc_text(now)))

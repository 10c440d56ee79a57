"""One-time invitation links: how a person added with `edicalendar users add` sets a password.

The link carries a random token; the database keeps its digest and an expiry
(`[accounts] invitation_hours`). Using the link deletes it, and a new invitation for the same
person replaces every older one, so at most one link works at a time and none works twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, select

from edicalendar.accounts.credentials import digest, new_secret
from edicalendar.accounts.people import Person, person_from_row
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import invitations, people
from edicalendar.storage.timestamps import parse_utc, utc_text

#: Where an invitation link points, below the public address.
INVITATION_PATH = "/invitation"


def create_invitation(
    conn: Connection,
    person_id: int,
    *,
    now: dt.datetime,
    lifetime: dt.timedelta,
    created_by: str | None,
) -> tuple[str, dt.datetime]:
    """A new invitation for `person_id` (older ones stop working); its token and expiry."""
    conn.execute(delete(invitations).where(invitations.c.person_id == person_id))
    token = new_secret()
    expires = now + lifetime
    conn.execute(
        invitations.insert().values(
            token_hash=digest(token),
            person_id=person_id,
            created_at=utc_text(now),
            expires_at=utc_text(expires),
            created_by=created_by,
        )
    )
    return token, parse_utc(utc_text(expires))


def invited_person(db: Database, token: str, now: dt.datetime) -> Person | None:
    """The person an unexpired, unused invitation `token` is for, or None."""
    if not token or len(token) > 200:
        return None
    query = (
        select(people, invitations.c.expires_at.label("invitation_expires_at"))
        .join(invitations, invitations.c.person_id == people.c.id)
        .where(invitations.c.token_hash == digest(token))
    )
    with db.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None or parse_utc(row["invitation_expires_at"]) <= now:
        return None
    return person_from_row(row)


def use_invitation(conn: Connection, token: str, now: dt.datetime) -> int | None:
    """Consume invitation `token` inside the caller's transaction: the person's id, or None
    when the token is unknown, used or expired (an expired one is deleted)."""
    key = digest(token)
    row = (
        conn.execute(select(invitations).where(invitations.c.token_hash == key)).mappings().first()
    )
    if row is None:
        return None
    # Whoever deletes the row used it: two requests racing with one link cannot both win.
    deleted = conn.execute(delete(invitations).where(invitations.c.token_hash == key))
    if not deleted.rowcount or parse_utc(row["expires_at"]) <= now:
        return None
    return int(row["person_id"])

"""Personal deadline feeds: a secret address per person for their own tasks and publications.

Calendar apps cannot sign in, so a person's deadlines feed is reached by an address holding a
random secret (`/deadlines/edf_....ics`), shown once when it is made; the database keeps only
its digest. Making a new address stops the old one at once, as does removing the person. The
feed shows the work that is theirs now: reassigned work moves with its new owner.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from edicalendar.accounts.credentials import digest, new_secret
from edicalendar.accounts.people import Person, person_holding
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import feed_links
from edicalendar.storage.timestamps import parse_utc, utc_text

FEED_PREFIX = "edf_"
#: `last_used_at` is written at most this often (calendar apps poll every few minutes).
TOUCH_EVERY = dt.timedelta(hours=1)


def replace_link(db: Database, person_id: int, now: dt.datetime) -> str:
    """A new secret for `person_id`'s feed (the old one stops working); shown once."""
    secret = FEED_PREFIX + new_secret()
    with db.write() as conn:
        conn.execute(delete(feed_links).where(feed_links.c.person_id == person_id))
        conn.execute(
            feed_links.insert().values(
                person_id=person_id,
                token_hash=digest(secret),
                created_at=utc_text(now),
                last_used_at=None,
            )
        )
    return secret


def stop_link(db: Database, person_id: int) -> bool:
    """Stop `person_id`'s feed address; whether there was one."""
    with db.write() as conn:
        done = conn.execute(delete(feed_links).where(feed_links.c.person_id == person_id))
    return bool(done.rowcount)


def link_made_at(db: Database, person_id: int) -> dt.datetime | None:
    """When `person_id`'s current feed address was made, or None when there is none."""
    with db.engine.connect() as conn:
        made = conn.execute(
            select(feed_links.c.created_at).where(feed_links.c.person_id == person_id)
        ).scalar()
    return parse_utc(made) if made else None


def link_person(db: Database, secret: str, now: dt.datetime) -> Person | None:
    """Whose feed `secret` opens, or None (unknown, replaced, or the person removed)."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 200:
        return None
    return person_holding(db, feed_links, digest(secret), now, TOUCH_EVERY)

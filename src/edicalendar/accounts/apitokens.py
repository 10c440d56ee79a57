"""Personal API tokens: what scripts send as `Authorization: Bearer edc_...` to act as a person.

`edicalendar users token EMAIL` prints a new token once; the database keeps only its digest,
a label and when it was made and last used. A token acts with its person's current role, and
stops working at once when it is revoked or the person is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from edicalendar.accounts.credentials import API_TOKEN_PREFIX, digest, new_secret
from edicalendar.accounts.people import Person, person_holding
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import api_tokens, people
from edicalendar.storage.timestamps import parse_utc, utc_text

#: `last_used_at` is written at most this often.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A personal API token as listed (never the secret itself)."""

    id: int
    email: str
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def create_token(conn: Connection, person_id: int, label: str, now: dt.datetime) -> tuple[int, str]:
    """A new token for `person_id`: its id and the secret to show once."""
    token = API_TOKEN_PREFIX + new_secret()
    result = conn.execute(
        api_tokens.insert().values(
            person_id=person_id,
            token_hash=digest(token),
            label=label,
            created_at=utc_text(now),
            last_used_at=None,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0]), token


def token_person(db: Database, token: str, now: dt.datetime) -> Person | None:
    """The person API `token` acts for, or None when it is unknown or revoked."""
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    return person_holding(db, api_tokens, digest(token), now, TOUCH_EVERY)


def list_tokens(conn: Connection, person_id: int | None = None) -> list[ApiToken]:
    """Tokens (of one person, or everyone's), oldest first."""
    query = (
        select(api_tokens, people.c.email)
        .join(people, people.c.id == api_tokens.c.person_id)
        .order_by(api_tokens.c.id)
    )
    if person_id is not None:
        query = query.where(api_tokens.c.person_id == person_id)
    return [
        ApiToken(
            id=int(row["id"]),
            email=str(row["email"]),
            label=str(row["label"]),
            created_at=parse_utc(row["created_at"]),
            last_used_at=parse_utc(row["last_used_at"]) if row["last_used_at"] else None,
        )
        for row in conn.execute(query).mappings()
    ]


def delete_tokens(
    conn: Connection, *, token_id: int | None = None, person_id: int | None = None
) -> int:
    """Revoke one token by id, or every token of a person; how many were revoked."""
    query = delete(api_tokens)
    if token_id is not None:
        query = query.where(api_tokens.c.id == token_id)
    if person_id is not None:
        query = query.where(api_tokens.c.person_id == person_id)
    return int(conn.execute(query).rowcount or 0)

"""People and their roles, as stored in the `people` table.

A person is one email address (compared case-insensitively, stored lower-case) with a name
and one role. Roles are ordered: a viewer sees the private plan, an editor also changes it
(campaigns, progress), an admin also manages people, destinations and freezes. A person signs
in with a local password, with single sign-on, or both, and scripts act as them with personal
API tokens.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, Table, func, select, update

from edicalendar.errors import AccountError, PersonNotFoundError
from edicalendar.model import Role
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import people
from edicalendar.storage.timestamps import parse_utc, utc_text

#: Local part @ domain with a dot, no spaces: what NHSmail and Microsoft 365 issue.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+\Z")
MAX_NAME = 200


def normalise_email(text: str) -> str:
    """`text` as a stored email address (trimmed, lower-case); AccountError when it is not one."""
    email = text.strip().lower()
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        shown = text if len(text) <= 60 else text[:60] + "…"
        raise AccountError(f"{shown!r} is not an email address such as asha.khan@nhs.net")
    return email


def clean_name(text: str) -> str:
    """A display name without control characters; AccountError when empty or too long."""
    name = " ".join("".join(c for c in text if c.isprintable()).split())
    if not name:
        raise AccountError('a person needs a name (--name "Asha Khan")')
    if len(name) > MAX_NAME:
        raise AccountError(f"the name is longer than {MAX_NAME} characters")
    return name


def parse_role(text: str) -> Role:
    """The role named by `text`; AccountError listing the roles when it is none of them."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise AccountError(
            f"{text!r} is not a role; use one of {', '.join(r.value for r in Role)}"
        ) from None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who may sign in."""

    id: int
    email: str
    name: str
    role: Role
    #: Whether a local password is set (False until the invitation is used).
    has_password: bool
    #: Whether the person has signed in with single sign-on.
    uses_sso: bool
    created_at: dt.datetime
    last_signin_at: dt.datetime | None
    added_by: str | None

    @property
    def recorded_as(self) -> str:
        """How changes this person makes are recorded (progress `recorded_by`)."""
        return self.email


def person_from_row(row: RowMapping) -> Person:
    """A :class:`Person` from a `people` row (or a joined row carrying its columns)."""
    last = row["last_signin_at"]
    return Person(
        id=int(row["id"]),
        email=str(row["email"]),
        name=str(row["name"]),
        role=Role(row["role"]),
        has_password=row["password_hash"] is not None,
        uses_sso=row["oidc_subject"] is not None,
        created_at=parse_utc(row["created_at"]),
        last_signin_at=parse_utc(last) if last else None,
        added_by=row["added_by"],
    )


def find_person(conn: Connection, email: str) -> RowMapping | None:
    """The `people` row for `email` (already normalised), or None."""
    return conn.execute(select(people).where(people.c.email == email)).mappings().first()


def require_person(conn: Connection, email: str) -> RowMapping:
    """The `people` row for `email`; PersonNotFoundError naming the address if none."""
    row = find_person(conn, email)
    if row is None:
        raise PersonNotFoundError(
            f"no person with the address {email}; `edicalendar users list` shows who there is"
        )
    return row


def count_people(conn: Connection) -> int:
    """How many people there are."""
    return int(conn.execute(select(func.count()).select_from(people)).scalar_one())


def insert_person(
    conn: Connection,
    *,
    email: str,
    name: str,
    role: Role,
    added_by: str | None,
    now: dt.datetime,
    oidc: tuple[str, str] | None = None,
) -> int:
    """Add a person; AccountError when the address is already there. Returns the new id."""
    if find_person(conn, email) is not None:
        raise AccountError(
            f"{email} is already a person here; `edicalendar users invite {email}` sends a "
            f"new invitation link and `edicalendar users role {email} ROLE` changes the role"
        )
    stamp = utc_text(now)
    result = conn.execute(
        people.insert().values(
            email=email,
            name=name,
            role=role.value,
            password_hash=None,
            oidc_issuer=oidc[0] if oidc else None,
            oidc_subject=oidc[1] if oidc else None,
            added_by=added_by,
            created_at=stamp,
            updated_at=stamp,
            last_signin_at=None,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def person_holding(
    database: Database, table: Table, key: str, now: dt.datetime, touch_every: dt.timedelta
) -> Person | None:
    """The person whose stored secret (an API token, a feed address) has digest `key`, or None
    (unknown, revoked, replaced, or the person removed). `table` has `token_hash`, `person_id`
    and `last_used_at`; the last is written at most every `touch_every`, so a secret used on
    every request costs no write each time."""
    query = (
        select(people, table.c.last_used_at.label("secret_used_at"))
        .join(table, table.c.person_id == people.c.id)
        .where(table.c.token_hash == key)
    )
    with database.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    used = row["secret_used_at"]
    if used is None or now - parse_utc(used) >= touch_every:
        with database.write() as conn:
            conn.execute(
                update(table).where(table.c.token_hash == key).values(last_used_at=utc_text(now))
            )
    return person_from_row(row)

"""The two ways a row of the `meta` table is written: an upsert, and an insert-if-absent.

Both are single statements in the caller's transaction, so several workers writing one key at
once can neither both insert (and fail on the primary key) nor lose the first writer's value.
Typed facts built on them live in :mod:`edicalendar.storage.state` and
:mod:`edicalendar.storage.identity`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from edicalendar.storage.tables import meta


def _insert(conn: Connection, key: str, value: str) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(meta).values(key=key, value=value)


def upsert(conn: Connection, key: str, value: str) -> None:
    """Store `value` under `key` in `conn`'s transaction: an upsert, not update-then-insert, so
    two workers writing the same key at once cannot both insert and fail on the primary key."""
    statement = _insert(conn, key, value)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[meta.c.key], set_={"value": statement.excluded.value}
        )
    )


def insert_if_absent(conn: Connection, key: str, value: str) -> None:
    """Store `value` under `key` unless the key exists (the first writer wins)."""
    conn.execute(_insert(conn, key, value).on_conflict_do_nothing(index_elements=[meta.c.key]))

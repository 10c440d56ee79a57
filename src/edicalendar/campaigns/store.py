"""Campaigns kept in the database, and the record of every change people make to campaigns.

A stored campaign is one `[[campaign]]` table, exactly as a campaign file would hold it, kept as
JSON in the `campaigns` table with a revision that counts changes: an edit names the revision it
started from and is refused when someone else saved in between, so nobody overwrites a colleague
unseen. Every change (made, edited, imported, deleted, work reassigned, a comment) is appended to
`campaign_changes` with who and when; progress (tasks done, assets published) stays in
:mod:`edicalendar.campaigns.progress`. Every worker reads the same rows, so on PostgreSQL every
process serves and reminds about the same plan.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from edicalendar.errors import CampaignConflictError, CampaignLookupError
from edicalendar.i18n import N_, Message
from edicalendar.storage.reads import Reads
from edicalendar.storage.timestamps import parse_utc, utc_text

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from edicalendar.storage.engine import Database

#: A campaign table as JSON-compatible data: what a `[[campaign]]` table holds.
Table = dict[str, Any]


class ChangeAction(StrEnum):
    """What a recorded change did."""

    CREATED = "created"
    EDITED = "edited"
    #: Loaded from a campaign file by `edicalendar campaigns import`.
    IMPORTED = "imported"
    DELETED = "deleted"
    #: A task or asset of one occurrence given to someone else.
    REASSIGNED = "reassigned"
    COMMENTED = "commented"


@dataclass(frozen=True, slots=True)
class StoredCampaign:
    """One campaign row: its table and who made and last changed it."""

    id: str
    table: Table
    revision: int
    created_at: dt.datetime
    created_by: str | None
    updated_at: dt.datetime
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change to a campaign."""

    id: int
    campaign_id: str
    action: ChangeAction
    instance: str | None
    item_kind: str | None
    item_id: str | None
    detail: str | None
    revision: int | None
    recorded_by: str | None
    recorded_at: dt.datetime
    #: The table after a change that made or edited the campaign.
    definition: Table | None = None


def dump(table: Mapping[str, Any]) -> str:
    """A table as stored: JSON in the table's own key order, non-ASCII kept as written."""
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"))


def _stored(row: Mapping[Any, Any]) -> StoredCampaign:
    table = json.loads(row["definition"])
    assert isinstance(table, dict)
    return StoredCampaign(
        id=row["id"],
        table=table,
        revision=int(row["revision"]),
        created_at=parse_utc(row["created_at"]),
        created_by=row["created_by"],
        updated_at=parse_utc(row["updated_at"]),
        updated_by=row["updated_by"],
    )


def _change(row: Mapping[Any, Any]) -> Change:
    definition = json.loads(row["definition"]) if row["definition"] else None
    return Change(
        id=int(row["id"]),
        campaign_id=row["campaign_id"],
        action=ChangeAction(row["action"]),
        instance=row["instance"],
        item_kind=row["item_kind"],
        item_id=row["item_id"],
        detail=row["detail"],
        revision=row["revision"],
        recorded_by=row["recorded_by"],
        recorded_at=parse_utc(row["recorded_at"]),
        definition=definition,
    )


# Reading needs no SQLAlchemy (storage.reads), so the commands that only look can use these
# without opening the database in full; CampaignStore reads through them too.
_CAMPAIGN_COLUMNS = "id, definition, revision, created_at, created_by, updated_at, updated_by"
_CHANGE_COLUMNS = (
    "id, campaign_id, action, instance, item_kind, item_id, detail, revision, definition, "
    "recorded_by, recorded_at"
)


def stored_campaigns(db: Reads) -> list[StoredCampaign]:
    """Every stored campaign, by id."""
    return [
        _stored(row) for row in db.fetch(f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns ORDER BY id")
    ]


def stored_tables(db: Reads) -> list[tuple[Table, int]]:
    """Every stored campaign's table and revision, by id: what loading the plan reads."""
    rows = db.fetch("SELECT definition, revision FROM campaigns ORDER BY id")
    return [(json.loads(row["definition"]), int(row["revision"])) for row in rows]


def recorded_changes(
    db: Reads, campaign_id: str | None = None, *, actions: tuple[ChangeAction, ...] = ()
) -> list[Change]:
    """Recorded changes, oldest first: of one campaign, of some actions, or all."""
    conditions = []
    params: dict[str, Any] = {}
    if campaign_id is not None:
        conditions.append("campaign_id = :campaign_id")
        params["campaign_id"] = campaign_id
    if actions:
        names = [f"action{number}" for number in range(len(actions))]
        conditions.append(f"action IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, (a.value for a in actions), strict=True))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT {_CHANGE_COLUMNS} FROM campaign_changes{where} ORDER BY id"
    return [_change(row) for row in db.fetch(sql, params)]


class CampaignStore:
    """Reads and writes the `campaigns` and `campaign_changes` tables of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- campaigns ----------------------------------------------------------------------

    def all(self) -> list[StoredCampaign]:
        """Every stored campaign, by id."""
        return stored_campaigns(self.database)

    def tables(self) -> list[tuple[Table, int]]:
        """Every stored campaign's table and revision, by id: what loading the plan reads."""
        return stored_tables(self.database)

    def get(self, campaign_id: str) -> StoredCampaign | None:
        with self.database.engine.connect() as conn:
            return self._get(conn, campaign_id)

    def _get(
        self, conn: Connection, campaign_id: str, *, lock: bool = False
    ) -> StoredCampaign | None:
        from sqlalchemy import select

        from edicalendar.storage.tables import campaigns

        query = select(campaigns).where(campaigns.c.id == campaign_id)
        if lock and conn.dialect.name != "sqlite":
            query = query.with_for_update()  # SQLite: the whole database, at BEGIN IMMEDIATE
        row = conn.execute(query).mappings().first()
        return _stored(row) if row is not None else None

    def _changing(self) -> AbstractContextManager[Connection]:
        """A transaction that changes one campaign after reading it, holding the row (the
        database, on SQLite) from the read: two saves at once then run one after the other, and
        the second sees the first's revision (see `Database.write`; on PostgreSQL `_get` takes
        the row with FOR UPDATE), where a PostgreSQL one would otherwise decide on a revision
        another save had already replaced."""
        return self.database.write()

    def create(
        self,
        table: Table,
        *,
        by: str | None,
        at: dt.datetime,
        action: ChangeAction = ChangeAction.CREATED,
        detail: str | None = None,
    ) -> StoredCampaign:
        """Store a new campaign; CampaignConflictError when its id is already stored."""
        from sqlalchemy.exc import IntegrityError

        from edicalendar.storage.tables import campaigns

        campaign_id = str(table["id"])
        stamp = utc_text(at)
        try:
            with self.database.write() as conn:
                conn.execute(
                    campaigns.insert().values(
                        id=campaign_id,
                        definition=dump(table),
                        revision=1,
                        created_at=stamp,
                        created_by=by,
                        updated_at=stamp,
                        updated_by=by,
                    )
                )
                self._record(
                    conn, campaign_id, action, by, at, detail=detail, revision=1, definition=table
                )
                stored = self._get(conn, campaign_id)  # as written, before any later save
        except IntegrityError:
            raise CampaignConflictError(
                Message(
                    N_("a campaign with the id %(id)s already exists; choose another id"),
                    id=repr(campaign_id),
                )
            ) from None
        assert stored is not None
        return stored

    def update(
        self,
        table: Table,
        *,
        by: str | None,
        at: dt.datetime,
        revision: int | None,
        action: ChangeAction = ChangeAction.EDITED,
        detail: str | None = None,
    ) -> StoredCampaign:
        """Replace a stored campaign's table. With `revision`, only when it is still that
        revision (CampaignConflictError otherwise, naming who changed it since)."""
        from edicalendar.storage.tables import campaigns

        campaign_id = str(table["id"])
        with self._changing() as conn:
            current = self._get(conn, campaign_id, lock=True)
            if current is None:
                raise CampaignLookupError(f"no campaign {campaign_id!r} in the database")
            if revision is not None and revision != current.revision:
                raise changed_meanwhile(current)
            new_revision = current.revision + 1
            done = conn.execute(
                campaigns.update()
                .where(campaigns.c.id == campaign_id, campaigns.c.revision == current.revision)
                .values(
                    definition=dump(table),
                    revision=new_revision,
                    updated_at=utc_text(at),
                    updated_by=by,
                )
            )
            if done.rowcount != 1:
                raise changed_meanwhile(current)
            self._record(
                conn,
                campaign_id,
                action,
                by,
                at,
                detail=detail,
                revision=new_revision,
                definition=table,
            )
            # Read back inside the transaction: after it, another save may already have won.
            stored = self._get(conn, campaign_id)
        assert stored is not None
        return stored

    def delete(
        self, campaign_id: str, *, by: str | None, at: dt.datetime, revision: int | None
    ) -> StoredCampaign:
        """Delete a stored campaign (its history and progress stay); returns what it was."""
        from edicalendar.storage.tables import campaigns

        with self._changing() as conn:
            current = self._get(conn, campaign_id, lock=True)
            if current is None:
                raise CampaignLookupError(f"no campaign {campaign_id!r} in the database")
            if revision is not None and revision != current.revision:
                raise changed_meanwhile(current)
            condition = (campaigns.c.id == campaign_id) & (campaigns.c.revision == current.revision)
            if conn.execute(campaigns.delete().where(condition)).rowcount != 1:
                raise changed_meanwhile(current)
            self._record(
                conn,
                campaign_id,
                ChangeAction.DELETED,
                by,
                at,
                detail=str(current.table.get("title", "")),
                revision=current.revision,
            )
        return current

    # --- the record of changes -------------------------------------------------------------

    def record(
        self,
        campaign_id: str,
        action: ChangeAction,
        *,
        by: str | None,
        at: dt.datetime,
        instance: str | None = None,
        item_kind: str | None = None,
        item_id: str | None = None,
        detail: str | None = None,
    ) -> Change:
        """Append a change that is not an edit of the table (a reassignment, a comment)."""
        with self.database.write() as conn:
            new_id = self._record(
                conn,
                campaign_id,
                action,
                by,
                at,
                instance=instance,
                item_kind=item_kind,
                item_id=item_id,
                detail=detail,
            )
        return Change(
            new_id,
            campaign_id,
            action,
            instance,
            item_kind,
            item_id,
            detail,
            None,
            by,
            parse_utc(utc_text(at)),
        )

    def _record(
        self,
        conn: Connection,
        campaign_id: str,
        action: ChangeAction,
        by: str | None,
        at: dt.datetime,
        *,
        instance: str | None = None,
        item_kind: str | None = None,
        item_id: str | None = None,
        detail: str | None = None,
        revision: int | None = None,
        definition: Table | None = None,
    ) -> int:
        from edicalendar.storage.tables import campaign_changes

        result = conn.execute(
            campaign_changes.insert().values(
                campaign_id=campaign_id,
                action=action.value,
                instance=instance,
                item_kind=item_kind,
                item_id=item_id,
                detail=detail,
                revision=revision,
                definition=dump(definition) if definition is not None else None,
                recorded_by=by,
                recorded_at=utc_text(at),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def changes(
        self, campaign_id: str | None = None, *, actions: tuple[ChangeAction, ...] = ()
    ) -> list[Change]:
        """Recorded changes, oldest first: of one campaign, of some actions, or all."""
        return recorded_changes(self.database, campaign_id, actions=actions)


def changed_meanwhile(current: StoredCampaign) -> CampaignConflictError:
    """The refusal of a change made to an older revision than `current`."""
    return CampaignConflictError(
        Message(
            N_(
                "%(id)s was changed by %(who)s at %(at)s UTC (revision %(revision)s) after you "
                "opened it; reload it and make your change again"
            ),
            id=repr(current.id),
            who=current.updated_by or Message(N_("someone")),
            at=f"{current.updated_at:%Y-%m-%d %H:%M}",
            revision=current.revision,
        )
    )

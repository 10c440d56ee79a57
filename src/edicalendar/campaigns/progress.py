"""What happened to a campaign: tasks marked done and assets published, with who and when.

The campaign files are the plan; this history, kept in the `campaign_progress` table, is what
people did about it. Rows are only ever appended, and the newest row for an item is its state,
so "undo" is one more row and the history stays readable. Reminders for a done task stop
because the planner is handed :func:`done_tasks`. Nothing here can make `check` fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from edicalendar.campaigns.instances import AssetState, TaskKey
from edicalendar.model import AssetStatus
from edicalendar.storage.reads import Reads
from edicalendar.storage.timestamps import parse_utc, utc_text

if TYPE_CHECKING:
    from edicalendar.storage.engine import Database


class ItemKind(StrEnum):
    TASK = "task"
    ASSET = "asset"


class TaskState(StrEnum):
    DONE = "done"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    """One recorded change: which item of which campaign instance, its new state, who, when."""

    campaign_id: str
    year: int
    instance: str
    kind: ItemKind
    item_id: str
    status: str
    url: str | None
    recorded_by: str | None
    recorded_at: dt.datetime


def _year(instance: str) -> int:
    return int(instance[:4])


def record_task(
    db: Database,
    campaign_id: str,
    instance: str,
    task_id: str,
    *,
    done: bool = True,
    by: str | None,
    at: dt.datetime,
) -> ProgressEntry:
    """Record a task as done (or open again) for one campaign instance."""
    return _append(
        db,
        campaign_id,
        instance,
        ItemKind.TASK,
        task_id,
        (TaskState.DONE if done else TaskState.OPEN).value,
        None,
        by,
        at,
    )


def record_asset(
    db: Database,
    campaign_id: str,
    instance: str,
    asset_id: str,
    status: AssetStatus,
    *,
    url: str | None,
    by: str | None,
    at: dt.datetime,
) -> ProgressEntry:
    """Record an asset's new status (and its address, once published)."""
    return _append(db, campaign_id, instance, ItemKind.ASSET, asset_id, status.value, url, by, at)


def _append(
    db: Database,
    campaign_id: str,
    instance: str,
    kind: ItemKind,
    item_id: str,
    status: str,
    url: str | None,
    by: str | None,
    at: dt.datetime,
) -> ProgressEntry:
    from edicalendar.storage.tables import campaign_progress

    with db.write() as conn:
        conn.execute(
            campaign_progress.insert().values(
                campaign_id=campaign_id,
                year=_year(instance),
                instance=instance,
                item_kind=kind.value,
                item_id=item_id,
                status=status,
                url=url,
                recorded_by=by,
                recorded_at=utc_text(at),
            )
        )
    stored_at = parse_utc(utc_text(at))
    return ProgressEntry(
        campaign_id, _year(instance), instance, kind, item_id, status, url, by, stored_at
    )


#: Reading needs no SQLAlchemy (storage.reads): the commands that only look use it.
_HISTORY = (
    "SELECT campaign_id, year, instance, item_kind, item_id, status, url, recorded_by, "
    "recorded_at FROM campaign_progress{where} ORDER BY id"
)


def history(db: Reads, campaign_id: str | None = None) -> list[ProgressEntry]:
    """Every recorded change, oldest first (for one campaign when `campaign_id` is given)."""
    if campaign_id is None:
        rows = db.fetch(_HISTORY.format(where=""))
    else:
        rows = db.fetch(_HISTORY.format(where=" WHERE campaign_id = :id"), {"id": campaign_id})
    return [
        ProgressEntry(
            campaign_id=row["campaign_id"],
            year=row["year"],
            instance=row["instance"],
            kind=ItemKind(row["item_kind"]),
            item_id=row["item_id"],
            status=row["status"],
            url=row["url"],
            recorded_by=row["recorded_by"],
            recorded_at=parse_utc(row["recorded_at"]),
        )
        for row in rows
    ]


def latest(db: Reads) -> dict[tuple[str, str, str, str], ProgressEntry]:
    """The newest entry per (kind, campaign id, instance, item id): each item's current state."""
    return {(e.kind.value, e.campaign_id, e.instance, e.item_id): e for e in history(db)}


def done_tasks(db: Reads) -> set[TaskKey]:
    """(campaign id, instance, task id) of every task whose latest state is done."""
    return {
        (e.campaign_id, e.instance, e.item_id)
        for e in latest(db).values()
        if e.kind is ItemKind.TASK and e.status == TaskState.DONE
    }


def asset_states(db: Reads) -> dict[tuple[str, str, str], AssetState]:
    """Recorded asset status and url by (campaign id, instance, asset id)."""
    return {
        (e.campaign_id, e.instance, e.item_id): AssetState(AssetStatus(e.status), e.url)
        for e in latest(db).values()
        if e.kind is ItemKind.ASSET
    }

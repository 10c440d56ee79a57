"""Campaign work dated inside a communication freeze: what the plan flags, and where to move it.

An asset is flagged when its publication date falls inside a freeze that restricts its audience
(a social post inside a pre-election period; an intranet feature only inside a freeze on staff
announcements too); a task when its outcome is public (`public = true`) and its due date falls
inside one. Published assets and done tasks are not flagged: that work is over. Each flag names
the freeze and the nearest open dates either side. Pure: the freezes are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from edicalendar.calendar.freezes import Audience, FreezeCalendar, FreezeFlag, asset_audience
from edicalendar.model import AssetStatus, CampaignInstance, DatedAsset, DueTask


def asset_flag(dated: DatedAsset, freezes: FreezeCalendar) -> FreezeFlag | None:
    """The freeze an unpublished asset's publication date falls in, if any."""
    if dated.asset.status is AssetStatus.PUBLISHED:
        return None
    return freezes.flag(dated.publish_on, asset_audience(dated.asset))


def task_flag(due: DueTask, freezes: FreezeCalendar) -> FreezeFlag | None:
    """The freeze an open task with a public outcome falls in, if any."""
    if due.done or not due.task.public:
        return None
    return freezes.flag(due.due, Audience.PUBLIC)


@dataclass(frozen=True, slots=True)
class FlaggedItem:
    """One piece of campaign work inside a freeze."""

    instance: CampaignInstance
    item: str  # "task" or "asset"
    item_id: str
    name: str
    day: dt.date
    flag: FreezeFlag


def flagged_items(
    instances: Iterable[CampaignInstance], freezes: FreezeCalendar
) -> list[FlaggedItem]:
    """Every asset and public task of `instances` dated inside one of `freezes`, by date."""
    found: list[FlaggedItem] = []
    if not freezes:
        return found
    for instance in instances:
        for dated in instance.assets:
            flag = asset_flag(dated, freezes)
            if flag is not None and dated.publish_on is not None:
                found.append(
                    FlaggedItem(
                        instance, "asset", dated.asset.id, dated.asset.title, dated.publish_on, flag
                    )
                )
        for due in instance.tasks:
            flag = task_flag(due, freezes)
            if flag is not None:
                found.append(
                    FlaggedItem(instance, "task", due.task.id, due.task.name, due.due, flag)
                )
    found.sort(key=lambda f: (f.day, f.instance.campaign.id, f.item, f.item_id))
    return found

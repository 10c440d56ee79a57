"""Roll campaigns onto concrete occurrences: the dated plan of tasks and publications.

A campaign is anchored to the first observance it names. Each occurrence of that observance in
the campaign's years (every year, for a recurring campaign) becomes one
:class:`~edicalendar.model.CampaignInstance`, keyed like the occurrence ("2030", "2030-2"), so a
Hijri observance that falls twice in one Gregorian year gives two instances. Per-year overrides
are applied here; recorded progress (done tasks, published assets, work reassigned to someone
else for one occurrence) is passed in, never read, so the plan stays a pure function of its
inputs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from edicalendar.calendar.workdays import WorkingDays
from edicalendar.campaigns.relative import resolve
from edicalendar.errors import UnsupportedYearError
from edicalendar.i18n import N_, Message, said
from edicalendar.model import (
    Asset,
    AssetStatus,
    Campaign,
    CampaignInstance,
    CampaignYear,
    DatedAsset,
    DueTask,
    Occurrence,
    Owner,
    Task,
)

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog

#: How far before an occurrence its campaign work may begin (a 90-day lead time plus slack), so
#: a window that ends before Ramadan still shows the tasks due inside it.
LOOKAHEAD_DAYS = 400

#: A task is identified in progress records by (campaign id, instance, task id).
TaskKey = tuple[str, str, str]
#: A task or asset of one instance: (campaign id, instance, "task" or "asset", item id).
ItemKey = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class AssetState:
    """Recorded progress of an asset: its status and address once published."""

    status: AssetStatus
    url: str | None = None


def override_for(campaign: Campaign, occurrence: Occurrence) -> CampaignYear | None:
    """The per-year override that applies to `occurrence`: by instance ("2030-2"), else year."""
    return campaign.year_overrides.get(occurrence.instance) or campaign.year_overrides.get(
        str(occurrence.year)
    )


_Item = TypeVar("_Item", Asset, Task)


def _merge(base: Iterable[_Item], extra: Iterable[_Item]) -> tuple[_Item, ...]:
    replaced = {item.id: item for item in extra}
    merged = [replaced.pop(item.id, item) for item in base]
    return tuple(merged + list(replaced.values()))


def effective(
    campaign: Campaign, occurrence: Occurrence
) -> tuple[str, tuple[Asset, ...], tuple[Task, ...]]:
    """Summary, assets and tasks of `campaign` for `occurrence`, per-year override applied."""
    override = override_for(campaign, occurrence)
    if override is None:
        return campaign.summary, campaign.assets, campaign.tasks
    return (
        override.summary or campaign.summary,
        _merge(campaign.assets, override.assets),
        _merge(campaign.tasks, override.tasks),
    )


def _reassigned(
    campaign: Campaign,
    instance: str,
    assets: tuple[Asset, ...],
    tasks: tuple[Task, ...],
    owners: Mapping[ItemKey, Owner],
) -> tuple[tuple[Owner, ...], tuple[Asset, ...], tuple[Task, ...]]:
    """Owners, assets and tasks with this instance's reassignments applied; someone given work
    who is not yet an owner becomes one for this instance (so reminders can find them)."""
    people = list(campaign.owners)

    def owner_of(kind: str, item_id: str, current: str | None) -> str | None:
        given = owners.get((campaign.id, instance, kind, item_id))
        if given is None:
            return current
        if all(o.name != given.name for o in people):
            people.append(given)
        return given.name

    new_tasks = tuple(dataclasses.replace(t, owner=owner_of("task", t.id, t.owner)) for t in tasks)
    new_assets = tuple(
        dataclasses.replace(a, owner=owner_of("asset", a.id, a.owner)) for a in assets
    )
    return tuple(people), new_assets, new_tasks


def instantiate(
    campaign: Campaign,
    occurrence: Occurrence,
    workdays: WorkingDays,
    done: Collection[TaskKey] = frozenset(),
    assets: Mapping[tuple[str, str, str], AssetState] | None = None,
    owners: Mapping[ItemKey, Owner] | None = None,
) -> CampaignInstance:
    """One campaign on one occurrence: tasks with due dates, assets with publication dates.

    `owners` gives the person a task or asset was reassigned to for one instance."""
    summary, asset_list, task_list = effective(campaign, occurrence)
    changed = override_for(campaign, occurrence) is not None
    if owners and any(k[0] == campaign.id and k[1] == occurrence.instance for k in owners):
        people, asset_list, task_list = _reassigned(
            campaign, occurrence.instance, asset_list, task_list, owners
        )
        campaign = dataclasses.replace(campaign, owners=people)
        changed = True
    if changed:
        # The instance carries the campaign as it stands that year, so readers of
        # `instance.campaign` (the reminder bot, the web page) see the year's summary and items.
        campaign = dataclasses.replace(
            campaign, summary=summary, assets=asset_list, tasks=task_list
        )
    tasks = tuple(
        sorted(
            (
                DueTask(
                    campaign_id=campaign.id,
                    year=occurrence.year,
                    instance=occurrence.instance,
                    task=task,
                    due=resolve(task.due, occurrence, workdays),
                    done=(campaign.id, occurrence.instance, task.id) in done,
                )
                for task in task_list
            ),
            key=lambda t: (t.due, t.task.id),
        )
    )
    dated = []
    for asset in asset_list:
        state = (assets or {}).get((campaign.id, occurrence.instance, asset.id))
        if state is not None:
            asset = dataclasses.replace(
                asset,
                status=state.status,
                url=state.url or asset.url,
                placeholder_url=asset.placeholder_url and not state.url,
            )
        publish_on = resolve(asset.publish, occurrence, workdays) if asset.publish else None
        dated.append(DatedAsset(asset=asset, publish_on=publish_on))
    return CampaignInstance(
        campaign=campaign,
        year=occurrence.year,
        instance=occurrence.instance,
        occurrence=occurrence,
        tasks=tasks,
        assets=tuple(dated),
    )


def span(instance: CampaignInstance) -> tuple[dt.date, dt.date]:
    """First and last day the instance touches: its earliest task to its latest follow-up."""
    days = [instance.occurrence.start, instance.occurrence.end]
    days.extend(t.due for t in instance.tasks)
    days.extend(a.publish_on for a in instance.assets if a.publish_on is not None)
    return min(days), max(days)


def _years_for(campaign: Campaign, start: dt.date, end: dt.date) -> list[int]:
    first, last = start.year - 1, (end + dt.timedelta(days=LOOKAHEAD_DAYS)).year
    if campaign.every_year:
        return list(range(max(first, campaign.since or first), last + 1))
    return [y for y in campaign.years if first <= y <= last]


def expand_campaigns(
    campaigns: Iterable[Campaign],
    catalog: Catalog,
    start: dt.date,
    end: dt.date,
    workdays: WorkingDays,
    *,
    done: Collection[TaskKey] = frozenset(),
    assets: Mapping[tuple[str, str, str], AssetState] | None = None,
    owners: Mapping[ItemKey, Owner] | None = None,
    warnings: list[str] | None = None,
) -> list[CampaignInstance]:
    """Every campaign instance whose work or occurrence touches `start`..`end` (inclusive).

    `done` holds (campaign id, instance, task id) of finished tasks (see progress.done_tasks);
    `assets` the recorded state of assets by (campaign id, instance, asset id); `owners` whom
    work was reassigned to (see :func:`instantiate`). Years a rule cannot compute are reported
    in `warnings` (when given) and skipped.
    """
    from edicalendar.calendar.occurrences import occurrences_in_year

    observances = catalog.observances
    found: list[CampaignInstance] = []
    for campaign in campaigns:
        observance = observances.get(campaign.observances[0]) if campaign.observances else None
        if observance is None:
            continue
        for year in _years_for(campaign, start, end):
            try:
                occurrences = occurrences_in_year(observance, year, catalog.conventions)
            except UnsupportedYearError as exc:
                if warnings is not None:
                    warnings.append(
                        Message(N_("campaign %(id)s: %(why)s"), id=campaign.id, why=said(exc))
                    )
                continue
            for occurrence in occurrences:
                override = override_for(campaign, occurrence)
                if override is not None and override.skip:
                    continue
                instance = instantiate(campaign, occurrence, workdays, done, assets, owners)
                first, last = span(instance)
                if first <= end and last >= start:
                    found.append(instance)
    found.sort(key=lambda i: (i.occurrence.start, i.campaign.id, i.instance))
    return found


def due_tasks(
    instances: Iterable[CampaignInstance], start: dt.date, end: dt.date, *, overdue: bool = True
) -> list[DueTask]:
    """Open tasks due in `start`..`end`, plus (with `overdue`) open tasks due before `start`."""
    chosen = [
        task
        for instance in instances
        for task in instance.tasks
        if not task.done and task.due <= end and (overdue or task.due >= start)
    ]
    return sorted(chosen, key=lambda t: (t.due, t.campaign_id, t.instance, t.task.id))

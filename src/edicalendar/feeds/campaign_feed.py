"""The campaign plan as an internal iCalendar feed: task deadlines and publication dates.

Each task and each dated asset of each campaign instance becomes one all-day
:class:`~edicalendar.feeds.events.FeedEvent` with a UID derived from (campaign, instance, item), so
calendars that subscribe keep one event per item and update it in place. Rendering, change
tracking (SEQUENCE, LAST-MODIFIED) and cancellation go through the same code as the public
feeds, in their own tracking scope, so the plan feed follows the same interop rules. A person's
deadlines feed is the same feed narrowed to their own work, tracked in a scope of its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edicalendar.calendar.freezes import NO_FREEZES, FreezeCalendar, FreezeFlag
from edicalendar.campaigns.freeze_flags import asset_flag, task_flag
from edicalendar.errors import UsageError
from edicalendar.feeds.events import FeedEvent
from edicalendar.feeds.ical import render_tracked
from edicalendar.model import CampaignInstance, DatedAsset, DueTask
from edicalendar.urls import public_url

if TYPE_CHECKING:
    from edicalendar.campaigns.service import CampaignService
    from edicalendar.config import Settings
    from edicalendar.feeds.tracking import StoredEvent
    from edicalendar.storage.engine import Database

#: Namespace of every UID this feed publishes; changing it would duplicate every event.
PLAN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:edicalendar:campaign-plan")

#: Change-tracking scope of the plan feed in `feed_events` (observance feeds use their own).
PLAN_SCOPE = "campaign-plan"

#: How far beyond the feed's window an item is looked for before a missing one is cancelled,
#: so a task whose due date merely moved out of the window is not announced as withdrawn.
_EXISTENCE_MARGIN = dt.timedelta(days=800)


def item_uid(campaign_id: str, instance: str, kind: str, item_id: str) -> str:
    """Stable UID of one plan item: UUIDv5 of campaign, instance, item kind and id."""
    name = f"{campaign_id}:{instance}:{kind}:{item_id}"
    return str(uuid.uuid5(PLAN_NAMESPACE, name)).upper()


def _frozen(summary: str, lines: list[str], flag: FreezeFlag | None) -> str:
    """The summary, marked when the item falls inside a freeze (its reason added to `lines`)."""
    if flag is None:
        return summary
    lines.append(f"Communication freeze: {flag.message}")
    return f"FREEZE: {summary}"


def _task_event(
    instance: CampaignInstance, due: DueTask, freezes: FreezeCalendar = NO_FREEZES
) -> FeedEvent:
    campaign, occurrence = instance.campaign, instance.occurrence
    lines = [
        f"{campaign.title} ({instance.instance})",
        f"{occurrence.name}: {occurrence.start.isoformat()} to {occurrence.end.isoformat()}",
        f"Task: {due.task.name} ({due.task.id})",
        f"When: {due.task.due.text}",
    ]
    if due.task.owner:
        lines.append(f"Owner: {due.task.owner}")
    if due.done:
        lines.append("Status: done")
    summary = f"{'Done' if due.done else 'Due'}: {due.task.name} ({campaign.title})"
    summary = _frozen(summary, lines, task_flag(due, freezes))
    return FeedEvent(
        uid=item_uid(campaign.id, instance.instance, "task", due.task.id),
        summary=summary,
        description="\n".join(lines),
        start=due.due,
        end=due.due,
        url=public_url(occurrence.url),
        categories=("Campaign task",),
    )


def _asset_event(
    instance: CampaignInstance, dated: DatedAsset, freezes: FreezeCalendar = NO_FREEZES
) -> FeedEvent | None:
    if dated.publish_on is None:
        return None
    campaign, asset = instance.campaign, dated.asset
    lines = [
        f"{campaign.title} ({instance.instance})",
        f"{asset.kind.value.capitalize()}: {asset.title} ({asset.id})",
        f"Status: {asset.status.value}",
    ]
    link = public_url(asset.url)
    if link:
        placeholder = " (placeholder address)" if asset.placeholder_url else ""
        lines.append(f"Link: {link}{placeholder}")
    summary = _frozen(f"Publish: {asset.title}", lines, asset_flag(dated, freezes))
    return FeedEvent(
        uid=item_uid(campaign.id, instance.instance, "asset", asset.id),
        summary=summary,
        description="\n".join(lines),
        start=dated.publish_on,
        end=dated.publish_on,
        url=None if asset.placeholder_url else link,
        categories=("Campaign publication", asset.kind.value.capitalize()),
    )


#: Whether an item belongs in a feed: (instance, "task" or "asset", item id).
ItemFilter = Callable[[CampaignInstance, str, str], bool]


def plan_events(
    instances: Iterable[CampaignInstance],
    freezes: FreezeCalendar = NO_FREEZES,
    keep: ItemFilter | None = None,
) -> list[FeedEvent]:
    """One event per task and per dated asset of every instance (those `keep` accepts),
    ordered by date then UID; an item inside a communication freeze says so in its summary and
    description."""
    events: list[FeedEvent] = []
    for instance in instances:
        events.extend(
            _task_event(instance, due, freezes)
            for due in instance.tasks
            if keep is None or keep(instance, "task", due.task.id)
        )
        for dated in instance.assets:
            if keep is not None and not keep(instance, "asset", dated.asset.id):
                continue
            event = _asset_event(instance, dated, freezes)
            if event is not None:
                events.append(event)
    events.sort(key=lambda e: (e.start, e.uid))
    return events


@dataclass(frozen=True)
class PlanFeed:
    """The rendered plan feed, how many current (not cancelled) events it has, and warnings."""

    body: bytes
    events: int
    warnings: list[str] = field(default_factory=list)


def build_plan_feed(
    campaigns: CampaignService,
    database: Database,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    freezes: FreezeCalendar = NO_FREEZES,
    *,
    keep: ItemFilter | None = None,
    scope: str = PLAN_SCOPE,
    title: str = "campaign plan",
    description: str = "Campaign tasks and publication dates (internal).",
) -> PlanFeed:
    """The plan feed for items dated `start`..`end`, change-tracked in `database`; items inside
    one of `freezes` are flagged.

    `keep` narrows it to some items (a person's deadlines), tracked in its own `scope`.
    Campaign problems come back as warnings and the campaign is left out; the rest of the plan
    is still published.
    """
    from edicalendar.feeds.tracking import FeedState

    if end < start:
        raise UsageError(f"plan feed window ends ({end}) before it starts ({start})")
    wide = campaigns.plan(
        start - _EXISTENCE_MARGIN,
        end + _EXISTENCE_MARGIN,
        check_years=range(start.year, end.year + 1),
    )
    warnings = [*(str(p) for p in wide.loaded.problems), *wide.warnings]
    every = plan_events(wide.instances, freezes, keep)
    existing = {e.uid for e in every}
    events = [e for e in every if start <= e.start <= end]

    def responsible(row: StoredEvent) -> bool:
        # Cancel only what was in this window and no longer exists anywhere near it.
        stored = row.event
        return start <= stored.start <= end and stored.uid not in existing

    tracked = FeedState(database).sync(
        scope,
        events,
        campaigns.now(),
        cancelled_days=settings.feeds.cancelled_days,
        responsible=responsible,
    )
    organisation = settings.feeds.organisation
    body = render_tracked(f"{organisation}: {title}", description, tracked, settings)
    return PlanFeed(body, len(events), warnings)

"""The campaign plan as an internal iCalendar feed: task deadlines and publication dates.

Each task and each dated asset of each campaign instance becomes one all-day VEVENT with a UID
derived from (campaign, instance, item), so calendars that subscribe keep one event per item and
update it in place. The feed follows the same interop rules as the public feeds
(reference/ical-interop.md): CRLF and folding by the `icalendar` library, exclusive DTEND,
TRANSP:TRANSPARENT, no VALARM, refresh hints, and stamps that come from content, never "now".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vDuration

from edicalendar.model import CampaignInstance, DatedAsset, DueTask

if TYPE_CHECKING:
    from edicalendar.context import AppContext

#: Namespace of every UID this feed publishes; changing it would duplicate every event.
PLAN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:edicalendar:campaign-plan")


@dataclass(frozen=True, slots=True)
class PlanEvent:
    """One all-day item of the plan (end inclusive, as everywhere in edicalendar)."""

    uid: str
    summary: str
    description: str
    start: dt.date
    end: dt.date
    url: str | None
    categories: tuple[str, ...]
    #: When the item last changed (recorded progress), else None for "as planned".
    changed_at: dt.datetime | None = None


def item_uid(campaign_id: str, instance: str, kind: str, item_id: str) -> str:
    """Stable UID of one plan item: UUIDv5 of campaign, instance, item kind and id."""
    name = f"{campaign_id}:{instance}:{kind}:{item_id}"
    return str(uuid.uuid5(PLAN_NAMESPACE, name)).upper()


def _task_event(instance: CampaignInstance, due: DueTask, changed: dt.datetime | None) -> PlanEvent:
    campaign, occurrence = instance.campaign, instance.occurrence
    state = "Done" if due.done else "Due"
    lines = [
        f"{campaign.title} ({instance.instance})",
        f"{occurrence.name}: {occurrence.start.isoformat()} to {occurrence.end.isoformat()}",
        f"Task: {due.task.name}",
        f"When: {due.task.due.text} ({due.due.isoformat()})",
    ]
    if due.task.owner:
        lines.append(f"Owner: {due.task.owner}")
    if due.done:
        lines.append("Status: done")
    return PlanEvent(
        uid=item_uid(campaign.id, instance.instance, "task", due.task.id),
        summary=f"{state}: {due.task.name} ({campaign.title})",
        description="\n".join(lines),
        start=due.due,
        end=due.due,
        url=occurrence.url,
        categories=("Campaign task",),
        changed_at=changed,
    )


def _asset_event(
    instance: CampaignInstance, dated: DatedAsset, changed: dt.datetime | None
) -> PlanEvent | None:
    if dated.publish_on is None:
        return None
    campaign, asset = instance.campaign, dated.asset
    lines = [
        f"{campaign.title} ({instance.instance})",
        f"{asset.kind.value.capitalize()}: {asset.title}",
        f"Status: {asset.status.value}",
    ]
    if asset.url:
        placeholder = " (placeholder address)" if asset.placeholder_url else ""
        lines.append(f"Link: {asset.url}{placeholder}")
    return PlanEvent(
        uid=item_uid(campaign.id, instance.instance, "asset", asset.id),
        summary=f"Publish: {asset.title}",
        description="\n".join(lines),
        start=dated.publish_on,
        end=dated.publish_on,
        url=None if asset.placeholder_url else asset.url,
        categories=("Campaign publication", asset.kind.value),
        changed_at=changed,
    )


def plan_events(
    instances: Iterable[CampaignInstance],
    changed: Mapping[tuple[str, str, str, str], dt.datetime] | None = None,
) -> list[PlanEvent]:
    """The events of the plan, ordered by date then UID.

    `changed` gives, by (kind, campaign id, instance, item id), when progress on an item was
    last recorded; it becomes the event's LAST-MODIFIED and bumps its SEQUENCE.
    """
    stamps = changed or {}
    events: list[PlanEvent] = []
    for instance in instances:
        cid, key = instance.campaign.id, instance.instance
        for due in instance.tasks:
            events.append(_task_event(instance, due, stamps.get(("task", cid, key, due.task.id))))
        for dated in instance.assets:
            event = _asset_event(instance, dated, stamps.get(("asset", cid, key, dated.asset.id)))
            if event is not None:
                events.append(event)
    events.sort(key=lambda e: (e.start, e.uid))
    return events


#: The stamp of an item nobody has touched: a fixed instant, so the feed is byte-stable.
_PLANNED_STAMP = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def render_plan_feed(
    events: Iterable[PlanEvent],
    *,
    name: str = "Campaign plan",
    description: str = "Campaign tasks and publication dates (internal)",
    organisation: str = "edicalendar",
    refresh: str = "PT1H",
) -> bytes:
    """The events as an RFC 5545 calendar (CRLF, folded, UTF-8 without BOM)."""
    from edicalendar import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//{organisation}//edicalendar {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    duration = _parse_duration(refresh)
    calendar.add("refresh-interval", duration, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(duration))
    for item in events:
        stamp = item.changed_at or _PLANNED_STAMP
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", _sequence(item))
        event.add("dtstart", item.start)
        event.add("dtend", item.end + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body


def _parse_duration(text: str) -> dt.timedelta:
    parsed = vDuration.from_ical(text)  # type: ignore[no-untyped-call]
    if not isinstance(parsed, dt.timedelta):
        raise ValueError(f"refresh {text!r} is not an ISO 8601 duration such as 'PT1H'")
    return parsed


def _sequence(item: PlanEvent) -> int:
    # Progress is the only thing that changes an item without changing its UID's dates; a stamp
    # later than the planned one means at least one recorded change.
    return 0 if item.changed_at is None else 1


def content_hash(body: bytes) -> str:
    """Strong ETag value for a rendered feed."""
    return hashlib.sha256(body).hexdigest()


def plan_feed_for_context(ctx: AppContext, start: dt.date, end: dt.date) -> tuple[bytes, int]:
    """The plan feed for `start`..`end` from the context's campaigns, calendar and progress."""
    from edicalendar.campaignplan import build_plan
    from edicalendar.output import warn
    from edicalendar.progress import latest

    plan = build_plan(ctx, start, end, check_years=range(start.year, end.year + 1))
    for message in [*(str(p) for p in plan.loaded.problems), *plan.warnings]:
        warn(message)
    changed: dict[tuple[str, str, str, str], dt.datetime] = {}
    if plan.instances:
        changed = {key: entry.recorded_at for key, entry in latest(ctx.database).items()}
    events = [e for e in plan_events(plan.instances, changed) if start <= e.start <= end]
    feeds = ctx.loaded.settings.feeds
    body = render_plan_feed(
        events, organisation=feeds.organisation, name=f"{feeds.organisation} campaign plan"
    )
    return body, len(events)

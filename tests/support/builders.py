"""Builders for the values campaigns and reminders work on, made directly (no loader).

`make_occurrence` is one dated observance; `make_instance` is a campaign rolled onto one
occurrence, with its tasks, assets, lead times and rules; `many_instances` is a planner input
of `count` one-reminder campaigns on one day, the load the worker and migration tests use;
`make_reminder` is one planned 28-day lead-time reminder, for filling a ledger directly.
Defaults describe International Women's Day 2026 (8 March, a fixed date).
"""

from __future__ import annotations

import datetime as dt

from edicalendar.model import (
    Asset,
    AssetStatus,
    Campaign,
    CampaignInstance,
    Category,
    DatedAsset,
    DueTask,
    Occurrence,
    Owner,
    RelativeDay,
    ReminderRule,
    Status,
    Task,
)
from edicalendar.reminders.messages import Message
from edicalendar.reminders.planner import PlannerInput, ReminderKind, ReminderOccurrence

#: (id, name, due date, done, owner)
TaskSpec = tuple[str, str, dt.date, bool, str | None]
#: (id, title, url, status, publish date)
AssetSpec = tuple[str, str, str | None, AssetStatus, dt.date | None]


def make_occurrence(
    observance_id: str = "international-womens-day",
    name: str = "International Women's Day",
    start: dt.date = dt.date(2026, 3, 8),
    end: dt.date | None = None,
    description: str = "Celebrates the achievements of women.",
    url: str | None = "https://www.internationalwomensday.com/",
    *,
    categories: tuple[Category, ...] = (Category.SEX,),
    calendar: str = "awareness",
) -> Occurrence:
    """A confirmed occurrence of one observance (end defaults to the start: one day)."""
    return Occurrence(
        observance_id=observance_id,
        name=name,
        start=start,
        end=end or start,
        categories=categories,
        status=Status.CONFIRMED,
        may_vary_days=0,
        begins_evening_before=False,
        description=description,
        url=url,
        calendar=calendar,
        year=start.year,
        instance=str(start.year),
    )


def make_instance(
    campaign_id: str = "iwd",
    *,
    start: dt.date = dt.date(2026, 3, 8),
    end: dt.date | None = None,
    name: str = "International Women's Day",
    title: str = "IWD guest blog",
    lead_times: tuple[int, ...] = (28, 1),
    lead_at: dt.time = dt.time(9, 0),
    destinations: tuple[str, ...] = ("slack",),
    announce: tuple[str, ...] = (),
    announce_at: dt.time = dt.time(9, 0),
    tasks: tuple[TaskSpec, ...] = (),
    owners: tuple[Owner, ...] = (),
    assets: tuple[AssetSpec, ...] = (),
    rules: tuple[ReminderRule, ...] = (),
    summary: str = "Guest session blog goes live at 09:00.",
    description: str = "Celebrates the achievements of women.",
    occurrence: Occurrence | None = None,
    audience: tuple[str, ...] = ("staff",),
) -> CampaignInstance:
    """A campaign rolled onto one occurrence (by default its own, `<campaign_id>-obs`)."""
    occurrence = occurrence or make_occurrence(campaign_id + "-obs", name, start, end, description)
    start = occurrence.start
    task_objs = tuple(
        (Task(id=tid, name=tname, due=RelativeDay(days=(due - start).days), owner=owner), due, done)
        for tid, tname, due, done, owner in tasks
    )
    campaign = Campaign(
        id=campaign_id,
        title=title,
        observances=(occurrence.observance_id,),
        years=(start.year,),
        every_year=False,
        owners=owners,
        audience=audience,
        summary=summary,
        assets=tuple(
            Asset(aid, kind="blog", title=atitle, url=url, status=status)  # type: ignore[arg-type]
            for aid, atitle, url, status, _ in assets
        ),
        tasks=tuple(t for t, _, _ in task_objs),
        reminders=rules,
        lead_times=lead_times,
        lead_time_at=lead_at,
        lead_time_destinations=destinations,
        announce_destinations=announce,
        announce_at=announce_at,
    )
    return CampaignInstance(
        campaign=campaign,
        year=start.year,
        instance=str(start.year),
        occurrence=occurrence,
        tasks=tuple(
            DueTask(campaign_id, start.year, str(start.year), t, due, done)
            for t, due, done in task_objs
        ),
        assets=tuple(
            DatedAsset(a, publish_on)
            for a, (_, _, _, _, publish_on) in zip(campaign.assets, assets, strict=True)
        ),
    )


#: The day every generated campaign is about; its 7-day reminders fall due 1 March 2027 09:00
#: (London is on GMT then).
LOAD_DAY = dt.date(2027, 3, 8)


def many_instances(count: int, destinations: list[str]) -> PlannerInput:
    """`count` campaigns `scale-00000`..., each with one 7-day lead-time reminder for
    "Scale Test Day" (8 March 2027), taking turns between `destinations`. The same shape as the
    campaign file `support.fleet.campaigns_toml` writes for worker processes."""
    occurrence = make_occurrence(
        "scale-test-day",
        "Scale Test Day",
        LOAD_DAY,
        description="",
        url=None,
        categories=(Category.GENERAL_EDI,),
        calendar="scale",
    )
    return PlannerInput(
        instances=tuple(
            make_instance(
                f"scale-{index:05d}",
                occurrence=occurrence,
                title=f"Scale campaign {index}",
                summary="",
                lead_times=(7,),
                destinations=(destinations[index % len(destinations)],),
            )
            for index in range(count)
        )
    )


def make_reminder(
    campaign_id: str,
    local_date: dt.date,
    destination: str,
    due_at: dt.datetime,
    not_after: dt.datetime,
    message: Message,
) -> ReminderOccurrence:
    """A planned 28-day lead-time reminder, keyed `campaign:lead-28:local-date:destination`."""
    return ReminderOccurrence(
        key=f"{campaign_id}:lead-28:{local_date.isoformat()}:{destination}",
        kind=ReminderKind.LEAD_TIME,
        campaign_id=campaign_id,
        rule="lead-28",
        local_date=local_date,
        destination=destination,
        due_at=due_at,
        not_after=not_after,
        message=message,
    )

"""Campaign instances as plain records: the JSON the CLI and the API print, the CSV rows.

The keys are public contracts and only grow. `edicalendar campaigns --format json` prints
:func:`instance_record`; `/api/campaigns` prints :func:`api_instance_record`, which nests the
occurrence as the calendar API does; the CSV export has one row per task and asset. Given the
recorded communication freezes, each asset and task says whether it falls inside one (`freeze`:
null, or which freeze and the nearest open date).
"""

from __future__ import annotations

from typing import Any

from edicalendar.calendar.freezes import NO_FREEZES, FreezeCalendar, asset_audience, flag_record
from edicalendar.calendar.occurrence_records import occurrence_record
from edicalendar.campaigns.freeze_flags import asset_flag, task_flag
from edicalendar.model import CampaignInstance, CampaignOrigin
from edicalendar.urls import public_url


def instance_record(
    instance: CampaignInstance, freezes: FreezeCalendar = NO_FREEZES
) -> dict[str, Any]:
    """The JSON object for one campaign instance (keys are a public contract)."""
    campaign, occurrence = instance.campaign, instance.occurrence
    return {
        "campaign": campaign.id,
        "title": campaign.title,
        "instance": instance.instance,
        "year": instance.year,
        "observances": list(campaign.observances),
        "observance_name": occurrence.name,
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat(),
        "status": occurrence.status.value,
        "audience": list(campaign.audience),
        "summary": campaign.summary,
        "owners": [
            {"name": o.name, "email": o.email, "slack": o.slack, "teams": o.teams}
            for o in campaign.owners
        ],
        "assets": [
            {
                "id": d.asset.id,
                "kind": d.asset.kind.value,
                "title": d.asset.title,
                "status": d.asset.status.value,
                "url": public_url(d.asset.url),
                "placeholder_url": d.asset.placeholder_url,
                "publish_on": d.publish_on.isoformat() if d.publish_on else None,
                "audience": asset_audience(d.asset).value,
                "freeze": flag_record(asset_flag(d, freezes)),
                "owner": d.asset.owner,
            }
            for d in instance.assets
        ],
        "tasks": [
            {
                "id": t.task.id,
                "name": t.task.name,
                "owner": t.task.owner,
                "due": t.due.isoformat(),
                "due_rule": t.task.due.text,
                "done": t.done,
                "public": t.task.public,
                "freeze": flag_record(task_flag(t, freezes)),
            }
            for t in instance.tasks
        ],
        "tone": occurrence.tone.value if occurrence.tone else None,
        "tone_guidance": occurrence.tone_guidance,
        "path": campaign.path,
        "origin": campaign.origin.value,
        "revision": campaign.revision,
    }


#: CSV columns of the plan export: one row per task and per asset.
PLAN_CSV_COLUMNS = (
    "campaign",
    "title",
    "instance",
    "observance",
    "observance_start",
    "observance_end",
    "item",
    "item_id",
    "name",
    "owner",
    "date",
    "status",
    "url",
    "freeze",
    "nearest_open_date",
    # Added with campaigns made in the browser: how sure the dates are, and where it lives.
    "observance_status",
    "may_vary_days",
    "begins_evening_before",
    "source",
)


def _flag_cells(flag: dict[str, Any] | None) -> dict[str, Any]:
    if flag is None:
        return {"freeze": None, "nearest_open_date": None}
    return {"freeze": flag["message"], "nearest_open_date": flag["nearest_open_date"]}


def plan_rows(
    instances: list[CampaignInstance], freezes: FreezeCalendar = NO_FREEZES
) -> list[dict[str, Any]]:
    """One flat row per task and asset, for the CSV export (with any freeze each falls in)."""
    rows: list[dict[str, Any]] = []
    for instance in instances:
        occurrence = instance.occurrence
        base = {
            "campaign": instance.campaign.id,
            "title": instance.campaign.title,
            "instance": instance.instance,
            "observance": occurrence.observance_id,
            "observance_start": occurrence.start.isoformat(),
            "observance_end": occurrence.end.isoformat(),
            "observance_status": occurrence.status.value,
            "may_vary_days": occurrence.may_vary_days,
            "begins_evening_before": occurrence.begins_evening_before,
            "source": _source(instance),
        }
        for t in instance.tasks:
            rows.append(
                base
                | {
                    "item": "task",
                    "item_id": t.task.id,
                    "name": t.task.name,
                    "owner": t.task.owner,
                    "date": t.due.isoformat(),
                    "status": "done" if t.done else "open",
                    "url": None,
                }
                | _flag_cells(flag_record(task_flag(t, freezes)))
            )
        for d in instance.assets:
            rows.append(
                base
                | {
                    "item": d.asset.kind.value,
                    "item_id": d.asset.id,
                    "name": d.asset.title,
                    "owner": d.asset.owner,
                    "date": d.publish_on.isoformat() if d.publish_on else None,
                    "status": d.asset.status.value,
                    "url": public_url(d.asset.url),
                }
                | _flag_cells(flag_record(asset_flag(d, freezes)))
            )
    return rows


def _source(instance: CampaignInstance) -> str:
    campaign = instance.campaign
    if campaign.origin is CampaignOrigin.DATABASE:
        return "database"
    return campaign.path


def api_instance_record(
    instance: CampaignInstance, freezes: FreezeCalendar = NO_FREEZES
) -> dict[str, Any]:
    """The JSON object for one campaign instance in `/api/campaigns`."""
    campaign = instance.campaign
    return {
        "campaign": campaign.id,
        "title": campaign.title,
        "summary": campaign.summary,
        "instance": instance.instance,
        "year": instance.year,
        "occurrence": occurrence_record(instance.occurrence),
        "owners": [o.name for o in campaign.owners],
        "tasks": [
            {
                "id": t.task.id,
                "name": t.task.name,
                "due": t.due.isoformat(),
                "owner": t.task.owner,
                "done": t.done,
                "public": t.task.public,
                "freeze": flag_record(task_flag(t, freezes)),
            }
            for t in instance.tasks
        ],
        "assets": [
            {
                "id": a.asset.id,
                "kind": a.asset.kind.value,
                "title": a.asset.title,
                "status": a.asset.status.value,
                "url": public_url(a.asset.url),
                "publish_on": a.publish_on.isoformat() if a.publish_on else None,
                "audience": asset_audience(a.asset).value,
                "freeze": flag_record(asset_flag(a, freezes)),
                "owner": a.asset.owner,
            }
            for a in instance.assets
        ],
        "origin": campaign.origin.value,
    }

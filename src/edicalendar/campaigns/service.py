"""The campaign plan as the CLI, the web pages and the feeds see it: files plus recorded progress.

One call loads the campaign files (checked against the calendar and config), reads progress from
the database and rolls every valid campaign onto the window. Problems with individual campaigns
come back as data, never as an exception, so a broken file never hides the rest of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edicalendar.campaigns.files import CampaignSet, load_for_context
from edicalendar.model import Campaign, CampaignInstance

if TYPE_CHECKING:
    from edicalendar.context import AppContext


@dataclass
class CampaignPlan:
    """Campaign instances touching a window, the campaigns left out, and date warnings."""

    loaded: CampaignSet
    instances: list[CampaignInstance]
    warnings: list[str] = field(default_factory=list)


def build_plan(
    ctx: AppContext,
    start: dt.date,
    end: dt.date,
    *,
    campaigns: Iterable[Campaign] | None = None,
    check_years: Iterable[int] | None = None,
) -> CampaignPlan:
    """Load, check and expand the campaigns for `start`..`end` with recorded progress applied.

    `campaigns` narrows the plan to those campaigns (already loaded); otherwise every valid
    campaign in the configured folder is used. The database is opened only when a campaign
    exists, so a tool without campaigns never creates one.
    """
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.campaigns.instances import expand_campaigns
    from edicalendar.campaigns.progress import asset_states, done_tasks

    loaded = (
        load_for_context(ctx, check_years=check_years)
        if campaigns is None
        else CampaignSet({c.id: c for c in campaigns})
    )
    if not loaded.campaigns:
        return CampaignPlan(loaded, [])
    db = ctx.database
    warnings: list[str] = []
    instances = expand_campaigns(
        loaded.campaigns.values(),
        ctx.catalog,
        start,
        end,
        WorkingDays(ctx.loaded.settings.nation),
        done=done_tasks(db),
        assets=asset_states(db),
        warnings=warnings,
    )
    return CampaignPlan(loaded, instances, list(dict.fromkeys(warnings)))

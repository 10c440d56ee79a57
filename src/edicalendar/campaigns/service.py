"""The campaign tasks people do, in one place for the CLI, the web pages and the JSON API.

:class:`CampaignService` loads the campaigns (checked against the calendar and config), rolls
them onto the dated plan with recorded progress applied, and records progress: marking a task
done or open again, and setting an asset's status and address. Every caller names a campaign
instance the same way and is refused with the same message for the same mistake, so the CLI
and the web cannot drift apart. The database is opened only when a campaign exists, so a tool
without campaigns never creates one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import TYPE_CHECKING

from edicalendar.campaigns.files import CampaignSet
from edicalendar.campaigns.instances import due_tasks, expand_campaigns, span
from edicalendar.campaigns.progress import (
    ProgressEntry,
    asset_states,
    done_tasks,
    record_asset,
    record_task,
)
from edicalendar.campaigns.schema import YEAR_KEY
from edicalendar.errors import CampaignInstanceError, CampaignLookupError, UsageError
from edicalendar.model import AssetStatus, Campaign, CampaignInstance, DueTask
from edicalendar.text import text_problem
from edicalendar.urls import LinkError, check_url

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.storage.engine import Database

#: Longest `by` (who recorded a change) kept in the progress history.
MAX_BY = 200


@dataclass
class CampaignPlan:
    """Campaign instances touching a window, the campaigns left out, and date warnings."""

    loaded: CampaignSet
    instances: list[CampaignInstance]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A change that was recorded: on which instance, and the history entry written."""

    instance: CampaignInstance
    entry: ProgressEntry


def parse_instance(text: str) -> str:
    """`text` when it names a campaign instance ("2026", "2030-2"); CampaignInstanceError if not."""
    if not YEAR_KEY.match(text) or text != text.strip():
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise CampaignInstanceError(
            f"instance {shown!r} is not a campaign instance such as 2026 or 2030-2 "
            "(a year, or a year and the number of the occurrence in it)"
        )
    return text


class CampaignService:
    """Campaigns for one installation: loading, the dated plan, and recording progress."""

    def __init__(
        self,
        *,
        catalog: Catalog | None,
        load: Callable[[Iterable[int]], CampaignSet],
        database: Callable[[], Database],
        workdays: WorkingDays,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
    ) -> None:
        """`load(check_years)` reads the campaigns (re-reading files on every call, or returning
        a loaded snapshot); `catalog` is None when the calendars failed to load."""
        self.catalog = catalog
        self._load = load
        self._database = database
        self.workdays = workdays
        self.today = today
        self.now = now

    # --- reading --------------------------------------------------------------------------

    def load(self, check_years: Iterable[int] | None = None) -> CampaignSet:
        """Every campaign, checked for `check_years` (default: this year and next)."""
        if check_years is None:
            this_year = self.today().year
            check_years = (this_year, this_year + 1)
        return self._load(check_years)

    def plan(
        self,
        start: dt.date,
        end: dt.date,
        *,
        campaigns: Iterable[Campaign] | None = None,
        check_years: Iterable[int] | None = None,
    ) -> CampaignPlan:
        """Load, check and expand the campaigns for `start`..`end` with progress applied.

        `campaigns` narrows the plan to those campaigns (already loaded); otherwise every valid
        campaign is used.
        """
        loaded = (
            self.load(check_years)
            if campaigns is None
            else CampaignSet({c.id: c for c in campaigns})
        )
        if not loaded.campaigns or self.catalog is None:
            return CampaignPlan(loaded, [])
        database = self._database()
        warnings: list[str] = []
        instances = expand_campaigns(
            loaded.campaigns.values(),
            self.catalog,
            start,
            end,
            self.workdays,
            done=done_tasks(database),
            assets=asset_states(database),
            warnings=warnings,
        )
        return CampaignPlan(loaded, instances, list(dict.fromkeys(warnings)))

    def due(
        self, start: dt.date, end: dt.date, *, overdue_since: dt.date | None = None
    ) -> tuple[CampaignPlan, list[tuple[DueTask, CampaignInstance]]]:
        """Open tasks due in `start`..`end`, and overdue ones due from `overdue_since` (default:
        every overdue task of the campaigns' current instances), earliest first."""
        since = overdue_since or start - dt.timedelta(days=366)
        plan = self.plan(since, end, check_years=range(start.year, end.year + 1))
        by_key = {(i.campaign.id, i.instance): i for i in plan.instances}
        found = [
            (task, by_key[(task.campaign_id, task.instance)])
            for task in due_tasks(plan.instances, start, end)
            if task.due >= since
        ]
        return plan, found

    def find(self, campaign_id: str, loaded: CampaignSet | None = None) -> Campaign:
        """The valid campaign `campaign_id`; CampaignLookupError (with a suggestion) if none."""
        loaded = loaded if loaded is not None else self.load()
        campaign = loaded.get(campaign_id)
        if campaign is None:
            close = get_close_matches(campaign_id, list(loaded.campaigns), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            shown = campaign_id if len(campaign_id) <= 60 else campaign_id[:60] + "…"
            raise CampaignLookupError(f"no valid campaign {shown!r}{hint}")
        return campaign

    def instance(
        self, campaign: Campaign, *, year: int | None = None, instance: str | None = None
    ) -> CampaignInstance:
        """The instance a person means: `instance`, else `year`'s, else the next one not over.

        Raises CampaignInstanceError for text that is not an instance, CampaignLookupError when
        the campaign has no such instance, UsageError when a year has two and none is named.
        """
        today = self.today()
        if instance is not None:
            year = int(parse_instance(instance)[:4])
        if year is not None:
            plan = self.plan(dt.date(year, 1, 1), dt.date(year, 12, 31), campaigns=[campaign])
            found = [i for i in plan.instances if i.year == year]
        else:
            window = self.plan(today, today + dt.timedelta(days=366), campaigns=[campaign])
            found = [i for i in window.instances if span(i)[1] >= today][:1]
        if instance is not None:
            found = [i for i in found if i.instance == instance]
        if not found:
            when = instance or year or "the coming year"
            raise CampaignLookupError(f"campaign {campaign.id!r} has no instance in {when}")
        if len(found) > 1:
            keys = ", ".join(i.instance for i in found)
            raise UsageError(
                f"{campaign.id!r} runs {len(found)} times that year ({keys}); use --instance"
            )
        return found[0]

    # --- recording progress ---------------------------------------------------------------

    def mark_task(
        self,
        campaign_id: str,
        task_id: str,
        *,
        done: bool = True,
        by: str | None,
        year: int | None = None,
        instance: str | None = None,
    ) -> Recorded:
        """Record a task of one campaign instance as done (its reminders stop) or open again."""
        campaign = self.find(campaign_id)
        chosen = self.instance(campaign, year=year, instance=instance)
        tasks = {t.task.id: t for t in chosen.tasks}
        if task_id not in tasks:
            raise CampaignLookupError(
                f"{campaign.id} {chosen.instance} has no task {_shown(task_id)}; "
                f"tasks: {', '.join(tasks) or 'none'}"
            )
        entry = record_task(
            self._database(),
            campaign.id,
            chosen.instance,
            task_id,
            done=done,
            by=_by(by),
            at=self.now(),
        )
        return Recorded(chosen, entry)

    def set_asset(
        self,
        campaign_id: str,
        asset_id: str,
        status: AssetStatus,
        *,
        url: str | None,
        by: str | None,
        year: int | None = None,
        instance: str | None = None,
    ) -> Recorded:
        """Record an asset's status for one campaign instance (and its address once published)."""
        if url is not None:
            try:
                check_url(url)
            except LinkError as exc:
                raise UsageError(f"url {_shown(url)} is not a link we publish: it {exc}") from None
        campaign = self.find(campaign_id)
        chosen = self.instance(campaign, year=year, instance=instance)
        assets = {d.asset.id: d for d in chosen.assets}
        if asset_id not in assets:
            raise CampaignLookupError(
                f"{campaign.id} {chosen.instance} has no asset {_shown(asset_id)}; "
                f"assets: {', '.join(assets) or 'none'}"
            )
        entry = record_asset(
            self._database(),
            campaign.id,
            chosen.instance,
            asset_id,
            status,
            url=url,
            by=_by(by),
            at=self.now(),
        )
        return Recorded(chosen, entry)


def _by(by: str | None) -> str | None:
    """Who recorded a change, as stored: trimmed, at most MAX_BY characters, one plain line
    (it is printed by `campaign show` and in pages, so no control characters)."""
    cleaned = (by or "").strip()
    problem = text_problem(cleaned)
    if problem:
        raise UsageError(f"by {_shown(cleaned)} {problem}")
    return cleaned[:MAX_BY] or None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "…")

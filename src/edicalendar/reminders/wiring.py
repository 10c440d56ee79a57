"""Assembling the reminder bot: settings, ledger, channels and what to plan, wired together.

Settings give the channels and planner knobs, the database gives the ledger, and the campaign
service gives what to plan. Channels are built (and their configuration checked) before anything
is sent, so a misconfiguration stops start-up instead of quietly dropping reminders.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from edicalendar.calendar.occurrences import expand
from edicalendar.errors import Problem
from edicalendar.model import Campaign, CampaignInstance
from edicalendar.redact import install_log_redaction
from edicalendar.reminders.planner import PlannerInput

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.calendar.freezes import Freeze
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.campaigns.service import CampaignService
    from edicalendar.config import Settings
    from edicalendar.reminders.dispatch import Dispatcher
    from edicalendar.storage.engine import Database

log = logging.getLogger("edicalendar.reminders")


class CampaignSource:
    """Campaign instances (progress applied) and observances for a range of local dates.

    Campaigns are loaded afresh on every call (the service re-reads the files), so an edit or a
    task marked done is seen by the next tick. A campaign with problems is left out (and
    reported once); the others plan on.
    """

    def __init__(
        self,
        campaigns: CampaignService,
        catalog: Callable[[], Catalog],
        *,
        digest_days: int,
        report: Callable[[str], None] | None = None,
        freezes: Callable[[], Sequence[Freeze]] = tuple,
    ) -> None:
        """`freezes` reads the recorded communication freezes (for the digest), afresh on every
        planning pass, so one recorded a moment ago is in the next digest planned."""
        self.campaigns = campaigns
        self.catalog = catalog
        self.digest_days = digest_days
        self.freezes = freezes
        self.report = report or (lambda text: log.warning("%s", text))
        self.problems: list[str] = []
        self._ids: frozenset[str] | None = None
        self._reported: set[str] = set()

    def __call__(self, first: dt.date, last: dt.date) -> PlannerInput:
        loaded = self.campaigns.load(range(first.year, last.year + 2))
        self.problems = [str(p) for p in loaded.problems]
        for problem in self.problems:
            if problem not in self._reported:
                self._reported.add(problem)
                self.report(f"campaign left out of reminders: {problem}")
        self._ids = frozenset(loaded.campaigns) | {
            _campaign_id(problem) for problem in loaded.problems if problem.subject
        }
        campaigns = list(loaded.campaigns.values())
        for warning in night_time_warnings(campaigns):
            if warning not in self._reported:
                self._reported.add(warning)
                self.report(warning)
        instances: list[CampaignInstance] = []
        if campaigns:
            # Instances are found by their occurrence and task dates; a lead-time reminder or a
            # rule can fall well before those, so look that far beyond the window.
            ahead = max(
                [0]
                + [d for c in campaigns for d in c.lead_times]
                + [-r.when.days for c in campaigns for r in c.reminders]
            )
            plan = self.campaigns.plan(
                first - dt.timedelta(days=7),
                last + dt.timedelta(days=ahead + 7),
                campaigns=campaigns,
            )
            instances = plan.instances
        occurrences = expand(
            self.catalog(), first, last + dt.timedelta(days=self.digest_days)
        ).occurrences
        return PlannerInput(
            instances=tuple(instances),
            occurrences=tuple(occurrences),
            freezes=tuple(self.freezes()),
        )

    def campaign_ids(self) -> frozenset[str] | None:
        """Campaigns that exist (valid or not), as of the last load."""
        return self._ids


def night_time_warnings(campaigns: Iterable[Campaign]) -> list[str]:
    """Reminder times between 01:00 and 02:00, the hour UK clocks skip in spring and repeat in
    autumn: they still go once (02:30 BST in spring, the first 01:30 in autumn), but say so."""
    found = []
    for campaign in campaigns:
        times = [("lead_time_at", campaign.lead_time_at), ("announce_at", campaign.announce_at)]
        times += [(f"reminders.{r.id}.time", r.time) for r in campaign.reminders]
        for field, at in times:
            if at.hour == 1:
                found.append(
                    f"{campaign.path}:{campaign.line or ''}: {campaign.id}: {field}: "
                    f"{at:%H:%M} is in the hour the clocks change: on the spring Sunday it goes "
                    "an hour later (that time does not exist), on the autumn Sunday once, at "
                    "the first of the two"
                )
    return found


def _campaign_id(problem: Problem) -> str:
    return (problem.subject or "").split()[0]


def build_dispatcher(
    *,
    settings: Settings,
    database: Database,
    campaigns: CampaignService,
    catalog: Catalog | Callable[[], Catalog],
    now: Callable[[], dt.datetime],
    config_path: str = "config",
    report: Callable[[str], None] | None = None,
    workdays: WorkingDays | None = None,
) -> Dispatcher:
    """Channels, ledger and planner wired together; raises ConfigError when misconfigured.

    `catalog` is the calendar, or a function giving the current one (a long-running bot
    follows edits to the calendar files, see calendar.catalog_watch). `report` receives
    each campaign problem once (default: a logged warning); `workdays` (for
    `settings.nation`) shares bank holidays already loaded.
    """
    from edicalendar.calendar.workdays import WorkingDays as Workdays
    from edicalendar.reminders.channels import build_channels
    from edicalendar.reminders.date_tracking import DateTracker
    from edicalendar.reminders.dispatch import Dispatcher, planner_settings
    from edicalendar.reminders.freeze_book import FreezeBook
    from edicalendar.reminders.holding import FreezeGate

    install_log_redaction()
    channels = build_channels(settings, config_path=config_path)
    current = catalog if callable(catalog) else (lambda: catalog)
    psettings = planner_settings(settings, channels.names())
    book = FreezeBook(
        database,
        settings.freezes,
        nation=settings.nation,
        timezone=psettings.timezone,
        now=now,
    )
    source = CampaignSource(
        campaigns,
        current,
        digest_days=settings.reminders.digest_days,
        report=report,
        freezes=book.all,
    )
    dates = DateTracker(
        database, current, timezone=psettings.timezone, days=settings.reminders.change_notice_days
    )
    return Dispatcher(
        database=database,
        channels=channels,
        settings=settings.reminders,
        planner_settings=psettings,
        source=source,
        clock=now,
        known_campaigns=source.campaign_ids,
        freezes=FreezeGate(book.all, psettings.timezone),
        is_workday=(workdays or Workdays(settings.nation)).is_working_day,
        dates=dates,
    )

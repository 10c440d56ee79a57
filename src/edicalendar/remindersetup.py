"""Assembling the reminder bot from an :class:`~edicalendar.context.AppContext`.

Settings give the channels and planner knobs, the database gives the ledger, and the campaign
loader gives what to plan. Channels are built (and their configuration checked) before anything
is sent, so a misconfiguration stops start-up instead of quietly dropping reminders.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from edicalendar.planner import PlanInput

if TYPE_CHECKING:
    from edicalendar.context import AppContext
    from edicalendar.dispatch import Dispatcher

log = logging.getLogger("edicalendar.reminders")


class CampaignSource:
    """Campaign instances and observances for a date range, cached per range for one tick."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._cache: dict[tuple[dt.date, dt.date], PlanInput] = {}

    def __call__(self, first: dt.date, last: dt.date) -> PlanInput:
        key = (first, last)
        if key not in self._cache:
            self._cache.clear()
            self._cache[key] = self._load(first, last)
        return self._cache[key]

    def _load(self, first: dt.date, last: dt.date) -> PlanInput:
        from edicalendar.occurrences import expand

        settings = self.ctx.loaded.settings.reminders
        occurrences = expand(
            self.ctx.catalog, first, last + dt.timedelta(days=settings.digest_days)
        ).occurrences
        return PlanInput(instances=(), occurrences=tuple(occurrences))

    def campaign_ids(self) -> frozenset[str] | None:
        return None


def build_dispatcher(ctx: AppContext) -> Dispatcher:
    """Channels, ledger and planner wired for `ctx`; raises ConfigError when misconfigured."""
    from edicalendar.channels import build_channels
    from edicalendar.dispatch import Dispatcher, plan_settings
    from edicalendar.redact import install_log_redaction

    install_log_redaction()
    loaded = ctx.loaded
    settings = loaded.settings
    channels = build_channels(settings, config_path=str(loaded.path or "config"))
    source = CampaignSource(ctx)
    return Dispatcher(
        database=ctx.database,
        channels=channels,
        settings=settings.reminders,
        plan_settings=plan_settings(settings, channels.names()),
        source=source,
        clock=ctx.now,
        known_campaigns=source.campaign_ids,
    )

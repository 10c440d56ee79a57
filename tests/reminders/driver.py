"""Runs one reminder tick (or holds the clock) in a subprocess, for the kill tests.

Not a test module: the tests start it with `sys.executable driver.py SPEC.json`, wait for
"ready" on stdout, and may SIGKILL it at any point. The spec names the SQLite file, the webhook
URL, the campaigns, the injected time and an optional fault ("after-claim").
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import signal
import sys
import time
from pathlib import Path

from edicalendar.config import Settings
from edicalendar.model import Campaign, CampaignInstance, Category, Occurrence, Status
from edicalendar.reminders.channels import build_channels
from edicalendar.reminders.dispatch import Dispatcher, planner_settings
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.planner import PlannerInput
from edicalendar.storage.engine import open_database


def instance(campaign_id: str, start: dt.date) -> CampaignInstance:
    occurrence = Occurrence(
        observance_id=f"{campaign_id}-obs",
        name=f"Day {campaign_id}",
        start=start,
        end=start,
        categories=(Category.GENERAL_EDI,),
        status=Status.CONFIRMED,
        may_vary_days=0,
        begins_evening_before=False,
        description="",
        url=None,
        calendar="test",
        year=start.year,
        instance=str(start.year),
    )
    campaign = Campaign(
        id=campaign_id,
        title=f"Campaign {campaign_id}",
        observances=(occurrence.observance_id,),
        years=(start.year,),
        every_year=False,
        owners=(),
        audience=(),
        summary="",
        assets=(),
        tasks=(),
        reminders=(),
        lead_times=(28,),
        lead_time_destinations=("slack",),
    )
    return CampaignInstance(campaign, start.year, str(start.year), occurrence, (), ())


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(process)d %(name)s %(levelname)s %(message)s",
    )
    if spec.get("mode") == "start-clock":
        from edicalendar.context import AppContext

        clock = AppContext(config_path=Path(spec["config"])).start_clock()
        print("ready", flush=True)
        time.sleep(60)
        clock.shutdown()
        return
    settings = Settings.model_validate(
        {
            "destinations": {
                "slack": {
                    "kind": "slack",
                    "url_env": "HOOK",
                    "rate_per_second": spec.get("rate", 0),
                }
            },
            "reminders": {
                "allow_http_webhooks": True,
                "http_timeout_seconds": 5,
                "lease_seconds": spec.get("lease_seconds", 300),
            },
        }
    )
    channels = build_channels(settings, {"HOOK": spec["url"]})
    now = dt.datetime.fromisoformat(spec["now"])
    instances = [instance(cid, dt.date.fromisoformat(day)) for cid, day in spec["campaigns"]]
    if spec.get("kill") == "after-claim":
        original = Ledger.claim

        def claim_then_die(self: Ledger, *args: object, **kwargs: object) -> object:
            claimed = original(self, *args, **kwargs)  # type: ignore[arg-type]
            if claimed:
                os.kill(os.getpid(), signal.SIGKILL)
            return claimed

        Ledger.claim = claim_then_die  # type: ignore[method-assign,assignment]
    dispatcher = Dispatcher(
        database=open_database(f"sqlite:///{spec['db']}"),
        channels=channels,
        settings=settings.reminders,
        planner_settings=planner_settings(settings, channels.names()),
        source=lambda first, last: PlannerInput(instances),
        clock=lambda: now,
        rng=random.Random(1),
    )
    print("ready", flush=True)
    summary = dispatcher.tick()
    print(summary.line(), flush=True)


if __name__ == "__main__":
    main()

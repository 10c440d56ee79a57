"""Runs one reminder tick (or holds the clock) in a subprocess, for the kill tests.

Not a test module: the tests start it with `sys.executable driver.py SPEC.json` (with `src/`
and `tests/` on PYTHONPATH, for `support`), wait for "ready" on stdout, and may SIGKILL it at
any point. The spec names the SQLite file, the webhook
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
from edicalendar.model import CampaignInstance, Category
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.planner import PlannerInput
from edicalendar.storage.engine import open_database
from support.builders import make_instance, make_occurrence
from support.clock import Clock
from support.dispatch import make_dispatcher


def instance(campaign_id: str, start: dt.date) -> CampaignInstance:
    """A campaign with one 28-day lead-time reminder to `slack` for a one-day observance."""
    occurrence = make_occurrence(
        f"{campaign_id}-obs",
        f"Day {campaign_id}",
        start,
        description="",
        url=None,
        categories=(Category.GENERAL_EDI,),
        calendar="test",
    )
    return make_instance(
        campaign_id,
        occurrence=occurrence,
        title=f"Campaign {campaign_id}",
        audience=(),
        summary="",
        lead_times=(28,),
    )


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
    dispatcher = make_dispatcher(
        open_database(f"sqlite:///{spec['db']}"),
        settings,
        lambda first, last: PlannerInput(instances),
        Clock(now),
        {"HOOK": spec["url"]},
        rng=random.Random(1),
    )
    print("ready", flush=True)
    summary = dispatcher.tick()
    print(summary.line(), flush=True)


if __name__ == "__main__":
    main()

"""Runs one reminder tick (or holds the clock) in a subprocess, for the kill tests.

Not a test module: the tests start it with `sys.executable driver.py SPEC.json` (with `src/`
and `tests/` on PYTHONPATH, for `support`), wait for "ready" on stdout, and may SIGKILL it at
any point. The spec names the SQLite file, the channel (`kind`: slack, teams or email, with the
webhook URL or the SMTP port), the campaigns, the injected time and an optional fault
("after-claim").
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
from support.dispatch import make_dispatcher, running_ledger


def instance(campaign_id: str, start: dt.date, destination: str = "slack") -> CampaignInstance:
    """A campaign with one 28-day lead-time reminder to `destination` for a one-day observance."""
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
        destinations=(destination,),
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
    kind = spec.get("kind", "slack")
    destination = {"slack": "slack", "teams": "teams", "email": "mail"}[kind]
    settings = Settings.model_validate(
        {
            "destinations": {
                destination: (
                    {"kind": "email", "to": ["edi@nhs.example"]}
                    if kind == "email"
                    else {"kind": kind, "url_env": "HOOK", "rate_per_second": spec.get("rate", 0)}
                )
            },
            "email": {"host": "127.0.0.1", "port": spec.get("smtp_port", 25), "security": "none"},
            "reminders": {
                "allow_http_webhooks": True,
                "http_timeout_seconds": 5,
                "lease_seconds": spec.get("lease_seconds", 300),
            },
        }
    )
    now = dt.datetime.fromisoformat(spec["now"])
    instances = [
        instance(cid, dt.date.fromisoformat(day), destination) for cid, day in spec["campaigns"]
    ]
    if spec.get("kill") == "after-claim":
        original = Ledger.settle_and_claim

        def claim_then_die(self: Ledger, *args: object, **kwargs: object) -> object:
            claimed = original(self, *args, **kwargs)  # type: ignore[arg-type]
            if claimed[0]:
                os.kill(os.getpid(), signal.SIGKILL)
            return claimed

        Ledger.settle_and_claim = claim_then_die  # type: ignore[method-assign,assignment]
    database = open_database(f"sqlite:///{spec['db']}")
    if not spec.get("fresh"):
        running_ledger(database, now)
    dispatcher = make_dispatcher(
        database,
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

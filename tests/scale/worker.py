"""A reminder worker for the scale tests and the workers benchmark: `edicalendar remind`, for real,
with a generated campaign load in place of the campaign files.

Usage: `python worker.py --campaigns N --destinations a,b -- [edicalendar arguments]`. Campaign
`scale-00042` has one lead-time reminder, 7 days before a fixed event, sent at 09:00 London to
destination `a` or `b` (alternating). Everything after planning (ledger, claims, channels,
recording, the summary line) is the shipped code path; only the campaign source is swapped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys

from edicalendar.model import Campaign, CampaignInstance, Category, Occurrence, Status
from edicalendar.planner import PlanInput

#: The generated event; its 7-day lead-time reminders are due 2027-03-01 09:00 London (GMT).
EVENT_DAY = dt.date(2027, 3, 8)
DUE_AT = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def generated(count: int, destinations: list[str]) -> PlanInput:
    """`count` one-reminder campaigns on one event, spread over `destinations`."""
    occurrence = Occurrence(
        observance_id="scale-test-day",
        name="Scale Test Day",
        start=EVENT_DAY,
        end=EVENT_DAY,
        categories=(Category.GENERAL_EDI,),
        status=Status.CONFIRMED,
        may_vary_days=0,
        begins_evening_before=False,
        description="",
        url=None,
        calendar="scale",
        year=EVENT_DAY.year,
        instance=str(EVENT_DAY.year),
    )
    instances = []
    for index in range(count):
        campaign = Campaign(
            id=f"scale-{index:05d}",
            title=f"Scale campaign {index}",
            observances=(occurrence.observance_id,),
            years=(EVENT_DAY.year,),
            every_year=False,
            owners=(),
            audience=("staff",),
            summary="",
            assets=(),
            tasks=(),
            reminders=(),
            lead_times=(7,),
            lead_time_destinations=(destinations[index % len(destinations)],),
        )
        instances.append(
            CampaignInstance(
                campaign=campaign,
                year=EVENT_DAY.year,
                instance=str(EVENT_DAY.year),
                occurrence=occurrence,
                tasks=(),
                assets=(),
            )
        )
    return PlanInput(instances=tuple(instances))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, required=True)
    parser.add_argument("--destinations", required=True)
    parser.add_argument("cli", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    load = generated(args.campaigns, args.destinations.split(","))
    ids = frozenset(i.campaign.id for i in load.instances)

    from edicalendar import remindersetup
    from edicalendar.cli import main as cli_main

    remindersetup.CampaignSource.__call__ = lambda self, first, last: load  # type: ignore[method-assign]
    remindersetup.CampaignSource.campaign_ids = lambda self: ids  # type: ignore[method-assign]
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cli = [a for a in args.cli if a != "--"]
    return cli_main(cli)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The campaign plan flags work dated inside a communication freeze, with the nearest open date.

A Pride Month 2024 campaign against NHS England's general election period (00:01 25 May to
00:01 5 July 2024): the launch blog on 1 June and the public "publish" task fall inside it; the
staff intranet feature and the internal drafting task do not, until national mourning (which
holds staff announcements too) is recorded. Every view is checked: the table, JSON, CSV,
`campaign show` and the plan feed, read back by an independent iCalendar parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine

from support.cli import CliRunner

CAMPAIGN = """
[[campaign]]
id = "pride-2024"
title = "Pride Month 2024"
observance = "pride-month"
years = [2024]
lead_time_destinations = ["console"]
announce_destinations = ["console"]

[[campaign.owners]]
name = "Comms"

[[campaign.assets]]
id = "launch-blog"
kind = "blog"
title = "Pride Month: our LGBT+ staff network"
publish = "start"

[[campaign.assets]]
id = "intranet-feature"
kind = "intranet"
title = "Pride Month on the intranet"
publish = "start+2d"

[[campaign.assets]]
id = "after-blog"
kind = "social"
title = "Pride Month: thank you"
publish = "end+10d"

[[campaign.tasks]]
id = "draft"
name = "Draft the blog"
due = "-5 working days"

[[campaign.tasks]]
id = "publish"
name = "Publish the blog"
due = "start"
public = true
"""


def _events(raw: bytes) -> dict[str, dict[str, object]]:
    """UID, summary, description and SEQUENCE of each event, as vobject reads them."""
    import vobject

    calendar = vobject.readOne(raw.decode("utf-8"))
    return {
        str(e.uid.value): {
            "summary": str(e.summary.value),
            "description": str(e.description.value),
            "sequence": int(e.sequence.value),
        }
        for e in calendar.vevent_list
    }


#: Thursday 23 May 2024: the election was called the day before.
CALLED = dt.datetime(2024, 5, 23, 10, tzinfo=dt.UTC)


@pytest.fixture
def cli(tmp_path: Path, run_cli: CliRunner) -> CliRunner:
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "pride.toml").write_text(CAMPAIGN, encoding="utf-8")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncampaigns_dir = "{campaigns.as_posix()}"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n',
        encoding="utf-8",
    )
    return run_cli.with_config(config)


def _election(cli: CliRunner) -> str:
    result = cli(
        "freeze",
        "add",
        "--kind",
        "general-election",
        "--from",
        "2024-05-25",
        "--polling-day",
        "2024-07-04",
        "--reason",
        "General election 4 July 2024",
    )
    assert result.code == 0, result.err
    return result.out


def test_an_election_over_the_publish_date_is_flagged_everywhere(cli: CliRunner) -> None:
    with time_machine.travel(CALLED, tick=False):
        assert cli("campaigns", "--year", "2024").out.count("FREEZE") == 0
        added = _election(cli)
        assert "2 campaign items fall inside it" in added
        table = cli("campaigns", "--year", "2024").out
        expected = (
            "inside the general election pre-election period (Sat 25 May 2024 to Thu 4 Jul "
            "2024): hold or move; nearest open date Fri 24 May 2024"
        )
        blog = table.index("blog: Pride Month: our LGBT+ staff network")
        assert table.index(f"FREEZE: {expected}", blog) > blog
        assert "task: Publish the blog [due 01 Jun 2024]" in table
        assert table.count("FREEZE") == 2

        plan = json.loads(cli("campaigns", "--year", "2024", "-f", "json").out)[0]
        assets = {a["id"]: a for a in plan["assets"]}
        assert assets["launch-blog"]["freeze"] == {
            "freeze": 1,
            "kind": "general-election",
            "title": "General election pre-election period: General election 4 July 2024",
            "start": "2024-05-25",
            "end": "2024-07-04",
            "message": expected,
            "nearest_open_date": "2024-05-24",
            "open_before": "2024-05-24",
            "open_after": "2024-07-05",
        }
        assert assets["launch-blog"]["audience"] == "public"
        assert assets["intranet-feature"]["audience"] == "staff"
        assert assets["intranet-feature"]["freeze"] is None  # staff-facing: not held back
        assert assets["after-blog"]["freeze"] is None  # 10 July: after the period
        tasks = {t["id"]: t for t in plan["tasks"]}
        assert tasks["publish"]["freeze"]["nearest_open_date"] == "2024-05-24"
        assert tasks["draft"]["freeze"] is None  # internal work goes on

        rows = list(
            csv.DictReader(io.StringIO(cli("campaigns", "--year", "2024", "-f", "csv").out))
        )
        flagged = {r["item_id"]: (r["freeze"], r["nearest_open_date"]) for r in rows}
        assert flagged["launch-blog"] == (expected, "2024-05-24")
        assert flagged["publish"] == (expected, "2024-05-24")
        assert flagged["intranet-feature"] == ("", "")

        show = cli("campaign", "show", "pride-2024", "--year", "2024").out
        assert show.count("FREEZE: inside the general election") == 2


def test_the_plan_feed_marks_work_inside_a_freeze(cli: CliRunner, tmp_path: Path) -> None:
    with time_machine.travel(CALLED, tick=False):
        window = ("--from", "2024-05-01", "--to", "2024-08-31")
        before, after = tmp_path / "before.ics", tmp_path / "after.ics"
        assert cli("feed", "--campaigns", *window, "-o", str(before)).code == 0
        _election(cli)
    with time_machine.travel(CALLED + dt.timedelta(hours=1), tick=False):
        assert cli("feed", "--campaigns", *window, "-o", str(after)).code == 0
    old = _events(before.read_bytes())
    new = _events(after.read_bytes())
    assert set(old) == set(new)  # the same events, updated in place
    frozen = {uid: e for uid, e in new.items() if str(e["summary"]).startswith("FREEZE: ")}
    assert sorted(str(e["summary"]) for e in frozen.values()) == [
        "FREEZE: Due: Publish the blog (Pride Month 2024)",
        "FREEZE: Publish: Pride Month: our LGBT+ staff network",
    ]
    for uid, event in frozen.items():
        assert "Communication freeze: inside the general election" in str(event["description"])
        assert event["sequence"] == int(str(old[uid]["sequence"])) + 1


def test_mourning_holds_staff_announcements_and_an_early_end_clears_the_flags(
    cli: CliRunner,
) -> None:
    with time_machine.travel(dt.datetime(2024, 5, 30, 12, tzinfo=dt.UTC), tick=False):
        added = cli(
            "freeze", "add", "--kind", "mourning", "--from", "2024-05-31", "--reason", "Test"
        )
        assert added.code == 0
        plan = json.loads(cli("campaigns", "--year", "2024", "-f", "json").out)[0]
        flags = {a["id"]: a["freeze"] for a in plan["assets"]}
        assert flags["intranet-feature"]["kind"] == "mourning"
        # Open-ended: no day after it is known yet, and the day before it is still to come.
        assert flags["intranet-feature"]["open_after"] is None
        assert flags["intranet-feature"]["nearest_open_date"] == "2024-05-30"
    with time_machine.travel(dt.datetime(2024, 6, 2, 8, tzinfo=dt.UTC), tick=False):
        assert cli("freeze", "end", "1").code == 0
        plan = json.loads(cli("campaigns", "--year", "2024", "-f", "json").out)[0]
        flags = {a["id"]: a["freeze"] for a in plan["assets"]}
        # 1 June stays inside what was frozen; 3 June is open again.
        assert flags["launch-blog"]["end"] == "2024-06-01"
        assert flags["launch-blog"]["open_after"] == "2024-06-02"
        assert flags["intranet-feature"] is None


def test_published_work_is_not_flagged(cli: CliRunner) -> None:
    with time_machine.travel(CALLED, tick=False):
        _election(cli)
        done = cli(
            "campaign",
            "asset",
            "pride-2024",
            "launch-blog",
            "--status",
            "published",
            "--url",
            "https://example.nhs.uk/pride",
            "--year",
            "2024",
        )
        assert done.code == 0, done.err
        assert cli("campaign", "done", "pride-2024", "publish", "--year", "2024").code == 0
        assert "FREEZE" not in cli("campaigns", "--year", "2024").out

"""The campaign plan feed: all-day events with stable UIDs that independent parsers accept."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.cli import main

SHIPPED = Path(__file__).resolve().parents[2] / "campaigns"
JS_MODULES = Path(__file__).resolve().parents[1] / "js" / "node_modules"


@pytest.fixture
def feed(write_config: Callable[..., Path], tmp_path: Path) -> Callable[[], bytes]:
    """Render the shipped campaigns' plan for 2026-2027 to a file and return its bytes."""
    config = str(write_config(SHIPPED))

    def render() -> bytes:
        out = tmp_path / "plan.ics"
        args = [
            "--config",
            config,
            "feed",
            "--campaigns",
            "--from",
            "2026-01-01",
            "--to",
            "2027-12-31",
        ]
        assert main([*args, "-o", str(out)]) == 0
        return out.read_bytes()

    return render


def test_bytes_follow_the_interop_rules(feed: Callable[[], bytes]) -> None:
    """CRLF everywhere, no BOM, lines within 75 octets, transparent all-day events, no alarms."""
    body = feed()
    assert not body.startswith(b"\xef\xbb\xbf")
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    text = body.decode()
    assert text.count("BEGIN:VEVENT") == text.count("TRANSP:TRANSPARENT") > 0
    assert "VALARM" not in text and "X-WR-TIMEZONE" not in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:" in text


def test_vobject_and_ical_read_every_event_with_exclusive_end(feed: Callable[[], bytes]) -> None:
    """vobject (validating) and ical (pydantic models) parse each event as one all-day item."""
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    body = feed().decode()
    calendar = vobject.readOne(body, validate=True)
    events = calendar.vevent_list
    uids = [e.uid.value for e in events]
    assert len(uids) == len(set(uids)) > 20
    for event in events:
        assert event.dtend.value - event.dtstart.value == dt.timedelta(days=1)
    parsed = IcsCalendarStream.calendar_from_ics(body)
    assert len(parsed.events) == len(events)
    # Ramadan 2027 guidance: its Eid greeting posts the day after Ramadan ends.
    summaries = {e.summary for e in parsed.events}
    assert "Publish: Eid Mubarak to everyone celebrating" in summaries


def test_mozilla_ical_js_reads_the_feed(feed: Callable[[], bytes], tmp_path: Path) -> None:
    """Mozilla's ical.js (Thunderbird's parser) finds every event, all of them all-day."""
    path = tmp_path / "plan.ics"
    path.write_bytes(feed())
    script = (
        "const ICAL = require('ical.js');"
        "const fs = require('fs');"
        "const comp = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[1], 'utf8')));"
        "const evs = comp.getAllSubcomponents('vevent').map(v => new ICAL.Event(v));"
        "const allDay = evs.filter(e => e.startDate.isDate).length;"
        "console.log(JSON.stringify({n: evs.length, allDay: allDay}));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"NODE_PATH": str(JS_MODULES), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["n"] == counts["allDay"] == path.read_text().count("BEGIN:VEVENT")


def test_uids_are_stable_and_progress_updates_in_place(
    feed: Callable[[], bytes], write_config: Callable[..., Path]
) -> None:
    """Two renders are byte-identical; marking a task done keeps its UID and bumps SEQUENCE."""
    import vobject

    first = feed()
    assert feed() == first
    config = str(write_config(SHIPPED))
    args = ["campaign", "done", "black-history-month", "invite-stories", "--year", "2026"]
    assert main(["--config", config, *args, "--by", "Asha"]) == 0
    after = feed()
    before = {e.uid.value: e for e in vobject.readOne(first.decode()).vevent_list}
    changed = {e.uid.value: e for e in vobject.readOne(after.decode()).vevent_list}
    assert set(before) == set(changed)
    moved = [uid for uid in before if before[uid].summary.value != changed[uid].summary.value]
    assert len(moved) == 1
    event = changed[moved[0]]
    assert event.summary.value.startswith("Done: Invite colleagues to share their stories")
    assert int(event.sequence.value) == int(before[moved[0]].sequence.value) + 1
    assert event.dtstart.value == dt.date(2026, 8, 20)  # six weeks before 1 October 2026


def test_a_removed_task_is_cancelled_and_a_moved_one_is_not(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    """Deleting a task republishes it as CANCELLED; moving one out of the window does not."""
    import vobject

    folder = tmp_path / "plan"
    folder.mkdir()
    source = SHIPPED / "black-history-month.toml"
    (folder / "bhm.toml").write_text(source.read_text())
    config = str(write_config(folder))
    out = tmp_path / "plan.ics"
    args = ["--config", config, "feed", "--campaigns", "--from", "2026-08-01", "--to", "2026-10-31"]

    def events() -> dict[str, tuple[str, str]]:
        assert main([*args, "-o", str(out)]) == 0
        parsed = vobject.readOne(out.read_text())
        return {e.summary.value: (e.status.value, e.sequence.value) for e in parsed.vevent_list}

    before = events()
    assert before[
        "Due: Update the intranet resources page (Black History Month: staff stories and resources)"
    ] == ("CONFIRMED", "0")
    text = source.read_text()
    removed = text.replace(
        '[[campaign.tasks]]\nid = "update-resources"\nname = "Update the intranet resources page"\n'
        'owner = "Communications officer"\ndue = "-3 working days"\n',
        "",
    ).replace('due = "-6w"', 'due = "-20w"')  # invite-stories moves to May, out of the window
    assert removed != text
    (folder / "bhm.toml").write_text(removed)
    after = events()
    assert after[
        "Due: Update the intranet resources page (Black History Month: staff stories and resources)"
    ] == ("CANCELLED", "1")
    assert not any(summary.startswith("Due: Invite colleagues") for summary in after)

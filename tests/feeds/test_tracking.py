"""Change tracking across regenerations: stable UIDs, byte-identical output when nothing changed,
SEQUENCE/LAST-MODIFIED bumped for exactly the changed event, and the CANCELLED lifecycle."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from edicalendar.config import FeedSettings
from edicalendar.feeds.build import render_feed
from edicalendar.feeds.events import FeedEvent
from edicalendar.feeds.tracking import FeedState
from edicalendar.storage.engine import open_database
from edicalendar.web.export import export_site
from support.feeds import build_all, build_feed

PASSOVER_UID = "F76C3E06-69BA-5FF7-9530-A7BFB73E9A23"
EID_UID = "E3DDFECA-EF6C-5F3B-8D28-506F5B6276D6"

EID_ANNOUNCED = """
[observance.years.2026]
start = {day}
end = {day}
source = "https://example.org/moon-sighting-announcement"
"""

EXTRA = """
[[observance]]
id = "world-mental-health-day"
name = "World Mental Health Day"
categories = ["health_wellbeing"]
rule = {{ kind = "fixed", month = 10, day = 10 }}
description = "WHO day{suffix}."
sources = ["https://www.who.int/campaigns/world-mental-health-day"]
"""


def blocks(body: bytes) -> dict[str, str]:
    """VEVENT text by UID (folded lines joined)."""
    text = body.replace(b"\r\n ", b"").decode("utf-8")
    found = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", text, re.DOTALL):
        uid = re.search(r"^UID:(.*)\r$", block, re.MULTILINE)
        assert uid
        found[uid.group(1)] = block
    return found


def props(block: str) -> dict[str, str]:
    """Property name (with parameters) -> value, for one VEVENT block."""
    return dict(line.split(":", 1) for line in block.split("\r\n") if line)


def add_eid_override(calendars: Path, day: str) -> None:
    path = calendars / "faith.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n\[observance\.years\.2026\]\n.*?source = .*?\n", "\n", text, flags=re.DOTALL)
    anchor = 'sources = ["https://www.ummulqura.org.sa/"]\n'
    path.write_text(text.replace(anchor, anchor + EID_ANNOUNCED.format(day=day)), "utf-8")


def remove_observance(calendars: Path, file: str, observance_id: str) -> None:
    path = calendars / file
    chunks = path.read_text(encoding="utf-8").split("[[observance]]")
    kept = [c for c in chunks if f'id = "{observance_id}"' not in c]
    assert len(kept) == len(chunks) - 1
    path.write_text("[[observance]]".join(kept), encoding="utf-8")


def test_regeneration_is_byte_identical(make_context, window, clock) -> None:
    """Rendering unchanged data again, hours or weeks later, gives the same bytes."""
    first = build_all(make_context(), *window)
    clock.advance(hours=5)
    second = build_all(make_context(), *window)
    clock.advance(days=30)
    third = build_all(make_context(), *window)
    assert first == second == third
    assert b"SEQUENCE:1" not in b"".join(third.values())


def test_override_moving_eid_changes_exactly_that_event(make_context, window, calendars, clock):
    """Moving Eid by an override changes only its DTSTART/DTEND/SEQUENCE/LAST-MODIFIED/DTSTAMP."""
    add_eid_override(calendars, "2026-03-20")
    before = build_all(make_context(), *window)
    clock.advance(days=40, hours=3)
    add_eid_override(calendars, "2026-03-21")
    after = build_all(make_context(), *window)
    for name in ("all", "faith", "religion-belief"):
        old, new = blocks(before[name]), blocks(after[name])
        assert old.keys() == new.keys()
        changed = [uid for uid in old if old[uid] != new[uid]]
        assert changed == [EID_UID], name
        was, now = props(old[EID_UID]), props(new[EID_UID])
        differing = {key for key in was if was[key] != now.get(key)}
        assert differing == {
            "DTSTART;VALUE=DATE",
            "DTEND;VALUE=DATE",
            "SEQUENCE",
            "LAST-MODIFIED",
            "DTSTAMP",
        }
        assert (was["SEQUENCE"], now["SEQUENCE"]) == ("0", "1")
        assert now["DTSTART;VALUE=DATE"] == "20260321"
        assert now["DTEND;VALUE=DATE"] == "20260322"
        assert now["LAST-MODIFIED"] == now["DTSTAMP"] == "20260224T123000Z"
        # The calendar header and every other byte outside that VEVENT are unchanged.
        assert before[name].replace(_raw_block(before[name], EID_UID), b"") == after[name].replace(
            _raw_block(after[name], EID_UID), b""
        )
    for name in ("awareness", "sex", "age"):
        assert before[name] == after[name]
    clock.advance(days=1)
    assert build_all(make_context(), *window) == after  # no second bump


def _raw_block(body: bytes, uid: str) -> bytes:
    start = body.index(f"UID:{uid}".encode())
    return body[body.rindex(b"BEGIN:VEVENT", 0, start) : body.index(b"END:VEVENT\r\n", start) + 12]


def test_new_theme_bumps_sequence_once(make_context, window, calendars, clock) -> None:
    """Announcing a theme changes the DESCRIPTION and bumps SEQUENCE for that event only."""
    before = blocks(build_feed(make_context(), "all", *window))
    path = calendars / "awareness.toml"
    path.write_text(
        path.read_text("utf-8").replace(
            'sources = ["https://ukdhm.org/"]\n',
            'sources = ["https://ukdhm.org/"]\n\n[observance.years.2026]\n'
            'theme = "Disability, livelihoods and work"\n',
        ),
        "utf-8",
    )
    clock.advance(days=2)
    after = blocks(build_feed(make_context(), "all", *window))
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert len(changed) == 1
    (uid,) = changed
    assert "Theme for 2026: Disability\\, livelihoods and work" in after[uid]
    assert props(after[uid])["SEQUENCE"] == "1"
    clock.advance(days=2)
    assert blocks(build_feed(make_context(), "all", *window)) == after


def test_uids_stable_when_another_observance_comes_and_goes(make_context, window, calendars, clock):
    """Adding or removing one observance leaves every other VEVENT byte-identical."""
    original = blocks(build_feed(make_context(), "all", *window))
    (calendars / "extra.toml").write_text(EXTRA.format(suffix=""), "utf-8")
    clock.advance(days=1)
    added = blocks(build_feed(make_context(), "all", *window))
    assert set(added) - set(original) and len(added) == len(original) + 1
    assert all(added[uid] == block for uid, block in original.items())
    remove_observance(calendars, "awareness.toml", "st-davids-day")
    clock.advance(days=1)
    removed = blocks(build_feed(make_context(), "all", *window))
    dewi = next(uid for uid, b in original.items() if "Dewi" in b)
    assert props(removed[dewi])["STATUS"] == "CANCELLED"
    assert all(removed[uid] == block for uid, block in added.items() if uid != dewi)


def test_cancelled_lifecycle(make_context, window, calendars, clock) -> None:
    """A removed occurrence is CANCELLED with a higher SEQUENCE for 60 days, then dropped."""
    build_all(make_context(), *window)
    remove_observance(calendars, "faith.toml", "passover")
    clock.advance(days=3)
    cancelled_at = "20260118T093000Z"
    feeds = build_all(make_context(), *window)
    block = props(blocks(feeds["faith"])[PASSOVER_UID])
    assert block["STATUS"] == "CANCELLED"
    assert block["SEQUENCE"] == "1"
    assert block["LAST-MODIFIED"] == block["DTSTAMP"] == cancelled_at
    assert block["DTSTART;VALUE=DATE"] == "20260402"
    assert PASSOVER_UID in blocks(feeds["all"])
    assert PASSOVER_UID not in blocks(feeds["awareness"])
    clock.advance(days=59)
    later = build_all(make_context(), *window)
    assert blocks(later["faith"])[PASSOVER_UID] == blocks(feeds["faith"])[PASSOVER_UID]
    clock.advance(days=2)
    gone = build_all(make_context(), *window)
    assert PASSOVER_UID not in blocks(gone["faith"])
    assert PASSOVER_UID not in blocks(gone["all"])
    assert len(blocks(gone["faith"])) == 1


def test_restored_occurrence_comes_back_with_higher_sequence(
    make_context, window, calendars, clock
):
    """An occurrence restored after cancellation is CONFIRMED again with SEQUENCE 2."""
    original = (calendars / "faith.toml").read_text("utf-8")
    build_feed(make_context(), "faith", *window)
    remove_observance(calendars, "faith.toml", "passover")
    clock.advance(days=1)
    build_feed(make_context(), "faith", *window)
    (calendars / "faith.toml").write_text(original, "utf-8")
    clock.advance(days=1)
    block = props(blocks(build_feed(make_context(), "faith", *window))[PASSOVER_UID])
    assert (block["STATUS"], block["SEQUENCE"]) == ("CONFIRMED", "2")


def test_leaving_the_window_or_a_category_is_not_a_cancellation(make_context, calendars, clock):
    """Events that only fall outside the window or out of a feed's filter are not CANCELLED."""
    build_all(make_context(), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    clock.advance(days=1)
    next_year = build_all(make_context(), dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert b"CANCELLED" not in b"".join(next_year.values())
    path = calendars / "awareness.toml"
    path.write_text(
        path.read_text("utf-8").replace(
            'categories = ["sex", "general_edi"]', 'categories = ["general_edi"]'
        ),
        "utf-8",
    )
    clock.advance(days=1)
    moved = build_all(make_context(), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert b"International Women" not in moved["sex"]
    assert b"CANCELLED" not in b"".join(moved.values())
    assert b"SEQUENCE:1" in moved["general-edi"]  # its CATEGORIES changed


def test_two_exports_are_identical(make_context, clock, tmp_path) -> None:
    """Exporting the same data twice (hours apart) writes identical folders; a later day keeps
    every VEVENT that is still in the window byte-identical."""
    first, second, later = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    export_site(make_context().feeds(), first)
    clock.advance(hours=6)
    export_site(make_context().feeds(), second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    # 14 feeds, freezes.ics, index.html, static/site.css, static/subscribe.js, _headers, .htaccess
    assert len(files) == 24
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    clock.advance(days=20)
    export_site(make_context().feeds(), later)
    old, new = (
        blocks((first / "feeds/all.ics").read_bytes()),
        blocks((later / "feeds/all.ics").read_bytes()),
    )
    common = set(old) & set(new)
    assert len(common) > 10
    assert all(old[uid] == new[uid] for uid in common)


def _events(*keep: str) -> list[FeedEvent]:
    return [
        FeedEvent(
            uid=f"TASK-{key}",
            summary=f"Publish the {key} blog post",
            description="Campaign task",
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 6, 1),
            url=None,
            categories=("Campaign",),
            status="TENTATIVE",
        )
        for key in keep
    ]


def test_render_feed_with_scope_tracks_and_cancels(tmp_path) -> None:
    """Generic events: first sight stamps `now`; a missing one in a scoped feed is CANCELLED;
    scopes track the same UID independently."""
    database = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    state = FeedState(database)
    settings = FeedSettings()
    t0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    first = render_feed(
        "Plan",
        "",
        _events("a", "b"),
        state=state,
        now=t0,
        settings=settings,
        scope="campaign:pride",
    )
    assert b"DTSTAMP:20260501T080000Z" in first
    again = render_feed(
        "Plan",
        "",
        _events("a", "b"),
        state=state,
        now=t0 + dt.timedelta(days=1),
        settings=settings,
        scope="campaign:pride",
    )
    assert again == first
    later = render_feed(
        "Plan",
        "",
        _events("a"),
        state=state,
        now=t0 + dt.timedelta(days=2),
        settings=settings,
        scope="campaign:pride",
    )
    cancelled = props(blocks(later)["TASK-b"])
    assert (cancelled["STATUS"], cancelled["SEQUENCE"]) == ("CANCELLED", "1")
    assert cancelled["DTSTAMP"] == "20260503T080000Z"
    other_scope = render_feed(
        "Other", "", _events("a", "c"), state=state, now=t0, settings=settings, scope="campaign:iwd"
    )
    assert set(blocks(other_scope)) == {"TASK-a", "TASK-c"}  # one UID, tracked per scope
    assert props(blocks(other_scope)["TASK-a"])["SEQUENCE"] == "0"
    database.close()


def test_concurrent_writer_never_reuses_a_sequence(tmp_path) -> None:
    """A writer holding stale rows retries after another process's change: SEQUENCE goes 0,1,2."""
    database = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    t0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    stale = FeedState(database, cache=True)
    other = FeedState(database)

    def sync(state: FeedState, summary: str, hours: int) -> int:
        (event,) = _events("a")
        event = FeedEvent(event.uid, summary, "", event.start, event.end, None, ())
        (tracked,) = state.sync(
            "plan",
            [event],
            t0 + dt.timedelta(hours=hours),
            cancelled_days=60,
            responsible=lambda _row: True,
        )
        return tracked.sequence

    assert sync(stale, "first", 0) == 0
    assert sync(stale, "first", 1) == 0  # now holds the row in its cache
    assert sync(other, "second", 2) == 1
    assert sync(stale, "third", 3) == 2
    assert sync(FeedState(database), "third", 4) == 2
    database.close()


def test_tracking_of_events_long_over_is_pruned_and_current_sequences_are_kept(
    make_context, calendars, clock
) -> None:
    """Tracking rows are kept `feeds.retention_days` (730) after an event ended: a year and a
    half on, the 2025 and early-2026 rows go at the first build of the day, every event a
    feed still shows keeps its SEQUENCE (a moved Eid stays at SEQUENCE 1), and the feeds do
    not change because of it."""
    add_eid_override(calendars, "2026-03-20")
    build_all(make_context())  # default window: 15 Jan 2025 to 15 Jan 2028
    add_eid_override(calendars, "2026-03-21")
    clock.advance(days=1)
    build_all(make_context())
    ctx = make_context()
    before = FeedState(ctx.database).load("observances")
    assert before[EID_UID].sequence == 1
    clock.set(dt.datetime(2027, 9, 1, 9, 0, tzinfo=dt.UTC))  # keeps events ending >= 2 Sep 2025
    first = build_all(make_context())
    after = FeedState(make_context().database).load("observances")
    cutoff = dt.date(2025, 9, 2)
    gone = {uid for uid, row in before.items() if row.event.end < cutoff}
    assert gone and gone.isdisjoint(after)
    kept = set(before) - gone
    assert kept <= set(after)  # (plus the events that came into the window since)
    assert all(after[uid].sequence == before[uid].sequence for uid in kept)
    assert after[EID_UID].sequence == 1
    assert build_all(make_context()) == first  # same bytes: nothing a feed shows was touched

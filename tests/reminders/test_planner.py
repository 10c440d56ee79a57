"""The pure planner: keys, kinds, wall times across DST, grace windows and digests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from edicalendar.model import AssetStatus, Owner, RelativeDay, ReminderRule
from edicalendar.reminders.planner import (
    PlannerInput,
    PlannerSettings,
    ReminderKind,
    plan_reminders,
)
from support.builders import make_instance
from support.clock import utc

LONDON = ZoneInfo("Europe/London")

# UK clock changes 2025-2030 as published on gov.uk ("When do the clocks change?"): clocks go
# forward at 01:00 GMT on the last Sunday of March and back at 02:00 BST on the last Sunday of
# October.
SPRING = [
    dt.date(2025, 3, 30),
    dt.date(2026, 3, 29),
    dt.date(2027, 3, 28),
    dt.date(2028, 3, 26),
    dt.date(2029, 3, 25),
    dt.date(2030, 3, 31),
]
AUTUMN = [
    dt.date(2025, 10, 26),
    dt.date(2026, 10, 25),
    dt.date(2027, 10, 31),
    dt.date(2028, 10, 29),
    dt.date(2029, 10, 28),
    dt.date(2030, 10, 27),
]


def whole_year(year: int) -> tuple[dt.datetime, dt.datetime]:
    return utc(year - 1, 6, 1), utc(year + 1, 6, 1)


def one_rule(day: dt.date, at: dt.time) -> PlannerInput:
    rule = ReminderRule(id="night", when=RelativeDay(days=0), time=at, destinations=("slack",))
    instance = make_instance("dst", start=day, lead_times=(), rules=(rule,))
    return PlannerInput([instance])


@pytest.mark.parametrize("day", SPRING)
def test_spring_forward_0130_moves_to_0230_bst_and_0900_stays_0900(day: dt.date) -> None:
    """A 01:30 reminder on the spring-forward Sunday goes at 02:30 BST; 09:00 stays 09:00 BST."""
    start, end = whole_year(day.year)
    night = plan_reminders(one_rule(day, dt.time(1, 30)), PlannerSettings(), start, end)
    assert [r.due_at for r in night] == [utc(day.year, day.month, day.day, 1, 30)]
    assert night[0].due_at.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"
    morning = plan_reminders(one_rule(day, dt.time(9, 0)), PlannerSettings(), start, end)
    assert [r.due_at for r in morning] == [utc(day.year, day.month, day.day, 8, 0)]


@pytest.mark.parametrize("day", AUTUMN)
def test_fall_back_0130_resolves_once_to_the_first_bst(day: dt.date) -> None:
    """The ambiguous 01:30 on the fall-back Sunday is planned once, at the first (BST) 01:30."""
    start, end = whole_year(day.year)
    night = plan_reminders(one_rule(day, dt.time(1, 30)), PlannerSettings(), start, end)
    assert [r.due_at for r in night] == [utc(day.year, day.month, day.day, 0, 30)]
    assert len({r.key for r in night}) == 1
    morning = plan_reminders(one_rule(day, dt.time(9, 0)), PlannerSettings(), start, end)
    assert [r.due_at for r in morning] == [utc(day.year, day.month, day.day, 9, 0)]


@pytest.mark.parametrize("change", SPRING + AUTUMN)
@pytest.mark.parametrize("after", [1, 7, 14])
def test_lead_times_across_a_dst_change_keep_0900_local(change: dt.date, after: int) -> None:
    """T-28/T-7/T-1 reminders for events 1-14 days after a change are at 09:00 local time."""
    event = change + dt.timedelta(days=after)
    instance = make_instance("x", start=event, lead_times=(28, 7, 1))
    start, end = whole_year(event.year)
    planned = plan_reminders(PlannerInput([instance]), PlannerSettings(), start, end)
    assert len(planned) == 3
    for reminder in planned:
        local = reminder.due_at.astimezone(LONDON)
        assert (local.hour, local.minute) == (9, 0)
        days = int(reminder.rule.removeprefix("lead-"))
        assert local.date() == event - dt.timedelta(days=days)
        assert reminder.key == f"x:lead-{days}:{local.date().isoformat()}:slack"


def test_four_weeks_before_20_april_is_23_march_0900_gmt() -> None:
    """Event 20 Apr 2026, reminder 23 Mar (before the 29 Mar change): 09:00 GMT = 09:00 UTC."""
    instance = make_instance("x", start=dt.date(2026, 4, 20), lead_times=(28,))
    planned = plan_reminders(PlannerInput([instance]), PlannerSettings(), *whole_year(2026))
    assert [r.due_at for r in planned] == [utc(2026, 3, 23, 9, 0)]


def test_keys_are_stable_and_window_is_half_open() -> None:
    """Planning overlapping windows gives the same keys; a reminder at `end` is excluded."""
    instance = make_instance(start=dt.date(2026, 3, 8), destinations=("slack", "teams"))
    due = utc(2026, 3, 7, 9, 0)
    first = plan_reminders(
        PlannerInput([instance]), PlannerSettings(), due - dt.timedelta(days=1), due
    )
    assert first == []
    second = plan_reminders(
        PlannerInput([instance]), PlannerSettings(), due, due + dt.timedelta(seconds=1)
    )
    third = plan_reminders(PlannerInput([instance]), PlannerSettings(), *whole_year(2026))
    assert {r.key for r in second} == {"iwd:lead-1:2026-03-07:slack", "iwd:lead-1:2026-03-07:teams"}
    assert {r.key for r in second} <= {r.key for r in third}


def test_grace_windows_per_kind() -> None:
    """Lead-time grace is 72 h but never past the event start; day-of until the day ends."""
    instance = make_instance(start=dt.date(2026, 3, 8), lead_times=(28, 1), announce=("staff",))
    planned = {
        r.rule: r
        for r in plan_reminders(PlannerInput([instance]), PlannerSettings(), *whole_year(2026))
    }
    assert planned["lead-28"].not_after == planned["lead-28"].due_at + dt.timedelta(hours=72)
    assert planned["lead-1"].not_after == utc(2026, 3, 8, 0, 0)
    assert planned["announce"].due_at == utc(2026, 3, 8, 9, 0)
    assert planned["announce"].not_after == utc(2026, 3, 9, 0, 0)
    assert planned["announce"].kind is ReminderKind.ANNOUNCE


def test_announcement_carries_published_asset_links_only() -> None:
    """The day-of announcement links published assets, not planned or placeholder ones."""
    status = AssetStatus
    instance = make_instance(
        start=dt.date(2026, 3, 8),
        lead_times=(),
        announce=("staff",),
        assets=(
            ("blog", "Guest blog", "https://intranet.example/blog", status.PUBLISHED, None),
            ("video", "Video", "https://intranet.example/video", status.PLANNED, None),
            ("pack", "Toolkit", "https://intranet.example/pack", status.READY, dt.date(2026, 3, 1)),
        ),
    )
    (announce,) = plan_reminders(PlannerInput([instance]), PlannerSettings(), *whole_year(2026))
    urls = [link.url for link in announce.message.links]
    assert "https://intranet.example/blog" in urls
    assert "https://intranet.example/pack" in urls
    assert "https://intranet.example/video" not in urls


def test_task_due_goes_to_the_owner_and_done_tasks_are_silent() -> None:
    """Task-due reminders go to the owner's Slack destination or their email; done: none."""
    owners = (
        Owner(name="Asha", email="asha@nhs.example", slack="comms-slack"),
        Owner(name="Ben", email="ben@nhs.example"),
    )
    instance = make_instance(
        start=dt.date(2026, 3, 8),
        lead_times=(),
        owners=owners,
        tasks=(
            ("draft", "Draft the blog", dt.date(2026, 2, 20), False, "Asha"),
            ("images", "Find images", dt.date(2026, 2, 25), False, "Ben"),
            ("book", "Book the room", dt.date(2026, 2, 10), True, "Ben"),
        ),
    )
    settings = PlannerSettings(known_destinations=frozenset({"comms-slack"}), owner_email=True)
    planned = plan_reminders(PlannerInput([instance]), settings, *whole_year(2026))
    assert [(r.kind, r.destination, r.local_date) for r in planned] == [
        (ReminderKind.TASK_DUE, "comms-slack", dt.date(2026, 2, 20)),
        (ReminderKind.TASK_DUE, "email:ben@nhs.example", dt.date(2026, 2, 25)),
    ]


def test_weekly_digest_on_mondays_lists_next_14_days() -> None:
    """Digest destinations get a Monday 09:00 digest of observances and tasks 14 days ahead."""
    instance = make_instance(
        start=dt.date(2026, 1, 27),
        name="Holocaust Memorial Day",
        lead_times=(),
        tasks=(("candle", "Order candles", dt.date(2026, 1, 16), False, None),),
    )
    far = make_instance("far", start=dt.date(2026, 2, 20), name="Far away day", lead_times=())
    settings = PlannerSettings(digest_destinations=("staff",))
    planned = plan_reminders(
        PlannerInput([instance, far]), settings, utc(2026, 1, 5), utc(2026, 1, 20)
    )
    digests = [r for r in planned if r.kind is ReminderKind.DIGEST]
    assert [(r.key, r.due_at) for r in digests] == [
        ("digest:weekly:2026-01-05:staff", utc(2026, 1, 5, 9, 0)),
        ("digest:weekly:2026-01-12:staff", utc(2026, 1, 12, 9, 0)),
        ("digest:weekly:2026-01-19:staff", utc(2026, 1, 19, 9, 0)),
    ]
    first, second, third = digests
    assert "Holocaust Memorial Day" not in first.message.body  # 27 Jan is > 14 days ahead
    assert "Order candles" in first.message.body
    assert "Holocaust Memorial Day" not in second.message.body  # 12-25 Jan
    assert "Holocaust Memorial Day" in third.message.body  # 19 Jan - 1 Feb
    assert "Order candles" not in third.message.body
    assert "Far away day" not in third.message.body


def test_solemn_day_reminders_say_how_to_speak_of_it() -> None:
    """Lead-time and day-of messages for a day with tone guidance carry it; others do not."""
    from dataclasses import replace

    from edicalendar.model import Tone
    from support.builders import make_occurrence

    guidance = "A day of remembrance: share survivors' testimony and learning; never 'happy'."
    solemn = replace(
        make_occurrence("holocaust-memorial-day", "Holocaust Memorial Day", dt.date(2027, 1, 27)),
        tone=Tone.SOLEMN,
        tone_guidance=guidance,
    )
    instance = make_instance("hmd", occurrence=solemn, lead_times=(7,), announce=("staff",))
    planned = {
        r.rule: r
        for r in plan_reminders(PlannerInput([instance]), PlannerSettings(), *whole_year(2027))
    }
    assert planned["lead-7"].message.body.endswith(f"For communications: {guidance}")
    assert f"For communications: {guidance}" in planned["announce"].message.body
    plain = make_instance(start=dt.date(2026, 3, 8), lead_times=(7,), announce=("staff",))
    for reminder in plan_reminders(PlannerInput([plain]), PlannerSettings(), *whole_year(2026)):
        assert "For communications" not in reminder.message.body


def test_every_message_about_an_estimated_festival_says_how_sure_its_date_is() -> None:
    """Eid al-Fitr 2027, estimated for Tue 9 Mar (±1 day) and beginning at sunset: the lead
    time, the announcement, a task reminder, a campaign rule and the digest all carry "±1 day"
    and "begins the evening before" beside the date; the attached event says it too."""
    from dataclasses import replace

    from edicalendar.model import Status
    from support.builders import make_occurrence

    eid = replace(
        make_occurrence("eid-al-fitr", "Eid al-Fitr", dt.date(2027, 3, 9)),
        status=Status.ESTIMATED,
        may_vary_days=1,
        begins_evening_before=True,
    )
    rule = ReminderRule(
        id="eve", when=RelativeDay(days=-1), time=dt.time(9), destinations=("slack",)
    )
    instance = make_instance(
        "eid",
        occurrence=eid,
        lead_times=(7,),
        announce=("staff",),
        tasks=(("cards", "Send Eid cards", dt.date(2027, 3, 3), False, None),),
        rules=(rule,),
    )
    settings = PlannerSettings(digest_destinations=("digest",))
    planned = plan_reminders(
        PlannerInput([instance], [eid]), settings, utc(2027, 3, 1), utc(2027, 3, 10)
    )
    kinds = {r.kind for r in planned}
    assert kinds == {
        ReminderKind.LEAD_TIME,
        ReminderKind.ANNOUNCE,
        ReminderKind.TASK_DUE,
        ReminderKind.RULE,
        ReminderKind.DIGEST,
    }
    for reminder in planned:
        text = f"{reminder.message.title}\n{reminder.message.body}"
        assert "±1 day" in text, (reminder.kind, text)
        assert "begins the evening before" in text, (reminder.kind, text)
    (lead,) = [r for r in planned if r.kind is ReminderKind.LEAD_TIME]
    assert lead.message.body.startswith(
        "Eid al-Fitr starts in 7 days: Tue 9 Mar 2027 (estimated ±1 day, begins the evening "
        "before)."
    )
    assert lead.message.event is not None
    assert lead.message.event.description.startswith("Estimated date, ±1 day; begins the evening")
    digest = next(r for r in planned if r.kind is ReminderKind.DIGEST)
    assert "- Tue 9 Mar 2027: Eid al-Fitr (estimated ±1 day, begins the evening before)" in (
        digest.message.body
    )

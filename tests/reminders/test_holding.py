"""The reminder bot inside communication freezes: held, released exactly once, or expired.

Real ledgers (an SQLite file; PostgreSQL for two workers at once), a real webhook on 127.0.0.1
counting POSTs per ledger key, the freeze book on the same database, and an injected clock.
International Women's Day 2026 (Sunday 8 March) carries a day-of announcement at 09:00 London
(GMT, so 09:00 UTC) to the `slack` destination.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from edicalendar.calendar.freezes import (
    Audience,
    Freeze,
    FreezeKind,
    Restriction,
)
from edicalendar.config import FreezeSettings
from edicalendar.model import CampaignInstance
from edicalendar.reminders.delivery import DeliveryState
from edicalendar.reminders.dispatch import Dispatcher
from edicalendar.reminders.freeze_book import FreezeBook, FreezeRequest
from edicalendar.reminders.holding import FreezeGate, delivery_audience, release_held
from edicalendar.reminders.ledger import Ledger
from edicalendar.reminders.planner import PlannerInput, digest_message
from edicalendar.storage.engine import Database, open_database
from support.builders import make_instance
from support.clock import Clock, utc
from support.dispatch import make_dispatcher, running_ledger
from support.webhooks import Captured, Reply, WebhookReceiver

LONDON = ZoneInfo("Europe/London")
D = dt.date
IWD = D(2026, 3, 8)
ANNOUNCE_AT = utc(2026, 3, 8, 9, 0, 30)
ANNOUNCE_KEY = "iwd:announce:2026-03-08:slack"
SLACK = {"slack": {"kind": "slack", "url_env": "S", "rate_per_second": 0}}


def announcing(campaign_id: str = "iwd", **options: Any) -> CampaignInstance:
    """IWD 2026 with a day-of announcement to slack, and no lead-time reminders."""
    return make_instance(campaign_id, lead_times=(), announce=("slack",), **options)


class Bot:
    """A dispatcher, its ledger and the freeze book over one database, on one clock."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        webhook: WebhookReceiver,
        instances: list[CampaignInstance],
        **options: Any,
    ) -> None:
        self.database = database
        self.clock = clock
        self.book = FreezeBook(
            database, FreezeSettings(), nation="england-and-wales", timezone=LONDON, now=clock
        )
        self.ledger = Ledger(database)
        self.instances = instances
        self.dispatcher: Dispatcher = make_dispatcher(
            database,
            _settings(),
            lambda first, last: PlannerInput(
                tuple(self.instances), (), freezes=tuple(self.book.all())
            ),
            clock,
            {"S": webhook.url()},
            rng=random.Random(7),
            monotonic=lambda: clock().timestamp(),
            freezes=FreezeGate(self.book.all, LONDON),
            **options,
        )

    def freeze(
        self,
        kind: FreezeKind = FreezeKind.MOURNING,
        start: dt.date = IWD,
        end: dt.date | None = None,
        restricts: Restriction | None = None,
        reason: str = "National mourning",
    ) -> Freeze:
        return self.book.add(
            FreezeRequest(kind, reason, start=start, end=end, restricts=restricts), by="comms"
        )

    def row(self, key: str = ANNOUNCE_KEY) -> Any:
        found = self.ledger.get(key)
        assert found is not None, key
        return found


def _settings() -> Any:
    from edicalendar.config import Settings

    return Settings.model_validate(
        {
            "destinations": SLACK,
            "reminders": {"http_timeout_seconds": 1.0, "allow_http_webhooks": True},
        }
    )


@pytest.fixture
def bot_factory(tmp_path: Path, webhook: WebhookReceiver) -> Any:
    made: list[Database] = []

    def make(
        instances: list[CampaignInstance],
        at: dt.datetime = ANNOUNCE_AT,
        url: str | None = None,
        name: str = "ledger.db",
    ) -> Bot:
        database = open_database(url or f"sqlite:///{tmp_path / name}")
        made.append(database)
        clock = Clock(at)
        running_ledger(database, clock() - dt.timedelta(hours=1))
        return Bot(database, clock, webhook, instances)

    yield make
    for database in made:
        database.close()


def test_a_day_of_announcement_inside_a_freeze_is_held_then_released_exactly_once(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """Held on its morning (nothing POSTed, the attempt not counted, the freeze named); still
    held on the next tick; `freeze end` releases it once; the next tick sends it once."""
    bot = bot_factory([announcing()])
    mourning = bot.freeze()
    summary = bot.dispatcher.tick()
    assert (summary.sent, summary.held) == (0, 1)
    assert "1 held by a communication freeze" in summary.line()
    row = bot.row()
    assert (row.state, row.attempts, row.held_by) == (DeliveryState.HELD, 0, mourning.id)
    assert row.last_error.startswith(f"held by freeze {mourning.id}: Period of national mourning")
    assert row.audience == "public"

    bot.clock.advance(minutes=30)
    assert bot.dispatcher.tick().held == 0  # not claimed again while held
    assert webhook.requests == []
    assert bot.row().state is DeliveryState.HELD

    bot.clock.advance(hours=2)  # 11:30, still the announcement's day
    bot.book.end(mourning.id, by="comms")
    first = bot.book.release_held()
    assert (first.released, first.expired) == ([ANNOUNCE_KEY], [])
    again = bot.book.release_held()
    assert (again.released, again.expired) == ([], [])
    assert bot.row().state is DeliveryState.PENDING

    assert bot.dispatcher.tick().sent == 1
    bot.clock.advance(minutes=5)
    bot.dispatcher.tick()
    assert webhook.keys() == [ANNOUNCE_KEY]
    sent = bot.row()
    assert (sent.state, sent.attempts, sent.held_by) == (DeliveryState.SENT, 1, mourning.id)


def test_a_held_announcement_no_longer_timely_when_its_freeze_ends_expires_saying_why(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """The announcement's day ends inside the freeze: ended the day after, it expires (never
    sent), naming the freeze and until when it was worth sending; later ticks send nothing."""
    bot = bot_factory([announcing()])
    mourning = bot.freeze()
    bot.dispatcher.tick()
    assert bot.row().state is DeliveryState.HELD

    bot.clock.set(utc(2026, 3, 9, 10))
    bot.book.end(mourning.id, by="comms")
    freed = bot.book.release_held()
    assert (freed.released, freed.expired) == ([], [ANNOUNCE_KEY])
    row = bot.row()
    assert row.state is DeliveryState.EXPIRED
    assert row.last_error == (
        f"expired: held by freeze {mourning.id} (Period of national mourning: National "
        "mourning, on Sun 8 Mar 2026) until too late (it was worth sending until "
        "2026-03-09 00:00); not sent"
    )
    assert bot.dispatcher.tick().sent == 0
    assert webhook.requests == []


def test_a_freeze_that_runs_out_releases_what_it_held_on_the_next_planning_pass(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """A one-morning organisation freeze on everything, recorded as ending the day before
    (so over): the next tick's planning releases the held lead-time reminder and sends it."""
    lead = make_instance("iwd", lead_times=(28,))
    bot = bot_factory([lead], at=utc(2026, 2, 8, 9, 0, 30))
    key = "iwd:lead-28:2026-02-08:slack"
    bot.freeze(FreezeKind.ORGANISATION, D(2026, 2, 8), D(2026, 2, 8), Restriction.EVERYTHING)
    assert bot.dispatcher.tick().held == 1
    assert bot.row(key).audience == "internal"
    bot.clock.set(utc(2026, 2, 9, 0, 5))  # the freeze's last day is over; 72 h grace left
    summary = bot.dispatcher.tick()
    assert (summary.released, summary.sent) == (1, 1)
    assert webhook.keys() == [key]


def test_internal_reminders_still_go_unless_the_freeze_restricts_everything(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """Under a pre-election period (public announcements) a task reminder and a lead-time
    reminder go while the day-of announcement and a public task's reminder are held; under a
    freeze on everything all four are held."""
    tasks = (
        ("book-room", "Book the room", IWD, False, "Asha"),
        ("post-blog", "Publish the blog", IWD, False, "Asha"),
    )

    def campaign(campaign_id: str) -> CampaignInstance:
        instance = make_instance(
            campaign_id,
            lead_times=(0,),
            announce=("slack",),
            tasks=tasks,
            owners=(),
        )
        # The blog task publishes something: its reminder speaks to the public.
        from dataclasses import replace

        public = replace(instance.campaign.tasks[1], public=True)
        campaign = replace(instance.campaign, tasks=(instance.campaign.tasks[0], public))
        due = tuple(
            replace(t, task=public) if t.task.id == "post-blog" else t for t in instance.tasks
        )
        return replace(instance, campaign=campaign, tasks=due)

    bot = bot_factory([campaign("iwd")])
    bot.freeze(FreezeKind.GENERAL_ELECTION, D(2026, 3, 1), D(2026, 3, 12), reason="GE")
    bot.dispatcher.tick()
    states = {d.key: (d.state, d.audience) for d in bot.ledger.deliveries()}
    public = {k for k, (_, audience) in states.items() if audience == "public"}
    internal = {k for k, (_, audience) in states.items() if audience == "internal"}
    assert ANNOUNCE_KEY in public and any("post-blog" in k for k in public)
    assert any("book-room" in k for k in internal) and any("lead-0" in k for k in internal)
    assert {states[k][0] for k in public} == {DeliveryState.HELD}
    assert {states[k][0] for k in internal} == {DeliveryState.SENT}
    assert set(webhook.keys()) == internal

    other = bot_factory([campaign("pride")], name="other.db")
    other.freeze(FreezeKind.ORGANISATION, IWD, IWD, Restriction.EVERYTHING, "Major incident")
    other.dispatcher.tick()
    assert {d.state for d in other.ledger.deliveries()} == {DeliveryState.HELD}
    assert set(webhook.keys()) == internal  # nothing more arrived


def test_a_freeze_recorded_now_holds_already_due_messages_on_the_next_tick(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """The announcement failed once (503) and waits to retry; national mourning is declared;
    the retry, already due, is held instead of sent, and its failed attempt still counts."""
    webhook.queue(Reply(503, b"busy"))
    bot = bot_factory([announcing()])
    bot.dispatcher.tick()
    waiting = bot.row()
    assert (waiting.state, waiting.attempts) == (DeliveryState.RETRY_WAIT, 1)
    bot.freeze()
    bot.clock.advance(minutes=10)
    assert bot.dispatcher.tick().held == 1
    held = bot.row()
    assert (held.state, held.attempts) == (DeliveryState.HELD, 1)
    assert len(webhook.requests) == 1


def _burst(count: int) -> list[CampaignInstance]:
    return [announcing(f"c{n:02d}") for n in range(count)]


def _freeze_after(webhook: WebhookReceiver, posts: int, declare: Any) -> threading.Event:
    """Record the freeze from inside the webhook as the `posts`th request arrives (before it
    is answered): it lands in the middle of the burst."""
    declared = threading.Event()
    lock = threading.Lock()

    def rule(captured: Captured) -> Reply | None:
        with lock:
            if len(webhook.requests) >= posts and not declared.is_set():
                declare()
                declared.set()
        return Reply(delay=0.02)

    webhook.rule = rule
    return declared


def test_a_freeze_added_mid_burst_holds_the_rest_of_it(
    bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """40 announcements due at once; mourning is declared as the 5th arrives: what had not
    started is held, at most the sends already under way arrive, and ending the freeze sends
    each held one exactly once."""
    bot = bot_factory(_burst(40))
    declared = _freeze_after(webhook, 5, bot.freeze)
    bot.dispatcher.tick()
    assert declared.is_set()
    before = len(webhook.requests)
    # Up to 8 sends of the lane may have passed the check before the freeze was recorded.
    assert 5 <= before <= 5 + 8, before
    states = Counter(d.state for d in bot.ledger.deliveries())
    assert states == {DeliveryState.SENT: before, DeliveryState.HELD: 40 - before}

    webhook.rule = None
    bot.book.end(bot.book.all()[0].id, by="comms")
    assert len(bot.book.release_held().released) == 40 - before
    bot.dispatcher.tick()
    bot.dispatcher.tick()
    counts = Counter(webhook.keys())
    assert len(counts) == 40 and set(counts.values()) == {1}


@pytest.mark.postgres
def test_two_workers_on_postgresql_hold_the_rest_of_a_burst_and_send_each_once(
    postgres_url: str, bot_factory: Any, webhook: WebhookReceiver
) -> None:
    """Two workers (each its own connection pool) tick at once over 60 announcements; the
    freeze recorded mid-burst holds the rest on both; after `freeze end` both tick again and
    every announcement has arrived exactly once."""
    first = bot_factory(_burst(60), url=postgres_url)
    second = bot_factory(_burst(60), url=postgres_url)
    first.dispatcher.plan()  # one plans; then both send
    declared = _freeze_after(webhook, 6, first.freeze)

    def both() -> list[Any]:
        summaries: list[Any] = []
        threads = [
            threading.Thread(target=lambda b=b: summaries.append(b.dispatcher.tick()))
            for b in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
            assert not thread.is_alive()
        return summaries

    summaries = both()
    assert declared.is_set()
    before = len(webhook.requests)
    assert len(summaries) == 2
    assert sum(s.sent for s in summaries) == before
    assert sum(s.held for s in summaries) == 60 - before
    assert 6 <= before <= 6 + 2 * 8, before
    states = Counter(d.state for d in first.ledger.deliveries())
    assert states == {DeliveryState.SENT: before, DeliveryState.HELD: 60 - before}
    assert len(set(webhook.keys())) == before  # no key twice

    webhook.rule = None
    ended = second.book.all()[0]
    second.book.end(ended.id, by="comms")
    # Both workers' planning passes and `freeze end` race to release: each row goes once.
    freed = [first.book.release_held(), second.book.release_held()]
    assert sum(len(f.released) for f in freed) == 60 - before
    both()
    both()
    counts = Counter(webhook.keys())
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert Counter(d.state for d in first.ledger.deliveries()) == {DeliveryState.SENT: 60}


def test_rows_planned_before_freezes_existed_go_by_their_kind(bot_factory: Any) -> None:
    """A ledger row with no audience (planned by an older release): an announcement is public,
    a digest or lead-time reminder internal."""
    bot = bot_factory([announcing()])
    bot.dispatcher.plan()
    from dataclasses import replace

    row = replace(bot.row(), audience=None)
    assert delivery_audience(row) is Audience.PUBLIC
    assert delivery_audience(replace(row, kind="digest")) is Audience.INTERNAL
    assert delivery_audience(replace(row, kind="lead-time")) is Audience.INTERNAL
    assert delivery_audience(replace(row, kind="no-such-kind")) is Audience.PUBLIC


def test_the_digest_says_which_freeze_is_in_force_and_until_when() -> None:
    """In force (until its last day, or until ended) first, then those starting in the
    fortnight; cancelled ones never."""
    election = Freeze(
        1, FreezeKind.GENERAL_ELECTION, D(2024, 5, 25), D(2024, 7, 4), "General election 2024"
    )
    mourning = Freeze(
        2,
        FreezeKind.MOURNING,
        D(2024, 6, 5),
        None,
        "National mourning",
        restricts=Restriction.STAFF,
    )
    cancelled = Freeze(3, FreezeKind.ORGANISATION, D(2024, 6, 4), D(2024, 6, 3), "Mistake")
    message = digest_message(
        PlannerInput((), (), freezes=(election, mourning, cancelled)), D(2024, 6, 3), 14
    )
    lines = message.body.splitlines()
    assert lines[0] == (
        "Communication freeze in force: General election pre-election period: General "
        "election 2024, until Thu 4 Jul 2024. It holds back public announcements and social "
        "posts: hold or move what falls inside it."
    )
    assert lines[1] == (
        "Communication freeze from Wed 5 Jun 2024: Period of national mourning: National "
        "mourning (from Wed 5 Jun 2024 until it is ended); it holds back public and staff "
        "announcements."
    )
    assert "Mistake" not in message.body
    assert lines[-1] == "Nothing in the calendar for the next two weeks."
    plain = digest_message(PlannerInput((), (), ()), D(2024, 6, 3), 14)
    assert plain.body == "Nothing in the calendar for the next two weeks."


def test_release_sweeps_leave_rows_still_held_by_another_freeze(bot_factory: Any) -> None:
    """Two overlapping freezes: the earlier-starting one is named; ending it leaves the
    announcement held by the other."""
    bot = bot_factory([announcing()])
    bot.freeze(reason="National mourning")
    election = bot.freeze(FreezeKind.GENERAL_ELECTION, D(2026, 3, 1), D(2026, 3, 12), reason="GE")
    bot.dispatcher.tick()
    assert bot.row().held_by == election.id
    bot.book.end(election.id, by="comms")
    freed = release_held(bot.ledger, FreezeGate(bot.book.all, LONDON), bot.clock())
    assert (freed.released, freed.expired) == ([], [])
    assert bot.row().state is DeliveryState.HELD

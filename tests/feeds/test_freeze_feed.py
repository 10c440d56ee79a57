"""`freezes.ics`: the public freezes as a feed every independent parser reads the same way.

UIDs stay with a freeze when it is ended early (SEQUENCE rises, the end moves), a freeze
cancelled before it began is published as STATUS:CANCELLED, private freezes stay out, and an
open-ended one runs to a week after today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.calendar.freezes import FreezeKind
from edicalendar.context import AppContext
from edicalendar.feeds.freeze_feed import build_freeze_feed
from edicalendar.reminders.freeze_book import FreezeRequest
from support.clock import Clock, utc
from support.ical_readers import Seen

D = dt.date
#: Tuesday 1 March 2022, a week before the window's events begin.
NOW = utc(2022, 3, 1, 10)


@pytest.fixture
def ctx(make_context: Callable[..., AppContext], clock: Clock) -> AppContext:
    clock.set(NOW)
    return make_context()


def _feed(ctx: AppContext) -> bytes:
    return build_freeze_feed(
        ctx.freezes().all(),
        ctx.loaded.settings,
        now=ctx.now(),
        today=ctx.today(),
        database=ctx.database,
    )


def _record(ctx: AppContext) -> None:
    book = ctx.freezes()
    book.add(
        FreezeRequest(
            FreezeKind.DEVOLVED_ELECTION,
            "Northern Ireland Assembly election",
            polling_day=D(2022, 5, 5),
            area="northern-ireland",
        ),
        by=None,
    )
    book.add(
        FreezeRequest(FreezeKind.LOCAL_ELECTION, "Local elections", polling_day=D(2022, 5, 5)),
        by=None,
    )
    book.add(
        FreezeRequest(FreezeKind.ORGANISATION, "Inspection report embargo", D(2022, 3, 14)),
        by=None,
    )


@pytest.mark.parametrize("parser", ["icalendar", "vobject", "ics", "ical", "recurring-ical-events"])
def test_every_parser_reads_the_public_freezes(
    ctx: AppContext, readers: dict[str, Callable[[bytes], list[Seen]]], parser: str
) -> None:
    _record(ctx)
    seen = sorted((s.summary, s.start, s.end, s.all_day) for s in readers[parser](_feed(ctx)))
    # Exclusive ends: the NI Assembly was dissolved on 28 March 2022 (NICVA); NHS England's
    # latest local start was 28 March 2022 too. The organisation's embargo is private.
    assert seen == [
        ("Freeze: Local elections", D(2022, 3, 28), D(2022, 5, 6), True),
        ("Freeze: Northern Ireland Assembly election", D(2022, 3, 28), D(2022, 5, 6), True),
    ]


def test_ical_js_reads_the_freezes_feed(
    ctx: AppContext, icaljs: Callable[[list[Path]], dict[Path, list[Seen]]], tmp_path: Path
) -> None:
    _record(ctx)
    path = tmp_path / "freezes.ics"
    path.write_bytes(_feed(ctx))
    assert sorted(s.summary for s in icaljs([path])[path]) == [
        "Freeze: Local elections",
        "Freeze: Northern Ireland Assembly election",
    ]


def test_an_early_end_updates_the_same_event_and_a_cancellation_is_published(
    ctx: AppContext, clock: Clock, tmp_path: Path
) -> None:
    import vobject

    book = ctx.freezes()
    mourning = book.add(
        FreezeRequest(FreezeKind.MOURNING, "Death of Queen Elizabeth II", D(2022, 9, 9)),
        by=None,
    )
    future = book.add(
        FreezeRequest(FreezeKind.LOCAL_ELECTION, "Local elections", polling_day=D(2023, 5, 4)),
        by=None,
    )
    clock.set(utc(2022, 9, 12, 9))
    first = {e.uid.value: e for e in vobject.readOne(_feed(ctx).decode()).vevent_list}
    open_ended = next(e for e in first.values() if "Elizabeth" in e.summary.value)
    assert open_ended.summary.value.endswith("(until further notice)")
    assert open_ended.dtend.value == D(2022, 9, 20)  # a week after today, exclusive
    clock.set(utc(2022, 9, 20, 7))  # 08:00 BST on the day of the state funeral... ended
    book.end(mourning.id, by=None)
    book.end(future.id, by=None)  # recorded by mistake: cancelled before it began
    clock.set(utc(2022, 9, 20, 8))
    second = {e.uid.value: e for e in vobject.readOne(_feed(ctx).decode()).vevent_list}
    assert set(second) == set(first)
    ended = second[open_ended.uid.value]
    assert ended.dtend.value == D(2022, 9, 20)  # 9 to 19 September inclusive
    assert "until further notice" not in ended.summary.value
    assert int(ended.sequence.value) == int(open_ended.sequence.value) + 1
    cancelled = next(e for e in second.values() if e.uid.value != open_ended.uid.value)
    assert cancelled.status.value == "CANCELLED"
    # Built again with nothing changed: the same bytes.
    assert _feed(ctx) == _feed(ctx)


def test_the_feed_passes_the_validator_rules(ctx: AppContext) -> None:
    """CRLF, folded lines, no BOM, no VALARM, TRANSPARENT, the calendar's name."""
    _record(ctx)
    body = _feed(ctx)
    assert not body.startswith(b"\xef\xbb\xbf")
    lines = body.split(b"\r\n")
    assert all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert b"X-WR-CALNAME:edicalendar: communication freezes" in body
    assert b"VALARM" not in body and body.count(b"TRANSP:TRANSPARENT") == 2

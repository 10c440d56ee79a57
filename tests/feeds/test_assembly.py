"""Feeds are assembled from events serialised once: the bytes equal icalendar's own whole-
calendar serialisation, and no event is written twice however many feeds carry it."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar.prop import vText

from edicalendar.feeds import ical
from edicalendar.feeds.events import TrackedEvent
from edicalendar.feeds.options import PLAIN, FeedOptions


def _straight(title: str, description: str, tracked: list[TrackedEvent], settings) -> bytes:
    """The whole VCALENDAR built as one icalendar object and serialised in one call (how feeds
    were rendered before events were cached)."""
    feeds = settings.feeds
    calendar = Calendar()
    calendar.add("prodid", f"-//{feeds.organisation}//edicalendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", vText(title))
    calendar.add("x-wr-calname", vText(title))
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", vText(description))
    calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", feeds.refresh)
    for item in sorted(tracked, key=lambda t: (t.event.start, t.event.end, t.event.summary)):
        calendar.add_component(ical._vevent(item))
    body: bytes = calendar.to_ical(sorted=False)
    return body


def test_assembled_feed_equals_one_icalendar_serialisation(make_context, window) -> None:
    """The 'all' feed built from cached VEVENT bytes is byte-identical to serialising the whole
    calendar with icalendar in one go (title with escaped punctuation included)."""
    ctx = make_context()
    publisher = ctx.feeds()
    from edicalendar.feeds.build import _Builder
    from edicalendar.feeds.tracking import FeedState

    builder = _Builder(
        ctx.catalog,
        ctx.loaded.settings,
        *window,
        ctx.now(),
        FeedState(ctx.database, cache=True),
        publisher.vevents,
    )
    spec = publisher.find("all")
    tracked = builder.tracked(spec.filters)
    title = "EDI calendar, North; West"
    assembled = ical.render_tracked(title, spec.description, tracked, ctx.loaded.settings)
    assert assembled == _straight(title, spec.description, tracked, ctx.loaded.settings)


def test_each_event_is_serialised_once_for_every_feed(make_context, window, monkeypatch) -> None:
    """Building all 14 default feeds writes each distinct event once; building them again on
    unchanged data writes none."""
    calls: list[str] = []
    real = ical.vevent_bytes

    def counting(tracked: TrackedEvent, options: FeedOptions = PLAIN) -> bytes:
        calls.append(tracked.event.uid)
        return real(tracked, options)

    monkeypatch.setattr(ical, "vevent_bytes", counting)
    ctx = make_context()
    publisher = ctx.feeds()
    first = publisher.build(None, *window).bodies
    carried = sum(body.count(b"BEGIN:VEVENT") for body in first.values())
    assert carried > len(calls)  # several feeds carry the same events
    assert sorted(calls) == sorted(set(calls))
    assert len(calls) == first["all"].count(b"BEGIN:VEVENT")
    again = publisher.build(None, *window).bodies
    assert again == first
    assert len(calls) == first["all"].count(b"BEGIN:VEVENT")


def test_the_cache_forgets_events_no_build_uses(make_context, window) -> None:
    """After `retain_used`, only the events of the latest build stay cached."""
    ctx = make_context()
    publisher = ctx.feeds()
    publisher.build(None, *window)
    publisher.vevents.retain_used()
    wide = len(publisher.vevents)
    start, end = window
    narrow = publisher.build([publisher.find("faith")], start, end).bodies["faith"]
    publisher.vevents.retain_used()
    assert len(publisher.vevents) == narrow.count(b"BEGIN:VEVENT") < wide

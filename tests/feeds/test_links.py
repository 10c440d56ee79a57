"""Feeds and JSON publish only http(s) links, even for data that was never checked.

Calendar files are checked when they load; these are the second line: a tracked event stored
in the database, or an occurrence built by code, with a `javascript:` URL or one holding a line
break, is published without it, and the feed still parses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from edicalendar.calendar.occurrence_records import occurrence_record
from edicalendar.config import FeedSettings
from edicalendar.feeds.build import render_feed
from edicalendar.feeds.events import FeedEvent, occurrence_events
from edicalendar.model import Category, Occurrence, Status

OCCURRENCE = Occurrence(
    observance_id="pride-month", name="Pride Month", start=dt.date(2026, 6, 1),
    end=dt.date(2026, 6, 30), categories=(Category.SEXUAL_ORIENTATION,),
    status=Status.CONFIRMED, may_vary_days=0, begins_evening_before=False,
    description="Pride.", url="javascript:alert(1)", calendar="local", year=2026,
    instance="2026",
)  # fmt: skip


def test_feed_events_and_json_drop_script_links() -> None:
    [event] = occurrence_events([OCCURRENCE])
    assert event.url is None
    assert "javascript" not in event.description
    assert occurrence_record(OCCURRENCE)["url"] is None
    good = dataclasses.replace(OCCURRENCE, url="https://example.org/pride")
    assert occurrence_record(good)["url"] == "https://example.org/pride"
    assert occurrence_events([good])[0].url == "https://example.org/pride"


def test_rendered_feed_has_no_unsafe_url_line(readers) -> None:
    events = [
        FeedEvent(uid=f"u{i}", summary="Pride", description="", start=dt.date(2026, 6, 1 + i),
                  end=dt.date(2026, 6, 1 + i), url=url, categories=())
        for i, url in enumerate(["javascript:alert(1)", "https://example.org/a\r\nX-EVIL:1",
                                 "https://example.org/ok"])
    ]  # fmt: skip
    body = render_feed("T", "D", events, state=None, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                       settings=FeedSettings())  # fmt: skip
    text = body.decode()
    assert text.count("\r\nURL") == 1
    assert "URL:https://example.org/ok\r\n" in text
    assert "javascript" not in text and "X-EVIL" not in text
    for name, read in readers.items():
        assert len(read(body)) == 3, name

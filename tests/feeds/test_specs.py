"""Feed definitions, event wording and HTTP helpers: default and custom feeds, UIDs for second
occurrences in a year, DESCRIPTION text for provisional/estimated/evening dates, ETag and
Last-Modified, and the 1 MB warning."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from edicalendar.config import FeedSettings
from edicalendar.errors import ConfigError, UnknownFeedError
from edicalendar.feeds.build import render_feed
from edicalendar.feeds.events import FeedEvent, TrackedEvent, occurrence_events
from edicalendar.feeds.ical import etag, last_modified
from edicalendar.feeds.specs import default_feeds
from edicalendar.model import Category, Occurrence, Status
from support.feeds import build_feed

NAMESPACE = uuid.UUID("1bd9339c-1492-5693-9773-9c22de5e977c")


def _occurrence(**changes: object) -> Occurrence:
    base: dict[str, object] = {
        "observance_id": "eid-al-adha",
        "name": "Eid al-Adha",
        "start": dt.date(2030, 4, 13),
        "end": dt.date(2030, 4, 13),
        "categories": (Category.RELIGION_BELIEF,),
        "status": Status.CONFIRMED,
        "may_vary_days": 0,
        "begins_evening_before": False,
        "description": "Festival of Sacrifice.",
        "url": None,
        "calendar": "islamic",
        "year": 2030,
        "instance": "2030",
    }
    base.update(changes)
    return Occurrence(**base)  # type: ignore[arg-type]


def test_second_occurrence_in_a_year_has_its_own_stable_uid() -> None:
    """UIDs are UUIDv5 of "id:instance", so "2030" and "2030-2" differ and never change."""
    first, second = occurrence_events(
        [
            _occurrence(),
            _occurrence(start=dt.date(2030, 12, 25), end=dt.date(2030, 12, 25), instance="2030-2"),
        ]
    )
    assert first.uid == str(uuid.uuid5(NAMESPACE, "eid-al-adha:2030")).upper()
    assert second.uid == str(uuid.uuid5(NAMESPACE, "eid-al-adha:2030-2")).upper()
    assert first.uid != second.uid


def test_description_explains_estimated_provisional_and_evening_start() -> None:
    """DESCRIPTION says what the date status means, that it starts the evening before, the
    theme and the link; such dates are published as TENTATIVE."""
    (estimated,) = occurrence_events(
        [
            _occurrence(
                status=Status.ESTIMATED,
                may_vary_days=2,
                begins_evening_before=True,
                theme="Sharing",
                url="https://example.org/eid",
            )
        ]
    )
    assert estimated.status == "TENTATIVE"
    # The caveats come first: clients that show one line of a description show them.
    assert estimated.description.startswith(
        "Estimated date, ±2 days; begins the evening before (at sunset).\n\nFestival of Sacrifice."
    )
    assert "it may move by ±2 days" in estimated.description
    assert "Theme for 2030: Sharing" in estimated.description
    assert estimated.description.endswith("More information: https://example.org/eid")
    (provisional,) = occurrence_events([_occurrence(status=Status.PROVISIONAL)])
    assert provisional.status == "TENTATIVE"
    assert provisional.description.startswith("Provisional date.\n\n")
    assert "The organiser has not yet announced the 2030 dates" in provisional.description
    (eve,) = occurrence_events([_occurrence(begins_evening_before=True)])
    assert eve.description.startswith("Begins the evening before (at sunset).\n\n")
    (confirmed,) = occurrence_events([_occurrence()])
    assert confirmed.status == "CONFIRMED"
    assert confirmed.description == "Festival of Sacrifice."
    assert confirmed.categories == ("Religion or belief",)


def test_feed_event_rejects_end_before_start_and_unknown_status() -> None:
    """A FeedEvent cannot end before it starts or carry a status clients do not know."""
    with pytest.raises(ValueError, match="before start"):
        FeedEvent("U", "S", "", dt.date(2026, 1, 2), dt.date(2026, 1, 1), None, ())
    with pytest.raises(ValueError, match="status"):
        FeedEvent("U", "S", "", dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, (), "DONE")


def test_content_hash_covers_published_fields_only() -> None:
    """The content hash changes with any published field and ignores the origin."""
    event = FeedEvent("U", "S", "D", dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, ("A",))
    assert FeedEvent.from_json(event.to_json()) == event
    assert (
        event.content_hash()
        != FeedEvent(
            "U", "S", "D", dt.date(2026, 1, 1), dt.date(2026, 1, 2), None, ("A",)
        ).content_hash()
    )
    assert (
        event.content_hash()
        != FeedEvent(
            "U", "S", "D", dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, ("B",)
        ).content_hash()
    )


def test_default_feeds_and_custom_feeds(make_context) -> None:
    """Config adds feeds by include/exclude lists; they render with their own filters."""
    ctx = make_context(
        """
[[feeds.custom]]
name = "wellbeing-and-faith"
title = "Wellbeing and faith"
categories = ["health_wellbeing", "religion_belief"]
exclude_observances = ["passover"]
"""
    )
    names = [s.name for s in ctx.feeds().specs()]
    assert names[-1] == "wellbeing-and-faith" and names[0] == "all" and len(names) == 15
    body = build_feed(ctx, "wellbeing-and-faith", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert b"SUMMARY:Mental Health Awareness Week" in body
    assert b"Eid al-Fitr" in body
    assert b"Passover" not in body
    assert b"NAME:Wellbeing and faith" in body


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ('name = "faith"\ntitle = "Mine"', "feeds.custom.0.name: name already used"),
        ('name = "x"\ntitle = "X"\ncalendars = ["nope"]', "unknown calendar 'nope'"),
        ('name = "x"\ntitle = "X"\nobservances = ["nope"]', "unknown observance id 'nope'"),
    ],
)
def test_bad_custom_feed_is_a_config_error(make_context, definition: str, message: str) -> None:
    """A custom feed clashing with a default name or naming unknown data is reported."""
    ctx = make_context(f"\n[[feeds.custom]]\n{definition}\n")
    with pytest.raises(ConfigError, match=message):
        default_feeds(ctx.catalog, ctx.loaded.settings)


def test_unknown_feed_name(make_context) -> None:
    """Asking for a feed that does not exist names the feeds that do."""
    with pytest.raises(UnknownFeedError, match="no feed named 'nope'; feeds are: all, age"):
        build_feed(make_context(), "nope")


def test_etag_and_last_modified(make_context, window, clock) -> None:
    """ETag is strong and follows the bytes; Last-Modified is the newest change, not now."""
    body = build_feed(make_context(), "all", *window)
    assert etag(body) == etag(bytes(body))
    assert etag(body).startswith('"') and not etag(body).startswith("W/")
    assert etag(body) != etag(body + b" ")
    assert last_modified(body) == clock.moment
    clock.advance(days=3)
    assert last_modified(build_feed(make_context(), "all", *window)) == dt.datetime(
        2026, 1, 15, 9, 30, tzinfo=dt.UTC
    )
    stamp = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    event = FeedEvent("U", "S", "", dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, ())
    assert last_modified([TrackedEvent(event, 2, stamp), TrackedEvent(event)]) == stamp
    assert last_modified(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") is None


def test_feed_over_one_megabyte_warns() -> None:
    """A feed past Google's 1 MB limit is still rendered, with a warning for the caller."""
    from edicalendar.feeds.ical import size_warning

    events = [
        FeedEvent(
            f"U{i}", f"Day {i}", "x" * 2000, dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, ()
        )
        for i in range(520)
    ]
    body = render_feed(
        "Big",
        "",
        events,
        state=None,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        settings=FeedSettings(),
    )
    assert len(body) > 1_000_000
    warning = size_warning("Big", body)
    assert warning is not None and "over the 1 MB Google Calendar limit" in warning
    small = render_feed(
        "Small",
        "",
        events[:5],
        state=None,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        settings=FeedSettings(),
    )
    assert len(small) < 20_000
    assert size_warning("Small", small) is None


def test_refresh_setting_becomes_both_refresh_hints(make_context, window) -> None:
    """feeds.refresh is written as REFRESH-INTERVAL;VALUE=DURATION and X-PUBLISHED-TTL."""
    ctx = make_context('[feeds]\nrefresh = "PT12H"\norganisation = "NHS Example Trust"\n')
    body = build_feed(ctx, "all", *window)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\nX-PUBLISHED-TTL:PT12H\r\n" in body
    assert b"\r\nPRODID:-//NHS Example Trust//edicalendar//EN\r\n" in body


def test_body_last_modified_moves_when_an_event_leaves(make_context, window, clock) -> None:
    """Last-Modified for HTTP is when the body first looked like this, even after a removal."""
    from edicalendar.feeds.tracking import first_published

    def body_last_modified(ctx, name, body):
        return first_published(ctx.database, name, body, ctx.now())

    start, end = window
    ctx = make_context()
    body = build_feed(ctx, "all", start, end)
    first = clock.moment
    clock.advance(days=1)
    assert body_last_modified(ctx, "all", body) == clock.moment
    clock.advance(days=1)
    assert body_last_modified(make_context(), "all", build_feed(ctx, "all", start, end)) == (
        first + dt.timedelta(days=1)
    )
    clock.advance(days=1)
    shorter = build_feed(make_context(), "all", start.replace(month=3), end)  # LGBT+ month left
    assert last_modified(shorter) == first  # event stamps alone would not move
    assert body_last_modified(make_context(), "all", shorter) == clock.moment

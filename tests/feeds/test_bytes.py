"""Byte-level rules every feed obeys: CRLF, 75-octet folds that never split UTF-8, no BOM, and
TEXT escaping of backslash, semicolon, comma and newline (RFC 5545 3.1, 3.3.11)."""

from __future__ import annotations

import datetime as dt

import pytest

from edicalendar.config import FeedSettings
from edicalendar.feeds.build import render_feed
from edicalendar.feeds.events import FeedEvent
from support.feeds import build_all

AWKWARD = [
    "Dydd Gŵyl Dewi, St David's Day; Cymru am byth",
    "Eid al-Fitr عيد الفطر; عيد مبارك, with friends",
    "Rosh Hashanah ראש השנה, שנה טובה; new year",
    "Pride 🏳️‍🌈🏳️‍⚧️👩🏽‍🤝‍👩🏻 month, celebrate; together",
    "Back\\slash, path C:\\Users\\me; done",
]


def _unfold(body: bytes) -> list[str]:
    return body.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")


def _awkward_feed() -> bytes:
    events = [
        FeedEvent(
            uid=f"UID-{i}",
            summary=text,
            description=f"{text}\nSecond line: {text * 3}",
            start=dt.date(2026, 3, 1 + i),
            end=dt.date(2026, 3, 1 + i),
            url="https://example.org/a,b;c",
            categories=("Race, religion", "Faith; belief"),
        )
        for i, text in enumerate(AWKWARD)
    ]
    return render_feed(
        "Test; feed, awkward",
        "Line one\nline two",
        events,
        state=None,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        settings=FeedSettings(),
    )


@pytest.fixture
def bodies(make_context, window) -> list[bytes]:
    """Every default fixture feed plus a feed of awkward text."""
    return [*build_all(make_context(), *window).values(), _awkward_feed()]


def test_every_line_ends_in_crlf(bodies: list[bytes]) -> None:
    """Every content line, including the last, ends in CRLF; no bare LF or CR anywhere."""
    for body in bodies:
        assert body.endswith(b"END:VCALENDAR\r\n")
        assert body.count(b"\n") == body.count(b"\r\n") == body.count(b"\r")


def test_no_byte_order_mark_and_valid_utf8(bodies: list[bytes]) -> None:
    """Feeds are UTF-8 without a byte-order mark."""
    for body in bodies:
        assert not body.startswith(b"\xef\xbb\xbf")
        assert body.startswith(b"BEGIN:VCALENDAR\r\n")
        body.decode("utf-8")


def test_lines_fold_at_75_octets_between_characters(bodies: list[bytes]) -> None:
    """No physical line passes 75 octets and each one decodes alone (no split UTF-8 character)."""
    folded = 0
    for body in bodies:
        for line in body.split(b"\r\n"):
            assert len(line) <= 75, line
            line.decode("utf-8")  # raises if a fold cut a multi-byte character
            folded += line.startswith(b" ")
    assert folded > 20  # the awkward text really was folded


def test_text_is_escaped(bodies: list[bytes]) -> None:
    """Backslash, semicolon, comma and newline are escaped in TEXT; colons and URIs are not."""
    lines = _unfold(bodies[-1])
    assert "SUMMARY:Dydd Gŵyl Dewi\\, St David's Day\\; Cymru am byth" in lines
    assert "SUMMARY:Eid al-Fitr عيد الفطر\\; عيد مبارك\\, with friends" in lines
    assert "SUMMARY:Rosh Hashanah ראש השנה\\, שנה טובה\\; new year" in lines
    assert "SUMMARY:Back\\\\slash\\, path C:\\\\Users\\\\me\\; done" in lines
    assert "NAME:Test\\; feed\\, awkward" in lines
    assert "X-WR-CALNAME:Test\\; feed\\, awkward" in lines
    assert "DESCRIPTION:Line one\\nline two" in lines
    assert "CATEGORIES:Race\\, religion,Faith\\; belief" in lines
    assert "URL:https://example.org/a,b;c" in lines
    assert any(
        line.startswith(
            "DESCRIPTION:Pride 🏳️‍🌈🏳️‍⚧️👩🏽‍🤝‍👩🏻 month\\, celebrate\\; together\\nSecond line: "
        )
        for line in lines
    )


def test_awkward_text_round_trips_through_ical_js(tmp_path, icaljs) -> None:
    """Mozilla ical.js reads back exactly the awkward summaries that went in."""
    path = tmp_path / "awkward.ics"
    path.write_bytes(_awkward_feed())
    seen = icaljs([path])[path]
    assert [s.summary for s in seen] == AWKWARD


def test_awkward_text_round_trips_through_python_parsers(readers) -> None:
    """Every Python parser reads back exactly the awkward summaries that went in."""
    body = _awkward_feed()
    for name, read in readers.items():
        summaries = sorted(s.summary for s in read(body))
        assert summaries == sorted(AWKWARD), name


def test_no_alarms_timezones_or_organizer(bodies: list[bytes]) -> None:
    """Feeds carry no VALARM, no X-WR-TIMEZONE, no TZID and no ORGANIZER (interop C3, C7, C8)."""
    for body in bodies:
        for forbidden in (b"VALARM", b"X-WR-TIMEZONE", b"TZID", b"ORGANIZER", b"RRULE"):
            assert forbidden not in body

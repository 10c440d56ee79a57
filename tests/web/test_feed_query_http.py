"""Feed addresses with a query over HTTP: narrowing, options, 400s, caching and 304s."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar

UID = re.compile(rb"^UID:(.+)\r$", re.M)


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def _uids(body: bytes) -> set[bytes]:
    return set(UID.findall(body))


def test_two_categories_give_their_union_with_the_same_uids(client: TestClient) -> None:
    """race + religion_belief carries exactly the events of the two category feeds together,
    with the UIDs those feeds publish."""
    race = client.get("/feeds/race.ics").content
    faith = client.get("/feeds/religion-belief.ics").content
    both = client.get("/feeds/all.ics?category=race&category=religion_belief")
    assert both.status_code == 200
    assert _uids(both.content) == _uids(race) | _uids(faith)
    assert _uids(race) and _uids(faith)
    assert b"X-WR-CALNAME:EDI calendar: Race\\, Religion or belief" in both.content


def test_hyphen_and_underscore_spellings_are_one_feed(client: TestClient) -> None:
    """`religion-belief` and `religion_belief`, in any order, give identical bytes and ETag."""
    one = client.get("/feeds/all.ics?category=religion-belief&category=race")
    two = client.get("/feeds/all.ics?category=race&category=religion_belief")
    assert one.status_code == two.status_code == 200
    assert one.content == two.content
    assert one.headers["etag"] == two.headers["etag"]


def test_query_feed_revalidates_with_304(client: TestClient) -> None:
    """A query feed has a strong ETag and answers If-None-Match with 304, like a plain one."""
    url = "/feeds/all.ics?category=race&eves=events"
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    plain = client.get("/feeds/all.ics")
    assert plain.headers["etag"] != first.headers["etag"]


def test_unknown_parameters_and_values_are_refused(client: TestClient) -> None:
    """Nothing is silently ignored: each mistake is a 400 naming the parameter and value."""
    cases = {
        "category=nonsense": ("category", "nonsense"),
        "colour=blue": ("colour", "feed parameter"),
        "eves=sometimes": ("eves", "sometimes"),
        "busy=maybe": ("busy", "maybe"),
        "alarm=-1": ("alarm", "-1"),
        "alarm=29": ("alarm", "29"),
        "kind=festive": ("kind", "festive"),
        "tradition=klingon": ("tradition", "klingon"),
        "busy=1&busy=0": ("busy", "once"),
    }
    for query, words in cases.items():
        response = client.get(f"/feeds/all.ics?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html")
        for word in words:
            assert word in response.text, (query, word)


def test_unknown_feed_with_a_query_is_still_404(client: TestClient) -> None:
    assert client.get("/feeds/nothing.ics?category=race").status_code == 404


def test_awareness_and_faith_kinds_split_the_calendar(client: TestClient) -> None:
    """kind=awareness and kind=faith partition everything; they match the named feeds."""
    every = _uids(client.get("/feeds/all.ics").content)
    awareness = _uids(client.get("/feeds/all.ics?kind=awareness").content)
    faith = _uids(client.get("/feeds/all.ics?kind=faith").content)
    assert awareness and faith
    assert awareness | faith == every
    assert not awareness & faith
    assert awareness == _uids(client.get("/feeds/awareness.ics").content)
    assert faith == _uids(client.get("/feeds/faith.ics").content)


def test_busy_marks_only_rest_days_and_never_by_default(client: TestClient) -> None:
    """busy=1 makes days of rest from work OPAQUE / OOF; every other event stays free, and the
    plain feed has no busy event at all."""
    plain = client.get("/feeds/all.ics").content
    assert b"TRANSP:OPAQUE" not in plain
    busy = client.get("/feeds/all.ics?busy=1").content
    opaque = [e for e in _events(busy) if str(e.get("TRANSP")) == "OPAQUE"]
    assert opaque, "the test calendar has days of rest from work"
    for event in opaque:
        assert str(event.get("X-MICROSOFT-CDO-BUSYSTATUS")) == "OOF"
    free = [e for e in _events(busy) if str(e.get("TRANSP")) == "TRANSPARENT"]
    assert all(str(e.get("X-MICROSOFT-CDO-BUSYSTATUS")) == "FREE" for e in free)
    assert len(opaque) + len(free) == len(_events(plain))


def test_alarm_and_expected_titles(client: TestClient) -> None:
    """alarm=2 adds one display alarm per event; expected=1 says how sure the date is in
    tentative titles only, in the words of the Status column."""
    body = client.get("/feeds/all.ics?alarm=2&expected=1").content
    events = _events(body)
    assert all(len(e.subcomponents) == 1 for e in events if str(e.get("STATUS")) != "CANCELLED")
    for event in events:
        title = str(event.get("SUMMARY"))
        marked = title.endswith((" (provisional)", " (estimated)")) or " (estimated ±" in title
        assert marked == (str(event.get("STATUS")) == "TENTATIVE"), title
    assert b"BEGIN:VALARM" not in client.get("/feeds/all.ics").content


def test_eves_add_an_event_before_each_sunset_festival(client: TestClient) -> None:
    """eves=events adds one "begins at sunset" event the day before each festival that begins
    the evening before; eves=start moves those festivals' start instead, same UIDs."""
    plain = _events(client.get("/feeds/all.ics").content)
    eves = _events(client.get("/feeds/all.ics?eves=events").content)
    sunset = [e for e in eves if str(e.get("SUMMARY")).endswith(" begins at sunset")]
    assert sunset
    assert len(eves) == len(plain) + len(sunset)
    starts = {(str(e.get("SUMMARY")), e.decoded("DTSTART")) for e in plain}
    for eve in sunset:
        name = str(eve.get("SUMMARY")).removesuffix(" begins at sunset")
        assert (name, eve.decoded("DTSTART") + dt.timedelta(days=1)) in starts, name
        assert str(eve.get("TRANSP")) == "TRANSPARENT"
    start = {str(e.get("UID")): e for e in _events(client.get("/feeds/all.ics?eves=start").content)}
    assert set(start) == {str(e.get("UID")) for e in plain}
    moved = [
        e
        for e in plain
        if (e.decoded("DTSTART") - start[str(e.get("UID"))].decoded("DTSTART")).days == 1
    ]
    assert len(moved) == len(sunset)
    # Their first line no longer says "begins the evening before": the event now starts then.
    for event in moved:
        said = str(start[str(event.get("UID"))].get("DESCRIPTION")).split("\n\n")[0]
        assert "begins the evening before" not in said.lower(), said
        assert said.lower().endswith("begins at sunset on the first day shown."), said
        assert "begins the evening before" in str(event.get("DESCRIPTION")).split("\n\n")[0].lower()

"""Feeds over HTTP: headers, validators, 304 revalidation, HEAD, 404s and path traversal."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from support.net import LOCAL_BASE_URL

ETAG = re.compile(r'^"[0-9a-f]{16,64}"$')


def _feed_names(client: TestClient) -> list[str]:
    app: Any = client.app
    return sorted(app.state.live.snapshot.feeds)


def test_every_feed_is_served_as_text_calendar_with_validators(client: TestClient) -> None:
    """Each feed answers 200 with text/calendar; charset=utf-8, a strong ETag and Last-Modified."""
    names = _feed_names(client)
    assert "all" in names and len(names) >= 3
    for name in names:
        response = client.get(f"/feeds/{name}.ics", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, name
        # Spelt exactly so: Outlook and Thunderbird refuse text/plain and charset=utf8 (T6).
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert ETAG.match(response.headers["etag"]), response.headers["etag"]
        assert "public" in response.headers["cache-control"]
        assert "max-age=" in response.headers["cache-control"]
        assert "content-encoding" not in response.headers  # never gzip for Outlook (T8)
        assert int(response.headers["content-length"]) == len(response.content)
        assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
        assert "set-cookie" not in response.headers
        assert response.headers["content-disposition"].startswith("inline")
        parsedate_to_datetime(response.headers["last-modified"])


def test_etag_follows_the_content_not_the_request(client: TestClient) -> None:
    """The same bytes give the same ETag on every request; different feeds differ."""
    first = client.get("/feeds/all.ics")
    second = client.get("/feeds/all.ics")
    other = client.get("/feeds/faith.ics")
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["last-modified"] == second.headers["last-modified"]
    assert first.content != other.content
    assert first.headers["etag"] != other.headers["etag"]
    digest = hashlib.sha256(first.content).hexdigest()
    assert digest.startswith(first.headers["etag"].strip('"'))


def test_last_modified_is_when_the_content_was_published(client: TestClient) -> None:
    """Last-Modified is the injected clock's time of first publication, not each request's
    "now" (T7), and never older than any event's own LAST-MODIFIED/DTSTAMP."""
    response = client.get("/feeds/all.ics")
    stamps = re.findall(rb"^(?:LAST-MODIFIED|DTSTAMP):(\d{8}T\d{6})Z\r$", response.content, re.M)
    newest = max(dt.datetime.strptime(s.decode(), "%Y%m%dT%H%M%S") for s in stamps)
    header = parsedate_to_datetime(response.headers["last-modified"])
    assert header >= newest.replace(tzinfo=dt.UTC)
    assert header == dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)  # the fixture's clock


def test_if_none_match_gives_304_without_a_body(client: TestClient) -> None:
    """A client holding the current ETag (alone, weak-prefixed, in a list, or *) gets 304."""
    tag = client.get("/feeds/all.ics").headers["etag"]
    for header in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        response = client.get("/feeds/all.ics", headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == tag
        assert "cache-control" in response.headers
    stale = client.get("/feeds/all.ics", headers={"If-None-Match": '"0000000000000000"'})
    assert stale.status_code == 200
    assert stale.content.startswith(b"BEGIN:VCALENDAR")


def test_if_modified_since_gives_304_when_nothing_is_newer(client: TestClient) -> None:
    """If-Modified-Since at or after Last-Modified gives 304; earlier or garbage gives 200."""
    first = client.get("/feeds/all.ics")
    modified = parsedate_to_datetime(first.headers["last-modified"])
    same = client.get(
        "/feeds/all.ics", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert same.status_code == 304
    later = format_datetime(modified + dt.timedelta(days=1), usegmt=True)
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(modified - dt.timedelta(seconds=1), usegmt=True)
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": earlier}).status_code == 200
    garbage = client.get("/feeds/all.ics", headers={"If-Modified-Since": "yesterday-ish"})
    assert garbage.status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(client: TestClient) -> None:
    """A stale ETag wins over a matching date (RFC 9110 13.2.2), so the client gets the body."""
    first = client.get("/feeds/all.ics")
    response = client.get(
        "/feeds/all.ics",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]},
    )
    assert response.status_code == 200
    assert response.content == first.content


def test_head_gives_the_headers_of_get_without_the_body(client: TestClient) -> None:
    """HEAD answers 200 with the same validators and length as GET and no body."""
    get = client.get("/feeds/all.ics")
    head = client.head("/feeds/all.ics")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "last-modified", "content-type", "content-length", "cache-control"):
        assert head.headers[name] == get.headers[name]


def test_other_methods_are_refused_with_allow(client: TestClient) -> None:
    """POST, PUT and DELETE on a feed answer 405 naming the allowed methods."""
    for method in ("POST", "PUT", "DELETE"):
        response = client.request(method, "/feeds/all.ics")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"


def test_unknown_feed_is_a_404_page(client: TestClient) -> None:
    """An unknown feed name answers 404 with an HTML page, not a traceback."""
    response = client.get("/feeds/no-such-feed.ics")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert "Traceback" not in response.text


def _raw_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """Send one GET straight into the ASGI app with `path` exactly as given (no normalising)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_feed_names_cannot_traverse_paths(app: FastAPI, web_env: Any) -> None:
    """Dot segments, slashes, NULs, case tricks and other files never reach a file: all 404."""
    secret = web_env.root / "secret.ics"
    secret.write_bytes(b"BEGIN:VCALENDAR\r\nX-SECRET:leaked\r\nEND:VCALENDAR\r\n")
    (web_env.calendars / "x.ics").write_bytes(b"X-SECRET:leaked")
    for path in (
        "/feeds/../secret.ics",
        "/feeds/../../secret.ics",
        "/feeds/..%2fsecret.ics",
        "/feeds/%2e%2e/secret.ics",
        "/feeds/all.ics/../../secret.ics",
        "/feeds//etc/passwd.ics",
        "/feeds/ALL.ics",
        "/feeds/all.ics\x00",
        "/feeds/all",
        "/feeds/.ics",
        "/feeds/../calendars/x.ics",
        "/feeds/" + "a" * 200 + ".ics",
    ):
        status, body = _raw_get(app, path)
        assert status == 404, path
        assert b"leaked" not in body
        assert b"root:" not in body
    assert _raw_get(app, "/feeds/all.ics")[0] == 200


def test_feed_body_parses_with_an_independent_parser(client: TestClient) -> None:
    """The served bytes parse with the `ical` library and carry the test calendar's events."""
    from ical.calendar_stream import IcsCalendarStream

    body = client.get("/feeds/all.ics").text
    calendar = IcsCalendarStream.calendar_from_ics(body)
    summaries = {event.summary for event in calendar.events}
    assert any(s and "International Women's Day" in s for s in summaries)
    assert any(s and "Black History Month" in s for s in summaries)


def test_a_feed_that_cannot_be_prepared_is_a_503_not_a_traceback(app_factory: Any) -> None:
    """With the database gone before a feed was ever prepared, the feed answers 503 with
    Retry-After (calendar clients poll again), and other feeds' answers are unaffected."""
    from sqlalchemy import create_engine

    from edicalendar.storage.engine import Database

    app = app_factory(prepare_feeds="background")
    live = app.state.live
    # No lifespan: nothing is prepared in the background.
    client = TestClient(app, base_url=LOCAL_BASE_URL)
    ok = client.get("/feeds/all.ics")
    url = "sqlite:////proc/no-such-dir/edicalendar.db"
    broken = Database(engine=create_engine(url), url=url)
    live.base.__dict__["database"] = broken
    live.snapshot.ctx.__dict__["database"] = broken
    refused = client.get("/feeds/race.ics")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "60"
    assert "Traceback" not in refused.text
    assert client.get("/feeds/all.ics").content == ok.content

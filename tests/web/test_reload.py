"""Data files edited while serving: good edits are picked up, bad ones keep the last good data."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from fastapi.testclient import TestClient

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.net import LOCAL_BASE_URL

#: The token the `token_env` fixture sets: /healthz shows its detail to it.
AUTH = {"Authorization": "Bearer test-token-0123456789abcdef"}

NEW_OBSERVANCE = """
[[observance]]
id = "world-autism-acceptance-week"
name = "World Autism Acceptance Week"
categories = ["disability"]
rule = { kind = "fixed", month = 4, day = 2 }
duration_days = 7
description = "A week to build understanding and acceptance of autistic people."
sources = ["https://www.autism.org.uk/"]
"""


def _touch_later(path: Any) -> None:
    # Make sure the new mtime differs even on file systems with coarse timestamps.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_valid_edit_is_picked_up(client: TestClient, web_env: Any) -> None:
    """Adding an observance to a file shows it in the API and changes the feed's ETag."""
    live = client.app.state.live  # type: ignore[attr-defined]
    before = client.get("/feeds/all.ics").headers["etag"]
    assert live.reload_if_changed() is False  # nothing changed yet
    path = web_env.calendars / "test-days.toml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_OBSERVANCE, encoding="utf-8")
    _touch_later(path)
    assert live.reload_if_changed() is True
    ids = {o["id"] for o in client.get("/api/observances").json()}
    assert "world-autism-acceptance-week" in ids
    after = client.get("/feeds/all.ics")
    assert after.headers["etag"] != before
    assert b"World Autism Acceptance Week" in after.content
    assert client.get("/feeds/all.ics", headers={"If-None-Match": before}).status_code == 200


def test_an_invalid_edit_keeps_the_last_good_data(
    client: TestClient, web_env: Any, token_env: str
) -> None:
    """A broken file is refused: pages and feeds keep the old data, /healthz names the problem."""
    live = client.app.state.live  # type: ignore[attr-defined]
    etag = client.get("/feeds/all.ics").headers["etag"]
    path = web_env.calendars / "test-days.toml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("month = 10 }", "month = 13 }"), encoding="utf-8")
    _touch_later(path)
    assert live.reload_if_changed() is False
    health = client.get("/healthz", headers=AUTH)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    assert any(
        "test-days.toml" in p and "black-history-month" in p for p in body["data"]["problems"]
    )
    # Still serving the last good data.
    assert client.get("/feeds/all.ics").headers["etag"] == etag
    assert client.get("/observances/black-history-month").status_code == 200
    # The same bad edit is not retried on every poll.
    assert live.reload_if_changed() is False
    # Fixing the file recovers.
    path.write_text(good, encoding="utf-8")
    _touch_later(path)
    _touch_later(path)
    assert live.reload_if_changed() is True
    assert client.get("/healthz", headers=AUTH).json()["status"] == "ok"


def test_unparseable_toml_is_refused_too(client: TestClient, web_env: Any, token_env: str) -> None:
    """A TOML syntax error is reported with the file name and the old data served."""
    live = client.app.state.live  # type: ignore[attr-defined]
    path = web_env.calendars / "broken.toml"
    path.write_text("[[observance]\nid = ", encoding="utf-8")
    assert live.reload_if_changed() is False
    problems = client.get("/healthz", headers=AUTH).json()["data"]["problems"]
    assert any("broken.toml" in p for p in problems)
    assert len(client.get("/api/observances").json()) == 6


def test_the_watcher_reloads_while_serving(web_env: Any) -> None:
    """With a watch interval the running app notices an edit by itself within a few seconds."""
    app = create_app(web_env.context(), watch_interval=0.05)
    path = web_env.calendars / "test-days.toml"
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        path.write_text(path.read_text(encoding="utf-8") + NEW_OBSERVANCE, encoding="utf-8")
        _touch_later(path)
        deadline = time.monotonic() + 10
        found = False
        while time.monotonic() < deadline and not found:
            ids = {o["id"] for o in client.get("/api/observances").json()}
            found = "world-autism-acceptance-week" in ids
            time.sleep(0.05)
        assert found


def test_a_new_feed_in_the_settings_file_is_picked_up(client: TestClient, web_env: Any) -> None:
    """Adding a custom feed to edicalendar.toml while serving publishes it without a restart."""
    live = client.app.state.live  # type: ignore[attr-defined]
    assert client.get("/feeds/faith-and-race.ics").status_code == 404
    with web_env.config.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[feeds.custom]]\nname = "faith-and-race"\ntitle = "Faith and race"\n'
            'categories = ["religion_belief", "race"]\n'
        )
    _touch_later(web_env.config)
    assert live.reload_if_changed() is True
    response = client.get("/feeds/faith-and-race.ics")
    assert response.status_code == 200
    assert b"Black History Month" in response.content
    assert b"International Women" not in response.content
    assert (
        'value="https://calendar.example.nhs.uk/feeds/faith-and-race.ics"' in client.get("/").text
    )


def test_an_invalid_settings_edit_keeps_the_last_good_data(
    client: TestClient, web_env: Any, token_env: str
) -> None:
    """A settings file that no longer validates is refused and reported like a data file."""
    live = client.app.state.live  # type: ignore[attr-defined]
    with web_env.config.open("a", encoding="utf-8") as handle:
        handle.write("\n[web]\nport = 0\n")
    _touch_later(web_env.config)
    assert live.reload_if_changed() is False
    body = client.get("/healthz", headers=AUTH).json()
    assert body["status"] == "degraded"
    assert any("edicalendar.toml" in p and "web.port" in p for p in body["data"]["problems"])
    assert client.get("/feeds/all.ics").status_code == 200


def test_a_line_break_in_a_link_is_refused_while_serving(
    client: TestClient, web_env: Any, token_env: str
) -> None:
    """A URL with a CR or LF (which would break every feed line after it) is refused on reload:
    the last good feeds stay, /healthz is degraded and names the field."""
    live = client.app.state.live  # type: ignore[attr-defined]
    etag = client.get("/feeds/all.ics").headers["etag"]
    path = web_env.calendars / "test-days.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('url = "https://example.org/pride?', 'url = "https://example.org/\\r\\nX:1?'),
        encoding="utf-8",
    )
    _touch_later(path)
    assert live.reload_if_changed() is False
    assert client.get("/healthz").json() == {"status": "degraded"}
    problems = client.get("/healthz", headers=AUTH).json()["data"]["problems"]
    assert any("hostile-text: url:" in p and "carriage return" in p for p in problems), problems
    assert client.get("/feeds/all.ics").headers["etag"] == etag


def test_any_failure_to_reload_keeps_serving_and_is_reported(
    client: TestClient, web_env: Any, token_env: str, monkeypatch: Any
) -> None:
    """Not only data errors: anything that stops a reload (here the feed build raising) leaves
    the last good data served, makes /healthz degraded with the reason, and the same edit is
    not retried on every poll."""
    from edicalendar.feeds.build import FeedPublisher

    live = client.app.state.live  # type: ignore[attr-defined]
    calls = []

    def broken(self: object, *args: object, **kwargs: object) -> None:
        calls.append(1)
        raise ValueError("a feed line could not be written")

    monkeypatch.setattr(FeedPublisher, "build", broken)
    path = web_env.calendars / "test-days.toml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_OBSERVANCE, encoding="utf-8")
    _touch_later(path)
    assert live.reload_if_changed() is False
    assert live.reload_if_changed() is False
    assert len(calls) == 1
    body = client.get("/healthz", headers=AUTH).json()
    assert body["status"] == "degraded"
    assert body["data"]["problems"] == [
        "could not load the edited files: ValueError: a feed line could not be written"
    ]
    assert client.get("/feeds/all.ics").status_code == 200


def test_feeds_follow_the_date_while_serving(web_env: Any) -> None:
    """A server running for days keeps its feeds' window a year back and two years ahead of
    today: once the date moves, the watcher prepares the new window and swaps it in.

    International Women's Day is 8 March: on 5 March 2026 the window (5 March 2025 to 4 March
    2028) holds 2025 but not 2028; on 9 March 2026 it holds 2028 but not 2025."""
    from support.clock import Clock

    clock = Clock(dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC))
    app = create_app(AppContext(config_path=web_env.config, now=clock), watch_interval=None)
    live = app.state.live
    client = TestClient(app, base_url=LOCAL_BASE_URL)
    before = client.get("/feeds/all.ics")
    assert b"DTSTART;VALUE=DATE:20250308" in before.content
    assert b"DTSTART;VALUE=DATE:20280308" not in before.content
    assert live.refresh_window() is False  # same day, same window
    clock.advance(days=4)
    assert live.refresh_window() is True
    assert live.snapshot.feeds.complete  # prepared before the swap
    after = client.get("/feeds/all.ics")
    assert b"DTSTART;VALUE=DATE:20280308" in after.content
    assert b"DTSTART;VALUE=DATE:20250308" not in after.content
    assert after.headers["etag"] != before.headers["etag"]
    assert (
        client.get("/feeds/all.ics", headers={"If-None-Match": before.headers["etag"]}).status_code
        == 200
    )

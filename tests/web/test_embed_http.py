"""The "coming up" widget at /embed/upcoming: what it lists, how it says how sure each date
is, its options and their mistakes, who may frame it, and its validators."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edicalendar.config import WebSettings
from support.net import LOCAL_BASE_URL

from .conftest import WebEnv

INTRANET = "https://intranet.example.nhs.uk"


def _items(html: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="[^"]+/observances/([^"]+)"', html)


def test_the_widget_lists_the_next_observances_with_their_status(client: TestClient) -> None:
    """On Thursday 5 March 2026: International Women's Day (8 March, confirmed), then Eid
    al-Fitr (estimated for 20 March, ±1 day, begins the evening before: Umm al-Qura)."""
    answer = client.get("/embed/upcoming?n=2")
    assert answer.status_code == 200
    html = answer.text
    assert '<html lang="en-GB">' in html
    assert _items(html) == ["international-womens-day", "eid-al-fitr"]
    assert '<time datetime="2026-03-08">Sun 8 Mar 2026</time>' in html
    assert "estimated ±1 day, begins the evening before" in html
    assert ">confirmed<" in html
    # Links leave the frame: a new tab by default, saying so.
    assert 'target="_blank" rel="noopener"' in html and "links open in a new tab" in html
    assert "https://calendar.example.nhs.uk/calendar" in html
    # No script is needed to read it: the only script is the optional height reporter.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/embed-frame.js" defer>']


def test_the_widget_options(client: TestClient) -> None:
    race = client.get("/embed/upcoming?category=race&target=_top&heading=EDI+dates")
    assert _items(race.text) == ["black-history-month"]
    assert "<h1" in race.text and ">EDI dates</h1>" in race.text
    assert 'target="_top"' in race.text and "_blank" not in race.text
    assert len(_items(client.get("/embed/upcoming?n=20").text)) > 2
    assert len(_items(client.get("/embed/upcoming").text)) == 5


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("n=0", "n: '0' is not a number from 1 to 20"),
        ("n=21", "n: '21' is not a number"),
        ("n=five", "n: 'five'"),
        ("target=_parent", "target: '_parent' is not _blank or _top"),
        ("category=astrology", "category: 'astrology' is not a category"),
        ("colour=red", "'colour' is not an option"),
        ("n=2&n=3", "n: give it once"),
        ("heading=" + "x" * 61, "heading: give 1 to 60"),
    ],
)
def test_a_widget_address_with_a_mistake_says_which(
    client: TestClient, query: str, words: str
) -> None:
    answer = client.get(f"/embed/upcoming?{query}")
    assert answer.status_code == 400
    assert words in answer.text.replace("&#39;", "'")


def _csp(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in header.split(";")
    }


def test_only_the_widget_may_be_framed_and_only_by_listed_origins(
    web_env: WebEnv, app_factory: Callable[..., FastAPI]
) -> None:
    with web_env.config.open("a", encoding="utf-8") as config:
        config.write(f'\n[web]\nembed_origins = ["{INTRANET}", "http://127.0.0.1:8080"]\n')
    with TestClient(app_factory(), base_url=LOCAL_BASE_URL) as client:
        widget = client.get("/embed/upcoming")
        assert _csp(widget)["frame-ancestors"] == f"'self' {INTRANET} http://127.0.0.1:8080"
        assert "x-frame-options" not in widget.headers
        # Everything else refuses every frame, as before.
        for path in ("/", "/calendar", "/api/occurrences?from=2026-01-01&to=2026-01-31", "/docs"):
            other = client.get(path)
            assert _csp(other)["frame-ancestors"] == "'none'", path
            assert other.headers["x-frame-options"] == "DENY", path


def test_by_default_only_this_site_may_frame_the_widget(client: TestClient) -> None:
    assert _csp(client.get("/embed/upcoming"))["frame-ancestors"] == "'self'"


@pytest.mark.parametrize(
    "entry",
    ["intranet.example.nhs.uk", "https://intranet.example.nhs.uk/", "https://x/y", "*", ""],
)
def test_embed_origins_must_be_origins(entry: str) -> None:
    with pytest.raises(ValueError, match="is not an origin"):
        WebSettings(embed_origins=[entry])
    if entry != "*":
        with pytest.raises(ValueError, match="is not an origin"):
            WebSettings(api_origins=[entry])
    assert WebSettings(api_origins=["*"]).api_origins == ["*"]


def test_the_widget_revalidates_and_moves_with_the_date(
    app_factory: Callable[..., FastAPI],
) -> None:
    with TestClient(app_factory(), base_url=LOCAL_BASE_URL) as client:
        first = client.get("/embed/upcoming")
        tag = first.headers["etag"]
        assert client.get("/embed/upcoming", headers={"If-None-Match": tag}).status_code == 304
    later = dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC)
    with TestClient(app_factory(later), base_url=LOCAL_BASE_URL) as client:
        moved = client.get("/embed/upcoming", headers={"If-None-Match": tag})
        assert moved.status_code == 200 and moved.headers["etag"] != tag
        assert "international-womens-day" not in _items(moved.text)

"""Optional calendars on the web: off by default everywhere (pages, API, feeds, date check), on
when `[calendars] enabled` names them; a cross-listed observance shows either way.

The optional calendar added here holds two health campaigns with fixed, published dates:
Dry January is the whole of January (Alcohol Change UK, alcoholchange.org.uk/get-involved/
campaigns/dry-january) and World Cancer Day is 4 February (UICC, worldcancerday.org), listed
also in the default test calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from edicalendar.web import create_app
from support.clock import Clock
from support.net import LOCAL_BASE_URL

from .conftest import WebEnv

HEALTH = """\
[calendar]
title = "Health campaigns"
description = "NHS and public-health campaigns."
optional = true

[[observance]]
id = "dry-january"
name = "Dry January"
categories = ["health_wellbeing"]
rule = { kind = "month", month = 1 }
tone = "celebratory"
description = "A month off alcohol."
url = "https://alcoholchange.org.uk/get-involved/campaigns/dry-january"
sources = ["https://alcoholchange.org.uk/get-involved/campaigns/dry-january"]

[[observance]]
id = "world-cancer-day"
name = "World Cancer Day"
categories = ["health_wellbeing"]
rule = { kind = "fixed", month = 2, day = 4 }
also_in = ["test-days"]
tone = "commemorative"
tone_guidance = "Many colleagues live with cancer or have lost someone to it: speak of support."
description = "A day for awareness, screening and support."
url = "https://www.worldcancerday.org/"
sources = ["https://www.worldcancerday.org/"]
"""

#: Mid-December 2025, so January and February 2026 are the next dates.
NOW = dt.datetime(2025, 12, 15, 10, 0, tzinfo=dt.UTC)


def _client(web_env: WebEnv, enabled: list[str] | None) -> Iterator[TestClient]:
    (web_env.calendars / "health.toml").write_text(HEALTH, encoding="utf-8")
    if enabled is not None:
        names = ", ".join(f'"{n}"' for n in enabled)
        with web_env.config.open("a", encoding="utf-8") as config:
            config.write(f"\n[calendars]\nenabled = [{names}]\n")
    from edicalendar.context import AppContext

    ctx = AppContext(config_path=web_env.config, now=Clock(NOW))
    with TestClient(create_app(ctx, watch_interval=None), base_url=LOCAL_BASE_URL) as client:
        yield client


@pytest.fixture
def default(web_env: WebEnv) -> Iterator[TestClient]:
    yield from _client(web_env, None)


@pytest.fixture
def switched_on(web_env: WebEnv) -> Iterator[TestClient]:
    yield from _client(web_env, ["health"])


def _ids(client: TestClient, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    items = body if isinstance(body, list) else body.get("occurrences", body.get("clashes", []))
    return {item.get("observance") or item.get("id") for item in items}


def test_off_by_default(default: TestClient) -> None:
    observances = _ids(default, "/api/observances")
    assert "dry-january" not in observances
    assert "world-cancer-day" in observances  # cross-listed into the default calendar
    window = _ids(default, "/api/occurrences?from=2026-01-01&to=2026-02-28")
    assert "dry-january" not in window and "world-cancer-day" in window
    month = default.get("/calendar?month=2026-01").text
    assert "Dry January" not in month
    feed = default.get("/feeds/all.ics").text
    assert "SUMMARY:Dry January" not in feed and "SUMMARY:World Cancer Day" in feed
    clash = default.get("/api/clashes?date=2026-01-15").text
    assert "dry-january" not in clash


def test_switched_off_observance_page_says_how_to_switch_it_on(default: TestClient) -> None:
    response = default.get("/observances/dry-january")
    assert response.status_code == 404
    text = response.text.replace("&#39;", "'")
    assert "optional calendar 'health'" in text
    assert "[calendars] enabled" in text


def test_on_by_config(switched_on: TestClient) -> None:
    assert {"dry-january", "world-cancer-day"} <= _ids(switched_on, "/api/observances")
    window = _ids(switched_on, "/api/occurrences?from=2026-01-01&to=2026-02-28")
    assert {"dry-january", "world-cancer-day"} <= window
    assert "Dry January" in switched_on.get("/calendar?month=2026-01").text
    assert "SUMMARY:Dry January" in switched_on.get("/feeds/all.ics").text
    assert "dry-january" in switched_on.get("/api/clashes?date=2026-01-15").text
    page = switched_on.get("/observances/dry-january")
    assert page.status_code == 200
    assert "A celebration: greetings are welcome." in page.text


def test_tone_guidance_is_shown_and_served(default: TestClient) -> None:
    """The page, the JSON and the feed carry how to speak of the day."""
    page = default.get("/observances/world-cancer-day").text.replace("&#39;", "'")
    assert "How to speak about it" in page
    assert "Many colleagues live with cancer" in page
    (record,) = [o for o in default.get("/api/observances").json() if o["id"] == "world-cancer-day"]
    assert (record["tone"], record["also_in"]) == ("commemorative", ["test-days"])
    assert record["tone_guidance"].startswith("Many colleagues")
    feed = default.get("/feeds/all.ics").text.replace("\r\n ", "")
    assert "For communications: Many colleagues live with cancer" in feed

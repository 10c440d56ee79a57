"""Search over HTTP, on the shipped calendars: `/api/search` (typed in OpenAPI), the `/search`
page, the search box in every page's header, and the 400s for queries that cannot be used.

Expected dates come from Hebcal's published calendar (hebcal.com/holidays/2026-2027):
Chanukah 5787 begins at sundown on Friday 4 December 2026, first day Saturday 5 December,
eighth day Saturday 12 December 2026.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.clock import Clock
from support.paths import REPO_ROOT

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
BASE = "https://calendar.example.nhs.uk"
_FORM = re.compile(
    r'<form role="search" method="get" action="/search" class="site-search" '
    r'aria-label="Site search">(.*?)</form>',
    re.S,
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root: Path = tmp_path_factory.mktemp("search")
    (root / "campaigns").mkdir()
    config = root / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n'
        'campaigns_dir = "campaigns"\ndata_dir = "state"\n\n'
        f'[feeds]\nbase_url = "{BASE}"\n',
        encoding="utf-8",
    )
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def test_api_finds_chanukah_with_its_dates(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "Chanukah"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "Chanukah" and body["count"] == len(body["results"]) >= 1
    first = body["results"][0]
    assert first["id"] == "hanukkah"
    assert first["url"] == "/observances/hanukkah"
    assert first["tradition"] == "Judaism"
    assert first["next"]["start"] == "2026-12-05"
    assert first["next"]["end"] == "2026-12-12"
    assert "evening before" in first["next"]["status_text"]


@pytest.mark.parametrize(
    ("query", "expected", "field", "text"),
    [
        ("Wesak", "vesak", "alias", "Wesak"),
        ("Id al-Fitr", "eid-al-fitr", "alias", "Id al-Fitr"),
        ("hanuka", "hanukkah", "alias", "Hanukah"),
        ("ramdan", "ramadan", "name", "Ramadan"),
    ],
)
def test_api_other_names_and_typos(
    client: TestClient, query: str, expected: str, field: str, text: str
) -> None:
    results = client.get("/api/search", params={"q": query}).json()["results"]
    match = next(r for r in results if r["id"] == expected)
    assert results.index(match) <= 1
    assert (match["matched_field"], match["matched_text"]) == (field, text)


def test_api_by_tradition_and_category(client: TestClient) -> None:
    jewish = client.get("/api/search", params={"q": "Jewish", "limit": 100}).json()["results"]
    ids = {r["id"] for r in jewish}
    assert {"yom-kippur", "rosh-hashanah", "passover", "hanukkah"} <= ids
    assert all(r["tradition"] == "Judaism" for r in jewish)
    race = client.get("/api/search", params={"q": "race", "limit": 100}).json()["results"]
    assert "black-history-month" in {r["id"] for r in race}
    assert client.get("/api/search", params={"q": "Eid", "limit": 2}).json()["count"] == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "q: give a name or a few words to search for"),
        ("e" * 101, "q: the search is 101 characters long; use at most 100"),
        ("eid\x1b[2J", "q: the search has a control character in it"),
        ("eid\x00", "q: the search has a control character in it"),
    ],
)
def test_api_refuses_unusable_queries(client: TestClient, query: str, message: str) -> None:
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(message)


def test_page_refuses_unusable_queries_with_a_400_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "x" * 150})
    assert response.status_code == 400
    assert "use at most 100" in response.text
    assert 'aria-invalid="true"' in response.text
    assert client.get("/search", params={"q": "a\x07"}).status_code == 400


def test_openapi_types_the_search_response(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/search"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/SearchResponse"}
    assert "400" in operation["responses"]
    schemas = spec["components"]["schemas"]
    assert set(schemas["SearchResponse"]["properties"]) == {"query", "count", "results"}
    result = schemas["SearchResult"]["properties"]
    wanted = {"id", "name", "aliases", "categories", "tradition", "next", "matched_field"}
    assert wanted <= set(result)
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit"}


def test_search_page_lists_results_with_links_and_other_names(client: TestClient) -> None:
    response = client.get("/search", params={"q": "wesak"})
    assert response.status_code == 200
    text = response.text
    assert '<a href="/observances/vesak">Vesak (Buddha Day)</a>' in text
    assert "Also known as Wesak" in text
    # The header's box keeps what was searched.
    form = _FORM.search(text)
    assert form is not None and 'value="wesak"' in form.group(1)


def test_search_page_without_a_query_shows_the_box_and_nothing_found_says_so(
    client: TestClient,
) -> None:
    empty = client.get("/search")
    assert empty.status_code == 200 and 'id="search-q"' in empty.text
    assert "found for" not in empty.text
    none = client.get("/search", params={"q": "xyzzy"})
    assert none.status_code == 200
    assert "Nothing found for “xyzzy”" in none.text
    assert 'href="/calendar"' in none.text


def test_the_query_is_escaped_on_the_page(client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    text = client.get("/search", params={"q": hostile}).text
    assert "<script>alert(1)" not in text
    assert html.escape(hostile) in text or "&#34;&gt;&lt;script&gt;" in text


PAGES = (
    "/",
    "/calendar",
    "/calendar?view=agenda",
    "/clashes",
    "/observances/diwali",
    "/search?q=eid",
    "/no-such-page",
    "/signin",
)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_search_box_in_its_header(client: TestClient, path: str) -> None:
    text = client.get(path).text
    header = text.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    form = _FORM.search(header)
    assert form is not None, path
    assert '<label for="site-search">Search observances</label>' in form.group(1)
    assert 'name="q"' in form.group(1) and 'type="search"' in form.group(1)

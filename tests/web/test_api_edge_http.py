"""The JSON API at its edge, over real HTTP: CORS for configured origins, ETags and 304s,
gzip negotiation, HEAD, paging, the CSV and iCalendar forms of an answer, one observance.

CORS and gzip are checked against real uvicorn on 127.0.0.1 with `http.client`, which adds
nothing of its own (no Accept-Encoding, no decompression), so the bytes on the wire are what
is asserted.
"""

from __future__ import annotations

import csv
import gzip
import http.client
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edicalendar.calendar.occurrence_records import OCCURRENCE_CSV_COLUMNS
from edicalendar.web import create_app
from edicalendar.web.api_edge import accepts_gzip
from edicalendar.web.conditional import matches
from support.ical_readers import PYTHON_READERS
from support.serving import serving

from .conftest import NOW, WebEnv

ALLOWED = "https://intranet.example.nhs.uk"
REFUSED = "https://elsewhere.example.com"
YEAR = "/api/occurrences?from=2026-01-01&to=2026-12-31"


def _with_web(web_env: WebEnv, lines: str) -> None:
    with web_env.config.open("a", encoding="utf-8") as config:
        config.write(f"\n[web]\n{lines}\n")


@pytest.fixture
def server(web_env: WebEnv) -> Iterator[tuple[str, int]]:
    _with_web(web_env, f'api_origins = ["{ALLOWED}"]')
    app = create_app(web_env.context(NOW), watch_interval=None)
    with serving(app) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def _request(
    server: tuple[str, int], method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, list[tuple[str, str]]]:
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        raw = response.getheaders()
        return response.status, {k.lower(): v for k, v in raw}, response.read(), raw
    finally:
        connection.close()


def _vary(raw: list[tuple[str, str]]) -> set[str]:
    return {
        part.strip().lower()
        for name, value in raw
        if name.lower() == "vary"
        for part in value.split(",")
    }


def test_a_preflight_from_an_allowed_origin_is_answered(server: tuple[str, int]) -> None:
    status, headers, _, raw = _request(
        server,
        "OPTIONS",
        YEAR,
        {
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == ALLOWED
    assert "GET" in headers["access-control-allow-methods"]
    assert "if-none-match" in headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in headers
    assert "origin" in _vary(raw)
    # The answer itself: the origin named, the validators a script needs exposed.
    status, headers, _, raw = _request(server, "GET", YEAR, {"Origin": ALLOWED})
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    exposed = {h.strip().lower() for h in headers["access-control-expose-headers"].split(",")}
    assert {"etag", "link"} <= exposed
    assert "origin" in _vary(raw)


def test_a_preflight_from_another_origin_is_refused(server: tuple[str, int]) -> None:
    status, headers, _, raw = _request(
        server,
        "OPTIONS",
        YEAR,
        {"Origin": REFUSED, "Access-Control-Request-Method": "GET"},
    )
    assert status == 400
    assert "access-control-allow-origin" not in headers
    # A plain request from it is answered (the API is public), but without the header a
    # browser needs to let that origin's script read it; caches keep the two apart.
    status, headers, _, raw = _request(server, "GET", YEAR, {"Origin": REFUSED})
    assert status == 200 and "access-control-allow-origin" not in headers
    assert "origin" in _vary(raw)
    # Writes are never offered to other origins.
    status, headers, _, _ = _request(
        server,
        "OPTIONS",
        "/api/campaigns",
        {"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert status == 400


def test_cors_is_only_on_the_api(server: tuple[str, int]) -> None:
    status, headers, _, _ = _request(server, "GET", "/calendar", {"Origin": ALLOWED})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_json_is_gzipped_for_clients_that_accept_it(server: tuple[str, int]) -> None:
    status, plain, body, _ = _request(server, "GET", YEAR)
    assert status == 200 and "content-encoding" not in plain
    status, zipped, packed, raw = _request(server, "GET", YEAR, {"Accept-Encoding": "gzip"})
    assert status == 200 and zipped["content-encoding"] == "gzip"
    assert gzip.decompress(packed) == body
    assert len(packed) < len(body) / 3
    assert int(zipped["content-length"]) == len(packed)
    assert "accept-encoding" in _vary(raw)
    # The same answer, so the same (weak) validator, however it travels.
    assert zipped["etag"] == plain["etag"] and plain["etag"].startswith('W/"')
    status, refused, again, _ = _request(
        server, "GET", YEAR, {"Accept-Encoding": "gzip;q=0, identity"}
    )
    assert "content-encoding" not in refused and again == body
    # HEAD gives GET's headers, compressed length included, and no body.
    status, head, nothing, _ = _request(server, "HEAD", YEAR, {"Accept-Encoding": "gzip"})
    assert status == 200 and nothing == b""
    assert head["content-length"] == zipped["content-length"]
    assert head["content-encoding"] == "gzip" and head["etag"] == zipped["etag"]
    # Problems are gzipped as JSON is; feeds keep their own bytes and strong ETags.
    status, problem, packed, _ = _request(
        server,
        "GET",
        "/api/occurrences?from=2026-01-01&to=" + "x" * 2000,
        {"Accept-Encoding": "gzip"},
    )
    assert status == 400 and problem["content-type"] == "application/problem+json"
    status, feed, _, _ = _request(server, "GET", "/feeds/all.ics", {"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in feed
    assert not feed["etag"].startswith("W/")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("br, gzip;q=0.5", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("identity", False),
        ("*", True),
        ("*;q=0", False),
        ("br, *;q=0.1", True),
        ("gzip;q=0, *", False),
        ("x-gzip", True),
        ("", False),
    ],
)
def test_accept_encoding_negotiation(header: str, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


@pytest.mark.parametrize(
    ("if_none_match", "tag", "matched"),
    [
        ('W/"abc"', 'W/"abc"', True),
        ('"abc"', 'W/"abc"', True),  # weak comparison ignores W/ on either side
        ('W/"abc"', '"abc"', True),
        ('"xyz", W/"abc"', 'W/"abc"', True),
        ('"xyz"', 'W/"abc"', False),
        ("*", 'W/"abc"', True),
        ("abc", 'W/"abc"', False),  # unquoted: not an entity tag
        ('"ab', 'W/"abc"', False),
        ("", 'W/"abc"', False),
    ],
)
def test_if_none_match_uses_weak_comparison(if_none_match: str, tag: str, matched: bool) -> None:
    assert matches(if_none_match, tag) is matched


def test_revalidation_gives_304_until_the_data_changes(
    web_env: WebEnv, client: TestClient, app: Any
) -> None:
    for path in (
        YEAR,
        "/api/observances",
        "/api/observances/yom-kippur",
        "/api/clashes?date=2026-09-21",
        "/api/search?q=eid",
    ):
        first = client.get(path)
        tag = first.headers["etag"]
        assert first.status_code == 200 and tag.startswith('W/"'), path
        assert first.headers["cache-control"] == "public, max-age=300", path
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == tag
        strong = client.get(path, headers={"If-None-Match": tag.removeprefix("W/")})
        assert strong.status_code == 304, path
        other = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content
    # Each query is its own answer with its own tag.
    race = client.get(YEAR + "&category=race")
    assert race.headers["etag"] != client.get(YEAR).headers["etag"]
    # An edit to the data makes a new tag, so a client's copy is replaced, not kept.
    before = client.get(YEAR)
    calendar = next(web_env.calendars.glob("*.toml"))
    calendar.write_text(
        calendar.read_text(encoding="utf-8").replace(
            "Black History Month", "Black History Month (UK)", 1
        ),
        encoding="utf-8",
    )
    assert app.state.live.reload_if_changed()
    after = client.get(YEAR, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert "Black History Month (UK)" in after.text
    # The health report is never kept by anyone.
    assert client.get("/healthz").headers["cache-control"] == "no-store"


def test_freezes_revalidate_by_their_bytes(client: TestClient) -> None:
    first = client.get("/api/freezes")
    assert first.headers["cache-control"] == "private, no-cache"
    again = client.get("/api/freezes", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_long_window_comes_a_page_at_a_time(client: TestClient) -> None:
    """Pages follow `next` (and the Link header) to the end, together the whole window."""
    whole = client.get("/api/occurrences?from=2026-01-01&to=2030-12-31").json()
    assert whole["total"] == len(whole["occurrences"]) and whole["next"] is None
    assert whole["limit"] == 1000 and whole["offset"] == 0
    seen: list[dict[str, Any]] = []
    url: str | None = "/api/occurrences?from=2026-01-01&to=2030-12-31&limit=4"
    pages = 0
    while url is not None and pages < 100:
        answer = client.get(url)
        body = answer.json()
        assert body["total"] == whole["total"] and body["limit"] == 4
        seen += body["occurrences"]
        url = body["next"]
        if url is not None:
            assert answer.headers["link"] == f'<{url}>; rel="next"'
        else:
            assert "link" not in answer.headers
        pages += 1
    assert seen == whole["occurrences"]
    assert pages == -(-whole["total"] // 4)
    too_big = client.get(YEAR + "&limit=1001")
    assert too_big.status_code == 400 and too_big.json()["problems"][0]["field"] == "limit"


def test_csv_and_ics_are_the_same_page_as_the_json(client: TestClient) -> None:
    query = "/api/occurrences?from=2026-01-01&to=2027-12-31&category=religion_belief&limit=3"
    page = client.get(query).json()
    table = client.get(query + "&format=csv")
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in table.headers["content-disposition"]
    # The next page of the CSV is CSV too.
    assert (
        table.headers["link"]
        == f'<{page["next"].replace("&offset", "&format=csv&offset")}>; rel="next"'
    )
    rows = list(csv.DictReader(io.StringIO(table.text)))
    # The columns are the JSON keys, in the CLI's order.
    assert list(rows[0]) == list(OCCURRENCE_CSV_COLUMNS)
    assert set(OCCURRENCE_CSV_COLUMNS) == set(page["occurrences"][0])
    assert [(r["observance"], r["start"], r["end"]) for r in rows] == [
        (o["observance"], o["start"], o["end"]) for o in page["occurrences"]
    ]
    assert {r["begins_evening_before"] for r in rows} <= {"yes", ""}
    calendar = client.get(query + "&format=ics")
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    for name, read in PYTHON_READERS.items():
        events = read(calendar.content)
        assert sorted((e.summary.split(" (")[0], e.start.isoformat()) for e in events) == sorted(
            (o["name"], o["start"]) for o in page["occurrences"]
        ), name
    # The UIDs are the feeds', so importing this and subscribing later duplicates nothing.
    feed = client.get("/feeds/all.ics").content
    uids = [line for line in calendar.content.split(b"\r\n") if line.startswith(b"UID:")]
    assert uids and all(uid in feed for uid in uids)


def test_one_observance_with_its_years(client: TestClient) -> None:
    answer = client.get("/api/observances/yom-kippur?from_year=2026&to_year=2028")
    body = answer.json()
    listed = next(o for o in client.get("/api/observances").json() if o["id"] == "yom-kippur")
    assert {k: v for k, v in body.items() if k in listed} == listed
    # Yom Kippur: 21 Sep 2026, 11 Oct 2027, 30 Sep 2028 (hebcal.com).
    assert [o["start"] for o in body["occurrences"]] == ["2026-09-21", "2027-10-11", "2028-09-30"]
    assert (body["from_year"], body["to_year"]) == (2026, 2028)
    default = client.get("/api/observances/yom-kippur").json()
    assert (default["from_year"], default["to_year"]) == (2026, 2029)
    missing = client.get("/api/observances/yom-kipur")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "yom-kipur" in missing.json()["detail"]
    wide = client.get("/api/observances/yom-kippur?from_year=2026&to_year=2040")
    assert wide.status_code == 400 and "at most 10 years" in wide.json()["detail"]
    assert client.get("/api/observances/yom-kippur?from_year=year").status_code == 400


def test_redoc_leads_to_the_bundled_docs(client: TestClient) -> None:
    answer = client.get("/redoc", follow_redirects=False)
    assert answer.status_code == 301 and answer.headers["location"] == "/docs"


def test_problem_bodies_are_the_same_everywhere(client: TestClient) -> None:
    """Each kind of mistake, wherever it is made, is one problem shape and one status."""
    for path, status in (
        ("/api/occurrences?from=2026-13-01&to=2026-12-31", 400),
        ("/api/clashes?date=tomorrow", 400),
        ("/api/observances?category=nope", 400),
        ("/api/search?q=" + "x" * 200, 400),
        ("/api/observances/nope", 404),
        ("/api/campaigns", 404),  # nobody can sign in yet: the private API is off
    ):
        answer = client.get(path)
        assert answer.status_code == status, path
        body = json.loads(answer.content)
        assert set(body) == {"type", "title", "status", "detail", "instance", "problems"}, path
        assert body["type"] == "about:blank" and body["status"] == status


@pytest.mark.parametrize("origin", [ALLOWED, REFUSED, None])
def test_vary_names_origin_and_accept_encoding_once(
    server: tuple[str, int], origin: str | None
) -> None:
    headers = {"Accept-Encoding": "gzip"} | ({"Origin": origin} if origin else {})
    _, _, _, raw = _request(server, "GET", YEAR, headers)
    named = [
        part.strip().lower()
        for name, value in raw
        if name.lower() == "vary"
        for part in value.split(",")
    ]
    assert sorted(named) == ["accept-encoding", "origin"]

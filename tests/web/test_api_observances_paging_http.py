"""`/api/observances` a page at a time: asked nothing new it is the bare JSON array it always
was (the contract); with `limit` or `offset` it is a page object, as `/api/occurrences` is,
whose pages followed to the end give back that same array."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_without_paging_the_answer_is_still_the_whole_array(client: TestClient) -> None:
    answer = client.get("/api/observances")
    assert answer.status_code == 200
    whole = answer.json()
    assert isinstance(whole, list) and len(whole) == 6  # tests/data/calendars
    assert "link" not in answer.headers
    names = [o["name"].casefold() for o in whole]
    assert names == sorted(names)


def test_pages_followed_to_the_end_are_the_whole_list(client: TestClient) -> None:
    whole = client.get("/api/observances?category=religion_belief&category=race").json()
    assert len(whole) >= 3  # three pages or more
    seen: list[dict[str, Any]] = []
    url: str | None = "/api/observances?category=religion_belief&category=race&limit=1"
    pages = 0
    while url is not None and pages < 100:
        answer = client.get(url)
        assert answer.status_code == 200
        body = answer.json()
        assert set(body) == {"observances", "total", "offset", "limit", "next"}
        assert body["total"] == len(whole) and body["limit"] == 1
        assert body["offset"] == pages
        seen += body["observances"]
        url = body["next"]
        if url is not None:
            assert answer.headers["link"] == f'<{url}>; rel="next"'
            assert "category=religion_belief" in url
        else:
            assert "link" not in answer.headers
        pages += 1
    assert seen == whole
    assert pages == -(-len(whole) // 1)


def test_offset_alone_pages_with_the_largest_page(client: TestClient) -> None:
    whole = client.get("/api/observances").json()
    body = client.get("/api/observances?offset=3").json()
    assert body["limit"] == 1000 and body["offset"] == 3 and body["next"] is None
    assert body["observances"] == whole[3:]
    beyond = client.get(f"/api/observances?offset={len(whole) + 5}").json()
    assert beyond["observances"] == [] and beyond["total"] == len(whole)


def test_bad_paging_values_are_400_problems_naming_the_field(client: TestClient) -> None:
    for query, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("offset=-1", "offset")):
        answer = client.get(f"/api/observances?{query}")
        assert answer.status_code == 400, query
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["problems"][0]["field"] == field


def test_a_page_revalidates_with_its_own_etag(client: TestClient) -> None:
    first = client.get("/api/observances?limit=5")
    whole = client.get("/api/observances")
    assert first.headers["etag"] != whole.headers["etag"]
    again = client.get("/api/observances?limit=5", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304

"""Private routes: off without a token, refused without the right one, and progress updates."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PRIVATE_GETS = ("/campaigns", "/campaigns/iwd-guest-session", "/api/campaigns")


@pytest.fixture
def private_client(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("EDICALENDAR_TOKEN", TOKEN)
    app: FastAPI = app_factory()
    with TestClient(app) as client:
        yield client


def test_private_routes_are_off_without_a_token(client: TestClient, monkeypatch: Any) -> None:
    """With no token configured the routes answer 404 and explain how to turn them on."""
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    for path in PRIVATE_GETS:
        response = client.get(path, headers=AUTH)
        assert response.status_code == 404, path
        assert "EDICALENDAR_TOKEN" in response.text
    post = client.post("/api/campaigns/iwd-guest-session/tasks/2026/room", json={}, headers=AUTH)
    assert post.status_code == 404


def test_a_short_token_does_not_turn_private_routes_on(
    client: TestClient, monkeypatch: Any
) -> None:
    """A token shorter than 16 characters counts as unset: guessable tokens protect nothing."""
    monkeypatch.setenv("EDICALENDAR_TOKEN", "short")
    response = client.get("/api/campaigns", headers={"Authorization": "Bearer short"})
    assert response.status_code == 404


def test_missing_and_wrong_tokens_are_refused(private_client: TestClient) -> None:
    """No header, a wrong token, another scheme or a cookie that is not ours: 401 every time."""
    attempts: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer wrong-token-0123456789abcdef"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer"},
        {"Cookie": f"edicalendar_session={TOKEN}"},
    ]
    for headers in attempts:
        for path in PRIVATE_GETS:
            response = private_client.get(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "Book the guest speaker" not in response.text
        post = private_client.post(
            "/api/campaigns/iwd-guest-session/tasks/2026/room", json={}, headers=headers
        )
        assert post.status_code == 401


def test_the_right_token_opens_the_plan(private_client: TestClient) -> None:
    """With the bearer token the plan lists tasks due soon; -7d before 8 Mar 2026 is 1 Mar."""
    html = private_client.get("/campaigns", headers=AUTH).text
    assert "Book a room and a Teams link" in html
    assert '<time datetime="2026-03-01">Sun 1 Mar 2026</time> <span class="overdue">overdue' in html
    body = private_client.get("/api/campaigns", headers=AUTH).json()
    iwd = next(c for c in body["campaigns"] if c["campaign"] == "iwd-guest-session")
    assert iwd["occurrence"]["start"] == "2026-03-08"
    # Six weeks before Sunday 8 March 2026 is Sunday 25 January 2026.
    assert {t["id"]: t["due"] for t in iwd["tasks"]} == {
        "book-speaker": "2026-01-25",
        "room": "2026-03-01",
    }


def test_marking_a_task_done_through_the_api(private_client: TestClient) -> None:
    """POSTing done records it: the plan then shows the task done, and open again undoes it."""
    url = "/api/campaigns/iwd-guest-session/tasks/2026/room"
    response = private_client.post(url, json={"done": True, "by": "Asha"}, headers=AUTH)
    assert response.status_code == 200
    tasks = _tasks(private_client)
    assert tasks["room"] is True and tasks["book-speaker"] is False
    private_client.post(url, json={"done": False}, headers=AUTH)
    assert _tasks(private_client)["room"] is False


def _tasks(client: TestClient) -> dict[str, bool]:
    body = client.get("/api/campaigns", headers=AUTH).json()
    iwd = next(c for c in body["campaigns"] if c["campaign"] == "iwd-guest-session")
    return {t["id"]: t["done"] for t in iwd["tasks"]}


def test_progress_for_unknown_items_is_refused(private_client: TestClient) -> None:
    """Unknown campaigns or tasks give 404, a malformed instance 400, a bad body 422."""
    base = "/api/campaigns"
    assert (
        private_client.post(f"{base}/nope/tasks/2026/room", json={}, headers=AUTH).status_code
        == 404
    )
    assert (
        private_client.post(
            f"{base}/iwd-guest-session/tasks/2026/nope", json={}, headers=AUTH
        ).status_code
        == 404
    )
    assert (
        private_client.post(
            f"{base}/iwd-guest-session/tasks/soon/room", json={}, headers=AUTH
        ).status_code
        == 400
    )
    bad = private_client.post(
        f"{base}/iwd-guest-session/tasks/2026/room", json={"done": "maybe"}, headers=AUTH
    )
    assert bad.status_code == 422


def test_people_sign_in_with_a_form_and_mark_tasks_done(private_client: TestClient) -> None:
    """The sign-in form sets an HttpOnly SameSite=Strict cookie that opens the pages and forms."""
    wrong = private_client.post("/signin", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401
    assert "not right" in wrong.text
    response = private_client.post("/signin", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie
    page = private_client.get("/campaigns/iwd-guest-session")
    assert page.status_code == 200
    done = private_client.post(
        "/campaigns/iwd-guest-session/progress",
        data={"instance": "2026", "task": "room", "state": "done"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/campaigns/iwd-guest-session#task-2026-room"
    html = private_client.get("/campaigns/iwd-guest-session").text
    row = html.split('id="task-2026-room"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="progress-done">done</span>' in row
    assert "Mark not done" in row


def test_cross_site_form_posts_are_refused(private_client: TestClient) -> None:
    """A form post whose Origin is another site is refused even with a valid session."""
    private_client.post("/signin", data={"token": TOKEN}, follow_redirects=False)
    response = private_client.post(
        "/campaigns/iwd-guest-session/progress",
        data={"instance": "2026", "task": "room", "state": "done"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert _tasks(private_client)["room"] is False


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_campaign_text_is_escaped_everywhere(private_client: TestClient) -> None:
    """Campaign title, summary, owners, assets and tasks holding markup come out as text."""
    for path in ("/campaigns", "/campaigns/hostile-campaign"):
        html = private_client.get(path, headers=AUTH).text
        parser = _Tags()
        parser.feed(html)
        for tag, attrs in parser.tags:
            assert tag not in ("script", "img", "b"), (path, tag)
            assert not any(name.startswith("on") for name, _ in attrs), (path, tag)
        assert (
            "Campaign &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;"
            in html
        )
    detail = private_client.get("/campaigns/hostile-campaign", headers=AUTH).text
    assert "&lt;img src=x onerror=alert(&#39;summary&#39;)&gt;" in detail
    assert "Write &lt;script&gt;alert(&#39;task&#39;)&lt;/script&gt; &#34;now&#34;" in detail
    assert 'href="https://example.org/post?a=1&amp;b=&#39;2&#39;"' in detail

"""Private routes with real people: who may see the plan, who may change it, and what each
refusal says. Sessions, personal API tokens and the deprecated shared token, over HTTP."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from edicalendar.model import Role
from edicalendar.storage.tables import campaign_progress

from .conftest import HTTPS, TOKEN, Site, form_csrf, sign_in

PRIVATE_GETS = ("/campaigns", "/campaigns/iwd-guest-session", "/api/campaigns")
TASK = "/api/campaigns/iwd-guest-session/tasks/2026/room"
FORM = "/campaigns/iwd-guest-session/progress"
DONE = {"instance": "2026", "task": "room", "state": "done"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _recorded(site: Site) -> list[tuple[str, str, str | None]]:
    with site.ctx.database.engine.connect() as conn:
        rows = conn.execute(
            select(
                campaign_progress.c.item_id,
                campaign_progress.c.status,
                campaign_progress.c.recorded_by,
            ).order_by(campaign_progress.c.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _tasks(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, bool]:
    body = client.get("/api/campaigns", headers=headers or {}).json()
    iwd = next(c for c in body["campaigns"] if c["campaign"] == "iwd-guest-session")
    return {t["id"]: t["done"] for t in iwd["tasks"]}


def test_before_anyone_is_added_private_pages_say_how_to_add_the_first_admin(site: Site) -> None:
    """With no person, no single sign-on and no shared token, the private routes answer 404
    with the command that adds the first administrator, and no page links to them."""
    for path in (*PRIVATE_GETS, "/signin"):
        response = site.client.get(path)
        assert response.status_code == 404, path
        assert "edicalendar users add" in response.text and "--role admin" in response.text
    assert site.client.post(TASK, json={}).status_code == 404
    home = site.client.get("/").text
    assert 'href="/campaigns"' not in home and 'href="/signin"' not in home


def test_once_someone_is_added_the_pages_link_to_campaigns_and_sign_in(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    site.app.state.access.forget_setup()
    home = site.client.get("/").text
    assert '<a href="/campaigns">Campaigns</a>' in home
    assert '<a href="/signin">Sign in</a>' in home


def test_anonymous_requests_are_401_and_see_the_sign_in_form(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    for path in PRIVATE_GETS:
        response = site.client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "Book a room" not in response.text
    page = site.client.get("/campaigns/iwd-guest-session")
    assert 'name="next" value="/campaigns/iwd-guest-session"' in page.text
    assert site.client.post(TASK, json={}).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer edc_not-a-real-token-0123456789"},
        {"Authorization": "Bearer wrong-token-0123456789abcdef"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Cookie": "edicalendar_session=made-up-session-token"},
    ],
)
def test_wrong_credentials_are_refused(site: Site, headers: dict[str, str]) -> None:
    site.person("asha.khan@nhs.net", Role.ADMIN)
    for path in PRIVATE_GETS:
        response = site.client.get(path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert "Book a room" not in response.text
    assert site.client.post(TASK, json={}, headers=headers).status_code == 401


def test_a_viewer_reads_the_plan_but_may_not_change_it(site: Site) -> None:
    """Viewers see the plan (-7d before Sunday 8 March 2026 is Sunday 1 March); their writes
    are 403, through the form and the API, and nothing is recorded."""
    site.person("viewer@nhs.net", Role.VIEWER)
    browser = site.signed_in("viewer@nhs.net")
    html = browser.get("/campaigns").text
    row = html[html.index('<time datetime="2026-03-01">') :]
    row = row[: row.index("</tr>")]
    assert "Book a room and a Teams link" in row and '<span class="overdue">overdue' in row
    assert "Plan a campaign" not in html and "ask an administrator to make you an editor" in html
    assert 'Viewer <span class="role">(viewer)</span>' in html
    csrf = form_csrf(browser.get("/campaigns/iwd-guest-session").text)
    refused = browser.post(FORM, data={**DONE, "csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Your role (viewer) cannot do this; it needs editor" in refused.text
    token = site.api_token("viewer@nhs.net")
    assert site.client.post(TASK, json={"done": True}, headers=_bearer(token)).status_code == 403
    assert _recorded(site) == []


def test_what_a_signed_in_person_sees_is_never_kept_by_a_shared_cache(site: Site) -> None:
    """Private pages and API answers say `private`: a proxy never hands one person's plan to
    another, and those without their own validator are not stored at all."""
    site.person("viewer@nhs.net", Role.VIEWER)
    browser = site.signed_in("viewer@nhs.net")
    token = site.api_token("script@nhs.net", Role.EDITOR)
    for client, headers in ((browser, {}), (site.client, _bearer(token))):
        for path in (*PRIVATE_GETS, "/my-work", "/api/my-work", "/campaigns/plan.csv"):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            kept = {v.strip() for v in response.headers["cache-control"].split(",")}
            assert "private" in kept and kept & {"no-store", "no-cache"}, (path, kept)
            if "etag" not in response.headers:
                assert "no-store" in kept, path


def test_an_editor_marks_work_done_and_is_recorded_as_themselves(site: Site) -> None:
    site.person("editor@nhs.net", Role.EDITOR)
    browser = site.signed_in("editor@nhs.net")
    csrf = form_csrf(browser.get("/campaigns/iwd-guest-session").text)
    done = browser.post(FORM, data={**DONE, "csrf_token": csrf, "by": "Someone Else"},
                        follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == "/campaigns/iwd-guest-session#task-2026-room"
    row = browser.get("/campaigns/iwd-guest-session").text.split('id="task-2026-room"')[1]
    assert '<span class="progress-done">done</span>' in row.split("</tr>")[0]
    assert _recorded(site) == [("room", "done", "editor@nhs.net")]


def test_a_personal_api_token_acts_as_its_person(site: Site) -> None:
    token = site.api_token("script@nhs.net", Role.EDITOR)
    response = site.client.post(TASK, json={"done": True, "by": "Asha"}, headers=_bearer(token))
    assert response.status_code == 200
    assert response.json()["recorded_by"] == "script@nhs.net"
    assert _tasks(site.client, _bearer(token))["room"] is True
    site.client.post(TASK, json={"done": False}, headers=_bearer(token))
    assert _tasks(site.client, _bearer(token))["room"] is False
    assert [r[2] for r in _recorded(site)] == ["script@nhs.net", "script@nhs.net"]


def test_revoking_a_token_and_removing_a_person_take_effect_at_once(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.EDITOR)
    browser = site.signed_in("asha.khan@nhs.net")
    one = site.api_token("asha.khan@nhs.net")
    two = site.api_token("asha.khan@nhs.net")
    assert site.client.get("/api/campaigns", headers=_bearer(one)).status_code == 200
    first = site.ctx.accounts().tokens("asha.khan@nhs.net")[0]
    site.ctx.accounts().revoke_token(first.id)
    assert site.client.get("/api/campaigns", headers=_bearer(one)).status_code == 401
    assert site.client.get("/api/campaigns", headers=_bearer(two)).status_code == 200
    assert browser.get("/campaigns").status_code == 200
    site.ctx.accounts().remove("asha.khan@nhs.net", by="tests")
    assert site.client.get("/api/campaigns", headers=_bearer(two)).status_code == 401
    assert browser.get("/campaigns").status_code == 401


def test_a_session_expires_after_twelve_hours(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    browser = site.signed_in("asha.khan@nhs.net")
    site.clock.advance(hours=11, minutes=59)
    assert browser.get("/campaigns").status_code == 200
    site.clock.advance(minutes=1)
    assert browser.get("/campaigns").status_code == 401


def test_signing_out_ends_the_session_and_the_old_cookie_is_refused(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    browser = site.signed_in("asha.khan@nhs.net")
    cookie = browser.cookies["edicalendar_session"]
    csrf = form_csrf(browser.get("/campaigns").text)
    out = browser.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert 'edicalendar_session=""' in out.headers["set-cookie"]
    replay = TestClient(site.app, base_url=HTTPS)
    replay.cookies.set("edicalendar_session", cookie)
    assert replay.get("/campaigns").status_code == 401


def test_sign_out_without_its_token_is_refused(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    browser = site.signed_in("asha.khan@nhs.net")
    assert browser.post("/signout", data={}, follow_redirects=False).status_code == 403
    assert browser.get("/campaigns").status_code == 200


@pytest.mark.parametrize("csrf", [None, "", "not-the-sessions-token"])
def test_form_posts_without_the_sessions_csrf_token_are_refused(
    site: Site, csrf: str | None
) -> None:
    """Cross-site requests ride on the cookie but cannot know the token: 403, nothing kept."""
    site.person("editor@nhs.net", Role.EDITOR)
    browser = site.signed_in("editor@nhs.net")
    data = dict(DONE) if csrf is None else {**DONE, "csrf_token": csrf}
    response = browser.post(FORM, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text
    json_post = browser.post(TASK, json={"done": True})
    assert json_post.status_code == 403  # cookie without X-CSRF-Token
    assert _recorded(site) == []


def test_a_browser_script_may_send_the_csrf_token_as_a_header(site: Site) -> None:
    site.person("editor@nhs.net", Role.EDITOR)
    browser = site.signed_in("editor@nhs.net")
    csrf = form_csrf(browser.get("/campaigns").text)
    response = browser.post(TASK, json={"done": True}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert _recorded(site) == [("room", "done", "editor@nhs.net")]


def test_the_session_cookie_is_httponly_lax_and_secure_for_an_https_address(site: Site) -> None:
    """The test config's public address is https, so the cookie is Secure even over http."""
    site.person("asha.khan@nhs.net", Role.VIEWER)
    response = sign_in(site.client, "asha.khan@nhs.net")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    assert "Max-Age=43200" in cookie


def test_signing_in_goes_back_to_the_page_asked_for_and_never_off_site(site: Site) -> None:
    site.person("asha.khan@nhs.net", Role.VIEWER)
    for given, expected in (
        ("/campaigns/iwd-guest-session", "/campaigns/iwd-guest-session"),
        ("https://evil.example/", "/campaigns"),
        ("//evil.example/", "/campaigns"),
        ("/\\evil.example", "/campaigns"),
    ):
        client = TestClient(site.app, base_url=HTTPS)
        csrf = form_csrf(client.get("/signin").text)
        response = client.post(
            "/signin",
            data={"email": "asha.khan@nhs.net", "password": "correct horse battery staple",
                  "csrf_token": csrf, "next": given},
            follow_redirects=False,
        )  # fmt: skip
        assert response.headers["location"] == expected, given


def test_the_sign_in_form_needs_its_csrf_token(site: Site) -> None:
    """A sign-in form posted from another site (no double-submit cookie) signs nobody in."""
    site.person("asha.khan@nhs.net", Role.VIEWER)
    response = TestClient(site.app, base_url=HTTPS).post(
        "/signin",
        data={"email": "asha.khan@nhs.net", "password": "correct horse battery staple",
              "csrf_token": "guessed"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 400
    assert "set-cookie" not in response.headers or "edicalendar_session=" not in str(
        response.headers.get("set-cookie")
    )


def test_wrong_passwords_are_rate_limited(site: Site) -> None:
    """Five wrong passwords, then 429 with Retry-After, even for the right one."""
    site.person("asha.khan@nhs.net", Role.VIEWER)
    for _ in range(5):
        assert sign_in(site.client, "asha.khan@nhs.net", "a wrong password").status_code == 401
    limited = sign_in(site.client, "asha.khan@nhs.net")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "900"
    assert "Too many failed sign-ins; try again in 15 minutes." in limited.text
    site.clock.advance(minutes=15)
    assert sign_in(site.client, "asha.khan@nhs.net").status_code == 303


def test_the_old_shared_token_still_works_as_an_admin_api_token(
    site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """For one release: deprecated, logged once, recorded as the `by` a script names."""
    monkeypatch.setenv("EDICALENDAR_TOKEN", TOKEN)
    with caplog.at_level("WARNING", logger="edicalendar.web"):
        response = site.client.post(TASK, json={"done": True, "by": "Asha"}, headers=_bearer(TOKEN))
        site.client.post(TASK, json={"done": False}, headers=_bearer(TOKEN))
    assert response.status_code == 200
    assert [r[2] for r in _recorded(site)] == ["Asha", "EDICALENDAR_TOKEN"]
    assert caplog.text.count("EDICALENDAR_TOKEN is deprecated") == 1
    # It is not a sign-in for people, and a short one counts as unset.
    monkeypatch.setenv("EDICALENDAR_TOKEN", "short")
    assert site.client.get("/api/campaigns", headers=_bearer("short")).status_code == 401


def test_progress_for_unknown_items_is_refused(site: Site) -> None:
    """Unknown campaigns or tasks give 404, a malformed instance 400, a bad body 422."""
    auth = _bearer(site.api_token("editor@nhs.net", Role.EDITOR))
    base = "/api/campaigns"
    assert (
        site.client.post(f"{base}/nope/tasks/2026/room", json={}, headers=auth).status_code == 404
    )
    assert (
        site.client.post(f"{base}/iwd-guest-session/tasks/2026/nope", json={}, headers=auth)
        .status_code == 404
    )  # fmt: skip
    assert (
        site.client.post(f"{base}/iwd-guest-session/tasks/soon/room", json={}, headers=auth)
        .status_code == 400
    )  # fmt: skip
    bad = site.client.post(TASK, json={"done": "maybe"}, headers=auth)
    assert bad.status_code == 422


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_campaign_text_is_escaped_everywhere(site: Site) -> None:
    """Campaign title, summary, owners, assets and tasks holding markup come out as text."""
    auth = _bearer(site.api_token("viewer@nhs.net", Role.VIEWER))
    for path in (
        "/campaigns?period=2026-Q2",
        "/campaigns/hostile-campaign",
        "/campaigns/hostile-campaign/2026",
        "/my-work",
    ):
        html = site.client.get(path, headers=auth).text
        parser = _Tags()
        parser.feed(html)
        for tag, attrs in parser.tags:
            assert tag not in ("script", "img", "b"), (path, tag)
            assert not any(name.startswith("on") for name, _ in attrs), (path, tag)
        title = "Campaign &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &#34;quotes"
        if path != "/my-work":
            assert title in html
    detail = site.client.get("/campaigns/hostile-campaign", headers=auth).text
    assert "&lt;img src=x onerror=alert(&#39;summary&#39;)&gt;" in detail
    assert "Write &lt;script&gt;alert(&#39;task&#39;)&lt;/script&gt; &#34;now&#34;" in detail
    assert 'href="https://example.org/post?a=1&amp;b=&#39;2&#39;"' in detail


def test_a_hostile_name_is_escaped_in_the_header(site: Site) -> None:
    accounts = site.ctx.accounts()
    token = accounts.add("x@nhs.net", name="<script>alert(1)</script>", role=Role.VIEWER, by="t")
    from edicalendar.accounts.directory import Client

    accounts.accept_invitation(token.token, "correct horse battery staple", Client("127.0.0.1"))
    html = site.signed_in("x@nhs.net").get("/campaigns").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html

"""ETags on the private campaign reads (`/api/campaigns`, a campaign's instances and history,
`/api/my-work`), as `/api/freezes` has: `Cache-Control: private, no-cache`, a weak ETag from
the answer's bytes, 304 to a matching `If-None-Match` (with a token or a session), and a new tag
as soon as anything in the answer changes. Anonymous requests still get 401, ETag or not."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from edicalendar.model import Role

from .conftest import Site

CAMPAIGN = "iwd-guest-session"
TASK = f"/api/campaigns/{CAMPAIGN}/tasks/2026/room"
READS = (
    "/api/campaigns",
    f"/api/campaigns/{CAMPAIGN}/instances",
    f"/api/campaigns/{CAMPAIGN}/history",
    "/api/my-work",
)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def editor(site: Site) -> dict[str, str]:
    return _bearer(site.api_token("editor@nhs.net", Role.EDITOR))


def _revalidates(client: TestClient, path: str, headers: dict[str, str]) -> str:
    first = client.get(path, headers=headers)
    assert first.status_code == 200, (path, first.text[:200])
    assert first.headers["cache-control"] == "private, no-cache", path
    tag = first.headers["etag"]
    assert tag.startswith('W/"'), (path, tag)
    again = client.get(path, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304, path
    assert again.content == b""
    assert again.headers["etag"] == tag and again.headers["cache-control"] == "private, no-cache"
    # Weak comparison (RFC 9110): the strong form and a list holding it match too.
    strong = tag.removeprefix("W/")
    listed = client.get(path, headers={**headers, "If-None-Match": f'"other", {strong}'})
    assert listed.status_code == 304, path
    stale = client.get(path, headers={**headers, "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.json() == first.json()
    return tag


@pytest.mark.parametrize("path", READS)
def test_each_private_read_revalidates_with_a_token(
    site: Site, editor: dict[str, str], path: str
) -> None:
    _revalidates(site.client, path, editor)


def test_a_change_gives_every_read_that_shows_it_a_new_tag(
    site: Site, editor: dict[str, str]
) -> None:
    """Marking a task done changes the plan, the instances and the history (a new entry); the
    task's owner's own work list changes when the work is given to them."""
    before = {path: _revalidates(site.client, path, editor) for path in READS}
    site.clock.advance(minutes=1)
    done = site.client.post(TASK, json={"done": True}, headers=editor)
    assert done.status_code == 200, done.text
    for path in READS[:3]:
        after = site.client.get(path, headers={**editor, "If-None-Match": before[path]})
        assert after.status_code == 200, path
        assert after.headers["etag"] != before[path], path
    mine = site.client.get("/api/my-work", headers={**editor, "If-None-Match": before[READS[3]]})
    assert mine.status_code == 304  # nothing of the editor's own changed
    given = site.client.post(
        f"{TASK}/owner", json={"name": "Editor", "email": "editor@nhs.net"}, headers=editor
    )
    assert given.status_code == 200, given.text
    mine = site.client.get("/api/my-work", headers={**editor, "If-None-Match": before[READS[3]]})
    assert mine.status_code == 200 and mine.headers["etag"] != before[READS[3]]
    assert any(w["item"] == "room" for w in mine.json()["work"])


def test_a_signed_in_browser_revalidates_too(site: Site) -> None:
    site.person("viewer@nhs.net", Role.VIEWER)
    browser = site.signed_in("viewer@nhs.net")
    for path in READS:
        _revalidates(browser, path, {})


def test_two_people_with_different_work_never_share_a_tag(site: Site) -> None:
    site.ctx.accounts().add("asha.khan@nhs.net", name="Asha Khan", role=Role.VIEWER, by="t")
    asha = _bearer(site.ctx.accounts().issue_token("asha.khan@nhs.net")[1])
    other = _bearer(site.api_token("ben@nhs.net", Role.VIEWER))
    tags: dict[str, Any] = {}
    for name, headers in (("asha", asha), ("ben", other)):
        tags[name] = site.client.get("/api/my-work", headers=headers).headers["etag"]
    assert tags["asha"] != tags["ben"]
    # Ben's tag does not open Asha's work.
    crossed = site.client.get("/api/my-work", headers={**asha, "If-None-Match": tags["ben"]})
    assert crossed.status_code == 200 and crossed.json()["email"] == "asha.khan@nhs.net"


@pytest.mark.parametrize("path", READS)
def test_anonymous_requests_are_refused_whatever_they_send(site: Site, path: str) -> None:
    site.person("viewer@nhs.net", Role.VIEWER)  # someone can sign in: refusals are 401
    answer = site.client.get(path, headers={"If-None-Match": "*"})
    assert answer.status_code == 401
    assert "etag" not in answer.headers

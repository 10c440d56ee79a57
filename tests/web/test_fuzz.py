"""No value of any parameter of any route makes the server fail with a 500.

Each route's parameters (path, query, form and JSON fields, the If-Match header) get values at
and past the ends of what they hold: the first and last days Python can represent (`month=0001-01`,
`date=9999-12-31` once crashed), impossible dates, huge numbers, empty and over-long text,
control characters, markup. Every answer must be a deliberate one (2xx, 3xx or 4xx) and the
log must hold no "unexpected error". A route added later without an entry here fails
`test_every_route_is_fuzzed`.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edicalendar.web import (
    api,
    campaign_actions,
    campaign_api,
    campaign_editor,
    campaign_pages,
    embed,
    pages,
    signin,
)
from support.net import LOCAL_BASE_URL

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EDGES = [
    "0001-01", "0001-01-01", "0000-01-01", "9999-12", "9999-12-31", "10000-01-01", "1582-12-31",
    "1583-01-01", "4099-12-31", "4100-01-01", "2026-02-30", "2026-13-01", "2026-00", "2026-1",
    "+02026-01-01", "2026-01-01T00:00", "2026-W01-1", "", " ", "-1", "0", "99999",
    "99999999999999999999999", "1e308", "nan", "null", "true", "[]", "{}", "x" * 1500,
    "\x00", "\x1b[2J", "é", "\u202e", "../../etc/passwd", "<script>alert(1)</script>",
    "%", "a%2Fb", "2026-01-01\n",
]  # fmt: skip

#: Route -> (method, query or form fields, a valid value for each, whether it is a form/JSON).
#: Path parameters are written {name} and are fuzzed too.
ROUTES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/"): {},
    ("GET", "/calendar"): {"query": {"month": "2026-03", "view": "month",
                                     "category": "race"}},
    ("GET", "/observances/{observance_id}"): {"path": {"observance_id": "black-history-month"}},
    ("GET", "/observances/{observance_id}/{instance}.ics"): {
        "path": {"observance_id": "black-history-month", "instance": "2026"},
        "query": {"alarm": "2"},
    },
    ("GET", "/clashes"): {"query": {"date": "2026-03-01", "to": "2026-03-02"}},
    ("GET", "/api/observances"): {"query": {"category": "race", "limit": "5", "offset": "2"}},
    ("GET", "/api/observances/{observance_id}"): {"path": {"observance_id": "yom-kippur"},
                                                  "query": {"from_year": "2026",
                                                            "to_year": "2028"}},
    ("GET", "/api/occurrences"): {"query": {"from": "2026-01-01", "to": "2026-12-31",
                                            "category": "race", "limit": "5", "offset": "2",
                                            "format": "csv"}},
    ("GET", "/api/clashes"): {"query": {"date": "2026-03-01", "to": "2026-03-02"}},
    ("GET", "/healthz"): {},
    ("GET", "/embed/upcoming"): {"query": {"n": "3", "category": "race", "target": "_top",
                                           "heading": "Coming up"}},
    ("GET", "/embed"): {},
    ("GET", "/signin"): {"query": {"next": "/campaigns"}},
    ("POST", "/signin"): {"form": {"email": "asha@nhs.net", "password": "x" * 12,
                                   "csrf_token": "x", "next": "/campaigns"}},
    ("POST", "/signout"): {"form": {"csrf_token": "x"}},
    ("GET", "/invitation"): {"query": {"token": "x" * 20}},
    ("POST", "/invitation"): {"form": {"token": "x" * 20, "password": "y" * 12,
                                       "confirm": "y" * 12, "csrf_token": "x"}},
    ("GET", "/signin/oidc"): {"query": {"next": "/campaigns"}},
    ("GET", "/signin/oidc/callback"): {"query": {"code": "c", "state": "s", "error": "",
                                                 "error_description": ""}},
    # The campaign workspace: the plan, a campaign and one year of it, My work, the editor,
    # the action forms and the JSON API. STORED is made in the database by the fixture (file
    # campaigns are read-only); DOOMED is there to be deleted by the valid delete requests.
    ("GET", "/campaigns"): {"query": {"view": "quarter", "period": "2026-Q1", "jump-day": "5",
                                      "jump-month": "3", "jump-year": "2026", "done": "saved"}},
    ("GET", "/campaigns/plan.csv"): {"query": {"period": "2026-Q1", "year": "2026"}},
    ("GET", "/campaigns/plan.xlsx"): {"query": {"period": "2026-03", "year": "2026"}},
    ("GET", "/my-work"): {"query": {"feed": "stopped"}},
    ("POST", "/my-work/feed"): {"form": {"action": "make", "csrf_token": "x"}},
    ("GET", "/deadlines/{secret}.ics"): {"path": {"secret": "x" * 43}},
    ("GET", "/campaigns/{campaign_id}"): {"path": {"campaign_id": "iwd-guest-session"},
                                          "query": {"done": "created"}},
    ("GET", "/campaigns/{campaign_id}/{instance}"): {
        "path": {"campaign_id": "fuzz-stored", "instance": "2026"}, "query": {"done": "saved"}},
    ("GET", "/campaigns/new"): {"query": {"observance": "eid-al-fitr",
                                          "template": "awareness-day", "runs": "year",
                                          "year": "2026"}},
    ("POST", "/campaigns/new"): {"form": {
        "action": "save", "title": "Eid al-Fitr post", "id": "", "observance": "eid-al-fitr",
        "runs": "years", "years": "2026", "since": "", "audience": "staff", "summary": "A post.",
        "original": "{}", "revision": "", "task_rows": "1", "task-0-name": "Draft it",
        "task-0-due-amount": "5", "task-0-due-unit": "wd", "task-0-due-direction": "before-start",
        "task-0-due-day": "", "task-0-due-month": "", "task-0-due-year": "", "asset_rows": "1",
        "asset-0-title": "Eid al-Fitr", "asset-0-kind": "social", "asset-0-status": "planned",
        "asset-0-publish-direction": "on-start", "asset-0-url": "", "lead_times": "7, 1",
        "lead_destinations": "console", "owner_rows": "0", "reminder_rows": "0"}},
    ("GET", "/campaigns/{campaign_id}/edit"): {"path": {"campaign_id": "fuzz-stored"}},
    ("POST", "/campaigns/{campaign_id}/edit"): {"path": {"campaign_id": "fuzz-stored"}, "form": {
        "action": "save", "title": "Stored campaign", "observance": "international-womens-day",
        "runs": "years", "years": "2026", "revision": "1", "task_rows": "1",
        "task-0-id": "room", "task-0-name": "Book the room", "task-0-due-amount": "7",
        "task-0-due-unit": "d", "task-0-due-direction": "before-start", "asset_rows": "0",
        "owner_rows": "0", "reminder_rows": "0", "lead_times": "7"}},
    ("GET", "/campaigns/{campaign_id}/delete"): {"path": {"campaign_id": "fuzz-stored"}},
    ("POST", "/campaigns/{campaign_id}/delete"): {"path": {"campaign_id": "fuzz-doomed"},
                                                  "form": {"revision": "1", "csrf_token": "x"}},
    ("POST", "/campaigns/{campaign_id}/progress"): {
        "path": {"campaign_id": "iwd-guest-session"},
        "form": {"instance": "2026", "task": "room", "state": "done", "by": "Asha",
                 "back": "instance"},
    },
    ("POST", "/campaigns/{campaign_id}/asset"): {
        "path": {"campaign_id": "fuzz-stored"},
        "form": {"instance": "2026", "asset": "blog", "status": "published",
                 "url": "https://example.org/blog", "back": "instance"},
    },
    ("POST", "/campaigns/{campaign_id}/reassign"): {
        "path": {"campaign_id": "fuzz-stored"},
        "form": {"instance": "2026", "kind": "task", "item": "room", "owner": "name:Asha",
                 "back": ""},
    },
    ("POST", "/campaigns/{campaign_id}/comments"): {
        "path": {"campaign_id": "fuzz-stored"},
        "form": {"instance": "2026", "text": "Room booked.", "back": "instance"},
    },
    ("GET", "/api/campaigns"): {"query": {"from": "2026-01-01", "to": "2026-12-31"}},
    ("POST", "/api/campaigns"): {"json": {
        "id": "fuzz-made", "title": "Made by the API", "observance": "international-womens-day",
        "years": [2026], "tasks": [{"id": "room", "name": "Book the room", "due": "-7d"}]}},
    ("GET", "/api/campaigns/{campaign_id}"): {"path": {"campaign_id": "fuzz-stored"}},
    ("PUT", "/api/campaigns/{campaign_id}"): {
        "path": {"campaign_id": "fuzz-stored"}, "header": {"If-Match": '"r1"'},
        "json": {"id": "fuzz-stored", "title": "Stored campaign",
                 "observance": "international-womens-day", "years": [2026],
                 "tasks": [{"id": "room", "name": "Book the room", "due": "-7d"}]}},
    ("DELETE", "/api/campaigns/{campaign_id}"): {"path": {"campaign_id": "fuzz-made"},
                                                 "header": {"If-Match": '"r1"'}},
    ("GET", "/api/campaigns/{campaign_id}/instances"): {
        "path": {"campaign_id": "fuzz-stored"},
        "query": {"from": "2026-01-01", "to": "2026-12-31"}},
    ("POST", "/api/campaigns/{campaign_id}/tasks/{instance}/{task_id}"): {
        "path": {"campaign_id": "iwd-guest-session", "instance": "2026", "task_id": "room"},
        "json": {"done": True, "by": "Asha"},
    },
    ("POST", "/api/campaigns/{campaign_id}/assets/{instance}/{asset_id}"): {
        "path": {"campaign_id": "fuzz-stored", "instance": "2026", "asset_id": "blog"},
        "json": {"status": "published", "url": "https://example.org/blog"},
    },
    ("POST", "/api/campaigns/{campaign_id}/{kind}/{instance}/{item_id}/owner"): {
        "path": {"campaign_id": "fuzz-stored", "kind": "tasks", "instance": "2026",
                 "item_id": "room"},
        "json": {"name": "Asha", "email": "asha@nhs.net"},
    },
    ("GET", "/api/campaigns/{campaign_id}/history"): {"path": {"campaign_id": "fuzz-stored"}},
    ("POST", "/api/campaigns/{campaign_id}/comments"): {
        "path": {"campaign_id": "fuzz-stored"}, "json": {"text": "Booked.", "instance": "2026"}},
    ("GET", "/api/my-work"): {},
}  # fmt: skip

#: The campaigns the fixture stores, so the editor and the API have something to change.
STORED = {
    "fuzz-stored": {"id": "fuzz-stored", "title": "Stored campaign",
                    "observance": "international-womens-day", "years": [2026],
                    "tasks": [{"id": "room", "name": "Book the room", "due": "-7d"}],
                    "assets": [{"id": "blog", "kind": "blog", "title": "The blog",
                                "publish": "start"}]},
    "fuzz-doomed": {"id": "fuzz-doomed", "title": "To be deleted",
                    "observance": "international-womens-day", "years": [2026]},
}  # fmt: skip


def _routes() -> set[tuple[str, str]]:
    found = set()
    routers = (
        pages.router,
        api.router,
        embed.router,
        signin.router,
        campaign_editor.router,
        campaign_actions.router,
        campaign_api.router,
        campaign_pages.router,
        campaign_pages.public_router,
    )
    for router in routers:
        for route in router.routes:
            for method in getattr(route, "methods", ()):
                if method != "HEAD":
                    found.add((method, route.path))  # type: ignore[attr-defined]
    return found


def test_every_route_is_fuzzed() -> None:
    assert _routes() == set(ROUTES)


def _cases() -> list[tuple[str, str, str, str, Any]]:
    """(method, path, kind, field, value); kind "alone" is a query field sent without the
    route's other query fields (`date=9999-12-31` with no `to`)."""
    cases = []
    for (method, path), spec in ROUTES.items():
        for kind in ("path", "query", "form", "json", "header"):
            for name in spec.get(kind, {}):
                for value in EDGES:
                    if kind == "header" and not _sendable(value):
                        continue
                    cases.append((method, path, kind, name, value))
                    if kind == "query" and len(spec["query"]) > 1:
                        cases.append((method, path, "alone", name, value))
        cases.append((method, path, "none", "", None))
    return cases


def _sendable(value: str) -> bool:
    """Whether a value can go in a request header at all (printable ASCII)."""
    return all(" " <= c <= "~" for c in value)


def _url(path: str, values: dict[str, str]) -> str:
    from urllib.parse import quote

    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe="") or "%20")
    return path


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import datetime as dt
    import os

    from edicalendar.context import AppContext
    from edicalendar.web import create_app
    from support.clock import Clock
    from support.sites import copy_site

    config = copy_site(tmp_path_factory.mktemp("fuzz"))
    previous = os.environ.get("EDICALENDAR_TOKEN")
    os.environ["EDICALENDAR_TOKEN"] = TOKEN
    now = Clock(dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC))
    app = create_app(AppContext(config_path=config, now=now), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL, raise_server_exceptions=False) as client:
        for table in STORED.values():
            made = client.post("/api/campaigns", json=table, headers=AUTH)
            assert made.status_code == 201, made.text
        yield client
    if previous is None:
        del os.environ["EDICALENDAR_TOKEN"]
    else:
        os.environ["EDICALENDAR_TOKEN"] = previous


@pytest.mark.parametrize(("method", "path", "kind", "name", "value"), _cases())
def test_no_value_makes_a_500(
    fuzz_client: TestClient,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    kind: str,
    name: str,
    value: Any,
) -> None:
    spec = ROUTES[(method, path)]
    fields = {k: dict(spec.get(k, {})) for k in ("path", "query", "form", "json", "header")}
    if kind == "alone":
        fields["query"] = {name: value}
    elif value is not None:
        fields[kind][name] = value
    url = _url(path, fields["path"])
    headers = dict(AUTH) | fields["header"]
    caplog.set_level(logging.ERROR, logger="edicalendar")
    if spec.get("json") is not None:
        response = fuzz_client.request(method, url, json=fields["json"], headers=headers)
    elif method == "POST":
        response = fuzz_client.post(url, data=fields["form"], headers=headers)
    else:
        response = fuzz_client.request(method, url, params=fields["query"], headers=headers)
    assert response.status_code < 500, (method, url, kind, name, value, response.text[:300])
    assert "unexpected error" not in caplog.text

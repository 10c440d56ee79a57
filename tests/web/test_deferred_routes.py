"""The campaign routes are imported on the first request under their addresses, and answer,
route and document themselves exactly as if they had been built at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient

from edicalendar.model import Role
from edicalendar.web import (
    api,
    campaign_actions,
    campaign_api,
    campaign_editor,
    campaign_pages,
    create_app,
    docs,
    embed,
    freeze_pages,
    pages,
    print_pages,
    search_pages,
    signin,
    site_pages,
)
from edicalendar.web.app import WebApp
from edicalendar.web.deferred import CAMPAIGN_PREFIXES, CAMPAIGN_ROUTERS
from support.net import LOCAL_BASE_URL

from .conftest import HTTPS, WebEnv

CAMPAIGN_MODULES = sorted({module for module, _ in CAMPAIGN_ROUTERS})

PROBE = """
import json, sys
from pathlib import Path
from starlette.testclient import TestClient
from edicalendar.context import AppContext
from edicalendar.web import create_app

modules = sys.argv[2].split(",")
app = create_app(AppContext(config_path=Path(sys.argv[1])), watch_interval=None)
client = TestClient(app, base_url="http://127.0.0.1")
seen = {}
for path in ("/healthz", "/", "/calendar", "/api/occurrences?from=2026-03-01&to=2026-03-31",
             "/feeds/all.ics", "/static/site.css", "/no-such-page", "/openapi.json.nope"):
    status = client.get(path).status_code
    seen[path] = [status, [m for m in modules if m in sys.modules]]
status = client.get("/campaigns").status_code
seen["/campaigns"] = [status, [m for m in modules if m in sys.modules]]
print(json.dumps(seen))
"""


def test_a_fresh_server_imports_the_campaign_routes_only_when_one_is_asked_for(
    web_env: WebEnv,
) -> None:
    """Pages, the public API, feeds, static files and addresses that are nobody's answer without
    importing a campaign module; the first campaign address imports them (and is answered)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(web_env.config), ",".join(CAMPAIGN_MODULES)],
        cwd=web_env.root,
        env={**os.environ, "EDICALENDAR_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for path, (status, loaded) in seen.items():
        if path == "/campaigns":
            assert loaded == CAMPAIGN_MODULES
            assert status == 404  # nobody can sign in to this server yet
        else:
            assert loaded == [], path
            assert status == (404 if "no" in path else 200), path


def _routers() -> list[Any]:
    """Every router in the order create_app included them before any were deferred."""
    return [
        pages.router,
        api.router,
        docs.router,
        search_pages.router,
        print_pages.router,
        site_pages.router,
        embed.router,
        signin.router,
        campaign_editor.router,
        campaign_actions.router,
        campaign_api.router,
        campaign_pages.router,
        campaign_pages.public_router,
        freeze_pages.public_router,
        freeze_pages.router,
    ]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (path, method, operation.get("operationId", ""))
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_the_openapi_document_lists_every_route_in_the_order_they_were_included(
    web_env: WebEnv,
) -> None:
    """The document of a server that has answered nothing yet names every operation, campaign
    ones included, in the order of an app that includes every router at once."""
    reference = FastAPI()
    for router in _routers():
        reference.include_router(router)
    expected = _operations(get_openapi(title="t", version="1", routes=reference.routes))
    app = create_app(web_env.context(), watch_interval=None)
    assert isinstance(app, WebApp) and app.deferred is not None
    assert not app.deferred.loaded
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        document = client.get("/openapi.json").json()
    assert _operations(document) == expected
    assert any(path.startswith("/api/campaigns") for path, _, _ in expected)


def test_every_campaign_route_lives_under_a_deferred_prefix() -> None:
    """A request whose address has none of the prefixes can never be a campaign route's, so
    passing it by without loading them changes no answer."""
    deferred = [campaign_editor, campaign_actions, campaign_api, campaign_pages]
    paths = [
        route.path
        for module in deferred
        for name in ("router", "public_router")
        if hasattr(module, name)
        for route in getattr(module, name).routes
    ]
    assert len(paths) > 20
    for path in paths:
        assert any(path.startswith(prefix) for prefix in CAMPAIGN_PREFIXES), path
    for prefix in CAMPAIGN_PREFIXES:
        assert "{" not in prefix


REQUESTS = [
    ("GET", "/campaigns", False),
    ("GET", "/campaigns/", False),  # slash redirect
    ("PUT", "/campaigns/new", True),  # 405 with Allow: a partial match
    ("POST", "/api/my-work", True),  # 405 again
    ("GET", "/api/campaigns", True),
    ("HEAD", "/api/campaigns", True),
    ("GET", "/api/campaigns/no-such-campaign", True),
    ("GET", "/api/my-work", True),
    ("GET", "/campaigns/plan.csv", True),
    ("GET", "/deadlines/not-a-secret.ics", False),
    ("DELETE", "/api/campaigns", True),
]


def _answer(app: FastAPI, method: str, path: str, token: str | None) -> tuple[Any, ...]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with TestClient(app, base_url=HTTPS) as client:
        response = client.request(method, path, headers=headers, follow_redirects=False)
    kept = {k: v for k, v in response.headers.items() if k not in ("date", "set-cookie")}
    return response.status_code, kept, response.content


@pytest.mark.parametrize(("method", "path", "with_token"), REQUESTS)
def test_the_first_campaign_request_is_answered_as_every_later_one(
    site: Any, method: str, path: str, with_token: bool
) -> None:
    """Answered through the stand-in while it loads the routes, a request gets the same status,
    headers and body as on an app whose routes were all loaded before."""
    token = site.api_token("editor@example.nhs.uk", Role.EDITOR) if with_token else None
    first = create_app(site.ctx, watch_interval=None)
    assert isinstance(first, WebApp) and first.deferred is not None
    loaded = create_app(site.ctx, watch_interval=None)
    assert any(path.startswith("/api/campaigns") for path in _paths(loaded))  # loads them
    assert not first.deferred.loaded
    answer = _answer(first, method, path, token)
    assert first.deferred.loaded
    assert answer == _answer(loaded, method, path, token)
    assert answer == _answer(first, method, path, token)
    assert answer[0] != 500


def _paths(app: FastAPI) -> list[str]:
    return [path for path in app.openapi()["paths"]]

"""Fixtures for the web tests: a copy of the small test calendar, settings pointing at it and at
a fresh SQLite file, a fixed clock, and the app built from them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edicalendar.accounts.directory import Client
from edicalendar.calendar.freezes import FreezeKind
from edicalendar.context import AppContext
from edicalendar.model import Role
from edicalendar.reminders.freeze_book import FreezeRequest
from edicalendar.web import create_app
from support.clock import Clock
from support.net import LOCAL_BASE_URL, free_port
from support.serving import serving
from support.sites import copy_site

DATA = Path(__file__).parent / "data"
#: Thursday 5 March 2026, mid-morning in London.
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
TOKEN = "test-token-0123456789abcdef"
PASSWORD = "correct horse battery staple"
#: The test config's public address (https, so cookies are Secure): clients speak to it.
HTTPS = "https://calendar.example.nhs.uk"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebEnv:
    root: Path
    config: Path
    calendars: Path
    campaigns: Path

    def context(self, now: dt.datetime = NOW) -> AppContext:
        return AppContext(config_path=self.config, now=Clock(now))


@pytest.fixture
def web_env(tmp_path: Path) -> WebEnv:
    """A private copy of the test data and a config file pointing at it."""
    shutil.copytree(DATA / "calendars", tmp_path / "calendars")
    shutil.copytree(DATA / "campaigns", tmp_path / "campaigns")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\n'
        'data_dir = "state"\n\n[feeds]\nbase_url = "https://calendar.example.nhs.uk"\n',
        encoding="utf-8",
    )
    return WebEnv(tmp_path, config, tmp_path / "calendars", tmp_path / "campaigns")


@pytest.fixture
def app_factory(web_env: WebEnv) -> Callable[..., FastAPI]:
    """Build the app on the test data (no file watcher: tests reload explicitly)."""

    def build(now: dt.datetime = NOW, **kwargs: Any) -> FastAPI:
        return create_app(web_env.context(now), watch_interval=None, **kwargs)

    return build


@pytest.fixture
def app(app_factory: Callable[..., FastAPI]) -> FastAPI:
    return app_factory()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOCAL_BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Turn the private routes on with a known token."""
    monkeypatch.setenv("EDICALENDAR_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)


def form_csrf(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    """Sign `client` in through the sign-in form, as a browser does (CSRF cookie and field)."""
    page = client.get("/signin")
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": form_csrf(page.text)},
        follow_redirects=False,
    )


@dataclass
class Site:
    """The app on the test data with a settable clock, a client, and a way to add people."""

    ctx: AppContext
    clock: Clock
    app: FastAPI
    client: TestClient

    def person(self, email: str, role: Role, password: str = PASSWORD) -> str:
        """Add a person with a password (through their invitation); returns their email."""
        accounts = self.ctx.accounts()
        token = accounts.add(email, name=email.split("@")[0].title(), role=role, by="tests").token
        accounts.accept_invitation(token, password, _TEST_CLIENT)
        return email

    def api_token(self, email: str, role: Role | None = None) -> str:
        """A personal API token for `email` (added with `role` first when given)."""
        if role is not None:
            self.ctx.accounts().add(email, name="Script", role=role, by="tests")
        return self.ctx.accounts().issue_token(email, label="tests")[1]

    def signed_in(self, email: str) -> TestClient:
        """A second client for the same app, signed in as `email`."""
        other = TestClient(self.app, base_url=HTTPS)
        assert sign_in(other, email).status_code == 303
        return other


_TEST_CLIENT = Client(address="127.0.0.1", user_agent="tests")


def record_election(site: Site) -> int:
    """A public pre-election period over International Women's Day 2026 (8 March): the mayoral
    election in Greater Manchester, 2 to 10 March."""
    freeze = site.ctx.freezes().add(
        FreezeRequest(
            FreezeKind.MAYORAL_ELECTION,
            "Mayoral election",
            start=dt.date(2026, 3, 2),
            end=dt.date(2026, 3, 10),
            area="Greater Manchester",
        ),
        by="tests",
    )
    return freeze.id


def record_embargo(site: Site) -> int:
    """The organisation's own freeze from 16 March 2026, open-ended: private unless said."""
    freeze = site.ctx.freezes().add(
        FreezeRequest(FreezeKind.ORGANISATION, "Inspection report embargo", dt.date(2026, 3, 16)),
        by="tests",
    )
    return freeze.id


@pytest.fixture
def site(web_env: WebEnv, no_token: None) -> Iterator[Site]:
    clock = Clock(NOW)
    ctx = AppContext(config_path=web_env.config, now=clock)
    app = create_app(ctx, watch_interval=None)
    with TestClient(app, base_url=HTTPS) as client:
        yield Site(ctx, clock, app, client)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, shared by a module's browser tests."""
    from playwright.sync_api import sync_playwright

    from support.browser import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def invited_admin_server(root: Path) -> Iterator[tuple[str, str]]:
    """The test site served on a free loopback port with one administrator invited, for
    browser tests that sign in through the Welsh invitation page: (address, invitation link)."""
    port = free_port()
    config = copy_site(root, f'[feeds]\nbase_url = "http://127.0.0.1:{port}"\n')
    ctx = AppContext(config_path=config, now=Clock(NOW))
    invited = ctx.accounts().add("cerys@nhs.net", name="Cerys Jones", role=Role.ADMIN, by="tests")
    with serving(create_app(ctx, watch_interval=None), port=port) as base:
        yield base, f"{base}/cy/invitation?token={invited.token}"

"""People signing in, in real headless Chromium: an invitation link from `edicalendar users
add`, a password, work marked done as that person, sign-out that kills the cookie, and single
sign-on through a real OpenID provider."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from edicalendar.context import AppContext
from edicalendar.storage.tables import campaign_progress, people
from edicalendar.web import create_app
from support.browser import run_axe
from support.cli import CliRunner
from support.net import free_port
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, User
from support.serving import serving

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
PASSWORD = "three random words here"
SHOTS = Path("/tmp/edicalendar-web-screenshots")


def _site(root: Path, port: int, extra: str = "") -> Path:
    shutil.copytree(HERE / "data" / "calendars", root / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", root / "campaigns")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n'
        f'[feeds]\nbase_url = "http://127.0.0.1:{port}"\n' + extra,
        encoding="utf-8",
    )
    return config


def test_an_invited_person_sets_a_password_works_and_signs_out(
    browser: Any, tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    port = free_port()
    config = _site(tmp_path, port)
    cli = run_cli.with_config(config)
    added = cli("users", "add", "Asha.Khan@nhs.net", "--name", "Asha Khan", "--role", "editor")
    assert added.code == 0, added.err
    link = added.out.strip().splitlines()[-1]
    assert link.startswith(f"http://127.0.0.1:{port}/invitation?token=")
    ctx = AppContext(config_path=config)
    app = create_app(ctx, watch_interval=None)
    with serving(app, port=port) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(link)
        assert "You are invited as Asha Khan" in page.locator("main").inner_text()
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/campaigns")
        assert "Asha Khan (editor)" in page.locator("header").inner_text()

        # Work marked done in the browser is recorded as this person.
        # (The 2026 page: the campaign's own page shows the year not yet over, which moves on.)
        page.goto(f"{base}/campaigns/iwd-guest-session/2026")
        page.click("#task-2026-room button")
        page.wait_for_url("**/campaigns/iwd-guest-session/2026#task-2026-room")
        assert "done" in page.locator("#task-2026-room").inner_text()
        with ctx.database.engine.connect() as conn:
            by = conn.execute(select(campaign_progress.c.recorded_by)).scalars().all()
        assert by == ["asha.khan@nhs.net"]

        old = [c for c in context.cookies() if c["name"] == "edicalendar_session"]
        assert old and old[0]["httpOnly"] and old[0]["sameSite"] == "Lax"
        page.click("header button:has-text('Sign out')")
        page.wait_for_url(f"{base}/")
        assert "Sign in" in page.locator("header").inner_text()

        # The old cookie, replayed in another browser, opens nothing.
        replay = browser.new_context()
        replay.add_cookies(old)
        replayed = replay.new_page()
        response = replayed.goto(f"{base}/campaigns")
        assert response.status == 401
        assert replayed.locator("h1").inner_text() == "Sign in"
        replay.close()

        # The link worked once; the password works from now on.
        response = page.goto(link)
        assert response.status == 404
        assert "expired or has already been used" in page.locator("main").inner_text()
        page.goto(f"{base}/signin")
        page.fill("#email", "asha.khan@nhs.net")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/campaigns")
        context.close()


def test_a_wrong_password_is_announced_and_the_form_is_axe_clean(
    browser: Any, tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    port = free_port()
    config = _site(tmp_path, port)
    assert run_cli.with_config(config)("users", "add", "a@nhs.net", "--name", "A").code == 0
    app = create_app(AppContext(config_path=config), watch_interval=None)
    with serving(app, port=port) as base:
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.goto(f"{base}/signin")
        page.fill("#email", "a@nhs.net")
        page.fill("#password", "not the password")
        page.click("main button[type=submit]")
        alert = page.locator("[role=alert]")
        assert alert.inner_text() == "That email address and password do not match an account here."
        assert page.locator("#password").get_attribute("aria-describedby") == "signin-error"
        result = run_axe(page)
        assert [v["id"] for v in result["violations"]] == []
        context.close()


def test_single_sign_on_in_the_browser(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Sign in with ..." goes to the provider and comes back signed in with the mapped role."""
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    monkeypatch.setenv("EDICALENDAR_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    port = free_port()
    provider = OidcProvider()
    provider.register(f"http://127.0.0.1:{port}/signin/oidc/callback")
    provider.user = User(sub="oid-77", email="cara.jones@nhs.net", name="Cara Jones")
    config = _site(
        tmp_path,
        port,
        f'[accounts.oidc]\nissuer = "{provider.issuer}"\nclient_id = "{CLIENT_ID}"\n'
        'label = "NHSmail"\nadmins = ["cara.jones@nhs.net"]\n',
    )
    ctx = AppContext(config_path=config)
    app = create_app(ctx, watch_interval=None)
    with provider.running(), serving(app, port=port) as base:
        context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{base}/campaigns")
        assert page.locator("h1").inner_text() == "Sign in"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "signin-sso-375.png"), full_page=True)
        assert [v["id"] for v in run_axe(page)["violations"]] == []
        page.click("text=Sign in with NHSmail")
        page.wait_for_url(f"{base}/campaigns")
        assert "Cara Jones (admin)" in page.locator("header").inner_text()
        context.close()
    with ctx.database.engine.connect() as conn:
        row = conn.execute(select(people.c.email, people.c.role, people.c.added_by)).one()
    assert tuple(row) == ("cara.jones@nhs.net", "admin", "single sign-on")

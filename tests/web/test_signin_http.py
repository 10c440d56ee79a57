"""Sign-in over real sockets: the role check answers before the body is read, forwarded
headers count only from trusted proxies, and single sign-on against a real provider."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from fastapi.testclient import TestClient
from sqlalchemy import select

from edicalendar.context import AppContext
from edicalendar.model import Role
from edicalendar.storage.tables import people
from edicalendar.web import create_app
from support.clock import Clock
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, User
from support.serving import serving

from .conftest import NOW, PASSWORD, Site, WebEnv, form_csrf

TASK = "/api/campaigns/iwd-guest-session/tasks/2026/room"


def _status_before_body(base: str, headers: dict[str, str]) -> tuple[int, float]:
    """Send headers promising a body just under the 64 KiB cap, then nothing: the status line
    that comes back, and how long it took. A server that read the body first would wait for
    ever. (A body over the cap is refused with 413 before this check: tests/web/test_limits.py.)"""
    address = urlparse(base)
    lines = [
        f"POST {TASK} HTTP/1.1",
        f"Host: {address.netloc}",
        "Content-Type: application/json",
        "Content-Length: 60000",
        *(f"{k}: {v}" for k, v in headers.items()),
        "",
        "",
    ]
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall("\r\n".join(lines).encode() + b'{"done": tr')
        status = sock.recv(200).split(b"\r\n", 1)[0]
    return int(status.split()[1]), time.monotonic() - started


def test_anonymous_and_viewer_writes_are_refused_before_the_body_is_read(site: Site) -> None:
    site.person("viewer@nhs.net", Role.VIEWER)
    token = site.api_token("viewer@nhs.net")
    with serving(site.app) as base:
        anonymous, waited_a = _status_before_body(base, {})
        viewer, waited_v = _status_before_body(base, {"Authorization": f"Bearer {token}"})
    assert (anonymous, viewer) == (401, 403)
    assert waited_a < 5 and waited_v < 5


def _config(web_env: WebEnv, extra: str) -> Path:
    text = web_env.config.read_text(encoding="utf-8").replace(
        'base_url = "https://calendar.example.nhs.uk"', 'base_url = "http://127.0.0.1:8000"'
    )
    web_env.config.write_text(text + extra, encoding="utf-8")
    return web_env.config


def _cookie_flags(base: str, headers: dict[str, str]) -> str:
    """Sign in through the form (carrying the CSRF cookie by hand, Secure or not); the
    session cookie's Set-Cookie header."""
    page = requests.get(f"{base}/signin", headers=headers, timeout=10)
    csrf_cookie = page.headers["set-cookie"].split(";", 1)[0]
    answer = requests.post(
        f"{base}/signin",
        data={
            "email": "asha.khan@nhs.net",
            "password": PASSWORD,
            "csrf_token": form_csrf(page.text),
        },
        headers={**headers, "Cookie": csrf_cookie},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["set-cookie"]


@pytest.mark.parametrize("trusted", [True, False])
def test_the_cookie_is_secure_behind_a_trusted_tls_proxy_only(
    web_env: WebEnv, no_token: None, trusted: bool
) -> None:
    """Behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure and the sign-in is
    logged with the client's address, when the proxy is in `[web] trusted_proxies`; from
    anyone else the headers are ignored. Served the way `serve` serves (uvicorn's options)."""
    config = _config(web_env, '\n[web]\ntrusted_proxies = ["127.0.0.1"]\n' if trusted else "")
    ctx = AppContext(config_path=config, now=Clock(NOW))
    accounts = ctx.accounts()
    token = accounts.add("asha.khan@nhs.net", name="Asha", role=Role.VIEWER, by="t").token
    from edicalendar.accounts.directory import Client

    accounts.accept_invitation(token, PASSWORD, Client("127.0.0.1"))
    app = create_app(ctx, watch_interval=None)
    proxies = ctx.loaded.settings.web.trusted_proxies
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    # Sign-in cookies are Secure over https; requests would not send one back over http, so
    # the forwarded case is checked on the Set-Cookie header.
    with serving(app, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None) as base:
        flags = _cookie_flags(base, forwarded) if trusted else ""
        ignored = _cookie_flags(base, forwarded) if not trusted else ""
        spoofed = _cookie_flags(base, {"X-Forwarded-Proto": "http"}) if trusted else ""
    from edicalendar.storage.tables import sessions

    with ctx.database.engine.connect() as conn:
        addresses = set(conn.execute(select(sessions.c.address)).scalars())
    if trusted:
        assert "Secure" in flags
        assert "Secure" not in spoofed
        assert "203.0.113.9" in addresses
    else:
        assert "Secure" not in ignored
        assert "203.0.113.9" not in addresses


# --- single sign-on through the web ---------------------------------------------------------


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    running = OidcProvider()
    with running.running():
        yield running


def _sso_site(web_env: WebEnv, provider: OidcProvider, monkeypatch: Any, roles: str) -> Site:
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    monkeypatch.setenv("EDICALENDAR_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    config = web_env.config
    config.write_text(
        config.read_text(encoding="utf-8")
        + f'\n[accounts.oidc]\nissuer = "{provider.issuer}"\nclient_id = "{CLIENT_ID}"\n'
        + 'label = "Test NHSmail"\n'
        + roles,
        encoding="utf-8",
    )
    provider.register("https://calendar.example.nhs.uk/signin/oidc/callback")
    clock = Clock(NOW)
    # The provider signs tokens at today's time, so this site's clock is the real one.
    ctx = AppContext(config_path=config)
    app = create_app(ctx, watch_interval=None)
    return Site(ctx, clock, app, TestClient(app, base_url="https://calendar.example.nhs.uk"))


def _sso(site: Site) -> requests.Response | Any:
    """Click "Sign in with" and come back from the provider, as a browser does."""
    start = site.client.get(
        "/signin/oidc?next=/campaigns/iwd-guest-session", follow_redirects=False
    )
    assert start.status_code == 303
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["location"])
    return site.client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_single_sign_on_signs_in_with_the_role_the_config_maps(
    web_env: WebEnv, provider: OidcProvider, monkeypatch: Any
) -> None:
    provider.user = User(sub="oid-1", email="Ben.Okafor@nhs.net", name="Ben Okafor",
                         groups=["comms-team-group"])  # fmt: skip
    site = _sso_site(web_env, provider, monkeypatch,
                     'viewers = ["@nhs.net"]\neditors = ["group:comms-team-group"]\n')  # fmt: skip
    page = site.client.get("/signin")
    assert "Sign in with Test NHSmail" in page.text
    back = _sso(site)
    assert back.status_code == 303
    assert back.headers["location"] == "/campaigns/iwd-guest-session"
    assert "edicalendar_session=" in back.headers["set-cookie"]
    html = site.client.get("/campaigns").text
    assert 'Ben Okafor <span class="role">(editor)</span>' in html
    with site.ctx.database.engine.connect() as conn:
        row = conn.execute(select(people)).mappings().one()
    assert (row["email"], row["role"], row["oidc_subject"]) == (
        "ben.okafor@nhs.net",
        "editor",
        "oid-1",
    )
    assert row["oidc_issuer"] == provider.issuer and row["password_hash"] is None


def test_single_sign_on_refuses_someone_on_no_allow_list(
    web_env: WebEnv, provider: OidcProvider, monkeypatch: Any
) -> None:
    provider.user = User(sub="oid-2", email="eve@example.com", name="Eve")
    site = _sso_site(web_env, provider, monkeypatch, 'viewers = ["@nhs.net"]\n')
    back = _sso(site)
    assert back.status_code == 403
    assert "eve@example.com signed in with the provider but has no access here" in back.text
    assert site.client.get("/campaigns").status_code == 401


def test_a_callback_that_did_not_start_in_this_browser_is_refused(
    web_env: WebEnv, provider: OidcProvider, monkeypatch: Any
) -> None:
    """Login CSRF: a code and state from someone else's sign-in do not sign this browser in."""
    provider.user = User(sub="oid-3", email="asha@nhs.net", name="Asha")
    site = _sso_site(web_env, provider, monkeypatch, 'viewers = ["@nhs.net"]\n')
    start = site.client.get("/signin/oidc", follow_redirects=False)
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    back = urlparse(at_provider.headers["location"])
    stranger = TestClient(site.app, base_url="https://calendar.example.nhs.uk")
    answer = stranger.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert answer.status_code == 400
    assert "did not start in this browser" in answer.text

"""The `Host` header cannot speak for the server: links and redirects use only trusted names.

With `feeds.base_url` at its default the subscribe page builds links from the request's
address, so a forged `Host: evil.example` once gave `webcal://evil.example/feeds/all.ics`. Now
every request's Host must be a loopback name, the host of `feeds.base_url`, or one of
`web.allowed_hosts`; anything else is a 400 before routing, feeds included. `serve` refuses to
listen beyond loopback when neither setting is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edicalendar.cli import main
from edicalendar.context import AppContext
from edicalendar.web import create_app


def _config(root: Path, extra: str = "") -> Path:
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\n'
        f'data_dir = "state"\n{extra}',
        encoding="utf-8",
    )
    return config


def _client(web_env: Any, extra: str = "") -> TestClient:
    config = _config(web_env.root, extra)
    app = create_app(AppContext(config_path=config, now=web_env.context().now), watch_interval=None)
    return TestClient(app)


@pytest.mark.parametrize("path", ["/", "/calendar", "/feeds/all.ics", "/api/observances",
                                  "/campaigns/", "/healthz", "/nowhere"])  # fmt: skip
def test_a_forged_host_is_refused_everywhere(web_env: Any, path: str) -> None:
    with _client(web_env) as client:
        response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 400, path
    assert "evil.example" not in response.text
    assert "location" not in response.headers


def test_default_base_url_links_follow_a_loopback_host(web_env: Any) -> None:
    """On this machine the page links to the address it was opened at, port included."""
    with _client(web_env) as client:
        html = client.get("/", headers={"Host": "127.0.0.1:8123"}).text
        localhost = client.get("/", headers={"Host": "localhost:8123"}).text
    assert 'value="http://127.0.0.1:8123/feeds/all.ics"' in html
    assert 'href="webcal://127.0.0.1:8123/feeds/all.ics"' in html
    assert 'href="webcal://localhost:8123/feeds/all.ics"' in localhost


def test_the_public_address_and_allowed_hosts_are_answered(web_env: Any) -> None:
    extra = (
        '[feeds]\nbase_url = "https://calendar.example.nhs.uk"\n'
        '[web]\nallowed_hosts = ["edi.trust.local", ".intranet.example.nhs.uk"]\n'
    )
    with _client(web_env, extra) as client:
        for host, status in [
            ("calendar.example.nhs.uk", 200),
            ("CALENDAR.example.nhs.uk.", 200),
            ("calendar.example.nhs.uk:443", 200),
            ("edi.trust.local", 200),
            ("intranet.example.nhs.uk", 200),
            ("a.b.intranet.example.nhs.uk", 200),
            ("[::1]:8000", 200),
            ("evilintranet.example.nhs.uk", 400),
            ("example.nhs.uk", 400),
            ("calendar.example.nhs.uk.evil.example", 400),
            ("calendar.example.nhs.uk@evil.example", 400),
            ("evil.example/calendar.example.nhs.uk", 400),
            ("", 400),
        ]:
            response = client.get("/feeds/all.ics", headers={"Host": host})
            assert response.status_code == status, host
        html = client.get("/", headers={"Host": "edi.trust.local"}).text
    # A configured public address is what links use, whichever allowed name was asked for.
    assert 'href="webcal://calendar.example.nhs.uk/feeds/all.ics"' in html
    assert "edi.trust.local" not in html


def test_redirects_stay_on_the_asked_host(web_env: Any) -> None:
    """Starlette's trailing-slash redirect is built from Host: only trusted names reach it."""
    with _client(web_env, '[web]\nallowed_hosts = ["edi.trust.local"]\n') as client:
        response = client.get(
            "/calendar/", headers={"Host": "edi.trust.local"}, follow_redirects=False
        )
    assert response.status_code == 307
    assert response.headers["location"] == "http://edi.trust.local/calendar"


def test_any_host_when_asked_for(web_env: Any) -> None:
    with _client(web_env, '[web]\nallowed_hosts = ["*"]\n') as client:
        assert client.get("/", headers={"Host": "anything.example"}).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_beyond_loopback_needs_a_public_address(
    web_env: Any, host: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without feeds.base_url or web.allowed_hosts, `serve --host 0.0.0.0` exits 1 before it
    listens, saying what to set."""
    monkeypatch.delenv("EDICALENDAR_BASE_URL", raising=False)
    monkeypatch.delenv("EDICALENDAR_ALLOWED_HOSTS", raising=False)
    config = _config(web_env.root)
    code = main(["--config", str(config), "serve", "--host", host, "--no-scheduler"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"--host: listening on {host} needs the address people use to reach this server" in err
    assert "feeds.base_url" in err and "web.allowed_hosts" in err


def test_environment_gives_the_public_address(
    web_env: Any, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """Containers set EDICALENDAR_BASE_URL / EDICALENDAR_ALLOWED_HOSTS instead of a file; a bad
    value is reported against the variable."""
    from edicalendar.config import load_settings

    config = _config(web_env.root)
    monkeypatch.setenv("EDICALENDAR_BASE_URL", "https://calendar.example.nhs.uk")
    monkeypatch.setenv("EDICALENDAR_ALLOWED_HOSTS", "edi.trust.local, .intranet.example")
    settings = load_settings(config).settings
    assert settings.feeds.base_url == "https://calendar.example.nhs.uk"
    assert settings.web.allowed_hosts == ["edi.trust.local", ".intranet.example"]
    monkeypatch.setenv("EDICALENDAR_BASE_URL", "javascript:alert(1)")
    monkeypatch.setenv("EDICALENDAR_ALLOWED_HOSTS", "evil example")
    result = run_cli.with_config(config)("check")
    assert result.code == 1
    assert "environment: EDICALENDAR_BASE_URL: 'javascript:alert(1)' is not a public address" in (
        result.err
    )
    assert "environment: EDICALENDAR_ALLOWED_HOSTS: 'evil example' is not a host name" in result.err

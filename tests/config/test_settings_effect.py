"""Every documented setting changes what the tool does: none is read and then ignored.

For each leaf setting of :class:`~edicalendar.config.Settings` (the same list
config.example.toml documents) a probe runs the real code twice, with the default and with a
changed value, and the observable result must differ. A setting added without a probe fails
`test_every_setting_has_a_probe`, so a setting can no longer be documented and do nothing
(as `[reminders] lead_times` and `send_time` once did).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import subprocess
import sys
import time
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from edicalendar.config import Settings
from edicalendar.context import AppContext
from support.net import LOCAL_BASE_URL

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 1 July already in London (BST)

CALENDAR = """
[[observance]]
id = "womens-day"
name = "International Women's Day"
categories = ["sex"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "A day for women's rights."
sources = ["https://www.internationalwomensday.com/"]

[[observance]]
id = "pride-month"
name = "Pride Month"
categories = ["sexual_orientation"]
rule = { kind = "month", month = 6 }
description = "LGBT+ pride."
sources = ["https://pride.example.org/"]
"""

OTHER = """
[[observance]]
id = "world-day"
name = "World Day"
categories = ["general_edi"]
rule = { kind = "fixed", month = 9, day = 1 }
description = "A day in another calendar file."
sources = ["https://world.example.org/"]
"""

OPTIONAL = """
[calendar]
optional = true

[[observance]]
id = "health-day"
name = "Health Day"
categories = ["health_wellbeing"]
rule = { kind = "fixed", month = 4, day = 7 }
description = "A day in an optional calendar, off until switched on."
sources = ["https://health.example.org/"]
"""

CAMPAIGN = """
[[campaign]]
id = "iwd"
title = "International Women's Day blog"
observance = "womens-day"
every_year = true
lead_time_destinations = ["console"]
announce_destinations = ["console"]

[[campaign.tasks]]
id = "draft"
name = "Draft the blog"
due = "-5d"
"""


class Setup:
    """Writes a config (plus tiny calendar and campaign folders) and builds contexts on it."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        (tmp_path / "cal").mkdir()
        (tmp_path / "cal" / "edi.toml").write_text(CALENDAR, encoding="utf-8")
        (tmp_path / "cal" / "other.toml").write_text(OTHER, encoding="utf-8")
        (tmp_path / "cal" / "health.toml").write_text(OPTIONAL, encoding="utf-8")
        (tmp_path / "one").mkdir()
        (tmp_path / "one" / "other.toml").write_text(OTHER, encoding="utf-8")
        (tmp_path / "camp").mkdir()
        (tmp_path / "camp" / "iwd.toml").write_text(CAMPAIGN, encoding="utf-8")
        self.count = 0

    def config(self, extra: str = "") -> Path:
        self.count += 1
        folder = self.root / f"run{self.count}"
        folder.mkdir()
        path = folder / "edicalendar.toml"
        data = f'[data]\ncalendars_dir = "{(self.root / "cal").as_posix()}"\n'
        data += f'campaigns_dir = "{(self.root / "camp").as_posix()}"\n'
        data += f'data_dir = "{(folder / "data").as_posix()}"\n'
        path.write_text(_merge(data, extra), encoding="utf-8")
        return path

    def context(self, extra: str = "", now: dt.datetime = NOW) -> AppContext:
        return AppContext(config_path=self.config(extra), now=lambda: now)


def _merge(data: str, extra: str) -> str:
    """Put `extra` after the [data] table; keys of an extra [data] table replace the defaults."""
    if not extra.lstrip().startswith("["):
        return extra + "\n" + data  # top-level keys (nation) come before any table
    if not extra.lstrip().startswith("[data]"):
        return data + "\n" + extra
    body, _, rest = extra.lstrip()[len("[data]") :].partition("\n[")
    given = {line.split("=")[0].strip() for line in body.splitlines() if "=" in line}
    kept = [line for line in data.splitlines() if line.split("=")[0].strip() not in given]
    return "\n".join(kept) + body + "\n" + ("[" + rest if rest else "")


# --- probes: each returns something the setting must change ----------------------------------

FESTIVALS = """
[[observance]]
id = "eid-al-fitr"
name = "Eid al-Fitr"
categories = ["religion_belief"]
rule = { kind = "hijri", month = 10, day = 1 }
description = "The end of Ramadan."
sources = ["https://www.mcb.org.uk/"]

[[observance]]
id = "vesak"
name = "Vesak"
categories = ["religion_belief"]
rule = { kind = "lunisolar", festival = "vesak" }
description = "Buddha Day."
sources = ["https://www.thebuddhistsociety.org/"]

[[observance]]
id = "diwali"
name = "Diwali"
categories = ["religion_belief"]
rule = { kind = "lunisolar", festival = "diwali" }
description = "The festival of lights."
sources = ["https://www.hinducounciluk.org/"]

[[observance]]
id = "losar"
name = "Losar"
categories = ["religion_belief"]
rule = { kind = "tibetan", month = 1, day = 1 }
description = "The Tibetan New Year."
sources = ["https://tibet.net/"]
"""


def _festival_dates(setup: Setup, extra: str) -> list[tuple[str, str]]:
    """The festival dates 2026-2030 with the given conventions (each family differs in them)."""
    from edicalendar.calendar.occurrences import expand

    folder = setup.root / "festivals"
    folder.mkdir(exist_ok=True)
    (folder / "faith.toml").write_text(FESTIVALS, encoding="utf-8")
    ctx = setup.context(f'[data]\ncalendars_dir = "{folder.as_posix()}"\n' + extra)
    expansion = expand(ctx.catalog, dt.date(2026, 1, 1), dt.date(2030, 12, 31))
    return [(o.observance_id, o.start.isoformat()) for o in expansion.occurrences]


def _year_feed(setup: Setup, extra: str) -> bytes:
    ctx = setup.context(extra)
    publisher = ctx.feeds()
    return publisher.build_one(publisher.find("all"))[0]


def _planned(setup: Setup, extra: str, start: dt.datetime, days: int) -> list[Any]:
    ctx = setup.context(extra)
    return ctx.dispatcher().planned(start, start + dt.timedelta(days=days))


def _reminder_keys(setup: Setup, extra: str) -> list[tuple[str, str]]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return sorted((r.key, r.due_at.isoformat()) for r in _planned(setup, extra, start, 90))


def _digests(setup: Setup, extra: str) -> list[tuple[str, str, int]]:
    extra = '[destinations.staff]\nkind = "console"\ndigest = true\n' + extra
    start = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    return [
        (r.due_at.isoformat(), r.destination, r.message.body.count("\n"))
        for r in _planned(setup, extra, start, 21)
        if r.kind.value == "digest"
    ]


ANNOUNCED_WEEK = """
[[observance]]
id = "carers-week"
name = "Carers Week"
categories = ["health_wellbeing"]
rule = { kind = "nth_weekday", month = 7, weekday = "mon", nth = 3 }
duration_days = 7
announced = true
description = "A week set by its organiser each year."
sources = ["https://www.carersuk.org/"]
"""


def _change_notices(setup: Setup, extra: str) -> list[str]:
    """Ledger keys of the notices sent when the organiser's week (provisionally 20-26 July
    2026, 20 days ahead) is confirmed between two ticks."""
    folder = setup.root / f"dates{setup.count}"
    folder.mkdir()
    calendar = folder / "weeks.toml"
    calendar.write_text(ANNOUNCED_WEEK, encoding="utf-8")
    if "[destinations." not in extra:
        extra = '[destinations.chat]\nkind = "console"\nnotify_changes = true\n' + extra
    ctx = setup.context(f'[data]\ncalendars_dir = "{folder.as_posix()}"\n' + extra)
    dispatcher = ctx.dispatcher()
    dispatcher.tick(NOW)
    calendar.write_text(
        ANNOUNCED_WEEK + "\n[observance.years.2026]\nstart = 2026-07-20\nend = 2026-07-26\n"
        'source = "https://www.carersuk.org/"\n',
        encoding="utf-8",
    )
    later = NOW + dt.timedelta(hours=1)
    dispatcher.tick(later)
    return sorted(
        r.key
        for r in dispatcher.planned(NOW, later + dt.timedelta(days=1))
        if r.kind.value == "date-change"
    )


def _not_after(setup: Setup, extra: str) -> list[str]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return [r.not_after.isoformat() for r in _planned(setup, extra, start, 90)]


def _channels(setup: Setup, extra: str, environ: dict[str, str] | None = None) -> Any:
    from edicalendar.reminders.channels import build_channels

    ctx = setup.context(extra)
    return build_channels(ctx.loaded.settings, environ=environ or {})


def _channel_view(setup: Setup, extra: str, name: str, environ: dict[str, str]) -> Any:
    channel = _channels(setup, extra, environ).channels[name]
    view = {k: v for k, v in vars(channel).items() if not k.startswith("_session")}
    transport = view.pop("transport", None)  # email: the shared SMTP connection's settings
    if transport is not None:
        view.update(
            {f"smtp.{k}": v for k, v in vars(transport).items() if k not in ("lock", "_smtp")}
        )
    return view


def _failing_tick(setup: Setup, extra: str, httpserver: Any) -> tuple[str, int, str | None]:
    """One tick against a Slack webhook answering 500; the ledger row's state afterwards."""
    from edicalendar.reminders.ledger import Ledger

    httpserver.expect_request("/hook").respond_with_data("boom", status=500)
    extra = (
        '[destinations.comms]\nkind = "slack"\nurl_env = "PROBE_HOOK"\n'
        "rate_per_second = 0\n" + extra
    )
    extra = extra.replace("[reminders]", "[reminders]\nallow_http_webhooks = true", 1)
    if "[reminders]" not in extra:
        extra += "\n[reminders]\nallow_http_webhooks = true\n"
    campaign = setup.root / "camp" / "iwd.toml"
    original = campaign.read_text(encoding="utf-8")
    campaign.write_text(original.replace('["console"]', '["comms"]'), encoding="utf-8")
    try:
        moment = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)
        ctx = setup.context(extra, now=moment)
        os.environ["PROBE_HOOK"] = httpserver.url_for("/hook")
        try:
            dispatcher = ctx.dispatcher()
            dispatcher.rng = random.Random(7)
            dispatcher.tick(moment)
        finally:
            del os.environ["PROBE_HOOK"]
        rows = Ledger(ctx.database).deliveries()
        row = next(d for d in rows if d.destination == "comms" and d.kind == "announce")
        wait = int((row.next_attempt_at - moment).total_seconds()) if row.next_attempt_at else -1
        return row.state.value, wait, row.lease_until and row.lease_until.isoformat()
    finally:
        campaign.write_text(original, encoding="utf-8")
        httpserver.clear()


def _comms_site(setup: Setup, extra: str, copies: int = 1) -> str:
    """Point the campaign (and `copies - 1` identical ones) at a Slack destination `comms`
    sending one message at a time; returns the extra config with that destination."""
    campaign = setup.root / "camp" / "iwd.toml"
    body = CAMPAIGN.replace('["console"]', '["comms"]')
    text = "\n".join(body.replace('id = "iwd"', f'id = "iwd{n or ""}"') for n in range(copies))
    campaign.write_text(text, encoding="utf-8")
    extra = (
        '[destinations.comms]\nkind = "slack"\nurl_env = "PROBE_HOOK"\n'
        "rate_per_second = 1000\n" + extra
    )
    if "[reminders]" in extra:
        return extra.replace("[reminders]", "[reminders]\nallow_http_webhooks = true", 1)
    return extra + "\n[reminders]\nallow_http_webhooks = true\n"


def _tick_against(setup: Setup, ctx: AppContext, url: str, moment: dt.datetime) -> None:
    """One tick of `ctx` at `moment` with PROBE_HOOK set to `url`; the campaign is restored."""
    os.environ["PROBE_HOOK"] = url
    try:
        dispatcher = ctx.dispatcher()
        dispatcher.rng = random.Random(7)
        dispatcher.tick(moment)
    finally:
        del os.environ["PROBE_HOOK"]
        (setup.root / "camp" / "iwd.toml").write_text(CAMPAIGN, encoding="utf-8")


def _lease_seen(setup: Setup, extra: str, httpserver: Any) -> str | None:
    """The lease a delivery carries while its request is in flight (read by the receiver)."""
    from edicalendar.reminders.ledger import DeliveryState, Ledger
    from edicalendar.storage.engine import open_database

    seen: list[str | None] = []
    extra = _comms_site(setup, extra)
    database_url: list[str] = []

    def handler(request: Any) -> Any:
        from werkzeug import Response

        database = open_database(database_url[0])
        try:
            rows = Ledger(database).deliveries(DeliveryState.SENDING)
            seen.extend(r.lease_until.isoformat() if r.lease_until else None for r in rows)
        finally:
            database.close()
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(handler)
    moment = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)
    ctx = setup.context(extra, now=moment)
    database_url.append(ctx.loaded.database_url)
    try:
        _tick_against(setup, ctx, httpserver.url_for("/hook"), moment)
    finally:
        httpserver.clear()
    return seen[0] if seen else None


def _sent_within_budget(setup: Setup, extra: str, httpserver: Any) -> int:
    """Requests one tick makes to a webhook taking 0.4 s an answer, with two messages due."""
    import time as clock

    def slow(request: Any) -> Any:
        from werkzeug import Response

        clock.sleep(0.4)
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(slow)
    moment = dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)
    try:
        ctx = setup.context(_comms_site(setup, extra, copies=2), now=moment)
        _tick_against(setup, ctx, httpserver.url_for("/hook"), moment)
        return len(httpserver.log)
    finally:
        httpserver.clear()


def _kept_after_prune(setup: Setup, extra: str) -> int:
    """Rows left after a tick prunes a ledger holding a delivery sent 100 days earlier."""
    from edicalendar.reminders.ledger import DeliveryState, Ledger
    from edicalendar.reminders.messages import Message
    from support.builders import make_reminder

    ctx = setup.context(extra)
    ledger = Ledger(ctx.database)
    old = NOW - dt.timedelta(days=100)
    reminder = make_reminder(
        "old",
        old.date(),
        "console",
        old,
        old + dt.timedelta(hours=1),
        Message("Old", "sent long ago"),
    )
    ledger.sync([reminder], old, old + dt.timedelta(hours=2), old)
    (claimed,) = ledger.claim(old, dt.timedelta(minutes=5))
    ledger.record(claimed, DeliveryState.SENT, old)
    ctx.dispatcher().tick(NOW)
    return len(ledger.deliveries())


def _tracking_kept(setup: Setup, extra: str) -> int:
    """Tracking rows left after a feed build, with one for an event that ended 500 days ago."""
    from edicalendar.feeds.events import FeedEvent
    from edicalendar.feeds.tracking import FeedState

    ctx = setup.context(extra)
    ended = NOW.date() - dt.timedelta(days=500)
    old = FeedEvent("old-uid", "Long gone", "", ended, ended, None, ("sex",))
    FeedState(ctx.database).sync(
        "observances", [old], NOW, cancelled_days=60, responsible=lambda _row: False
    )
    publisher = ctx.feeds()
    publisher.build_one(publisher.find("all"))
    return sum(1 for uid in FeedState(ctx.database).load("observances") if uid == "old-uid")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_answers(setup: Setup, extra: str, port: int, host: str) -> bool:
    """Start `edicalendar serve --no-scheduler` on the config; does host:port answer?"""
    config = setup.config(extra)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "edicalendar", "--config", str(config), "serve", "--no-scheduler"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    return True
            except OSError:
                if process.poll() is not None:
                    return False
                time.sleep(0.2)
        return False
    finally:
        process.terminate()
        process.wait(timeout=10)


def _private_status(setup: Setup, extra: str) -> int:
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    os.environ["PROBE_TOKEN"] = "a-long-enough-probe-token-0123456789"
    try:
        app = create_app(setup.context(extra), watch_interval=None)
        with TestClient(app, base_url=LOCAL_BASE_URL) as client:
            return client.get("/campaigns").status_code
    finally:
        del os.environ["PROBE_TOKEN"]


def _named_host_status(setup: Setup, extra: str) -> int:
    """The status of the subscribe page asked for by an intranet name."""
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    app = create_app(setup.context(extra), watch_interval=None)
    with TestClient(app, base_url="http://calendar.trust.local") as client:
        return client.get("/").status_code


def _widget_frame_ancestors(setup: Setup, extra: str) -> str:
    """Who may frame the "coming up" widget (its CSP frame-ancestors)."""
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    app = create_app(setup.context(extra), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        policy = client.get("/embed/upcoming").headers["content-security-policy"]
    return next(p for p in policy.split("; ") if p.startswith("frame-ancestors"))


def _cors_preflight(setup: Setup, extra: str) -> int:
    """The status of a preflight from an intranet page for the public API."""
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    app = create_app(setup.context(extra), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        headers = {
            "Origin": "https://intranet.trust.local",
            "Access-Control-Request-Method": "GET",
        }
        return client.options("/api/observances", headers=headers).status_code


def _subscribe_page(setup: Setup, extra: str) -> str:
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    app = create_app(setup.context(extra), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        return client.get("/").text


def _site_pages(setup: Setup, extra: str) -> tuple[str, str]:
    """The home page (header, link previews) and the accessibility statement."""
    from fastapi.testclient import TestClient

    from edicalendar.web import create_app

    app = create_app(setup.context(extra), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        return client.get("/").text, client.get("/accessibility").text


LOGO = '[site]\nlogo = "https://intranet.example.nhs.uk/logo.png"\n'


def _cancelled_after(setup: Setup, extra: str) -> bool:
    """Is Pride Month still published as CANCELLED ten days after it left the calendar?"""
    config = setup.config(extra)

    def build(days: int) -> bytes:
        ctx = AppContext(config_path=config, now=lambda: NOW + dt.timedelta(days=days))
        publisher = ctx.feeds()
        return publisher.build_one(publisher.find("all"))[0]

    assert b"SUMMARY:Pride Month" in build(0)
    calendar = setup.root / "cal" / "edi.toml"
    original = calendar.read_text(encoding="utf-8")
    calendar.write_text(original.split('[[observance]]\nid = "pride-month"')[0], encoding="utf-8")
    try:
        assert b"STATUS:CANCELLED" in build(1)  # withdrawn: published as cancelled from today
        body = build(10)
    finally:
        calendar.write_text(original, encoding="utf-8")
    return b"SUMMARY:Pride Month" in body


def _custom_feed(setup: Setup, body: str) -> tuple[str, str, str, int]:
    extra = "[[feeds.custom]]\n" + body
    ctx = setup.context(extra)
    publisher = ctx.feeds()
    spec = publisher.specs()[-1]
    feed = publisher.build_one(spec)[0]
    return spec.name, spec.title, spec.description, feed.count(b"BEGIN:VEVENT")


# --- people and sign-in -------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def _accounts(setup: Setup, extra: str) -> Any:
    return setup.context(extra).accounts()


def _invited(accounts: Any, email: str = "asha@nhs.net") -> str:
    from edicalendar.model import Role

    return str(accounts.add(email, name="Asha", role=Role.VIEWER, by="probe").token)


def _session_length(setup: Setup, extra: str) -> dt.timedelta:
    from edicalendar.accounts.directory import Client

    accounts = _accounts(setup, extra)
    session = accounts.accept_invitation(_invited(accounts), PASSWORD, Client("127.0.0.1")).session
    return session.expires_at - session.created_at


def _invitation_length(setup: Setup, extra: str) -> dt.datetime:
    from edicalendar.model import Role

    return _accounts(setup, extra).add("a@nhs.net", name="A", role=Role.VIEWER, by="p").expires_at


def _short_password(setup: Setup, extra: str) -> str:
    from edicalendar.accounts.directory import Client
    from edicalendar.errors import AccountError

    accounts = _accounts(setup, extra)
    try:
        accounts.accept_invitation(_invited(accounts), "ten chars!", Client("127.0.0.1"))
    except AccountError as exc:
        return f"refused: {exc}"
    return "accepted"


def _failures_allowed(setup: Setup, extra: str, same_account: bool) -> int:
    """How many wrong passwords are answered before sign-in is throttled."""
    from edicalendar.accounts.directory import Client
    from edicalendar.errors import SignInError, SignInThrottledError

    accounts = _accounts(setup, extra)
    for attempt in range(60):
        account = "asha@nhs.net" if same_account else f"guess{attempt}@nhs.net"
        try:
            accounts.sign_in(account, "wrong password", Client("192.0.2.1"))
        except SignInThrottledError:
            return attempt
        except SignInError:
            continue
    return 60


def _retry_after(setup: Setup, extra: str) -> int:
    from edicalendar.accounts.directory import Client
    from edicalendar.errors import SignInError, SignInThrottledError

    accounts = _accounts(setup, extra)
    for _ in range(10):
        try:
            accounts.sign_in("asha@nhs.net", "wrong password", Client("192.0.2.1"))
        except SignInThrottledError as exc:
            return exc.retry_after
        except SignInError:
            continue
    raise AssertionError("never throttled")


def _forwarded_https_cookie(setup: Setup, extra: str) -> bool:
    """Served as `serve` serves it, behind a proxy saying https: is the cookie Secure?"""
    import requests

    from edicalendar.cli.serve_command import uvicorn_options
    from edicalendar.web import create_app
    from support.serving import serving

    ctx = setup.context(extra)
    _invited(ctx.accounts())
    app = create_app(ctx, watch_interval=None)
    options = uvicorn_options(ctx.loaded.settings.web.trusted_proxies, "127.0.0.1", 0)
    kept = {k: options[k] for k in ("proxy_headers", "forwarded_allow_ips")}
    with serving(app, **kept) as base:
        answer = requests.get(f"{base}/signin", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    return "Secure" in answer.headers["set-cookie"]


OIDC_BASE = (
    '[accounts.oidc]\nissuer = "{issuer}"\nclient_id = "edicalendar-test-client"\n'
    'viewers = ["@nhs.net"]\neditors = ["group:comms"]\n'
)


def _sso(setup: Setup, extra: str, provider: Any) -> tuple[Any, ...]:
    """Sign in through single sign-on with the test provider; what came of it."""
    import requests
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from edicalendar.storage.tables import people
    from edicalendar.web import create_app
    from support.oidc_provider import User

    provider.user = User(
        sub="probe-1", email="asha@nhs.net", name="Asha", groups=["comms"],
        preferred_username="asha.khan@nhs.net",
    )  # fmt: skip
    os.environ.setdefault("EDICALENDAR_OIDC_CLIENT_SECRET", "provider-test-secret-0123456789")
    ctx = AppContext(config_path=setup.config(extra))  # the provider signs at today's time
    app = create_app(ctx, watch_interval=None)
    client = TestClient(app, base_url=LOCAL_BASE_URL)
    label = "Sign in with Probe" in client.get("/signin").text
    start = client.get("/signin/oidc", follow_redirects=False)
    if start.status_code != 303:
        return ("no single sign-on", start.status_code, label)
    scope = provider.authorize_requests and None
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    scope = provider.authorize_requests[-1].get("scope")
    location = at_provider.headers.get("location", "")
    if "code=" not in location:
        return ("provider refused", at_provider.status_code, scope, label)
    path = location.split("127.0.0.1:8000", 1)[1]
    back = client.get(path, follow_redirects=False)
    with ctx.database.engine.connect() as conn:
        row = conn.execute(select(people.c.email, people.c.role)).first()
    return (back.status_code, tuple(row) if row else None, scope, label)


def _compiled_here(setup: Setup, extra: str) -> list[str]:
    """What loading the calendar leaves in `{root}/compiled`."""
    setup.context(extra).catalog  # noqa: B018 - loading is the point
    return sorted(p.name[:8] for p in (setup.root / "compiled").glob("*.pickle"))


CUSTOM = 'name = "mine"\ntitle = "Mine"\n'
SLACK = {"S": "https://hooks.slack.com/services/T0/B0/xyz"}
SLACK_DEST = '[destinations.chat]\nkind = "slack"\nurl_env = "S"\n'
EMAIL_DEST = '[destinations.list]\nkind = "email"\nto = ["edi@example.nhs.uk"]\n'


#: Setting path -> (probe(setup, extra_toml), TOML that changes the setting).
def _pre_election(setup: Setup, extra: str) -> tuple[str, str | None]:
    """The period a local election on Thursday 4 May 2023 is recorded with."""
    from edicalendar.calendar.freezes import FreezeKind
    from edicalendar.reminders.freeze_book import FreezeRequest

    book = setup.context(extra).freezes()
    request = FreezeRequest(FreezeKind.LOCAL_ELECTION, "Local", polling_day=dt.date(2023, 5, 4))
    freeze = book.resolve(request)
    return freeze.start.isoformat(), freeze.end.isoformat() if freeze.end else None


PROBES: dict[str, tuple[Callable[[Setup, str], Any], str]] = {
    "data.calendars_dir": (
        lambda s, x: len(s.context(x).catalog),
        '[data]\ncalendars_dir = "{one}"',
    ),
    "calendars.enabled": (
        lambda s, x: sorted(s.context(x).catalog.observances),
        '[calendars]\nenabled = ["health"]',
    ),
    "data.campaigns_dir": (
        lambda s, x: len(s.context(x).load_campaigns([2026]).campaigns),
        '[data]\ncampaigns_dir = "{empty}"',
    ),
    "data.data_dir": (
        lambda s, x: s.context(x).loaded.database_url,
        '[data]\ndata_dir = "elsewhere"',
    ),
    "data.database_url": (
        lambda s, x: s.context(x).loaded.database_url,
        '[data]\ndatabase_url = "sqlite:///{root}/other.db"',
    ),
    "conventions.islamic": (_festival_dates, '[conventions]\nislamic = "uk-moon-sighting"'),
    "conventions.vesak": (_festival_dates, '[conventions]\nvesak = "singapore-malaysia"'),
    "conventions.diwali": (_festival_dates, '[conventions]\ndiwali = "uk-almanac"'),
    "conventions.losar": (_festival_dates, '[conventions]\nlosar = "bhutan"'),
    "data.cache_dir": (
        lambda s, x: _compiled_here(s, x),
        '[data]\ncache_dir = "{root}/compiled"',
    ),
    "nation": (
        lambda s, x: s.context(x).workdays.is_working_day(dt.date(2026, 11, 30)),
        'nation = "scotland"',  # St Andrew's Day is a Scottish bank holiday
    ),
    "feeds.base_url": (_subscribe_page, '[feeds]\nbase_url = "https://edi.example.nhs.uk"'),
    "feeds.recommended": (_subscribe_page, '[feeds]\nrecommended = "awareness"'),
    "feeds.past_days": (lambda s, x: s.context(x).feeds().window(), "[feeds]\npast_days = 10"),
    "feeds.future_days": (lambda s, x: s.context(x).feeds().window(), "[feeds]\nfuture_days = 10"),
    "feeds.refresh": (_year_feed, '[feeds]\nrefresh = "PT12H"'),
    "feeds.cancelled_days": (_cancelled_after, "[feeds]\ncancelled_days = 5"),
    "feeds.organisation": (_year_feed, '[feeds]\norganisation = "NHS Example Trust"'),
    "feeds.retention_days": (_tracking_kept, "[feeds]\nretention_days = 460"),
    "feeds.custom.name": (_custom_feed, 'name = "other"\ntitle = "Mine"\n'),
    "feeds.custom.title": (_custom_feed, 'name = "mine"\ntitle = "Other"\n'),
    "feeds.custom.description": (_custom_feed, CUSTOM + 'description = "Said"\n'),
    "feeds.custom.categories": (_custom_feed, CUSTOM + 'categories = ["sex"]\n'),
    "feeds.custom.calendars": (_custom_feed, CUSTOM + 'calendars = ["other"]\n'),
    "feeds.custom.observances": (_custom_feed, CUSTOM + 'observances = ["womens-day"]\n'),
    "feeds.custom.exclude_categories": (_custom_feed, CUSTOM + 'exclude_categories = ["sex"]\n'),
    "feeds.custom.exclude_calendars": (_custom_feed, CUSTOM + 'exclude_calendars = ["edi"]\n'),
    "feeds.custom.exclude_observances": (
        _custom_feed,
        CUSTOM + 'exclude_observances = ["pride-month"]\n',
    ),
    "reminders.timezone": (lambda s, x: s.context(x).today(), '[reminders]\ntimezone = "UTC"'),
    "reminders.lead_times": (_reminder_keys, "[reminders]\nlead_times = [14]"),
    "reminders.send_time": (_reminder_keys, '[reminders]\nsend_time = "10:30"'),
    "reminders.digest_weekday": (_digests, '[reminders]\ndigest_weekday = "wed"'),
    "reminders.digest_time": (_digests, '[reminders]\ndigest_time = "08:15"'),
    "reminders.digest_days": (_digests, "[reminders]\ndigest_days = 60"),
    "reminders.change_notice_days": (_change_notices, "[reminders]\nchange_notice_days = 10"),
    "reminders.grace_hours": (_not_after, "[reminders]\ngrace_hours = 1"),
    "reminders.max_attempts": ("tick", "[reminders]\nmax_attempts = 1"),
    "reminders.lease_seconds": ("lease", "[reminders]\nlease_seconds = 5"),
    "reminders.destination_budget_seconds": (
        "budget",
        "[reminders]\ndestination_budget_seconds = 0.2",
    ),
    "reminders.retention_days": (_kept_after_prune, "[reminders]\nretention_days = 40"),
    "reminders.http_timeout_seconds": (
        lambda s, x: _channel_view(s, SLACK_DEST + x, "chat", SLACK)["_poster"]._timeout,
        "[reminders]\nhttp_timeout_seconds = 2.5",
    ),
    "reminders.backoff_base_seconds": ("tick", "[reminders]\nbackoff_base_seconds = 600"),
    "reminders.backoff_cap_seconds": ("tick", "[reminders]\nbackoff_cap_seconds = 1"),
    "reminders.lookahead_hours": (
        lambda s, x: s.context(x).dispatcher().window(NOW)[1],
        "[reminders]\nlookahead_hours = 2",
    ),
    "reminders.tick_seconds": ("clock", "[reminders]\ntick_seconds = 5"),
    "reminders.allow_http_webhooks": (
        "http-webhook",
        "[reminders]\nallow_http_webhooks = true",
    ),
    "destinations.kind": (
        lambda s, x: type(_channels(s, x, SLACK).channels["d"]).__name__,
        '[destinations.d]\nkind = "slack"\nurl_env = "S"\n',
    ),
    "destinations.url_env": (
        lambda s, x: repr(
            _channels(s, x, {**SLACK, "T": SLACK["S"] + "2"}).channels["chat"]._poster._url
        ),
        '[destinations.chat]\nkind = "slack"\nurl_env = "T"\n',
    ),
    "destinations.to": (
        lambda s, x: _channel_view(s, x, "list", {})["recipients"],
        '[destinations.list]\nkind = "email"\nto = ["other@example.nhs.uk"]\n',
    ),
    "destinations.digest": (_digests, '[destinations.chat]\nkind = "console"\ndigest = true\n'),
    "destinations.notify_changes": (
        _change_notices,
        '[destinations.chat]\nkind = "console"\nnotify_changes = true\n',
    ),
    "destinations.rate_per_second": (
        lambda s, x: _channel_view(s, x, "chat", SLACK)["rate_per_second"],
        SLACK_DEST + "rate_per_second = 0.2\n",
    ),
    "email.host": ("email", '[email]\nhost = "smtp.example.nhs.uk"'),
    "email.port": ("email", "[email]\nport = 2525"),
    "email.security": ("email", '[email]\nsecurity = "tls"'),
    "email.username": ("email", '[email]\nusername = "edi.team@nhs.net"'),
    "email.password_env": ("email-password", '[email]\npassword_env = "PROBE_SMTP"'),
    "email.sender": ("email", '[email]\nsender = "edi.team@nhs.net"'),
    "email.timeout_seconds": ("email", "[email]\ntimeout_seconds = 3"),
    "email.ca_file": ("email", '[email]\nca_file = "/etc/ssl/certs/ca-certificates.crt"'),
    "web.host": ("serve-host", '[web]\nhost = "127.0.0.2"\nport = {port}'),
    "web.port": ("serve-port", "[web]\nport = {port}"),
    "web.token_env": (_private_status, '[web]\ntoken_env = "PROBE_TOKEN"'),
    "web.trusted_proxies": (_forwarded_https_cookie, '[web]\ntrusted_proxies = ["127.0.0.1"]'),
    "accounts.session_hours": (_session_length, "[accounts]\nsession_hours = 1"),
    # NHS England's national bodies keep three weeks: 13 April 2023 instead of 27 March.
    "freezes.pre_election": (
        _pre_election,
        '[freezes.pre_election]\nlocal-election = "3 weeks"',
    ),
    "freezes.days_after_polling_day": (_pre_election, "[freezes]\ndays_after_polling_day = 1"),
    "accounts.invitation_hours": (_invitation_length, "[accounts]\ninvitation_hours = 2"),
    "accounts.password_min_length": (_short_password, "[accounts]\npassword_min_length = 10"),
    "accounts.signin_failures_per_account": (
        lambda s, x: _failures_allowed(s, x, same_account=True),
        "[accounts]\nsignin_failures_per_account = 2",
    ),
    "accounts.signin_failures_per_address": (
        lambda s, x: _failures_allowed(s, x, same_account=False),
        "[accounts]\nsignin_failures_per_address = 3",
    ),
    "accounts.signin_window_minutes": (_retry_after, "[accounts]\nsignin_window_minutes = 2"),
    "accounts.oidc.issuer": ("sso", OIDC_BASE),
    "accounts.oidc.client_id": (
        "sso",
        OIDC_BASE.replace("edicalendar-test-client", "someone-elses-client"),
    ),
    "accounts.oidc.client_secret_env": ("sso", OIDC_BASE + 'client_secret_env = "PROBE_NO_SECRET"'),
    "accounts.oidc.label": ("sso", OIDC_BASE + 'label = "Probe"'),
    "accounts.oidc.scopes": ("sso", OIDC_BASE + 'scopes = ["openid", "email"]'),
    "accounts.oidc.email_claims": ("sso", OIDC_BASE + 'email_claims = ["preferred_username"]'),
    "accounts.oidc.groups_claim": ("sso", OIDC_BASE + 'groups_claim = "roles"'),
    "accounts.oidc.admins": ("sso", OIDC_BASE + 'admins = ["asha@nhs.net"]'),
    "accounts.oidc.editors": ("sso", OIDC_BASE.replace("group:comms", "@example.org")),
    "accounts.oidc.viewers": (
        "sso",
        OIDC_BASE.replace("group:comms", "group:other").replace("@nhs.net", "@example.org"),
    ),
    "web.allowed_hosts": (_named_host_status, '[web]\nallowed_hosts = ["calendar.trust.local"]'),
    "site.logo": (_site_pages, LOGO),
    "site.logo_alt": (_site_pages, LOGO + 'logo_alt = "Example Trust"'),
    "site.contact_email": (_site_pages, '[site]\ncontact_email = "edi@example.nhs.uk"'),
    "site.contact_url": (_site_pages, '[site]\ncontact_url = "https://example.nhs.uk/contact"'),
    "site.contact_phone": (_site_pages, '[site]\ncontact_phone = "0161 123 4567"'),
    "site.description": (_site_pages, '[site]\ndescription = "Our calendar."'),
    "site.response_days": (_site_pages, "[site]\nresponse_days = 10"),
    "site.statement_prepared": (_site_pages, "[site]\nstatement_prepared = 2026-06-01"),
    "site.statement_reviewed": (_site_pages, "[site]\nstatement_reviewed = 2026-11-01"),
    "site.known_issues": (_site_pages, '[site]\nknown_issues = ["Our PDFs are untagged."]'),
    "web.embed_origins": (
        _widget_frame_ancestors,
        '[web]\nembed_origins = ["https://intranet.trust.local"]',
    ),
    "web.api_origins": (_cors_preflight, '[web]\napi_origins = ["https://intranet.trust.local"]'),
}

#: Defaults each probe starts from where the setting only exists inside a table.
BASELINE = {
    "feeds.custom.name": CUSTOM,
    "feeds.custom.title": CUSTOM,
    "feeds.custom.description": CUSTOM,
    "feeds.custom.categories": CUSTOM,
    "feeds.custom.calendars": CUSTOM,
    "feeds.custom.observances": CUSTOM,
    "feeds.custom.exclude_categories": CUSTOM,
    "feeds.custom.exclude_calendars": CUSTOM,
    "feeds.custom.exclude_observances": CUSTOM,
    "destinations.kind": '[destinations.d]\nkind = "console"\n',
    "destinations.url_env": SLACK_DEST,
    "destinations.to": EMAIL_DEST,
    "destinations.rate_per_second": SLACK_DEST,
    "destinations.digest": '[destinations.chat]\nkind = "console"\n',
    "destinations.notify_changes": '[destinations.chat]\nkind = "console"\n',
    **{
        f"accounts.oidc.{name}": OIDC_BASE
        for name in (
            "client_id",
            "client_secret_env",
            "label",
            "scopes",
            "email_claims",
            "groups_claim",
            "admins",
            "editors",
        )
    },
    "site.logo_alt": LOGO,
    # Without the group's editor rule, Asha is a viewer by her domain alone.
    "accounts.oidc.viewers": OIDC_BASE.replace("group:comms", "group:other"),
}

SLOW = {"web.host", "web.port"}


def _leaf_settings(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of every leaf setting; dict and list tables count once by field."""
    found = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _model_in(info.annotation)
        if inner is None:
            found.append(path)
        else:
            found.extend(_leaf_settings(inner, path + "."))
    return found


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, dict, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


@pytest.fixture(scope="module")
def oidc_provider() -> Any:
    """A real OpenID provider on loopback for the single sign-on settings."""
    from support.oidc_provider import OidcProvider

    provider = OidcProvider()
    provider.register("http://127.0.0.1:8000/signin/oidc/callback")
    with provider.running():
        yield provider


def test_every_setting_has_a_probe() -> None:
    """Each setting the settings model (and so config.example.toml) documents is probed here."""
    assert sorted(_leaf_settings(Settings)) == sorted(PROBES)


def _run(name: str, setup: Setup, extra: str, httpserver: Any, oidc: Any = None) -> Any:
    probe, _ = PROBES[name]
    if callable(probe):
        return probe(setup, extra)
    if probe == "tick":
        return _failing_tick(setup, extra, httpserver)
    if probe == "lease":
        return _lease_seen(setup, extra, httpserver)
    if probe == "budget":
        return _sent_within_budget(setup, extra, httpserver)
    if probe == "clock":
        clock = setup.context(extra).start_clock()
        try:
            return clock.tick_seconds, str(clock.scheduler.get_job("tick").trigger)
        finally:
            clock.shutdown(wait=False)
    if probe == "http-webhook":
        from edicalendar.errors import ConfigError

        dest = '[destinations.local]\nkind = "slack"\nurl_env = "L"\n'
        try:
            _channels(setup, dest + extra, {"L": "http://127.0.0.1:9/hook"})
        except ConfigError as exc:
            return "refused: " + str(exc).splitlines()[-1]
        return "accepted"
    if probe in ("email", "email-password"):
        environ = {"PROBE_SMTP": "secret"} if probe == "email-password" else {}
        try:
            view = _channel_view(setup, EMAIL_DEST + extra, "list", environ)
        except Exception as exc:  # a password_env that is unset is refused: also an effect
            return f"{type(exc).__name__}: {exc}"
        return {k: v for k, v in view.items() if k != "recipients"}
    if probe == "sso":
        return _sso(setup, extra.replace("{issuer}", oidc.issuer), oidc)
    if probe in ("serve-host", "serve-port"):
        port = int(extra.rsplit("port = ", 1)[1].strip()) if "port = " in extra else 8000
        host = "127.0.0.2" if "127.0.0.2" in extra else "127.0.0.1"
        return _serve_answers(setup, extra, port, host)
    raise AssertionError(f"unknown probe {probe!r}")


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(PROBES)],
)
def test_changing_a_setting_changes_behaviour(
    name: str, tmp_path: Path, httpserver: Any, oidc_provider: Any
) -> None:
    """The probe's result with the default differs from its result with the setting changed."""
    setup = Setup(tmp_path)
    (tmp_path / "empty").mkdir()
    _, change = PROBES[name]
    port = _free_port()
    change = change.format(
        empty=(tmp_path / "empty").as_posix(),
        one=(tmp_path / "one").as_posix(),
        root=tmp_path.as_posix(),
        port=port,
        issuer=oidc_provider.issuer,
    )
    if name.startswith("feeds.custom."):
        default = _custom_feed(setup, BASELINE[name])
        changed = _custom_feed(setup, change)
    elif name in ("web.host", "web.port"):
        # Default: port 8000 on 127.0.0.1; here the config moves the server, so the old
        # address must not answer (checked) and the configured one must.
        changed = _run(name, setup, change, httpserver)
        assert changed is True
        if name == "web.host":
            assert not _serve_answers(setup, change, port, "127.0.0.1")
        return
    elif name in BASELINE:
        # The setting lives in a table: the change is the same table with the setting set.
        default = _run(name, setup, BASELINE[name], httpserver, oidc_provider)
        changed = _run(name, setup, change, httpserver, oidc_provider)
    else:
        default = _run(name, setup, "", httpserver, oidc_provider)
        changed = _run(name, setup, change, httpserver, oidc_provider)
    assert default != changed, f"{name}: {default!r} == {changed!r}"

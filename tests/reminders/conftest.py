"""Shared fixtures for the reminder tests: real loopback servers, a settable clock, builders.

Slack and Teams are played by a ThreadingHTTPServer on 127.0.0.1 that records every request and
answers from a script; SMTP is an aiosmtpd Controller (optionally with STARTTLS/implicit TLS on a
self-signed certificate and AUTH); the ledger is a real SQLite file under tmp_path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import socket
import ssl
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from edicalendar.config import Settings
from edicalendar.model import (
    Asset,
    AssetStatus,
    Campaign,
    CampaignInstance,
    Category,
    DatedAsset,
    DueTask,
    Occurrence,
    Owner,
    ReminderRule,
    Status,
    Task,
)
from edicalendar.reminders.channels import build_channels
from edicalendar.reminders.dispatch import Dispatcher, planner_settings
from edicalendar.reminders.planner import PlannerInput
from edicalendar.storage.engine import Database, open_database

HERE = Path(__file__).parent
SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETtoken42"


# --- clock ------------------------------------------------------------------------------------


class FakeClock:
    """An injectable clock; tests move it by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, seconds: float) -> None:
        self.moment += dt.timedelta(seconds=seconds)


# --- HTTP webhook fake ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: threading.Event | None = None


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def key(self) -> str:
        return self.headers.get("X-Edicalendar-Key", "")


class FakeWebhook:
    """A Slack- or Teams-like webhook on 127.0.0.1 answering from a queue of replies."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.replies: deque[Reply] = deque()
        self.requests: list[Captured] = []
        self.arrived = threading.Condition()
        self.rule: Callable[[Captured], Reply | None] | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                captured = Captured(self.path, dict(self.headers), body, time.monotonic())
                with fake.arrived:
                    fake.requests.append(captured)
                    reply = fake.replies.popleft() if fake.replies else None
                    fake.arrived.notify_all()
                if reply is None and fake.rule is not None:
                    reply = fake.rule(captured)
                reply = reply or fake.default
                if reply.hold is not None:
                    reply.hold.wait(30)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = SECRET_PATH) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def keys(self) -> list[str]:
        return [r.key for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[FakeWebhook]:
    fake = FakeWebhook()
    yield fake
    fake.close()


@pytest.fixture
def webhook_factory() -> Iterator[Callable[..., FakeWebhook]]:
    made: list[FakeWebhook] = []

    def make(default: Reply | None = None) -> FakeWebhook:
        fake = FakeWebhook(default)
        made.append(fake)
        return fake

    yield make
    for fake in made:
        fake.close()


# --- SMTP fake --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ScriptedSMTP:
    """aiosmtpd handler: scripted RCPT/DATA replies, captured messages and sessions."""

    def __init__(self) -> None:
        self.rcpt: dict[str, deque[str]] = {}
        self.data: deque[str] = deque()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.sessions: set[int] = set()
        self.data_attempts = 0
        self.auth_attempts = 0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.sessions.add(id(session))
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        script = self.rcpt.get(address)
        if script:
            reply = script[0] if len(script) == 1 else script.popleft()
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_attempts += 1
        reply = self.data.popleft() if self.data else "250 OK"
        if reply.startswith("250"):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return reply

    def parsed(self, index: int = -1) -> EmailMessage:
        message = message_from_bytes(self.messages[index][2], policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class SMTPServer:
    handler: ScriptedSMTP
    controller: Controller
    port: int
    password: str | None


@dataclass(frozen=True)
class CertPair:
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> CertPair:
    """A self-signed certificate for 127.0.0.1/localhost, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    pair = CertPair(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(pair.key),
            "-out",
            str(pair.cert),
            "-days",
            "30",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return pair


@pytest.fixture
def smtp_factory(self_signed: CertPair) -> Iterator[Callable[..., SMTPServer]]:
    """Start aiosmtpd servers: plain, STARTTLS (`starttls=True`) or implicit TLS (`tls=True`),
    with AUTH checking `password` when given."""
    started: list[Controller] = []

    def make(
        *, starttls: bool = False, tls: bool = False, password: str | None = None
    ) -> SMTPServer:
        handler = ScriptedSMTP()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self_signed.cert, self_signed.key)

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
        ) -> AuthResult:
            handler.auth_attempts += 1
            ok = bytes(auth_data.password) == (password or "").encode()
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": free_port()}
        if starttls:
            kwargs.update(tls_context=context, require_starttls=True)
        if tls:
            kwargs.update(ssl_context=context)
        if password is not None:
            # aiosmtpd does not count implicit TLS as TLS for `auth_require_tls`.
            kwargs.update(authenticator=authenticator, auth_require_tls=starttls)
        controller = Controller(handler, **kwargs)
        controller.start()
        started.append(controller)
        return SMTPServer(handler, controller, kwargs["port"], password)

    yield make
    for controller in started:
        controller.stop()


# --- builders ---------------------------------------------------------------------------------


def make_occurrence(
    observance_id: str = "international-womens-day",
    name: str = "International Women's Day",
    start: dt.date = dt.date(2026, 3, 8),
    end: dt.date | None = None,
    description: str = "Celebrates the achievements of women.",
    url: str | None = "https://www.internationalwomensday.com/",
) -> Occurrence:
    return Occurrence(
        observance_id=observance_id,
        name=name,
        start=start,
        end=end or start,
        categories=(Category.SEX,),
        status=Status.CONFIRMED,
        may_vary_days=0,
        begins_evening_before=False,
        description=description,
        url=url,
        calendar="awareness",
        year=start.year,
        instance=str(start.year),
    )


def make_instance(
    campaign_id: str = "iwd",
    *,
    start: dt.date = dt.date(2026, 3, 8),
    end: dt.date | None = None,
    name: str = "International Women's Day",
    title: str = "IWD guest blog",
    lead_times: tuple[int, ...] = (28, 1),
    lead_at: dt.time = dt.time(9, 0),
    destinations: tuple[str, ...] = ("slack",),
    announce: tuple[str, ...] = (),
    announce_at: dt.time = dt.time(9, 0),
    tasks: tuple[tuple[str, str, dt.date, bool, str | None], ...] = (),
    owners: tuple[Owner, ...] = (),
    assets: tuple[tuple[str, str, str | None, AssetStatus, dt.date | None], ...] = (),
    rules: tuple[ReminderRule, ...] = (),
    summary: str = "Guest session blog goes live at 09:00.",
    description: str = "Celebrates the achievements of women.",
) -> CampaignInstance:
    """A campaign rolled onto one occurrence, built directly (no loader)."""
    from edicalendar.model import RelativeDay

    occurrence = make_occurrence(campaign_id + "-obs", name, start, end, description)
    task_objs = tuple(
        (Task(id=tid, name=tname, due=RelativeDay(days=(due - start).days), owner=owner), due, done)
        for tid, tname, due, done, owner in tasks
    )
    campaign = Campaign(
        id=campaign_id,
        title=title,
        observances=(occurrence.observance_id,),
        years=(start.year,),
        every_year=False,
        owners=owners,
        audience=("staff",),
        summary=summary,
        assets=tuple(
            Asset(aid, kind="blog", title=atitle, url=url, status=status)  # type: ignore[arg-type]
            for aid, atitle, url, status, _ in assets
        ),
        tasks=tuple(t for t, _, _ in task_objs),
        reminders=rules,
        lead_times=lead_times,
        lead_time_at=lead_at,
        lead_time_destinations=destinations,
        announce_destinations=announce,
        announce_at=announce_at,
    )
    return CampaignInstance(
        campaign=campaign,
        year=start.year,
        instance=str(start.year),
        occurrence=occurrence,
        tasks=tuple(
            DueTask(campaign_id, start.year, str(start.year), t, due, done)
            for t, due, done in task_objs
        ),
        assets=tuple(
            DatedAsset(a, publish_on)
            for a, (_, _, _, _, publish_on) in zip(campaign.assets, assets, strict=True)
        ),
    )


class Harness:
    """Builds settings, channels and a dispatcher over a real SQLite file."""

    def __init__(self, tmp_path: Path, clock: FakeClock) -> None:
        self.tmp_path = tmp_path
        self.clock = clock
        self.db_path = tmp_path / "ledger.db"
        self.instances: list[CampaignInstance] = []
        self.occurrences: list[Occurrence] = []
        self.known: frozenset[str] | None = None
        self._databases: list[Database] = []

    def settings(
        self,
        destinations: dict[str, dict[str, Any]],
        *,
        email: dict[str, Any] | None = None,
        reminders: dict[str, Any] | None = None,
    ) -> Settings:
        base_reminders = {"http_timeout_seconds": 1.0, "allow_http_webhooks": True}
        base_reminders.update(reminders or {})
        raw: dict[str, Any] = {
            "destinations": destinations,
            "reminders": base_reminders,
            "email": {"timeout_seconds": 1.0, **(email or {})},
        }
        return Settings.model_validate(raw)

    def database(self) -> Database:
        database = open_database(f"sqlite:///{self.db_path}")
        self._databases.append(database)
        return database

    def source(self, first: dt.date, last: dt.date) -> PlannerInput:
        return PlannerInput(tuple(self.instances), tuple(self.occurrences))

    def dispatcher(
        self,
        destinations: dict[str, dict[str, Any]],
        environ: dict[str, str] | None = None,
        *,
        seed: int = 7,
        sleep: Callable[[float], None] = time.sleep,
        **sections: Any,
    ) -> Dispatcher:
        settings = self.settings(destinations, **sections)
        channels = build_channels(settings, environ or {})
        return Dispatcher(
            database=self.database(),
            channels=channels,
            settings=settings.reminders,
            planner_settings=planner_settings(settings, channels.names()),
            source=self.source,
            clock=self.clock,
            rng=random.Random(seed),
            sleep=sleep,
            known_campaigns=lambda: self.known,
        )

    def close(self) -> None:
        for database in self._databases:
            database.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC))


@pytest.fixture
def harness(tmp_path: Path, clock: FakeClock) -> Iterator[Harness]:
    built = Harness(tmp_path, clock)
    yield built
    built.close()


@pytest.fixture
def builders() -> Any:
    """The instance and occurrence builders, for tests (they cannot import conftest)."""

    class _Builders:
        instance = staticmethod(make_instance)
        occurrence = staticmethod(make_occurrence)
        Reply = globals()["Reply"]
        Owner = globals()["Owner"]
        ReminderRule = globals()["ReminderRule"]
        AssetStatus = globals()["AssetStatus"]
        secret_path = SECRET_PATH
        driver = HERE / "driver.py"

    return _Builders


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


@pytest.fixture
def run_async() -> Callable[[Any], Any]:
    return lambda coro: asyncio.run(coro)

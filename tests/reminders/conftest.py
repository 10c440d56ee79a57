"""Fixtures for the reminder tests: real loopback receivers, a settable clock, a dispatcher
harness over a real SQLite file, and worker fleets.

Slack and Teams are played by `support.webhooks.WebhookReceiver` on 127.0.0.1; SMTP by an
aiosmtpd server from `support.smtp` (optionally with STARTTLS or implicit TLS on a self-signed
certificate, and AUTH); campaigns come from `support.builders`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from support.clock import Clock
from support.dispatch import Harness
from support.fleet import Fleet, write_site
from support.smtp import CertPair, SMTPServer, make_self_signed, start_smtp
from support.webhooks import Reply, WebhookReceiver

#: Sunday 8 February 2026, just after 09:00 London: 28 days before International Women's Day.
START = dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def webhook_factory() -> Iterator[Callable[..., WebhookReceiver]]:
    """`webhook_factory(Reply(404))`: another receiver, answering with that by default."""
    made: list[WebhookReceiver] = []

    def make(default: Reply | None = None) -> WebhookReceiver:
        receiver = WebhookReceiver(default)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> CertPair:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_factory(self_signed: CertPair) -> Iterator[Callable[..., SMTPServer]]:
    """`smtp_factory(starttls=True, password="...")`: a started aiosmtpd server (see
    `support.smtp.start_smtp`), stopped after the test."""
    started: list[Controller] = []

    def make(**options: Any) -> SMTPServer:
        server = start_smtp(self_signed, **options)
        started.append(server.controller)
        return server

    yield make
    for controller in started:
        controller.stop()


@pytest.fixture
def harness(tmp_path: Path, clock: Clock) -> Iterator[Harness]:
    built = Harness(tmp_path, clock)
    yield built
    built.close()


@pytest.fixture
def fleet_factory(tmp_path: Path) -> Iterator[Callable[[str, int], Fleet]]:
    """`fleet_factory(database_url, campaigns)`: a worker fleet on a generated site, posting to
    a keep-alive webhook receiver; kills any worker a failed test left running."""
    receiver = WebhookReceiver(keep_alive=True)
    processes: list[subprocess.Popen[bytes]] = []

    def build(database_url: str, campaigns: int) -> Fleet:
        config = write_site(tmp_path / "site", database_url, campaigns)
        return Fleet(config, receiver, tmp_path / "logs", processes)

    yield build
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    receiver.close()

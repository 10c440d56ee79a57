"""Fixtures for the scale tests: PostgreSQL databases, a counting loopback webhook, workers.

PostgreSQL comes from `EDICALENDAR_TEST_POSTGRES_URL` (scripts/test.sh starts a server on
127.0.0.1); each test gets a fresh database and tests fail, never skip, when it is missing. The
webhook is a real HTTP server on 127.0.0.1 that answers like Slack (`200 ok`) and counts POSTs
per ledger key (the `X-Edicalendar-Key` header every webhook delivery carries). Workers are
`python -m edicalendar remind` subprocesses on a generated campaign file: campaign
`scale-00042` has one lead-time reminder, 7 days before a fixture observance on 8 March 2027,
sent at 09:00 London to destination `hook-a` or `hook-b`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from edicalendar.model import Campaign, CampaignInstance, Category, Occurrence, Status
from edicalendar.reminders.planner import PlannerInput

HERE = Path(__file__).parent
SRC = HERE.parents[1] / "src"
DESTINATIONS = ("hook-a", "hook-b")
#: The generated campaigns' event; their 7-day reminders are due 2027-03-01 09:00 (GMT).
EVENT_DAY = dt.date(2027, 3, 8)
OBSERVANCE = """
[[observance]]
id = "scale-test-day"
name = "Scale Test Day"
categories = ["general_edi"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "The day every generated campaign is about."
sources = ["https://example.org/scale-test-day"]
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest) -> str:
    """The same test on a real SQLite file and on a fresh PostgreSQL database."""
    return str(request.getfixturevalue(f"{request.param}_url"))


# --- the counting webhook ---------------------------------------------------------------------


@dataclass
class CountingWebhook:
    """A Slack-like webhook on 127.0.0.1 that counts POSTs per ledger key."""

    server: ThreadingHTTPServer
    delay: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/services/{path}"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.counts)


def _handler(hook: CountingWebhook) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body waits for the client's
        # delayed ACK (40 ms a request on Linux), which would measure the fake, not edicalendar.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            key = self.headers.get("X-Edicalendar-Key", "")
            if hook.delay:
                time.sleep(hook.delay)
            with hook.lock:
                hook.counts[key] += 1
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    # Four workers each posting on many threads at once overflow the default listen backlog
    # of 5, and the kernel then refuses connections: a fault in the fake, not in edicalendar.
    request_queue_size = 256


@pytest.fixture
def webhook() -> Iterator[CountingWebhook]:
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    hook = CountingWebhook(server)
    server.RequestHandlerClass = _handler(hook)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


# --- configuration and workers ----------------------------------------------------------------


def campaigns_toml(count: int) -> str:
    """`count` campaigns, each with one lead-time reminder, alternating between destinations."""
    return "\n".join(
        f"""[[campaign]]
id = "scale-{index:05d}"
title = "Scale campaign {index}"
observance = "scale-test-day"
years = [{EVENT_DAY.year}]
audience = ["staff"]
summary = "Generated campaign {index}."
lead_times = [7]
lead_time_destinations = ["{DESTINATIONS[index % len(DESTINATIONS)]}"]
"""
        for index in range(count)
    )


def write_config(
    folder: Path, database_url: str, campaigns: int, *, lease_seconds: int = 5
) -> Path:
    """A site for a worker fleet: the fixture observance, `campaigns` generated campaigns, and
    an edicalendar.toml with rate limits lifted and loopback webhooks allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calendars").mkdir(exist_ok=True)
    (folder / "campaigns").mkdir(exist_ok=True)
    (folder / "calendars" / "scale.toml").write_text(OBSERVANCE, encoding="utf-8")
    (folder / "campaigns" / "generated.toml").write_text(
        campaigns_toml(campaigns), encoding="utf-8"
    )
    lines = [
        "[data]",
        'calendars_dir = "calendars"',
        'campaigns_dir = "campaigns"',
        'data_dir = "data"',
        f'database_url = "{database_url}"',
        "",
        "[reminders]",
        f"lease_seconds = {lease_seconds}",
        "http_timeout_seconds = 10",
        "allow_http_webhooks = true",
        "",
    ]
    for name in DESTINATIONS:
        env = "SCALE_" + name.upper().replace("-", "_")
        lines += [
            f"[destinations.{name}]",
            'kind = "slack"',
            f'url_env = "{env}"',
            "rate_per_second = 0",
            "",
        ]
    path = folder / "edicalendar.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


#: A worker's one-line summary, and the warning a recovered claim logs (reminders.ledger).
SUMMARY = re.compile(r"^(\d+) sent, (\d+) failed, (\d+) expired", re.M)
POSSIBLE_DUPLICATE = re.compile(r"possible duplicate: (\S+) was being sent")


@dataclass
class Fleet:
    """Starts worker processes with output captured to files, so nothing blocks on a pipe."""

    config: Path
    webhook: CountingWebhook
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
        for name in DESTINATIONS:
            env["SCALE_" + name.upper().replace("-", "_")] = self.webhook.url(name)
        return env

    def start(self, at: str) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        number = len(self.processes) + 1
        out = (self.logs / f"worker-{number}.out").open("wb")
        err = (self.logs / f"worker-{number}.err").open("wb")
        command = [sys.executable, "-m", "edicalendar", "--config", str(self.config)]
        command += ["remind", "--at", at]
        process = subprocess.Popen(command, stdout=out, stderr=err, env=self.env())
        out.close()
        err.close()
        process.number = number  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def output(self, process: subprocess.Popen[bytes]) -> tuple[str, str]:
        number = process.number  # type: ignore[attr-defined]
        return (
            (self.logs / f"worker-{number}.out").read_text("utf-8"),
            (self.logs / f"worker-{number}.err").read_text("utf-8"),
        )

    def all_stderr(self) -> str:
        return "".join(p.read_text("utf-8") for p in sorted(self.logs.glob("*.err")))

    def sent(self, process: subprocess.Popen[bytes]) -> int:
        """The `N sent` figure of a finished worker's one-line summary."""
        stdout = self.output(process)[0]
        found = SUMMARY.search(stdout)
        assert found, f"worker {process.args!r} printed no summary: {stdout!r}"
        return int(found.group(1))

    def possible_duplicates(self) -> set[str]:
        """Keys any worker logged as possibly sent twice."""
        return set(POSSIBLE_DUPLICATE.findall(self.all_stderr()))


@pytest.fixture
def fleet_factory(
    tmp_path: Path, webhook: CountingWebhook
) -> Iterator[Callable[[str, int], Fleet]]:
    """Build a Fleet for a database URL; kills any worker a failed test left running."""
    processes: list[subprocess.Popen[bytes]] = []

    def build(database_url: str, campaigns: int) -> Fleet:
        config = write_config(tmp_path / "site", database_url, campaigns)
        return Fleet(config, webhook, tmp_path / "logs", processes)

    yield build
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def generated_load() -> Callable[[int, list[str]], PlannerInput]:
    """`generated(count, destinations)`: campaigns shaped like the generated file, in memory."""

    def generated(count: int, destinations: list[str]) -> PlannerInput:
        occurrence = Occurrence(
            observance_id="scale-test-day",
            name="Scale Test Day",
            start=EVENT_DAY,
            end=EVENT_DAY,
            categories=(Category.GENERAL_EDI,),
            status=Status.CONFIRMED,
            may_vary_days=0,
            begins_evening_before=False,
            description="",
            url=None,
            calendar="scale",
            year=EVENT_DAY.year,
            instance=str(EVENT_DAY.year),
        )
        instances = []
        for index in range(count):
            campaign = Campaign(
                id=f"scale-{index:05d}",
                title=f"Scale campaign {index}",
                observances=(occurrence.observance_id,),
                years=(EVENT_DAY.year,),
                every_year=False,
                owners=(),
                audience=("staff",),
                summary="",
                assets=(),
                tasks=(),
                reminders=(),
                lead_times=(7,),
                lead_time_destinations=(destinations[index % len(destinations)],),
            )
            instances.append(
                CampaignInstance(campaign, EVENT_DAY.year, str(EVENT_DAY.year), occurrence, (), ())
            )
        return PlannerInput(instances=tuple(instances))

    return generated

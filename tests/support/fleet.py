"""A fleet of `edicalendar remind` worker processes on one database, for the multi-worker tests.

`write_site` lays out a site: one fixture observance on 8 March 2027 and `count` generated
campaigns (`scale-00042` has one lead-time reminder, 7 days before, at 09:00 London, to
destination `hook-a` or `hook-b`), with rate limits lifted and loopback webhooks allowed.
`Fleet` starts `python -m edicalendar remind --record --at ...` subprocesses with their output
captured to files (so nothing blocks on a pipe) and reads their one-line summaries and warnings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from support.builders import LOAD_DAY
from support.paths import SRC
from support.webhooks import WebhookReceiver

DESTINATIONS = ("hook-a", "hook-b")
OBSERVANCE = """
[[observance]]
id = "scale-test-day"
name = "Scale Test Day"
categories = ["general_edi"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "The day every generated campaign is about."
sources = ["https://example.org/scale-test-day"]
"""


def campaigns_toml(count: int) -> str:
    """`count` campaigns, each with one lead-time reminder, alternating between destinations."""
    return "\n".join(
        f"""[[campaign]]
id = "scale-{index:05d}"
title = "Scale campaign {index}"
observance = "scale-test-day"
years = [{LOAD_DAY.year}]
audience = ["staff"]
summary = "Generated campaign {index}."
lead_times = [7]
lead_time_destinations = ["{DESTINATIONS[index % len(DESTINATIONS)]}"]
"""
        for index in range(count)
    )


def write_site(folder: Path, database_url: str, campaigns: int, *, lease_seconds: int = 5) -> Path:
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
# Both ways a worker logs a possible duplicate: a claim recovered from a stopped process whose
# request had started, and a request that got no answer after it was sent (a timeout).
POSSIBLE_DUPLICATE = re.compile(r"possible duplicate: (\S+) (?:was being sent|may have reached)")


@dataclass
class Fleet:
    """Starts worker processes with output captured to files, so nothing blocks on a pipe."""

    config: Path
    webhook: WebhookReceiver
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
        for name in DESTINATIONS:
            env["SCALE_" + name.upper().replace("-", "_")] = self.webhook.url(f"/services/{name}")
        return env

    def start(self, at: str) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        number = len(self.processes) + 1
        out = (self.logs / f"worker-{number}.out").open("wb")
        err = (self.logs / f"worker-{number}.err").open("wb")
        command = [sys.executable, "-m", "edicalendar", "--config", str(self.config)]
        command += ["remind", "--record", "--at", at]
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

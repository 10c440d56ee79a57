"""Reminder benchmarks: planning cost, dispatch throughput and on-time delivery.

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_reminders.py [--quick] [--src OTHER/src]

1. Plan a year of reminders for 500 campaigns x 5 destinations (target < 2 s).
2. Dispatch to a loopback Slack-style webhook with rate limits lifted (target 500+ msg/s), in
   interleaved rounds: to a receiver in its own process (`webhook_sink.py`, as a real webhook
   is elsewhere), and to a receiver thread inside this process (the earlier method, whose
   HTTP handling shares the dispatcher's GIL), with the dispatching process's CPU per message.
   The dispatcher is wired as the bot wires it, communication freezes included (each message
   asks whether one holds it, just before it goes). `--src DIR` (repeatable) measures other
   checkouts' `src/` in the same run, round by round: each round of each tree is a fresh
   process that warms up on 200 messages, then sends the measured burst.
3. Lateness of reminders falling due while the clock runs (target p99 < 2 s).
Everything runs on 127.0.0.1 with a temporary SQLite file (in the system's temporary folder,
so each commit is a real fsync); nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from benchlib import load_average

from edicalendar.config import Settings
from edicalendar.model import (
    Campaign,
    CampaignInstance,
    Category,
    DueTask,
    Occurrence,
    RelativeDay,
    ReminderRule,
    Status,
    Task,
)
from edicalendar.reminders.channels import build_channels
from edicalendar.reminders.dispatch import Dispatcher, planner_settings
from edicalendar.reminders.freeze_book import FreezeBook
from edicalendar.reminders.holding import FreezeGate
from edicalendar.reminders.planner import PlannerInput, PlannerSettings, plan_reminders
from edicalendar.storage.engine import open_database
from edicalendar.storage.state import StateStore

LONDON = ZoneInfo("Europe/London")
DESTINATIONS = ("slack-comms", "teams-edi", "email-edi", "slack-staff", "teams-staff")


def make_instance(
    number: int,
    start: dt.date,
    destinations: tuple[str, ...] = DESTINATIONS,
    rules: tuple[ReminderRule, ...] = (),
    lead_times: tuple[int, ...] = (90, 28, 7, 1),
    extras: bool = True,
) -> CampaignInstance:
    cid = f"campaign-{number:04d}"
    occurrence = Occurrence(
        observance_id=f"obs-{number:04d}",
        name=f"Observance {number}",
        start=start,
        end=start,
        categories=(Category.GENERAL_EDI,),
        status=Status.CONFIRMED,
        may_vary_days=0,
        begins_evening_before=False,
        description="An awareness day.",
        url=None,
        calendar="bench",
        year=start.year,
        instance=str(start.year),
    )
    tasks = tuple(
        Task(f"t{n}", f"Task {n}", RelativeDay(days=-7 * n)) for n in range(1, 4 if extras else 1)
    )
    campaign = Campaign(
        id=cid,
        title=f"Campaign {number}",
        observances=(occurrence.observance_id,),
        years=(start.year,),
        every_year=False,
        owners=(),
        audience=(),
        summary="Plan.",
        assets=(),
        tasks=tasks,
        reminders=rules,
        lead_times=lead_times,
        lead_time_destinations=destinations,
        announce_destinations=destinations if extras else (),
    )
    due = tuple(
        DueTask(cid, start.year, str(start.year), t, start + dt.timedelta(days=t.due.days))
        for t in tasks
    )
    return CampaignInstance(campaign, start.year, str(start.year), occurrence, due, ())


def bench_planning(campaigns: int) -> tuple[float, int]:
    """Seconds to plan 2027 for `campaigns` campaigns x 5 destinations, and the count."""
    rng = random.Random(5)
    year_start = dt.date(2027, 1, 1)
    instances = [
        make_instance(n, year_start + dt.timedelta(days=rng.randrange(365)))
        for n in range(campaigns)
    ]
    settings = PlannerSettings(digest_destinations=DESTINATIONS)
    start = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)
    began = time.perf_counter()
    planned = plan_reminders(PlannerInput(instances), settings, start, end)
    return time.perf_counter() - began, len(planned)


class _Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without this, the body waits for a delayed ACK after the headers (~40 ms a request).
    disable_nagle_algorithm = True
    arrivals: ClassVar[list[float]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            self.arrivals.append(time.time())
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


class _Listener(ThreadingHTTPServer):
    # 16 connections opening at once overflow the default listen backlog of 5 on a loaded
    # machine, and the kernel then refuses some: a fault of the fake, not of the sender.
    request_queue_size = 256
    daemon_threads = True


def _server() -> tuple[ThreadingHTTPServer, str]:
    server = _Listener(("127.0.0.1", 0), _Sink)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/services/T/B/bench"


def _dispatcher(
    folder: Path, url: str, instances: list[CampaignInstance], clock: Any
) -> Dispatcher:
    settings = Settings.model_validate(
        {
            "destinations": {"slack": {"kind": "slack", "url_env": "HOOK", "rate_per_second": 0}},
            "reminders": {"allow_http_webhooks": True, "http_timeout_seconds": 5},
        }
    )
    channels = build_channels(settings, {"HOOK": url})
    database = open_database(f"sqlite:///{folder / 'bench.db'}")
    # A ledger that has been running (a new one sends nothing that fell due before it began).
    StateStore(database).set_planned_until(clock() - dt.timedelta(hours=1))
    psettings = planner_settings(settings, channels.names())
    book = FreezeBook(
        database,
        settings.freezes,
        nation=settings.nation,
        timezone=psettings.timezone,
        now=clock,
    )
    return Dispatcher(
        database=database,
        channels=channels,
        settings=settings.reminders,
        planner_settings=psettings,
        source=lambda first, last: PlannerInput(instances),
        clock=clock,
        freezes=FreezeGate(book.all, psettings.timezone),
    )


@contextmanager
def _sink_process() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("webhook_sink.py"))],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/services/T/B/bench"
    finally:
        process.kill()
        process.wait()


def bench_dispatch(messages: int, receiver: str) -> tuple[float, int, float]:
    """Messages per second through plan, claim, POST and record to one loopback webhook, and
    this process's CPU milliseconds per message."""
    if receiver == "process":
        with _sink_process() as url:
            return _dispatch_to(url, messages)
    server, url = _server()
    _Sink.arrivals = []
    try:
        return _dispatch_to(url, messages)
    finally:
        server.shutdown()


def _dispatch_to(url: str, messages: int) -> tuple[float, int, float]:
    now = dt.datetime(2026, 2, 8, 9, 0, 30, tzinfo=dt.UTC)
    instances = [
        make_instance(n, dt.date(2026, 3, 8), ("slack",), lead_times=(28,), extras=False)
        for n in range(messages)
    ]
    with tempfile.TemporaryDirectory() as folder:
        dispatcher = _dispatcher(Path(folder), url, instances, lambda: now)
        began, cpu = time.perf_counter(), time.process_time()
        summary = dispatcher.tick()
        elapsed, used = time.perf_counter() - began, time.process_time() - cpu
        dispatcher.database.close()
    return summary.sent / elapsed, summary.sent, used / max(summary.sent, 1) * 1000


def dispatch_rounds(
    sources: list[Path], receivers: list[str], messages: int, rounds: int
) -> dict[tuple[str, str], list[tuple[float, int, float]]]:
    """`bench_dispatch` for each source tree and receiver, rounds interleaved, each run in a
    fresh process that imports the package from that tree and warms up on 200 messages."""
    results: dict[tuple[str, str], list[tuple[float, int, float]]] = {
        (str(source), receiver): [] for source in sources for receiver in receivers
    }
    here = Path(__file__).resolve().parent
    for _ in range(rounds):
        for source, receiver in list(results):
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, str(here)])}
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--one", receiver,
                 "--messages", str(messages)],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            rate, sent, cpu = json.loads(out.splitlines()[-1])
            results[(source, receiver)].append((rate, sent, cpu))
    return results


def _report_dispatch(label: str, receiver: str, runs: list[tuple[float, int, float]]) -> None:
    rate = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    where = "its own process" if receiver == "process" else "a thread of this process"
    print(
        f"dispatch{label}: {runs[0][1]} messages to a loopback webhook in {where}: {rate:.0f} "
        f"msg/s (rounds {', '.join(f'{r[0]:.0f}' for r in runs)}; {cpu:.2f} ms CPU a "
        "message here; target 500+)"
    )


def bench_lateness(count: int) -> list[float]:
    """Seconds late for `count` reminders due one per second while the clock runs."""
    from edicalendar.context import system_now
    from edicalendar.reminders.scheduler import ReminderClock

    server, url = _server()
    _Sink.arrivals = []
    first = (dt.datetime.now(LONDON) + dt.timedelta(seconds=4)).replace(microsecond=0)
    due = [first + dt.timedelta(seconds=n) for n in range(count)]
    instances = [
        make_instance(
            n,
            moment.date(),
            ("slack",),
            lead_times=(),
            extras=False,
            rules=(ReminderRule("at", RelativeDay(days=0), moment.time(), ("slack",)),),
        )
        for n, moment in enumerate(due)
    ]
    with tempfile.TemporaryDirectory() as folder:
        dispatcher = _dispatcher(Path(folder), url, instances, system_now)
        clock = ReminderClock(dispatcher, tick_seconds=60)
        clock.start()
        deadline = time.time() + count + 15
        while len(_Sink.arrivals) < count and time.time() < deadline:
            time.sleep(0.1)
        clock.shutdown()
        dispatcher.database.close()
    server.shutdown()
    arrivals = sorted(_Sink.arrivals)
    return [a - d.timestamp() for a, d in zip(arrivals, due, strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller dispatch and lateness runs")
    parser.add_argument("--rounds", type=int, default=3, help="dispatch rounds per receiver")
    parser.add_argument(
        "--src",
        type=Path,
        action="append",
        default=[],
        help="another checkout's src/ to measure dispatch against, round by round",
    )
    parser.add_argument(
        "--receiver",
        choices=("process", "thread"),
        action="append",
        help="which receivers to measure dispatch with (default both)",
    )
    parser.add_argument("--messages", type=int, help="messages a dispatch round sends")
    parser.add_argument(
        "--only",
        choices=("planning", "dispatch", "lateness"),
        action="append",
        help="run only these parts (default all three)",
    )
    parser.add_argument("--one", choices=("process", "thread"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        # One round in this process (for --src): warm up, measure, print the result as JSON.
        bench_dispatch(200, args.one)
        print(json.dumps(bench_dispatch(args.messages, args.one)))
        return
    messages = args.messages or (300 if args.quick else 2000)
    receivers = args.receiver or ["process", "thread"]
    parts = args.only or ["planning", "dispatch", "lateness"]
    print(f"load average {load_average()}")
    if "planning" in parts:
        seconds, count = bench_planning(500)
        print(
            f"planning: 500 campaigns x 5 destinations, one year: {count} reminders in "
            f"{seconds:.3f} s (target < 2 s)"
        )
    if "dispatch" in parts and args.src:
        here = Path(__file__).resolve().parents[1] / "src"
        sources = [here, *(source.resolve() for source in args.src)]
        # Interleaved, so other load on the machine hits every tree alike.
        measured = dispatch_rounds(sources, receivers, messages, args.rounds)
        for (source, receiver), runs in measured.items():
            _report_dispatch(f" ({source})", receiver, runs)
    elif "dispatch" in parts:
        results: dict[str, list[tuple[float, int, float]]] = {r: [] for r in receivers}
        for _ in range(args.rounds):
            for receiver in results:  # interleaved, so other load on the machine hits both alike
                results[receiver].append(bench_dispatch(messages, receiver))
        for receiver, runs in results.items():
            _report_dispatch("", receiver, runs)
    if "lateness" not in parts:
        print(f"load average {load_average()}")
        return
    lateness = bench_lateness(10 if args.quick else 40)
    ordered = sorted(lateness)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"lateness: {len(lateness)} reminders due while running: median "
        f"{statistics.median(lateness):.3f} s, p99 {p99:.3f} s, max {max(lateness):.3f} s "
        f"(target p99 < 2 s)"
    )
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()

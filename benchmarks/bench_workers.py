"""Benchmark reminder dispatch: 1, 2 and 4 workers on PostgreSQL beside 1 worker on SQLite.

Every run uses the same loopback webhook (a Slack-like HTTP server in this process, answering
`200 ok` and counting POSTs per ledger key) and the same load: N one-reminder campaigns due at
the same instant (one generated campaign file), planned an hour ahead by one worker (not timed),
then sent by the fleet. Each worker is a real
`python -m edicalendar remind --record --at ...` process; rate limits are lifted. Run from the
repository root (results go in docs/performance.md, "Workers"):

    .venv/bin/python benchmarks/bench_workers.py \
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:54329/edicalendar_test --repeat 3

The URL names any database on the server (default: $EDICALENDAR_TEST_POSTGRES_URL); each run
creates and drops its own database beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
DESTINATIONS = ("hook-a", "hook-b")
#: Every generated campaign's observance; their 7-day reminders fall due at DUE_AT.
OBSERVANCE = """
[[observance]]
id = "scale-test-day"
name = "Scale Test Day"
categories = ["general_edi"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "The day every generated campaign is about."
sources = ["https://example.org/scale-test-day"]
"""
PLAN_AT = "2027-03-01T08:00"
DUE_AT = "2027-03-01T09:00"


@dataclass
class Hook:
    """POST counts per key, and the first and last arrival (the send phase)."""

    counts: Counter[str] = field(default_factory=Counter)
    first: float | None = None
    last: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.first = self.last = None


def serve(hook: Hook) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each response waits 40 ms for a delayed ACK

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            now = time.perf_counter()
            with hook.lock:
                hook.counts[self.headers.get("X-Edicalendar-Key", "")] += 1
                hook.first = now if hook.first is None else hook.first
                hook.last = now
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 256  # the default backlog of 5 refuses a fleet's connections

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_site(folder: Path, url: str, count: int) -> Path:
    """The fixture observance, `count` one-reminder campaigns and the config; the config path."""
    for name in ("calendars", "campaigns"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "calendars" / "scale.toml").write_text(OBSERVANCE, encoding="utf-8")
    campaigns = [
        f'[[campaign]]\nid = "scale-{i:05d}"\ntitle = "Scale campaign {i}"\n'
        f'observance = "scale-test-day"\nyears = [2027]\naudience = ["staff"]\n'
        f'summary = "Generated campaign {i}."\nlead_times = [7]\n'
        f'lead_time_destinations = ["{DESTINATIONS[i % len(DESTINATIONS)]}"]\n'
        for i in range(count)
    ]
    (folder / "campaigns" / "generated.toml").write_text("\n".join(campaigns), encoding="utf-8")
    lines = [
        "[data]",
        f'calendars_dir = "{(folder / "calendars").as_posix()}"',
        f'campaigns_dir = "{(folder / "campaigns").as_posix()}"',
        f'data_dir = "{(folder / "data").as_posix()}"',
        f'database_url = "{url}"',
        "[reminders]",
        "allow_http_webhooks = true",
    ]
    for name in DESTINATIONS:
        lines += [
            f"[destinations.{name}]",
            'kind = "slack"',
            f'url_env = "BENCH_{name.upper().replace("-", "_")}"',
            "rate_per_second = 0",
        ]
    path = folder / "edicalendar.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_workers(config: Path, workers: int, at: str, env: dict[str, str]) -> float:
    """Start `workers` processes at once; seconds until the last exits."""
    command = [
        sys.executable,
        "-m",
        "edicalendar",
        "--config",
        str(config),
        "remind",
        "--record",
        "--at",
        at,
    ]
    began = time.perf_counter()
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(workers)
    ]
    for process in processes:
        out, err = process.communicate(timeout=600)
        if process.returncode != 0:
            raise SystemExit(f"worker failed ({process.returncode}): {out!r} {err!r}")
    return time.perf_counter() - began


@dataclass(frozen=True)
class Result:
    engine: str
    workers: int
    wall: float
    send_phase: float


def one_run(
    engine: str, workers: int, count: int, admin_url: str, hook: Hook, server_url: str
) -> Result:
    with tempfile.TemporaryDirectory(prefix="edicalendar-bench-") as folder:
        name = None
        if engine == "postgresql":
            name = f"edicalendar_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = admin_url.rsplit("/", 1)[0] + "/" + name
        else:
            url = f"sqlite:///{Path(folder, 'data', 'edicalendar.db').as_posix()}"
        try:
            config = write_site(Path(folder), url, count)
            env = dict(os.environ)
            env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
            for destination in DESTINATIONS:
                env[f"BENCH_{destination.upper().replace('-', '_')}"] = (
                    f"{server_url}/services/{destination}"
                )
            run_workers(config, 1, PLAN_AT, env)
            hook.reset()
            wall = run_workers(config, workers, DUE_AT, env)
            with hook.lock:
                if len(hook.counts) != count or set(hook.counts.values()) != {1}:
                    raise SystemExit(f"{engine} x{workers}: not every reminder sent exactly once")
                assert hook.first is not None and hook.last is not None
                send_phase = hook.last - hook.first
        finally:
            if name is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    return Result(engine, workers, wall, send_phase)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=5000)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("EDICALENDAR_TEST_POSTGRES_URL", "")
    )
    parser.add_argument("--workers", default="1,2,4", help="PostgreSQL fleet sizes")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; medians shown")
    args = parser.parse_args()
    if not args.postgres_url:
        parser.error("give --postgres-url or set EDICALENDAR_TEST_POSTGRES_URL")
    hook = Hook()
    server = serve(hook)
    host, port = server.server_address[:2]
    server_url = f"http://{host!s}:{port}"
    runs = [("sqlite", 1)] + [("postgresql", int(n)) for n in args.workers.split(",")]
    results: dict[tuple[str, int], list[Result]] = {run: [] for run in runs}
    for round_number in range(args.repeat):
        for engine, workers in runs:
            result = one_run(engine, workers, args.reminders, args.postgres_url, hook, server_url)
            results[(engine, workers)].append(result)
            print(
                f"  round {round_number + 1}: {engine} x{workers}: "
                f"send phase {result.send_phase:.1f} s",
                file=sys.stderr,
            )
    server.shutdown()
    print(
        f"{args.reminders} reminders, 2 webhook destinations on 127.0.0.1, "
        f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}, "
        f"median of {args.repeat} interleaved rounds"
    )
    print()
    print(
        "| database | workers | wall time (s) | send phase (s) | reminders/s (send phase) "
        "| reminders/s (all rounds) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for (engine, workers), runs_done in results.items():
        wall = statistics.median(r.wall for r in runs_done)
        send = statistics.median(r.send_phase for r in runs_done)
        rates = ", ".join(f"{args.reminders / r.send_phase:,.0f}" for r in runs_done)
        print(
            f"| {engine} | {workers} | {wall:.1f} | {send:.1f} "
            f"| {args.reminders / send:,.0f} | {rates} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU per request of /api/occurrences and /calendar as the calendar grows (1x, 10x, 50x).

For each size it builds the web app on a synthetic calendar (`synthetic.py`), asks each URL once
(the cold request: the years are expanded then) and then `--requests` times more, and reports
the CPU time per warm request beside the size of the answer (occurrences and bytes). Requests
go straight into the ASGI app on one event loop, so what is timed is the app, not a network.
The target: CPU per request grows no faster than the answer from 1x to 50x.

`--src DIR` runs another checkout's `src/` (say, the code before a change) in the same run, so
the two can be compared side by side; each (source, size) runs in a fresh process.

    .venv/bin/python benchmarks/bench_pages.py --scales 1 10 50 [--src /tmp/before/src]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import ROOT, load_average
from synthetic import write_scaled

PATHS = {
    "/api/occurrences (a year)": "/api/occurrences?from=2026-01-01&to=2026-12-31",
    "/api/occurrences (a month, race)": "/api/occurrences?from=2026-10-01&to=2026-10-31"
    "&category=race",
    "/calendar (a month)": "/calendar?month=2026-03",
    "/clashes (a week)": "/clashes?date=2026-09-14&to=2026-09-20",
}


def _get(app: Any, loop: asyncio.AbstractEventLoop, target: str) -> tuple[int, bytes]:
    path, _, query = target.partition("?")
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    loop.run_until_complete(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def worker(config: Path, requests: int) -> dict[str, Any]:
    """Run in a fresh process: build the app, time each path; return the figures."""
    import datetime as dt

    from edicalendar.context import AppContext
    from edicalendar.web import create_app

    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    ctx = AppContext(config_path=config, now=lambda: now)
    app = create_app(ctx, watch_interval=None)
    loop = asyncio.new_event_loop()
    results: dict[str, Any] = {}
    for name, target in PATHS.items():
        start = time.process_time()
        status, body = _get(app, loop, target)
        cold = time.process_time() - start
        assert status == 200, (target, status, body[:200])
        start = time.process_time()
        for _ in range(requests):
            _get(app, loop, target)
        warm = (time.process_time() - start) / requests
        answer = (
            len(json.loads(body)["occurrences"])
            if target.startswith("/api/")
            else body.count(b"<li")
        )
        results[name] = {"cold_ms": cold * 1000, "cpu_ms": warm * 1000, "bytes": len(body),
                         "items": answer}  # fmt: skip
    return results


def _site(root: Path, scale: int) -> Path:
    folder = root / f"x{scale}"
    write_scaled(folder / "calendars", scale)
    config = folder / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{(folder / "calendars").as_posix()}"\n'
        f'campaigns_dir = "{(ROOT / "campaigns").as_posix()}"\n'
        f'data_dir = "{(folder / "state").as_posix()}"\n',
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--src", type=Path, action="append", default=[],
                        help="another checkout's src/ to measure beside this one")  # fmt: skip
    parser.add_argument("--worker", nargs=2, metavar=("CONFIG", "REQUESTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), int(args.worker[1]))))
        return
    sources = [ROOT / "src", *args.src]
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-pages-"))
    configs = {scale: _site(root, scale) for scale in args.scales}
    print(f"load average {load_average()}; {args.requests} warm requests each, CPU per request")
    figures: dict[tuple[str, int], dict[str, Any]] = {}
    for scale in args.scales:
        for source in sources:  # interleaved: each size measures every source in turn
            env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{ROOT / 'benchmarks'}"}
            out = subprocess.run(
                [sys.executable, __file__, "--worker", str(configs[scale]), str(args.requests)],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            figures[(str(source), scale)] = json.loads(out.strip().splitlines()[-1])
    first = args.scales[0]
    for source in sources:
        print(f"\nsource: {source}")
        print(f"{'request':34} {'size':>4} {'answer':>8} {'bytes':>10} {'cold ms':>9} "
              f"{'CPU ms':>8} {'answer x':>9} {'CPU x':>7}")  # fmt: skip
        for name in PATHS:
            base = figures[(str(source), first)][name]
            for scale in args.scales:
                row = figures[(str(source), scale)][name]
                grow_answer = row["bytes"] / base["bytes"]
                grow_cpu = row["cpu_ms"] / base["cpu_ms"]
                print(f"{name:34} {scale:>3}x {row['items']:>8} {row['bytes']:>10,} "
                      f"{row['cold_ms']:9.1f} {row['cpu_ms']:8.2f} {grow_answer:9.1f} "
                      f"{grow_cpu:7.1f}")  # fmt: skip
    print(f"\nload average {load_average()}")


if __name__ == "__main__":
    main()

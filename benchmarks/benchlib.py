"""Pieces the benchmarks share: ports, waiting for servers, CPU of process trees, the load.

The machine the figures in docs/performance.md come from is shared, so every benchmark prints
the load average beside its numbers and measures CPU time (which other jobs disturb far less
than wall time) wherever it can.
"""

from __future__ import annotations

import os
import socket
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return (
                response.status,
                response.read(),
                {k.lower(): v for k, v in response.headers.items()},
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}


def wait_for(url: str, seconds: float = 120, status: int = 200) -> float:
    """Poll `url` until it answers `status`; return the seconds it took."""
    start = time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == status:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer {status} within {seconds} s")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        found.extend(int(child) for child in text.split())
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds used so far by `pid` and every process below it."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
        pending.extend(_children(current))
    return total


def wait_idle(pid: int, seconds: float = 600, quiet: float = 0.05) -> float:
    """Wait until `pid`'s process tree uses less than `quiet` CPU seconds in a second (a server
    done preparing in the background); return the seconds waited."""
    start = time.monotonic()
    before = tree_cpu_seconds(pid)
    while time.monotonic() - start < seconds:
        time.sleep(1)
        now = tree_cpu_seconds(pid)
        if now - before < quiet:
            return time.monotonic() - start
        before = now
    raise RuntimeError(f"process {pid} still busy after {seconds} s")


def median_of(run: Callable[[], float], repeat: int) -> float:
    return statistics.median(run() for _ in range(repeat))

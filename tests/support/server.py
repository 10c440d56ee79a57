"""A real `edicalendar serve` process on 127.0.0.1, for tests that need the whole server.

:func:`start_server` runs the command on a free port with a config, waits (bounded) until
`/healthz` answers and returns the process and port; :func:`stop_server` ends it and returns
what it printed. :func:`get` is a small HTTP GET with a timeout.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from support.net import free_port
from support.paths import inherited_env


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read(), response.headers


def start_server(
    config: Path, cwd: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """`edicalendar --config CONFIG serve --port P ARGS` until /healthz answers (30 s at most)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "edicalendar", "--config", str(config), "serve", "--port",
         str(port), *args],
        cwd=cwd,
        env=inherited_env(**({"EDICALENDAR_TOKEN": ""} | (env or {}))),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(f"http://127.0.0.1:{port}/healthz")
            return process, port
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.communicate()[1]) from None
            time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not start within 30 s")


def stop_server(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.terminate()
    try:
        return process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()

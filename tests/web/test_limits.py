"""Request bodies are capped before routing and authentication, on a real server.

A 50 MB body to any route that takes one is answered 413 before the server reads it: the
server closes the connection, so the sender cannot even deliver the body, the server's memory
does not grow by it, and `/healthz` keeps answering quickly meanwhile. A body sent without a
declared length (chunked) is refused with 411. Small bodies still work.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from edicalendar.web.limits import MAX_BODY_BYTES
from support.server import get, start_server, stop_server

FIFTY_MB = 50 * 1024 * 1024
#: Generous: /healthz answers in milliseconds; this only catches a server that is stalled.
HEALTHZ_SECONDS = 1.5

#: The token the `token_env` fixture sets (tests/web/conftest.py).
TOKEN = "test-token-0123456789abcdef"
PRIVATE_ROUTES = [
    ("/api/campaigns/iwd-2026/tasks/2026/draft", "application/json", ()),
    ("/api/campaigns/iwd-2026/tasks/2026/draft", "application/json",
     (f"Authorization: Bearer {TOKEN}",)),
    ("/campaigns/iwd-2026/progress", "application/x-www-form-urlencoded", ()),
    ("/signin", "application/x-www-form-urlencoded", ()),
    ("/signout", "application/x-www-form-urlencoded", ()),
]  # fmt: skip


def _peak_rss_kib(process: subprocess.Popen[str]) -> int:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc status")


def _post_huge(port: int, path: str, kind: str, headers: tuple[str, ...]) -> tuple[bytes, int]:
    """POST a 50 MB body as fast as the socket takes it; (status line, bytes sent)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {kind}\r\n"
        f"Content-Length: {FIFTY_MB}\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
    )
    chunk = b"x" * 65536
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            while sent < FIFTY_MB:
                sent += sock.send(chunk)
        except OSError:
            pass  # the server closed the connection: what should happen
        try:
            reply = sock.recv(200)
        except OSError:
            reply = b""
    return reply.split(b"\r\n", 1)[0], sent


def _healthz_worst(port: int, stop: threading.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        connection.close()
        worst[0] = max(worst[0], time.monotonic() - started)
        time.sleep(0.02)


@pytest.fixture
def server(web_env: Any, token_env: str) -> Any:
    assert token_env == TOKEN
    process, port = start_server(
        web_env.config, web_env.root, "--no-scheduler", env={"EDICALENDAR_TOKEN": token_env}
    )
    yield process, port
    stop_server(process)


@pytest.mark.timeout(120)
def test_huge_bodies_are_refused_unread_and_healthz_stays_fast(server: Any) -> None:
    process, port = server
    before = _peak_rss_kib(process)
    stop, worst = threading.Event(), [0.0]
    poller = threading.Thread(target=_healthz_worst, args=(port, stop, worst))
    poller.start()
    try:
        for path, kind, headers in PRIVATE_ROUTES:
            status, sent = _post_huge(port, path, kind, headers)
            assert status == b"HTTP/1.1 413 Request Entity Too Large", (path, status)
            # The kernel's socket buffers take a few MB; the server itself read none of it.
            assert sent < FIFTY_MB // 4, (path, sent)
    finally:
        stop.set()
        poller.join(timeout=30)
    assert worst[0] < HEALTHZ_SECONDS, worst
    assert _peak_rss_kib(process) - before < 30 * 1024


def test_chunked_bodies_are_refused(server: Any) -> None:
    _, port = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n10\r\ntoken=abcdefghij\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 411 ")


def test_small_bodies_still_work_and_the_cap_is_64k(server: Any) -> None:
    """A task update with the token goes through; 64 KiB plus one byte is refused as JSON."""
    _, port = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/api/campaigns/nobody/tasks/2026/draft",
        body=b'{"done": true}',
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    assert response.status == 404  # read, authorised, and the campaign does not exist
    response.read()
    connection.close()
    assert MAX_BODY_BYTES == 64 * 1024
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/api/campaigns/x/tasks/2026/y", body=b"x" * (MAX_BODY_BYTES + 1))
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    assert b"larger than 65,536 bytes" in response.read()
    assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200

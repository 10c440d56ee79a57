"""A Slack- or Teams-like webhook receiver: a real HTTP server on 127.0.0.1.

It records every POST (path, headers, body, arrival time) and answers from a queue of scripted
replies, then a `rule`, then a default reply, so a test can play any status, body, delay,
`Retry-After`, a request held open until the test lets it go, or a connection dropped after
the request arrived. Every delivery carries its
ledger key in the `X-Edicalendar-Key` header, so `counts()` tells how often each reminder
arrived, which is what the worker-fleet tests check.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: A webhook path shaped like Slack's, holding a token that must never reach a log or alert.
SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETtoken42"


@dataclass
class Reply:
    """What the receiver answers one request with."""

    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: threading.Event | None = None
    #: Read the request, then hang up without answering (a reset after sending).
    drop: bool = False


@dataclass
class Captured:
    """One request as it arrived."""

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


class _Server(ThreadingHTTPServer):
    # Several workers each posting on many threads at once overflow the default listen backlog
    # of 5, and the kernel then refuses connections: a fault in the fake, not in edicalendar.
    request_queue_size = 256
    daemon_threads = True


class WebhookReceiver:
    """A webhook on 127.0.0.1 answering from a queue of replies; see the module docstring.

    `keep_alive=True` speaks HTTP/1.1 with persistent connections, for load tests where a
    new connection per request would measure the fake rather than edicalendar.
    """

    def __init__(self, default: Reply | None = None, *, keep_alive: bool = False) -> None:
        self.default = default or Reply()
        self.replies: deque[Reply] = deque()
        self.requests: list[Captured] = []
        self.arrived = threading.Condition()
        self.rule: Callable[[Captured], Reply | None] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
            # Headers and body go out in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (40 ms a request on Linux).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                captured = Captured(self.path, dict(self.headers), body, time.monotonic())
                with receiver.arrived:
                    receiver.requests.append(captured)
                    reply = receiver.replies.popleft() if receiver.replies else None
                    receiver.arrived.notify_all()
                if reply is None and receiver.rule is not None:
                    reply = receiver.rule(captured)
                reply = reply or receiver.default
                if reply.hold is not None:
                    reply.hold.wait(30)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)  # the request arrived; the answer never does
                    return
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

        self.server = _Server(("127.0.0.1", 0), Handler)
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
        """Answer the next requests with these replies, in order."""
        self.replies.extend(replies)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait (bounded) until `count` requests have arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def keys(self) -> list[str]:
        """The ledger key of every request, in arrival order."""
        with self.arrived:
            return [r.key for r in self.requests]

    def counts(self) -> Counter[str]:
        """How many requests arrived per ledger key."""
        return Counter(self.keys())

    @property
    def total(self) -> int:
        with self.arrived:
            return len(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

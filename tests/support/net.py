"""Loopback ports for servers the tests start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing was listening on a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: What in-process test clients send as their address: a loopback name the server always
#: answers for (Starlette's default, `testserver`, is a name the host check refuses).
LOCAL_BASE_URL = "http://127.0.0.1:8000"

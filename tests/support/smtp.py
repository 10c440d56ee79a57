"""SMTP receivers on 127.0.0.1: an aiosmtpd server with scripted replies, and raw sockets that
misbehave (greet with 421, accept and never answer).

The aiosmtpd handler pops scripted RCPT and DATA replies (optionally answering DATA late),
keeps the messages it accepted and counts sessions and AUTH attempts. TLS (STARTTLS or
implicit) uses a self-signed certificate for 127.0.0.1 made with the `openssl` command.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from support.net import free_port


class ScriptedSMTP:
    """aiosmtpd handler: scripted RCPT/DATA replies, captured messages and sessions."""

    def __init__(self) -> None:
        self.rcpt: dict[str, deque[str]] = {}
        self.data: deque[str] = deque()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.sessions: set[int] = set()
        self._seen: list[Any] = []
        self.data_attempts = 0
        self.auth_attempts = 0
        #: Seconds to wait before answering the next DATA (the message is taken either way).
        self.data_delays: deque[float] = deque()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.sessions.add(id(session))
        self._seen.append(session)  # kept alive, so no later session can reuse its id
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        script = self.rcpt.get(address)
        if script:
            reply = script[0] if len(script) == 1 else script.popleft()
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_attempts += 1
        if self.data_delays:
            await asyncio.sleep(self.data_delays.popleft())
        reply = self.data.popleft() if self.data else "250 OK"
        if reply.startswith("250"):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return reply

    def keys(self) -> list[str]:
        """The ledger key (X-Edicalendar-Key) of every message taken, in arrival order."""
        return [str(self.parsed(n)["X-Edicalendar-Key"]) for n in range(len(self.messages))]

    def parsed(self, index: int = -1) -> EmailMessage:
        message = message_from_bytes(self.messages[index][2], policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class SMTPServer:
    handler: ScriptedSMTP
    controller: Controller
    port: int
    password: str | None


@dataclass(frozen=True)
class CertPair:
    cert: Path
    key: Path


def make_self_signed(folder: Path) -> CertPair:
    """A self-signed certificate for 127.0.0.1/localhost, made with the openssl command."""
    pair = CertPair(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(pair.key),
            "-out",
            str(pair.cert),
            "-days",
            "30",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return pair


def start_smtp(
    certificate: CertPair,
    *,
    starttls: bool = False,
    tls: bool = False,
    password: str | None = None,
) -> SMTPServer:
    """Start an aiosmtpd server: plain, STARTTLS (`starttls=True`) or implicit TLS
    (`tls=True`), with AUTH checking `password` when given. Stop it with `.controller.stop()`."""
    handler = ScriptedSMTP()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert, certificate.key)

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        handler.auth_attempts += 1
        ok = bytes(auth_data.password) == (password or "").encode()
        return AuthResult(success=ok, handled=False)

    kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": free_port()}
    if starttls:
        kwargs.update(tls_context=context, require_starttls=True)
    if tls:
        kwargs.update(ssl_context=context)
    if password is not None:
        # aiosmtpd does not count implicit TLS as TLS for `auth_require_tls`.
        kwargs.update(authenticator=authenticator, auth_require_tls=starttls)
    controller = Controller(handler, **kwargs)
    controller.start()
    return SMTPServer(handler, controller, kwargs["port"], password)


@contextmanager
def raw_smtp(greeting: bytes | None) -> Iterator[int]:
    """A listening socket on 127.0.0.1 that sends `greeting` to each connection and hangs up,
    or (`greeting=None`) accepts and never says anything. Yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    stop = threading.Event()

    def greet() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            assert greeting is not None
            conn.sendall(greeting)
            conn.close()

    thread = threading.Thread(target=greet, daemon=True)
    if greeting is not None:
        thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        if greeting is not None:
            thread.join()
        server.close()

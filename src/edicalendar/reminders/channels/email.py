"""Email over SMTP: multipart plain + HTML with the observance attached as an `.ics`.

Submission uses STARTTLS (port 587) or implicit TLS (465) with certificate checks, and refuses
to log in over a connection that is not encrypted. One connection (one login) serves every
message of a pass through the email lane and is closed when the lane goes idle. Replies are
classified per recipient, because `smtplib` reports partly refused recipients in a *returned*
dict rather than an exception: 4xx is retried for that recipient only, 5xx settles it as dead.
A failed login (535) or a TLS failure halts all email at once, so a retry loop cannot lock an
NHSmail account. A connection lost after the message's final `.` went out leaves it possibly
delivered, and the result says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import smtplib
import ssl
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import icalendar

from edicalendar.redact import redact, register_secret
from edicalendar.reminders.channels.base import (
    NOT_SENT,
    Outbound,
    Outcome,
    RecipientOutcome,
    RecipientState,
    SendResult,
    publishable,
    truncate,
)
from edicalendar.reminders.messages import Message
from edicalendar.urls import public_url

BODY_LIMIT = 100_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(text: str, limit: int = 200) -> str:
    """Text safe for a header: control characters (CR, LF, NUL...) and encoded-word openers
    removed, so campaign text can never add a header or a recipient."""
    cleaned = _CONTROL.sub(" ", text).replace("=?", "= ?")
    return truncate(" ".join(cleaned.split()), limit, "…")


def message_id(key: str, domain: str) -> str:
    """The same Message-ID for every attempt at one key, so duplicates are recognisable."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def calendar_attachment(message: Message, stamp: float) -> str | None:
    """An iTIP PUBLISH calendar holding the observance as one all-day event."""
    event_ref = message.event
    if event_ref is None:
        return None
    import datetime as dt

    cal = icalendar.Calendar()
    cal.add("prodid", "-//edicalendar//reminders//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", event_ref.uid)
    event.add("dtstamp", dt.datetime.fromtimestamp(stamp, dt.UTC))
    event.add("dtstart", event_ref.start)
    event.add("dtend", event_ref.end + dt.timedelta(days=1))
    event.add("summary", event_ref.name)
    if event_ref.description:
        event.add("description", event_ref.description)
    url = public_url(event_ref.url)
    if url:
        event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("sequence", 0)
    cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))


def build_email(
    message: Message, key: str, sender: str, recipients: tuple[str, ...], stamp: float
) -> EmailMessage:
    """The complete message; recipients come from configuration only, never campaign text."""
    domain = sender.rpartition("@")[2] or "localhost"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = header_text(message.title)
    msg["Date"] = formatdate(stamp, usegmt=True)
    msg["Message-ID"] = message_id(key, domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Edicalendar-Key"] = header_text(key, 500)
    body = truncate(message.body, BODY_LIMIT)
    links = publishable(message.links)
    links_text = "".join(f"\n{link.label}: {link.url}" for link in links)
    msg.set_content(f"{message.title}\n\n{body}\n{links_text}\n")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    links_html = "".join(
        f'<li><a href="{html.escape(link.url)}">{html.escape(link.label)}</a></li>'
        for link in links
    )
    msg.add_alternative(
        f'<!doctype html><html lang="en"><body><h1>{html.escape(message.title)}</h1>'
        f"{paragraphs}{'<ul>' + links_html + '</ul>' if links_html else ''}</body></html>",
        subtype="html",
    )
    ics = calendar_attachment(message, stamp)
    if ics is not None:
        msg.add_attachment(
            ics, subtype="calendar", filename="event.ics", params={"method": "PUBLISH"}
        )
    return msg


class _NotSent(Exception):
    """The message was withdrawn just before its DATA went out (`on_send` said no)."""


class _PayloadTracking(smtplib.SMTP):
    """Calls `before_payload` just before the message itself is written (after the server's
    354), and knows whether its final `.` went out: after that, a lost reply means the server
    may have taken the message."""

    payload_sent = False
    _in_data = False
    before_payload: Any = None

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.payload_sent = False
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s: Any) -> None:
        payload = self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n")
        if payload and self.before_payload is not None and not self.before_payload():
            raise _NotSent()
        super().send(s)
        if payload:
            self.payload_sent = True


class _PlainSMTP(_PayloadTracking):
    pass


class _TlsSMTP(_PayloadTracking, smtplib.SMTP_SSL):
    pass


class _NoLogin(Exception):
    """The server offers no authentication mechanism we use."""


class SmtpTransport:
    """The SMTP connection shared by every email destination on one server.

    Opened (and logged in) for the first message, reused for the next ones, closed by
    :meth:`close` when the email lane has nothing left to send, or dropped after an error.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        username: str | None,
        password: str | None,
        timeout: float,
        ca_file: Path | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password = username, password
        self.timeout = timeout
        self.ca_file = ca_file
        self.lock = threading.Lock()
        self._smtp: _PayloadTracking | None = None
        #: Connections opened so far (how often a login happened), for logs and tests.
        self.opened = 0
        register_secret(password)

    def fingerprint(self) -> str:
        parts = [
            self.host,
            str(self.port),
            self.security,
            self.username or "",
            self.password or "",
            str(self.ca_file or ""),
        ]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def connection(self) -> _PayloadTracking:
        """The open connection, or a new one (connected, TLS, logged in). Raises what
        smtplib and ssl raise; the caller classifies it."""
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (OSError, smtplib.SMTPException):
                pass
            self.discard()
        smtp: _PayloadTracking
        if self.security == "tls":
            smtp = _TlsSMTP(self.host, self.port, timeout=self.timeout, context=self._tls_context())
        else:
            smtp = _PlainSMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("server does not offer STARTTLS")
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if self.username:
                self._login(smtp)
        except BaseException:
            smtp.close()
            raise
        self.opened += 1
        self._smtp = smtp
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        # One mechanism, one attempt: smtplib.login() would try each advertised mechanism in
        # turn, doubling failed logins against an account with a lockout policy.
        advertised = smtp.esmtp_features.get("auth", "").upper().split()
        mechanism = next((m for m in ("PLAIN", "LOGIN") if m in advertised), None)
        if mechanism is None:
            raise _NoLogin("server offers no PLAIN or LOGIN authentication")
        smtp.user, smtp.password = self.username or "", self.password or ""
        authobject = smtp.auth_plain if mechanism == "PLAIN" else smtp.auth_login
        smtp.auth(mechanism, authobject, initial_response_ok=True)

    def discard(self) -> None:
        """Drop the connection without a goodbye (after an error)."""
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        """Say goodbye and close (the lane has nothing more to send now)."""
        if self._smtp is None:
            return
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self._smtp.quit()
        self.discard()


class EmailChannel:
    """An email destination: a list of recipients on the configured SMTP server."""

    kind = "email"
    group = "email"

    def __init__(
        self,
        name: str,
        *,
        transport: SmtpTransport,
        sender: str,
        recipients: tuple[str, ...],
        rate_per_second: float = 0.0,
    ) -> None:
        self.name = name
        self.rate_per_second = rate_per_second
        self.transport = transport
        self.host, self.port = transport.host, transport.port
        self.sender = sender
        self.recipients = recipients

    def fingerprint(self) -> str:
        return self.transport.fingerprint()

    def close_idle(self) -> None:
        with self.transport.lock:
            self.transport.close()

    def send(self, item: Outbound) -> SendResult:
        wanted = item.recipients or self.recipients
        recipients = tuple(r for r in wanted if r not in item.settled)
        if not recipients:
            return SendResult(Outcome.ACCEPTED, "no recipients left to send to")
        stamp = item.now.timestamp()
        msg = build_email(item.message, item.key, self.sender, tuple(wanted), stamp)
        with self.transport.lock:
            try:
                smtp = self.transport.connection()
            except (ssl.SSLError, ssl.CertificateError) as exc:
                return SendResult(Outcome.HALT, f"TLS failed with {self.host}: {exc}")
            except smtplib.SMTPNotSupportedError as exc:
                return SendResult(
                    Outcome.HALT,
                    f"{self.host}:{self.port}: {exc}; "
                    "refusing to send credentials or mail unencrypted",
                )
            except _NoLogin as exc:
                return SendResult(Outcome.HALT, self._clean(f"{self.host}: {exc}"))
            except smtplib.SMTPAuthenticationError as exc:
                return self._login_refused(exc)
            except smtplib.SMTPResponseException as exc:
                return self._response_error(exc, recipients)
            except (OSError, smtplib.SMTPException) as exc:
                return SendResult(
                    Outcome.RETRY,
                    self._clean(
                        f"cannot reach {self.host}:{self.port}: {type(exc).__name__} {exc}"
                    ),
                    pause=True,
                )
            return self._transact(smtp, msg, recipients, item.on_send)

    def _login_refused(self, exc: smtplib.SMTPAuthenticationError) -> SendResult:
        return SendResult(
            Outcome.HALT,
            self._clean(
                f"SMTP login as {self.transport.username} refused ({exc.smtp_code}); "
                "all email stopped until the credentials are fixed"
            ),
            status=exc.smtp_code,
        )

    def _transact(
        self,
        smtp: _PayloadTracking,
        msg: EmailMessage,
        recipients: tuple[str, ...],
        on_send: Callable[[], bool],
    ) -> SendResult:
        smtp.before_payload = on_send
        try:
            refused = smtp.send_message(msg, from_addr=self.sender, to_addrs=list(recipients))
        except _NotSent:
            self.transport.discard()
            return SendResult(Outcome.RETRY, NOT_SENT, not_sent=True)
        except smtplib.SMTPRecipientsRefused as exc:
            refused = dict(exc.recipients)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 or exc.smtp_code == 421:
                self.transport.discard()
            return self._response_error(exc, recipients)
        except (OSError, smtplib.SMTPException) as exc:
            sent = smtp.payload_sent
            self.transport.discard()
            detail = self._clean(f"{type(exc).__name__}: {exc}")
            if sent:
                detail = f"no reply after the message was sent ({detail})"
            return SendResult(Outcome.RETRY, detail, maybe_delivered=sent, pause=True)
        return self._per_recipient(recipients, refused)

    def _per_recipient(
        self, recipients: tuple[str, ...], refused: dict[str, tuple[int, bytes]]
    ) -> SendResult:
        states: dict[str, RecipientOutcome] = {}
        for address in recipients:
            if address not in refused:
                states[address] = RecipientOutcome(RecipientState.ACCEPTED)
                continue
            code, reply = refused[address]
            text = reply.decode("utf-8", "replace")
            state = RecipientState.RETRY if 400 <= code < 500 else RecipientState.DEAD
            states[address] = RecipientOutcome(state, f"{code} {text}")
        waiting = [a for a, s in states.items() if s.state is RecipientState.RETRY]
        dead = [a for a, s in states.items() if s.state is RecipientState.DEAD]
        detail = "; ".join(
            f"{a} {s}" for a, s in states.items() if s.state is not RecipientState.ACCEPTED
        )
        if waiting:
            return SendResult(Outcome.RETRY, detail, recipients=states)
        if len(dead) == len(recipients):
            return SendResult(Outcome.DEAD, detail, recipients=states)
        return SendResult(Outcome.ACCEPTED, detail or "250 accepted", recipients=states)

    def _response_error(
        self, exc: smtplib.SMTPResponseException, recipients: tuple[str, ...]
    ) -> SendResult:
        code = exc.smtp_code
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        detail = self._clean(f"SMTP {code} {text}")
        if code == 535 or code == 530:
            return SendResult(Outcome.HALT, detail, status=code)
        if 400 <= code < 500 or code < 200:
            return SendResult(Outcome.RETRY, detail, status=code)
        return SendResult(
            Outcome.DEAD,
            detail,
            status=code,
            recipients={
                r: RecipientOutcome(RecipientState.DEAD, f"{code} {text}") for r in recipients
            },
        )

    def _clean(self, text: str) -> str:
        return redact(text, [self.transport.password or ""])

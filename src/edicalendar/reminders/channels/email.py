"""Email over SMTP: multipart plain + HTML with the observance attached as an `.ics`.

Submission uses STARTTLS (port 587) or implicit TLS (465) with certificate checks, and refuses
to log in over a connection that is not encrypted. Replies are classified per recipient, because
`smtplib` reports partly refused recipients in a *returned* dict rather than an exception: 4xx
is retried for that recipient only, 5xx settles it as dead. A failed login (535) or a TLS failure
halts all email at once, so a retry loop cannot lock an NHSmail account.
"""

from __future__ import annotations

import hashlib
import html
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import icalendar

from edicalendar.redact import redact, register_secret
from edicalendar.reminders.channels.base import (
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


class EmailChannel:
    """An email destination: a list of recipients on the configured SMTP server."""

    kind = "email"
    group = "email"

    def __init__(
        self,
        name: str,
        *,
        host: str,
        port: int,
        security: str,
        username: str | None,
        password: str | None,
        sender: str,
        recipients: tuple[str, ...],
        timeout: float,
        ca_file: Path | None = None,
        rate_per_second: float = 0.0,
    ) -> None:
        self.name = name
        self.rate_per_second = rate_per_second
        self.host, self.port, self.security = host, port, security
        self.username, self._password = username, password
        self.sender = sender
        self.recipients = recipients
        self.timeout = timeout
        self.ca_file = ca_file
        register_secret(password)

    def fingerprint(self) -> str:
        parts = [
            self.host,
            str(self.port),
            self.security,
            self.username or "",
            self._password or "",
            str(self.ca_file or ""),
        ]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("server does not offer STARTTLS")
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, item: Outbound) -> SendResult:
        wanted = item.recipients or self.recipients
        recipients = tuple(r for r in wanted if r not in item.settled)
        if not recipients:
            return SendResult(Outcome.ACCEPTED, "no recipients left to send to")
        stamp = item.now.timestamp()
        msg = build_email(item.message, item.key, self.sender, tuple(wanted), stamp)
        try:
            smtp = self._connect()
        except (ssl.SSLError, ssl.CertificateError) as exc:
            return SendResult(Outcome.HALT, f"TLS failed with {self.host}: {exc}")
        except smtplib.SMTPNotSupportedError as exc:
            return SendResult(
                Outcome.HALT,
                f"{self.host}:{self.port}: {exc}; refusing to send credentials or mail unencrypted",
            )
        except smtplib.SMTPResponseException as exc:
            return self._response_error(exc, recipients)
        except (OSError, smtplib.SMTPException) as exc:
            return SendResult(
                Outcome.RETRY,
                self._clean(f"cannot reach {self.host}:{self.port}: {type(exc).__name__} {exc}"),
            )
        try:
            return self._transact(smtp, msg, recipients)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _transact(
        self, smtp: smtplib.SMTP, msg: EmailMessage, recipients: tuple[str, ...]
    ) -> SendResult:
        try:
            if self.username:
                self._login(smtp)
            refused = smtp.send_message(msg, from_addr=self.sender, to_addrs=list(recipients))
        except smtplib.SMTPAuthenticationError as exc:
            return SendResult(
                Outcome.HALT,
                self._clean(
                    f"SMTP login as {self.username} refused ({exc.smtp_code}); "
                    "all email stopped until the credentials are fixed"
                ),
                status=exc.smtp_code,
            )
        except smtplib.SMTPRecipientsRefused as exc:
            refused = dict(exc.recipients)
        except smtplib.SMTPResponseException as exc:
            return self._response_error(exc, recipients)
        except smtplib.SMTPNotSupportedError as exc:
            return SendResult(Outcome.HALT, self._clean(f"{self.host}: {exc}"))
        except (OSError, smtplib.SMTPException) as exc:
            return SendResult(Outcome.RETRY, self._clean(f"{type(exc).__name__}: {exc}"))
        return self._per_recipient(recipients, refused)

    def _login(self, smtp: smtplib.SMTP) -> None:
        # One mechanism, one attempt: smtplib.login() would try each advertised mechanism in
        # turn, doubling failed logins against an account with a lockout policy.
        smtp.ehlo_or_helo_if_needed()
        advertised = smtp.esmtp_features.get("auth", "").upper().split()
        mechanism = next((m for m in ("PLAIN", "LOGIN") if m in advertised), None)
        if mechanism is None:
            raise smtplib.SMTPNotSupportedError("server offers no PLAIN or LOGIN authentication")
        smtp.user, smtp.password = self.username or "", self._password or ""
        authobject = smtp.auth_plain if mechanism == "PLAIN" else smtp.auth_login
        smtp.auth(mechanism, authobject, initial_response_ok=True)

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
        return redact(text, [self._password or ""])

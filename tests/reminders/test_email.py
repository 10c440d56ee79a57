"""Email delivery against aiosmtpd on 127.0.0.1: TLS, AUTH, per-recipient replies, injection."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import deque
from types import SimpleNamespace
from typing import Any

import pytest
import vobject

from edicalendar.reminders.ledger import DeliveryState, Ledger
from support.builders import make_instance
from support.smtp import raw_smtp
from support.webhooks import Reply

TO = ["edi-team@nhs.example", "comms@nhs.example"]


def mail_dispatcher(
    harness: Any,
    smtp: Any,
    *,
    to: list[str] | None = None,
    security: str = "none",
    password: str | None = None,
    ca_file: Any = None,
    extra: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    **reminders: Any,
) -> Any:
    email: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": smtp.port,
        "security": security,
        "sender": "edicalendar@trust.nhs.example",
    }
    environ = dict(env or {})
    if password is not None:
        email.update(username="edicalendar@trust.nhs.example", password_env="SMTP_PASSWORD")
        environ["SMTP_PASSWORD"] = password
    if ca_file is not None:
        email["ca_file"] = str(ca_file)
    destinations = {"mail": {"kind": "email", "to": to or TO}, **(extra or {})}
    return harness.dispatcher(destinations, environ, email=email, reminders=reminders or None)


def rows(dispatcher: Any) -> dict[str, Any]:
    return {d.key: d for d in Ledger(dispatcher.database).deliveries()}


def test_email_is_multipart_with_ics_publish_and_stable_message_id(
    harness: Any, smtp_factory: Any, tmp_path: Any
) -> None:
    """Plain + HTML alternatives, an all-day PUBLISH .ics (read by vobject), Auto-Submitted,
    and a Message-ID that is the same for the same key in a second, separate ledger."""
    smtp = smtp_factory()
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(harness, smtp)
    assert dispatcher.tick().accepted == 1
    message = smtp.handler.parsed()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert body is not None and "International Women's Day" in body.get_content()
    assert html is not None and "<h1>" in html.get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = vobject.readOne(attachment.get_content())
    assert calendar.method.value == "PUBLISH"
    assert calendar.vevent.dtstart.value == dt.date(2026, 3, 8)
    assert calendar.vevent.dtend.value == dt.date(2026, 3, 9)
    assert calendar.vevent.summary.value == "International Women's Day"
    # The same UID as the published feed's event for this occurrence (one entry, not two).
    from edicalendar.feeds.events import occurrence_uid

    assert calendar.vevent.uid.value == occurrence_uid("iwd-obs", "2026")
    first_id = message["Message-ID"]

    harness.db_path = tmp_path / "second.db"
    again = mail_dispatcher(harness, smtp)
    again.tick()
    assert smtp.handler.parsed()["Message-ID"] == first_id
    harness.instances = [make_instance("other", destinations=("mail",))]
    harness.db_path = tmp_path / "third.db"
    mail_dispatcher(harness, smtp).tick()
    assert smtp.handler.parsed()["Message-ID"] != first_id


@pytest.mark.parametrize(
    "title",
    [
        "Pride\r\nBcc: x@evil.example",
        "Pride =?UTF-8?Q?=0A?=Bcc: x@evil.example",
        "Pride\n",
        "Pride\x00\x1b[31m",
        "Pride\u2028Bcc: x@evil.example",
    ],
)
def test_header_injection_is_stripped_and_the_message_still_goes(
    harness: Any, smtp_factory: Any, title: str
) -> None:
    """CR/LF/controls/encoded words in campaign text never add a header or a recipient."""
    smtp = smtp_factory()
    harness.instances = [make_instance(title=title, destinations=("mail",))]
    mail_dispatcher(harness, smtp).tick()
    _, recipients, raw = smtp.handler.messages[0]
    assert recipients == TO
    message = smtp.handler.parsed()
    assert sorted(message.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "X-Edicalendar-Key",
            "MIME-Version",
            "Content-Type",
        ]
    )
    subject = message["Subject"]
    assert "Pride" in subject
    assert not any(ch in subject for ch in "\r\n\x00\x1b\u2028")
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Bcc" not in headers.replace(b"Subject:", b"").split(b"\r\n")[0]
    assert not any(line.startswith(b"Bcc") for line in headers.split(b"\r\n"))


def test_smtp_451_at_data_is_retried_then_accepted(
    harness: Any, smtp_factory: Any, clock: Any
) -> None:
    """451 at DATA: retry_wait with backoff; the next session succeeds (2 sessions)."""
    smtp = smtp_factory()
    smtp.handler.data.append("451 4.3.0 try later")
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(harness, smtp)
    dispatcher.tick()
    (row,) = rows(dispatcher).values()
    assert row.state is DeliveryState.RETRY_WAIT and "451" in (row.last_error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at >= clock().replace(microsecond=0)
    clock.set(row.next_attempt_at)
    dispatcher.tick()
    (row,) = rows(dispatcher).values()
    assert row.state is DeliveryState.ACCEPTED
    assert len(smtp.handler.sessions) == 2 and len(smtp.handler.messages) == 1


def test_smtp_421_on_connect_is_retried(harness: Any, clock: Any) -> None:
    """A server that greets with 421 is transient: retry_wait, not dead."""
    with raw_smtp(b"421 4.3.2 service not available\r\n") as port:
        harness.instances = [make_instance(destinations=("mail",))]

        dispatcher = mail_dispatcher(harness, SimpleNamespace(port=port))
        dispatcher.tick()
        (row,) = rows(dispatcher).values()
        assert row.state is DeliveryState.RETRY_WAIT and "421" in (row.last_error or "")


def test_one_refused_recipient_is_dead_and_the_others_get_the_mail(
    harness: Any, smtp_factory: Any, clock: Any
) -> None:
    """550 for one recipient: the others get the mail, the refusal is recorded per recipient,
    and a 452 (full mailbox) recipient alone is retried later."""
    smtp = smtp_factory()
    smtp.handler.rcpt["gone@nhs.example"] = deque(["550 5.1.1 no such user"])
    smtp.handler.rcpt["full@nhs.example"] = deque(["452 4.2.2 mailbox full", "250 OK"])
    to = ["a@nhs.example", "gone@nhs.example", "full@nhs.example"]
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(harness, smtp, to=to)
    dispatcher.tick()
    (row,) = rows(dispatcher).values()
    assert smtp.handler.messages[0][1] == ["a@nhs.example"]
    assert row.state is DeliveryState.RETRY_WAIT
    recipients = json.loads(row.provider_response or "{}")["recipients"]
    assert recipients["a@nhs.example"] == "accepted"
    assert recipients["gone@nhs.example"].startswith("dead: 550")
    assert recipients["full@nhs.example"].startswith("retry: 452")
    assert row.next_attempt_at is not None
    clock.set(row.next_attempt_at)
    dispatcher.tick()
    (row,) = rows(dispatcher).values()
    assert smtp.handler.messages[1][1] == ["full@nhs.example"]
    assert row.state is DeliveryState.ACCEPTED
    recipients = json.loads(row.provider_response or "{}")["recipients"]
    assert recipients["full@nhs.example"] == "accepted"
    assert recipients["gone@nhs.example"].startswith("dead: 550")
    assert "gone@nhs.example" in (row.last_error or "")
    clock.advance(86400)
    dispatcher.tick()
    assert len(smtp.handler.messages) == 2


def test_all_recipients_refused_permanently_is_dead(harness: Any, smtp_factory: Any) -> None:
    """Every recipient 550: the row is dead with the codes, and an alert is raised."""
    smtp = smtp_factory()
    for address in TO:
        smtp.handler.rcpt[address] = deque(["550 5.1.1 no such user"])
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(harness, smtp)
    summary = dispatcher.tick()
    (row,) = rows(dispatcher).values()
    assert row.state is DeliveryState.DEAD and "550" in (row.last_error or "")
    assert summary.alerts


def test_auth_failure_stops_all_email_after_one_attempt(
    harness: Any,
    smtp_factory: Any,
    webhook: Any,
    clock: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """535: exactly one AUTH across many due rows and ticks; Slack still sends; the halt
    lifts once the password changes, and everything waiting then goes."""
    smtp = smtp_factory(starttls=True, password="correct horse")
    harness.instances = [make_instance(f"c{n}", destinations=("mail", "slack")) for n in range(4)]
    slack = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}
    env = {"SLACK_URL": webhook.url()}
    dispatcher = mail_dispatcher(
        harness,
        smtp,
        security="starttls",
        password="Expired-2026!",
        ca_file=_ca(harness),
        extra=slack,
        env=env,
    )
    summary = dispatcher.tick()
    clock.advance(600)
    dispatcher.tick()
    assert smtp.handler.auth_attempts == 1
    assert smtp.handler.messages == []
    assert len(webhook.requests) == 4
    mail_rows = [r for k, r in rows(dispatcher).items() if k.endswith(":mail")]
    assert {r.state for r in mail_rows} <= {DeliveryState.RETRY_WAIT, DeliveryState.PENDING}
    assert len([a for a in summary.alerts if "email" in a]) == 1
    assert "Expired-2026!" not in caplog.text + "".join(summary.alerts)

    fixed = mail_dispatcher(
        harness,
        smtp,
        security="starttls",
        password="correct horse",
        ca_file=_ca(harness),
        extra=slack,
        env=env,
    )
    fixed.tick()
    assert len(smtp.handler.messages) == 4
    assert all(
        r.state is DeliveryState.ACCEPTED for k, r in rows(fixed).items() if k.endswith(":mail")
    )


def _ca(harness: Any) -> Any:
    return harness.ca_file


@pytest.fixture(autouse=True)
def _trust(harness: Any, self_signed: Any) -> None:
    harness.ca_file = self_signed.cert


def test_no_starttls_offered_refuses_to_send_credentials(
    harness: Any, smtp_factory: Any, clock: Any
) -> None:
    """A server without STARTTLS gets no AUTH and no mail; email halts (no retry storm)."""
    smtp = smtp_factory(password="pw")
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(
        harness, smtp, security="starttls", password="pw", ca_file=harness.ca_file
    )
    summary = dispatcher.tick()
    clock.advance(3600)
    dispatcher.tick()
    assert smtp.handler.auth_attempts == 0 and smtp.handler.messages == []
    assert any("STARTTLS" in a for a in summary.alerts)


def test_untrusted_certificate_halts_email_without_auth(
    harness: Any, smtp_factory: Any, clock: Any
) -> None:
    """A self-signed certificate not in the trust store: no AUTH, no mail, one alert."""
    smtp = smtp_factory(starttls=True, password="pw")
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(harness, smtp, security="starttls", password="pw")
    summary = dispatcher.tick()
    clock.advance(3600)
    dispatcher.tick()
    assert smtp.handler.auth_attempts == 0 and smtp.handler.messages == []
    assert len(summary.alerts) == 1 and "TLS" in summary.alerts[0]


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_trusted_tls_with_auth_delivers(harness: Any, smtp_factory: Any, mode: str) -> None:
    """With the certificate trusted, STARTTLS (587-style) and implicit TLS (465) both work."""
    smtp = smtp_factory(starttls=mode == "starttls", tls=mode == "tls", password="pw")
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = mail_dispatcher(
        harness, smtp, security=mode, password="pw", ca_file=harness.ca_file
    )
    assert dispatcher.tick().accepted == 1
    assert smtp.handler.auth_attempts == 1 and len(smtp.handler.messages) == 1


def test_smtp_server_that_never_replies_times_out(harness: Any) -> None:
    """Accept-then-hang: the 1 s client timeout fires, the row waits to retry, no hang."""
    with raw_smtp(None) as port:
        harness.instances = [make_instance(destinations=("mail",))]
        dispatcher = mail_dispatcher(harness, SimpleNamespace(port=port))
        started = time.monotonic()
        dispatcher.tick()
        assert time.monotonic() - started < 5
        (row,) = rows(dispatcher).values()
        assert row.state is DeliveryState.RETRY_WAIT


def test_unicode_reaches_slack_teams_and_email_intact(
    harness: Any, smtp_factory: Any, webhook_factory: Any
) -> None:
    """Emoji, Welsh, Arabic and Hebrew arrive byte-for-byte in all three channels."""
    title = "Dydd Gŵyl Dewi Sant 🏴󠁧󠁢󠁷󠁬󠁳󠁿 — عيد الفطر"
    summary_text = "פסח שמח · Eid Mubarak 🌙 · Diolch yn fawr"
    slack, teams = webhook_factory(), webhook_factory(Reply(202, b""))
    smtp = smtp_factory()
    harness.instances = [
        make_instance(title=title, summary=summary_text, destinations=("slack", "teams", "mail"))
    ]
    dispatcher = mail_dispatcher(
        harness,
        smtp,
        extra={
            "slack": {"kind": "slack", "url_env": "S", "rate_per_second": 0},
            "teams": {"kind": "teams", "url_env": "T", "rate_per_second": 0},
        },
        env={"S": slack.url(), "T": teams.url("/workflows/1?sig=x")},
    )
    dispatcher.tick()
    slack_body = slack.requests[0].json
    assert title in slack_body["text"] and summary_text in slack_body["text"]
    card = teams.requests[0].json["attachments"][0]["content"]
    texts = [block["text"] for block in card["body"]]
    assert any(title in t for t in texts) and any(summary_text in t for t in texts)
    message = smtp.handler.parsed()
    assert title in message["Subject"]
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None and summary_text in plain.get_content()


def test_one_smtp_connection_and_one_login_serve_every_email_of_a_tick(
    harness: Any, smtp_factory: Any, clock: Any
) -> None:
    """Five emails due at once (two lists) go over one SMTP session with one login; the
    connection is closed when the tick is done, so the next tick opens a fresh one."""
    smtp = smtp_factory(starttls=True, password="pw")
    harness.instances = [make_instance(f"c{n}", destinations=("mail", "other")) for n in range(2)]
    harness.instances.append(make_instance("c2", destinations=("mail",)))
    dispatcher = mail_dispatcher(
        harness,
        smtp,
        security="starttls",
        password="pw",
        ca_file=harness.ca_file,
        extra={"other": {"kind": "email", "to": ["other@nhs.example"]}},
    )
    assert dispatcher.tick().accepted == 5
    assert len(smtp.handler.messages) == 5
    assert len(smtp.handler.sessions) == 1 and smtp.handler.auth_attempts == 1
    harness.instances.append(make_instance("c3", destinations=("mail",), start=dt.date(2026, 3, 9)))
    clock.advance(days=1)
    assert dispatcher.tick().accepted == 1
    assert len(smtp.handler.sessions) == 2 and smtp.handler.auth_attempts == 2

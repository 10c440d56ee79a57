"""Stored delivery errors hold no piece of a secret: not only exact copies are removed.

A webhook service may answer with part of its token, and an SMTP server may quote the `AUTH`
command (whose argument is the base64 of the user name and password) in a refusal. Those
replies are stored as the delivery's error, the destination's unhealthy reason and the alert
text, and an administrator reads them in /healthz; every one is redacted first.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from typing import Any

import pytest

from edicalendar.redact import redact, register_secret
from edicalendar.reminders.ledger import Ledger
from edicalendar.storage.state import StateStore
from support.builders import make_instance
from support.webhooks import SECRET_PATH, Reply

SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


def _everything(dispatcher: Any, summary: Any) -> str:
    state = StateStore(dispatcher.database)
    stored = [(d.last_error, d.provider_response) for d in Ledger(dispatcher.database).deliveries()]
    reasons = [u.reason for u in state.unhealthy().values()]
    reasons += [h.reason for h in state.halts().values()]
    return json.dumps([stored, reasons, summary.alerts])


def test_a_webhook_reply_echoing_part_of_the_token_is_redacted(
    harness: Any, webhook_factory: Any
) -> None:
    # Slack-style: "invalid_token" with the token's end, and the team id on its own.
    echo = webhook_factory(Reply(403, b"invalid_token: ...SECRETtoken4 (team T0SECRET)"))
    harness.instances = [make_instance(destinations=("slack",))]
    dispatcher = harness.dispatcher(SLACK, {"SLACK_URL": echo.url()})
    summary = dispatcher.tick()
    everything = _everything(dispatcher, summary)
    assert "HTTP 403 invalid_token: ...[redacted] (team [redacted])" in everything
    for leaked in ("SECRETtoken4", "T0SECRET", SECRET_PATH):
        assert leaked not in everything


def test_an_smtp_reply_quoting_the_auth_line_is_redacted(
    harness: Any, smtp_factory: Any, self_signed: Any
) -> None:
    smtp = smtp_factory(starttls=True, password="Expired-2026!")
    credentials = base64.b64encode(b"\0edicalendar@trust.nhs.example\0Expired-2026!").decode()
    smtp.handler.data = deque([f"554 5.7.1 policy: session AUTH PLAIN {credentials} not allowed"])
    harness.instances = [make_instance(destinations=("mail",))]
    email = {
        "host": "127.0.0.1", "port": smtp.port, "security": "starttls",
        "sender": "edicalendar@trust.nhs.example", "username": "edicalendar@trust.nhs.example",
        "password_env": "SMTP_PASSWORD", "ca_file": str(self_signed.cert),
    }  # fmt: skip
    dispatcher = harness.dispatcher(
        {"mail": {"kind": "email", "to": ["edi-team@nhs.example"]}},
        {"SMTP_PASSWORD": "Expired-2026!"},
        email=email,
    )
    summary = dispatcher.tick()
    everything = _everything(dispatcher, summary)
    assert "AUTH PLAIN [redacted] not allowed" in everything
    assert credentials not in everything and "Expired-2026!" not in everything


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        ("535 5.7.8 AUTH LOGIN ZWRp failed", "AUTH LOGIN [redacted] failed", "ZWRp"),
        ("334 VXNlcm5hbWU6", "334 [redacted]", "VXNlcm5hbWU6"),
        ("Authorization: Bearer abcdEFGH1234", "Bearer [redacted]", "abcdEFGH1234"),
        ("token xoxb-123456-abcdef rejected", "[redacted] rejected", "xoxb-123456"),
        ("url?sig=AbC123xyz&x=1 refused", "https", "AbC123xyz"),
        ("flow said sig=AbC123xyz&x=1", "sig=[redacted]&x=1", "AbC123xyz"),
        ("password: hunter2; user asha", "password: [redacted]; user asha", "hunter2"),
    ],
)
def test_credentials_in_any_text(text: str, kept: str, gone: str) -> None:
    """Credential shapes are removed whether or not the secret was registered."""
    if text.startswith("url"):
        text = "https://flow.example/x" + text[3:]
    cleaned = redact(text)
    assert kept in cleaned
    assert gone not in cleaned


def test_fragments_of_registered_secrets_only_when_they_look_random() -> None:
    """Eight or more characters of a registered secret's random-looking words are removed;
    ordinary words that happen to be in a secret ("services") are kept."""
    register_secret("https://hooks.slack.com/services/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")
    cleaned = redact("no such hook (B7DEF5678) for services; token ends Rt6Yv4Hs1Jd")
    assert cleaned == "no such hook ([redacted]) for services; token ends [redacted]"

"""Ambiguous outcomes: a request that went out but whose answer was lost may have arrived.

A receiver that takes the message and answers after the client timeout, or hangs up after
reading it, leaves the sender not knowing. The retry may then be a duplicate, so it is logged as
a possible duplicate and counted on the delivery's row (`possible_duplicates`, with the reason
in `duplicate_note`). A request that never left (connection refused) or was answered (503) is
no such case and is not reported as one. Slack, Teams (202) and email (aiosmtpd) alike.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from edicalendar.reminders.ledger import DeliveryState, Ledger
from support.builders import make_instance
from support.webhooks import Reply

KEY = "iwd:lead-28:2026-02-08:{}"


def only_row(dispatcher: Any) -> Any:
    (row,) = Ledger(dispatcher.database).deliveries()
    return row


def retry_until_final(dispatcher: Any, clock: Any) -> Any:
    row = only_row(dispatcher)
    while row.state is DeliveryState.RETRY_WAIT:
        clock.set(row.next_attempt_at)
        dispatcher.tick()
        row = only_row(dispatcher)
    return row


@pytest.mark.parametrize(
    ("kind", "late", "success"),
    [
        ("slack", Reply(200, b"ok", delay=1.6), DeliveryState.SENT),
        ("slack", Reply(200, b"ok", drop=True), DeliveryState.SENT),
        ("teams", Reply(202, b"", delay=1.6), DeliveryState.ACCEPTED),
        ("teams", Reply(202, b"", drop=True), DeliveryState.ACCEPTED),
    ],
    ids=["slack-late", "slack-reset", "teams-late", "teams-reset"],
)
def test_accepted_but_unanswered_is_logged_and_recorded_as_a_possible_duplicate(
    harness: Any,
    webhook: Any,
    clock: Any,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    late: Reply,
    success: DeliveryState,
) -> None:
    """The receiver takes the message but its answer never comes (after the 1 s timeout, or
    the connection is dropped): the retry is sent, logged as a possible duplicate, and the row
    says so; the receiver ends up with two copies, both accounted for."""
    harness.instances = [make_instance(destinations=(kind,))]
    webhook.queue(late)
    url = webhook.url("/workflows/1?sig=S") if kind == "teams" else webhook.url()
    dispatcher = harness.dispatcher({kind: {"kind": kind, "url_env": "URL"}}, {"URL": url})
    with caplog.at_level(logging.WARNING):
        summary = dispatcher.tick()
    assert summary.possible_duplicates == 1
    row = only_row(dispatcher)
    assert row.state is DeliveryState.RETRY_WAIT
    assert row.possible_duplicates == 1
    assert row.duplicate_note is not None and row.duplicate_note.startswith("attempt 1:")
    assert f"possible duplicate: {KEY.format(kind)}" in caplog.text
    final = retry_until_final(dispatcher, clock)
    assert final.state is success
    assert final.possible_duplicates == 1 and final.duplicate_note == row.duplicate_note
    assert webhook.keys() == [KEY.format(kind)] * 2


def test_email_accepted_after_the_timeout_is_a_possible_duplicate(
    harness: Any, smtp_factory: Any, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The SMTP server receives the whole message but answers only after the 1 s timeout: the
    retry is logged and recorded as a possible duplicate (the server received it twice)."""
    smtp = smtp_factory()
    smtp.handler.data_delays.append(1.6)
    harness.instances = [make_instance(destinations=("mail",))]
    dispatcher = harness.dispatcher(
        {"mail": {"kind": "email", "to": ["edi@nhs.example"]}},
        {},
        email={"host": "127.0.0.1", "port": smtp.port, "security": "none"},
    )
    with caplog.at_level(logging.WARNING):
        assert dispatcher.tick().possible_duplicates == 1
    row = only_row(dispatcher)
    assert row.state is DeliveryState.RETRY_WAIT and row.possible_duplicates == 1
    assert "no reply after the message was sent" in (row.duplicate_note or "")
    assert f"possible duplicate: {KEY.format('mail')}" in caplog.text
    assert retry_until_final(dispatcher, clock).state is DeliveryState.ACCEPTED
    assert smtp.handler.data_attempts == 2  # the whole message reached the server both times
    assert smtp.handler.keys() == [KEY.format("mail")]  # the second time it said 250 in time


@pytest.mark.parametrize("failure", ["refused", "503", "smtp-refused"])
def test_failures_where_nothing_arrived_are_not_called_possible_duplicates(
    harness: Any,
    webhook_factory: Any,
    caplog: pytest.LogCaptureFixture,
    failure: str,
) -> None:
    """Connection refused and an answered 503 are plain failures: retried, never reported as a
    possible duplicate (the warnings stay for what may really have arrived)."""
    receiver = webhook_factory(Reply(503, b"unavailable"))
    url = receiver.url()
    if failure in ("refused", "smtp-refused"):
        receiver.close()
    destination = "mail" if failure == "smtp-refused" else "slack"
    harness.instances = [make_instance(destinations=(destination,))]
    dispatcher = harness.dispatcher(
        {
            "slack": {"kind": "slack", "url_env": "URL", "rate_per_second": 0},
            "mail": {"kind": "email", "to": ["edi@nhs.example"]},
        },
        {"URL": url},
        email={"host": "127.0.0.1", "port": receiver.port, "security": "none"},
    )
    with caplog.at_level(logging.WARNING):
        summary = dispatcher.tick()
    assert summary.retrying == 1 and summary.possible_duplicates == 0
    row = only_row(dispatcher)
    assert row.state is DeliveryState.RETRY_WAIT and row.possible_duplicates == 0
    assert "possible duplicate" not in caplog.text

"""Dispatch to Slack and Teams fakes on 127.0.0.1: error classes, retries, grace, DST ticks."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
from typing import Any

import pytest

from edicalendar.config import Settings
from edicalendar.errors import ConfigError
from edicalendar.model import RelativeDay, ReminderRule
from edicalendar.reminders.channels import build_channels
from edicalendar.reminders.channels.slack import slack_payload
from edicalendar.reminders.ledger import DeliveryState, Ledger
from edicalendar.reminders.messages import Message
from support.builders import make_instance
from support.clock import utc
from support.webhooks import SECRET_PATH, Reply

SLACK = {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": 0}}


def states(dispatcher: Any) -> dict[str, str]:
    return {d.key: d.state.value for d in Ledger(dispatcher.database).deliveries()}


def slack_dispatcher(harness: Any, webhook: Any, **sections: Any) -> Any:
    return harness.dispatcher(SLACK, {"SLACK_URL": webhook.url()}, **sections)


def test_sends_a_due_reminder_once_across_repeated_ticks(harness: Any, webhook: Any) -> None:
    """A due reminder is POSTed once with its key; ticking again sends nothing more."""
    harness.instances = [make_instance()]
    dispatcher = slack_dispatcher(harness, webhook)
    summary = dispatcher.tick()
    assert summary.sent == 1
    assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]
    body = webhook.requests[0].json
    assert body["text"].startswith("International Women's Day in 4 weeks")
    assert body["blocks"][0]["type"] == "header"
    dispatcher.tick()
    assert len(webhook.requests) == 1
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:slack": "sent"}


def test_restart_after_three_days_sends_in_grace_and_expires_the_rest(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """After 3 days down: reminders still in grace go once; started-event ones expire."""
    make = make_instance
    harness.instances = [
        make("a", start=dt.date(2026, 3, 1)),  # T-28 on 1 Feb: sent before the outage
        make("b", start=dt.date(2026, 3, 2)),  # T-28 on 2 Feb: 48 h late at restart
        make("c", start=dt.date(2026, 2, 3), lead_times=(1,)),  # "tomorrow" on 2 Feb
        make("d", start=dt.date(2026, 2, 2), lead_times=(), announce=("slack",)),  # day-of
        make("e", start=dt.date(2026, 3, 4)),  # T-28 on 4 Feb: due at restart
    ]
    clock.set(utc(2026, 2, 1, 9, 0, 30))
    slack_dispatcher(harness, webhook).tick()
    assert webhook.keys() == ["a:lead-28:2026-02-01:slack"]
    clock.set(utc(2026, 2, 4, 9, 0, 30))
    restarted = slack_dispatcher(harness, webhook)
    summary = restarted.tick()
    assert sorted(webhook.keys()[1:]) == [
        "b:lead-28:2026-02-02:slack",
        "e:lead-28:2026-02-04:slack",
    ]
    final = states(restarted)
    assert {k for k, s in final.items() if s == "expired"} == {
        "c:lead-1:2026-02-02:slack",
        "d:announce:2026-02-02:slack",
    }
    assert summary.expired == 2 and summary.sent == 2


def test_planning_twice_and_moving_the_clock_back_make_no_duplicates(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """Two ticks at the same instant, then the clock moved back 1 h: one row, one POST."""
    harness.instances = [make_instance()]
    dispatcher = slack_dispatcher(harness, webhook)
    dispatcher.tick()
    dispatcher.tick()
    clock.advance(-3600)
    dispatcher.tick()
    clock.advance(7200)
    dispatcher.tick()
    assert webhook.keys() == ["iwd:lead-28:2026-02-08:slack"]
    assert len(Ledger(dispatcher.database).deliveries()) == 1


def test_slack_429_retry_after_is_honoured(harness: Any, webhook: Any, clock: Any) -> None:
    """429 with Retry-After: 7 waits at least 7 s; nothing is sent at +6 s; sent at +8 s."""
    harness.instances = [make_instance()]
    webhook.queue(Reply(429, b"rate_limited", {"Retry-After": "7"}))
    dispatcher = slack_dispatcher(harness, webhook)
    start = clock()
    dispatcher.tick()
    row = Ledger(dispatcher.database).deliveries()[0]
    assert row.state is DeliveryState.RETRY_WAIT
    assert row.next_attempt_at is not None
    assert row.next_attempt_at >= start.replace(microsecond=0) + dt.timedelta(seconds=7)
    clock.set(start + dt.timedelta(seconds=6))
    dispatcher.tick()
    assert len(webhook.requests) == 1
    clock.set(start + dt.timedelta(seconds=8))
    dispatcher.tick()
    assert len(webhook.requests) == 2
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:slack": "sent"}


def _run_until_final(dispatcher: Any, clock: Any, limit: int = 20) -> list[dt.datetime]:
    """Tick, then jump the clock to the row's next attempt, until it is final."""
    ledger = Ledger(dispatcher.database)
    attempts: list[dt.datetime] = []
    for _ in range(limit):
        attempts.append(clock())
        dispatcher.tick()
        row = ledger.deliveries()[0]
        if row.state is not DeliveryState.RETRY_WAIT:
            break
        assert row.next_attempt_at is not None
        clock.set(row.next_attempt_at)
    return attempts


@pytest.mark.parametrize("failure", ["503", "refused", "timeout"])
def test_transient_failures_back_off_with_full_jitter_then_dead(
    harness: Any,
    webhook_factory: Any,
    clock: Any,
    failure: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """503, connection refused and read timeout retry within full-jitter bounds, then dead."""
    harness.instances = [make_instance()]
    fake = webhook_factory(
        Reply(503, b"service unavailable", delay=1.5 if failure == "timeout" else 0.0)
    )
    url = fake.url()
    if failure == "refused":
        fake.close()
    base, cap, tries = 10.0, 40.0, 3
    dispatcher = harness.dispatcher(
        SLACK,
        {"SLACK_URL": url},
        reminders={"backoff_base_seconds": base, "backoff_cap_seconds": cap, "max_attempts": tries},
    )
    with caplog.at_level(logging.WARNING):
        attempts = _run_until_final(dispatcher, clock)
    assert len(attempts) == tries
    for number, (earlier, later) in enumerate(itertools.pairwise(attempts), 1):
        bound = min(cap, base * 2 ** (number - 1))
        gap = (later - earlier.replace(microsecond=0)).total_seconds()
        assert 0 <= gap <= bound + 1  # +1: whole seconds, rounded up
    row = Ledger(dispatcher.database).deliveries()[0]
    assert row.state is DeliveryState.DEAD and row.attempts == tries
    assert "gave up after 3 attempts" in (row.last_error or "")
    assert any("ALERT" in r.getMessage() for r in caplog.records)
    if failure == "503":
        assert len(fake.requests) == tries


def test_backoff_is_reproducible_with_a_seeded_rng(harness: Any, webhook: Any, clock: Any) -> None:
    """The same seed gives the same retry schedule (the jitter is not hidden randomness)."""
    import random

    from edicalendar.reminders.dispatch import full_jitter

    first = [full_jitter(n, 30, 3600, random.Random(3)) for n in range(1, 8)]
    second = [full_jitter(n, 30, 3600, random.Random(3)) for n in range(1, 8)]
    assert first == second
    assert all(0 <= d <= min(3600, 30 * 2 ** (n - 1)) for n, d in enumerate(first, 1))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, b"invalid_token"),
        (404, b"channel_not_found"),
        (404, b"no_service"),
        (410, b"channel_is_archived"),
    ],
)
def test_slack_config_errors_skip_without_retry_and_alert_once(
    harness: Any, webhook_factory: Any, status: int, body: bytes
) -> None:
    """403/404/410: one request per row, skipped_config, one alert; Teams unaffected."""
    slack = webhook_factory(Reply(status, body))
    teams = webhook_factory(Reply(202, b""))
    harness.instances = [
        make_instance("one", destinations=("slack", "teams")),
        make_instance("two", destinations=("slack",)),
    ]
    dispatcher = harness.dispatcher(
        {**SLACK, "teams": {"kind": "teams", "url_env": "TEAMS_URL"}},
        {"SLACK_URL": slack.url(), "TEAMS_URL": teams.url("/workflows/abc?sig=SECRETSIG")},
    )
    summary = dispatcher.tick()
    dispatcher.tick()
    assert len(slack.requests) == 2
    assert len(teams.requests) == 1
    final = states(dispatcher)
    assert final["one:lead-28:2026-02-08:slack"] == "skipped_config"
    assert final["two:lead-28:2026-02-08:slack"] == "skipped_config"
    assert final["one:lead-28:2026-02-08:teams"] == "accepted"
    assert len([a for a in summary.alerts if "destination slack" in a]) == 1
    from edicalendar.reminders.health import read_health

    report = read_health(dispatcher.database).record()
    assert set(report["unhealthy"]) == {"slack"}  # type: ignore[arg-type]
    assert report["counts"] == {"skipped_config": 2, "accepted": 1}
    assert report["last_tick"] is not None


@pytest.mark.parametrize("body", [b"invalid_payload", b"no_text", b"invalid_blocks"])
def test_slack_400_is_dead_with_an_alert_and_no_retry(
    harness: Any, webhook: Any, clock: Any, body: bytes
) -> None:
    """400: dead at once, the alert quotes Slack's body, and no retry ever follows."""
    harness.instances = [make_instance()]
    webhook.queue(Reply(400, body))
    dispatcher = slack_dispatcher(harness, webhook)
    summary = dispatcher.tick()
    clock.advance(3600)
    dispatcher.tick()
    assert len(webhook.requests) == 1
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:slack": "dead"}
    assert any(body.decode() in alert for alert in summary.alerts)


def test_slack_payload_always_has_a_text_fallback() -> None:
    """Every Slack payload carries a non-empty `text`, even for an empty body."""
    for message in (Message("Title", ""), Message("", "body only"), Message("T", "x" * 50_000)):
        payload = slack_payload(message, "k")
        assert payload["text"].strip()
        for block in payload["blocks"]:
            if block["type"] == "section":
                assert 0 < len(block["text"]["text"]) <= 3000


def _night_rule(day: dt.date) -> Any:
    rule = ReminderRule(
        id="night", when=RelativeDay(days=0), time=dt.time(1, 30), destinations=("slack",)
    )
    return make_instance("dst", start=day, lead_times=(), rules=(rule,))


def test_spring_forward_tick_sends_once_at_0230_bst(harness: Any, webhook: Any, clock: Any) -> None:
    """01:30 on 29 Mar 2026 does not exist; it goes once, at 01:30 UTC (02:30 BST)."""
    harness.instances = [_night_rule(dt.date(2026, 3, 29))]
    dispatcher = slack_dispatcher(harness, webhook)
    counts = []
    for moment in (
        utc(2026, 3, 29, 0, 59, 30),
        utc(2026, 3, 29, 1, 59, 30),
        utc(2026, 3, 29, 2, 30, 30),
    ):
        clock.set(moment)
        dispatcher.tick()
        counts.append(len(webhook.requests))
    assert counts == [0, 1, 1]


def test_fall_back_tick_sends_once_at_the_first_0130(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """01:30 on 25 Oct 2026 happens twice; the reminder goes once, at the first (BST)."""
    harness.instances = [_night_rule(dt.date(2026, 10, 25))]
    dispatcher = slack_dispatcher(harness, webhook)
    counts = []
    for moment in (utc(2026, 10, 25, 0, 30, 30), utc(2026, 10, 25, 1, 30, 30)):
        clock.set(moment)
        dispatcher.tick()
        counts.append(len(webhook.requests))
    assert counts == [1, 1]


def test_campaign_moved_cancels_pending_and_plans_new_keys(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """IWD moved 8 to 9 Mar: the sent row stays, pending rows are superseded, new keys appear,
    and the attached event keeps its UID."""
    harness.instances = [make_instance(lead_times=(28, 7, 1))]
    dispatcher = slack_dispatcher(harness, webhook, reminders={"lookahead_hours": 24 * 40})
    dispatcher.tick()
    ledger = Ledger(dispatcher.database)
    before = {d.key: d for d in ledger.deliveries()}
    assert before["iwd:lead-28:2026-02-08:slack"].state is DeliveryState.SENT
    assert before["iwd:lead-7:2026-03-01:slack"].state is DeliveryState.PENDING
    harness.instances = [make_instance(start=dt.date(2026, 3, 9), lead_times=(28, 7, 1))]
    summary = dispatcher.tick()
    after = {d.key: d for d in ledger.deliveries()}
    assert after["iwd:lead-28:2026-02-08:slack"].state is DeliveryState.SENT
    assert after["iwd:lead-7:2026-03-01:slack"].state is DeliveryState.SKIPPED_CONFIG
    assert after["iwd:lead-1:2026-03-07:slack"].state is DeliveryState.SKIPPED_CONFIG
    assert "superseded" in (after["iwd:lead-7:2026-03-01:slack"].last_error or "")
    for key in (
        "iwd:lead-28:2026-02-09:slack",
        "iwd:lead-7:2026-03-02:slack",
        "iwd:lead-1:2026-03-08:slack",
    ):
        assert after[key].state is DeliveryState.PENDING
    assert summary.superseded == 2
    old_uid = before["iwd:lead-7:2026-03-01:slack"].message.event
    new_uid = after["iwd:lead-7:2026-03-02:slack"].message.event
    assert old_uid is not None and new_uid is not None and old_uid.uid == new_uid.uid
    assert len(webhook.requests) == 1


def test_campaign_deleted_cancels_pending_as_removed(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """A removed campaign's pending rows become skipped_config: campaign removed; no send."""
    harness.instances = [make_instance(lead_times=(28, 7))]
    dispatcher = slack_dispatcher(harness, webhook, reminders={"lookahead_hours": 24 * 40})
    dispatcher.tick()
    harness.instances, harness.known = [], frozenset({"other"})
    dispatcher.tick()
    clock.set(utc(2026, 3, 1, 9, 0, 30))
    dispatcher.tick()
    row = Ledger(dispatcher.database).get("iwd:lead-7:2026-03-01:slack")
    assert row is not None and row.state is DeliveryState.SKIPPED_CONFIG
    assert row.last_error == "campaign removed"
    assert len(webhook.requests) == 1


def test_ten_megabyte_description_is_truncated_per_channel(
    harness: Any, webhook_factory: Any
) -> None:
    """A 10 MB summary: Slack sections <= 3,000 chars (<= 12,000 total); Teams card < 28 KB."""
    slack = webhook_factory()
    teams = webhook_factory()
    teams.rule = lambda c: (
        Reply(413, b"Request Entity too large") if len(c.body) > 28_000 else Reply(202, b"")
    )
    huge = "Ŵ" + "x" * (10 * 1024 * 1024)
    harness.instances = [make_instance(summary=huge, destinations=("slack", "teams"))]
    dispatcher = harness.dispatcher(
        {**SLACK, "teams": {"kind": "teams", "url_env": "TEAMS_URL"}},
        {"SLACK_URL": slack.url(), "TEAMS_URL": teams.url("/workflows/x?sig=S")},
    )
    summary = dispatcher.tick()
    assert summary.sent == 1 and summary.accepted == 1
    blocks = slack.requests[0].json["blocks"]
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in texts)
    assert sum(len(t) for t in texts) <= 12_000
    assert len(teams.requests[0].body) <= 25_000


def test_413_from_the_service_is_dead_without_retry(harness: Any, webhook: Any, clock: Any) -> None:
    """A 413 (too large) is permanent: dead, one request."""
    harness.instances = [make_instance()]
    webhook.queue(Reply(413, b"too large"))
    dispatcher = slack_dispatcher(harness, webhook)
    dispatcher.tick()
    clock.advance(600)
    dispatcher.tick()
    assert len(webhook.requests) == 1
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:slack": "dead"}


TEAMS = {"teams": {"kind": "teams", "url_env": "TEAMS_URL", "rate_per_second": 0}}


def test_teams_202_with_an_empty_body_is_recorded_accepted(harness: Any, webhook: Any) -> None:
    """A Workflows 202 with no body is `accepted` (no delivery confirmation), not `sent`."""
    webhook.default = Reply(202, b"")
    harness.instances = [make_instance(destinations=("teams",))]
    dispatcher = harness.dispatcher(TEAMS, {"TEAMS_URL": webhook.url("/workflows/1?sig=S")})
    summary = dispatcher.tick()
    assert summary.accepted == 1
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:teams": "accepted"}
    card = webhook.requests[0].json
    assert card["type"] == "message"
    attachment = card["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
        "https://outlook.office.com/webhook/abc@def/IncomingWebhook/123/456",
    ],
)
def test_legacy_teams_connector_url_is_rejected_with_a_migration_hint(url: str) -> None:
    """Office 365 connector URLs fail at config load, naming Workflows, and never leak."""
    settings = Settings.model_validate({"destinations": TEAMS})
    with pytest.raises(ConfigError) as caught:
        build_channels(settings, {"TEAMS_URL": url})
    text = str(caught.value)
    assert "Workflows" in text and "destinations.teams.url_env" in text
    assert "IncomingWebhook/123" not in text


def test_teams_workflows_url_is_accepted() -> None:
    """A Power Automate Workflows URL builds a Teams channel."""
    settings = Settings.model_validate({"destinations": TEAMS})
    url = (
        "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/"
        "paths/invoke?api-version=2016-06-01&sig=SECRET"
    )
    assert build_channels(settings, {"TEAMS_URL": url}).resolve("teams") is not None


@pytest.mark.parametrize(
    ("status", "expected", "alert"),
    [
        (429, "retry_wait", False),
        (500, "retry_wait", False),
        (502, "retry_wait", False),
        (404, "skipped_config", True),
        (400, "dead", True),
    ],
)
def test_teams_429_and_5xx_retry_404_skips_and_400_is_dead(
    harness: Any, webhook: Any, status: int, expected: str, alert: bool
) -> None:
    """Teams 429/5xx retry; 404 (flow deleted) is skipped_config + alert; 400 is dead + alert."""
    webhook.default = Reply(status, b"")
    harness.instances = [make_instance(destinations=("teams",))]
    dispatcher = harness.dispatcher(TEAMS, {"TEAMS_URL": webhook.url("/workflows/1?sig=S")})
    summary = dispatcher.tick()
    assert states(dispatcher) == {"iwd:lead-28:2026-02-08:teams": expected}
    assert bool(summary.alerts) is alert


def test_new_database_mid_season_sends_nothing_already_due(
    harness: Any, webhook: Any, clock: Any
) -> None:
    """A brand-new ledger in the middle of a campaign season begins at its first tick: months
    of history, and even what fell due an hour ago, are never sent; what falls due next is."""
    harness.fresh = True
    clock.set(utc(2026, 3, 6, 9, 0, 30))
    harness.instances = [
        make_instance("old", start=dt.date(2026, 3, 8), lead_times=(90, 28, 7)),
        make_instance("recent", start=dt.date(2026, 3, 11), lead_times=(7,)),
        make_instance("now", start=dt.date(2026, 3, 7), lead_times=(1,)),
        make_instance("next", start=dt.date(2026, 3, 14), lead_times=(7,)),
    ]
    dispatcher = slack_dispatcher(harness, webhook)
    assert dispatcher.tick().sent == 0
    assert webhook.keys() == []
    earliest = min(d.due_at for d in Ledger(dispatcher.database).deliveries())
    assert earliest >= clock()
    clock.set(utc(2026, 3, 7, 9, 0, 30))
    dispatcher.tick()
    assert webhook.keys() == ["next:lead-7:2026-03-07:slack"]


def test_clock_jump_forward_two_days_is_catch_up(harness: Any, webhook: Any, clock: Any) -> None:
    """A 2-day forward jump while running behaves like downtime: catch-up in grace, once."""
    harness.instances = [
        make_instance("a", start=dt.date(2026, 3, 9)),
        make_instance("b", start=dt.date(2026, 3, 10)),
    ]
    dispatcher = slack_dispatcher(harness, webhook)
    dispatcher.tick()
    assert webhook.keys() == []
    clock.advance(2 * 86400)
    dispatcher.tick()
    dispatcher.tick()
    assert sorted(webhook.keys()) == ["a:lead-28:2026-02-09:slack", "b:lead-28:2026-02-10:slack"]


def test_secrets_never_reach_logs_errors_or_alerts(
    harness: Any, webhook_factory: Any, caplog: pytest.LogCaptureFixture, clock: Any
) -> None:
    """Webhook paths and tokens are redacted from logs, ledger errors and alerts."""
    secret = SECRET_PATH
    echo = webhook_factory(Reply(404, f"no_service {secret}".encode()))
    dead = webhook_factory()
    dead_url = dead.url("/services/T1/B1/DEADSECRETxyz")
    dead.close()
    harness.instances = [make_instance(destinations=("slack", "other"))]
    dispatcher = harness.dispatcher(
        {**SLACK, "other": {"kind": "slack", "url_env": "OTHER"}},
        {"SLACK_URL": echo.url(), "OTHER": dead_url},
        reminders={"max_attempts": 1},
    )
    with caplog.at_level(logging.DEBUG):
        summary = dispatcher.tick()
    everything = "\n".join(r.getMessage() for r in caplog.records)
    everything += "\n".join(summary.alerts)
    everything += json.dumps(
        [(d.last_error, d.provider_response) for d in Ledger(dispatcher.database).deliveries()]
    )
    for leaked in ("T0SECRET", "xoxSECRETtoken42", "DEADSECRETxyz"):
        assert leaked not in everything
    assert summary.alerts


def test_burst_respects_the_destination_rate(harness: Any, webhook: Any) -> None:
    """30 reminders due together go out no faster than the configured rate (no 429)."""
    rate = 20.0
    level = {"water": 0.0, "at": 0.0}

    def bucket(captured: Any) -> Any:
        # A leaky bucket of capacity 2 draining at `rate`, like Slack's "short bursts allowed".
        drained = (captured.at - level["at"]) * rate
        level["water"] = max(0.0, level["water"] - drained) + 1
        level["at"] = captured.at
        if level["water"] > 2:
            return Reply(429, b"rate_limited", {"Retry-After": "1"})
        return None

    webhook.rule = bucket
    harness.instances = [make_instance(f"c{n:02d}") for n in range(30)]
    dispatcher = harness.dispatcher(
        {"slack": {"kind": "slack", "url_env": "SLACK_URL", "rate_per_second": rate}},
        {"SLACK_URL": webhook.url()},
    )
    summary = dispatcher.tick()
    assert summary.sent == 30 and summary.retrying == 0


def test_one_broken_destination_does_not_hold_up_the_others(
    harness: Any, webhook_factory: Any, smtp_factory: Any
) -> None:
    """Slack OK, Teams 404, SMTP OK: two delivered, one skipped_config, one alert."""
    slack = webhook_factory()
    teams = webhook_factory(Reply(404, b""))
    smtp = smtp_factory()
    harness.instances = [make_instance(destinations=("slack", "teams", "mail"))]
    dispatcher = harness.dispatcher(
        {**SLACK, **TEAMS, "mail": {"kind": "email", "to": ["edi@nhs.example"]}},
        {"SLACK_URL": slack.url(), "TEAMS_URL": teams.url("/workflows/1?sig=S")},
        email={"host": "127.0.0.1", "port": smtp.port, "security": "none"},
    )
    summary = dispatcher.tick()
    assert states(dispatcher) == {
        "iwd:lead-28:2026-02-08:slack": "sent",
        "iwd:lead-28:2026-02-08:teams": "skipped_config",
        "iwd:lead-28:2026-02-08:mail": "accepted",
    }
    assert len(summary.alerts) == 1 and "teams" in summary.alerts[0]


def test_webhook_requests_go_through_the_proxy_the_environment_names(
    harness: Any, webhook_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `HTTP_PROXY` set (as on networks that reach the internet only through a proxy),
    the POST goes to the proxy, asking for the webhook's full address; with the webhook's host
    in `NO_PROXY`, it goes straight to the webhook."""
    webhook, proxy = webhook_factory(), webhook_factory()
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
    harness.instances = [make_instance("a")]
    slack_dispatcher(harness, webhook).tick()
    assert [r.path for r in proxy.requests] == [webhook.url()]
    assert proxy.requests[0].key == "a:lead-28:2026-02-08:slack"
    assert webhook.requests == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    harness.instances = [make_instance("b")]
    slack_dispatcher(harness, webhook).tick()
    assert webhook.keys() == ["b:lead-28:2026-02-08:slack"]
    assert len(proxy.requests) == 1

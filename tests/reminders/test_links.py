"""Every reminder channel publishes only http(s) links, whatever a stored message carries.

Messages are planned ahead and kept in the ledger, so one planned before links were checked
(or written to the database by hand) can hold `javascript:` or a URL with a line break. Slack,
Teams, email (both parts and the attached event) and the console each drop such a link.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from edicalendar.reminders.channels.base import Outbound
from edicalendar.reminders.channels.console import ConsoleChannel
from edicalendar.reminders.channels.email import build_email
from edicalendar.reminders.channels.slack import slack_payload
from edicalendar.reminders.channels.teams import teams_payload
from edicalendar.reminders.messages import EventRef, Link, Message

BAD = ("javascript:alert(1)", "data:text/html,x", "https://ok.example/\r\nBcc: x@evil.example",
       "vbscript:x")  # fmt: skip
GOOD = "https://www.example.nhs.uk/blog"
MESSAGE = Message(
    "Pride Month starts in 7 days",
    "Time to publish the blog.",
    links=(*(Link(f"bad {i}", url) for i, url in enumerate(BAD)), Link("The blog", GOOD)),
    event=EventRef("uid-1", "Pride Month", dt.date(2026, 6, 1), dt.date(2026, 6, 30), "",
                   "javascript:alert(2)"),
)  # fmt: skip


def _assert_only_good(text: str) -> None:
    assert GOOD in text
    for url in (*BAD, "javascript:alert(2)"):
        assert url not in text, url
    assert "javascript" not in text.lower()


def test_slack_and_teams_drop_unsafe_links() -> None:
    _assert_only_good(json.dumps(slack_payload(MESSAGE, "k")))
    teams = teams_payload(MESSAGE, "k")
    _assert_only_good(json.dumps(teams))
    actions = teams["attachments"][0]["content"]["actions"]
    assert [a["url"] for a in actions] == [GOOD]


def test_email_drops_unsafe_links_in_text_html_and_the_event() -> None:
    email = build_email(MESSAGE, "k", "bot@example.nhs.uk", ("a@example.nhs.uk",), 1.7e9)
    parts = {part.get_content_type(): part.get_content() for part in email.walk()
             if not part.is_multipart()}  # fmt: skip
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    _assert_only_good(parts["text/plain"])
    _assert_only_good(parts["text/html"])
    assert "URL" not in parts["text/calendar"]
    assert "javascript" not in parts["text/calendar"]


def test_console_drops_unsafe_links_and_escapes_text() -> None:
    stream = io.StringIO()
    hostile = Message("Title\x1b[2J", "Body\x9b0m", links=MESSAGE.links)
    item = Outbound("k", "console", hostile, dt.datetime(2026, 5, 25, tzinfo=dt.UTC))
    ConsoleChannel(stream=stream).send(item)
    printed = stream.getvalue()
    _assert_only_good(printed)
    assert "\x1b" not in printed and "\x9b" not in printed
    assert "Title\\x1b[2J" in printed


@pytest.mark.parametrize(
    "url",
    ["https://hooks.slack.com:99999/services/T0/B0/x", "https://hooks.slack.com/ser\nvices/x",
     "https://[::1/services/x", "javascript:alert(1)"],
)  # fmt: skip
def test_webhook_urls_that_are_no_address_are_refused_at_load(url: str) -> None:
    """A webhook URL with an impossible port, a line break or a broken host is a configuration
    problem naming the variable, not a delivery that retries for ever."""
    from edicalendar.errors import ConfigError
    from edicalendar.reminders.channels.webhook import check_webhook_url

    with pytest.raises(ConfigError) as refused:
        check_webhook_url(url, "SLACK_URL", allow_http=False)
    assert "environment: SLACK_URL: webhook URL" in str(refused.value)
    assert "services" not in str(refused.value)  # the secret path is never shown

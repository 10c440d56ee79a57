"""Every reminder channel publishes only http(s) links, whatever a stored message carries.

Messages are planned ahead and kept in the ledger, so one planned before links were checked
(or written to the database by hand) can hold `javascript:` or a URL with a line break. Slack,
Teams, email (both parts and the attached event) and the console each drop such a link.
"""

from __future__ import annotations

import datetime as dt
import io
import json

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

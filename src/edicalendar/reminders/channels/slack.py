"""Slack incoming webhooks: a Block Kit message with a plain-text fallback.

Slack answers 200 `ok` on success, 429 with Retry-After when over about one message a second,
403/404/410 when the webhook was revoked or the channel archived (configuration: skip and alert)
and 400 when the payload is wrong (our bug: dead, never retried). Text is escaped for mrkdwn and
cut to Slack's block limits (3,000 characters a section, 150 for a header), 12,000 in all.
"""

from __future__ import annotations

from typing import Any

from edicalendar.reminders.channels.base import Outcome, publishable, truncate
from edicalendar.reminders.channels.webhook import WebhookChannel
from edicalendar.reminders.messages import Message

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
TOTAL_LIMIT = 12000
CLASSES = {
    400: Outcome.DEAD,
    403: Outcome.CONFIG,
    404: Outcome.CONFIG,
    410: Outcome.CONFIG,
    408: Outcome.RETRY,
    413: Outcome.DEAD,
    429: Outcome.RETRY,
}


def mrkdwn(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: Message, key: str) -> dict[str, Any]:
    """Block Kit blocks plus a `text` fallback (used for notifications and screen readers)."""
    title = truncate(message.title, HEADER_LIMIT, "…")
    budget = TOTAL_LIMIT - len(title)
    links = "\n".join(
        f"<{link.url}|{mrkdwn(link.label)}>" for link in publishable(message.links)[:10]
    )
    links = truncate(links, min(SECTION_LIMIT, budget // 3), "…") if links else ""
    body = truncate(mrkdwn(message.body), min(SECTION_LIMIT, budget - len(links)))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": body or " "}},
    ]
    if links:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": links}})
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"edicalendar · {key}"}]}
    )
    fallback = truncate(f"{message.title}\n{message.body}", SECTION_LIMIT)
    return {"text": fallback, "blocks": blocks}


class SlackChannel(WebhookChannel):
    """A Slack channel reached through its incoming webhook URL."""

    kind = "slack"
    classes = CLASSES
    success = Outcome.SENT

    def payload(self, message: Message, key: str) -> dict[str, Any]:
        return slack_payload(message, key)

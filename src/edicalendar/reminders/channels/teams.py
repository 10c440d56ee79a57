"""Microsoft Teams through a Workflows (Power Automate) webhook, as an Adaptive Card.

The Office 365 connector webhooks (`*.webhook.office.com`, `outlook.office.com/webhook`) are
retired, so those URLs are refused when the configuration is loaded, with a migration hint.
A Workflows webhook answers 202 with an empty body: the flow was started, nothing more, so the
ledger records `accepted`, not `sent`. Cards are kept under about 25 KB (the limit is ~28 KB).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from edicalendar.errors import ConfigError
from edicalendar.reminders.channels.base import Outcome, publishable, truncate
from edicalendar.reminders.channels.webhook import WebhookChannel
from edicalendar.reminders.messages import Message

CARD_LIMIT_BYTES = 25_000
CLASSES = {
    400: Outcome.DEAD,
    401: Outcome.CONFIG,
    403: Outcome.CONFIG,
    404: Outcome.CONFIG,
    410: Outcome.CONFIG,
    408: Outcome.RETRY,
    413: Outcome.DEAD,
    429: Outcome.RETRY,
}
MIGRATION_HINT = (
    "this is an Office 365 connector (Incoming Webhook) URL, which Microsoft has retired; "
    'create a Workflows webhook in Teams ("Send webhook alerts to a channel" template, or '
    '"When a Teams webhook request is received") and put its URL in this variable'
)


def is_legacy_connector(url: str) -> bool:
    """True for retired Office 365 connector webhook URLs."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.endswith(".webhook.office.com") or host == "webhook.office.com":
        return True
    return host in (
        "outlook.office.com",
        "outlook.office365.com",
    ) and parts.path.lower().startswith("/webhook")


def check_teams_url(url: str, field: str) -> None:
    """Refuse retired connector URLs with the migration hint."""
    if is_legacy_connector(url):
        raise ConfigError.single("environment", field, MIGRATION_HINT)


def _card(message: Message, body: str, key: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {"type": "TextBlock", "text": body, "wrap": True},
        {
            "type": "TextBlock",
            "text": f"edicalendar · {key}",
            "isSubtle": True,
            "size": "Small",
            "wrap": True,
        },
    ]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": content,
    }
    links = publishable(message.links)
    if links:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": link.label[:100], "url": link.url}
            for link in links[:6]
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def teams_payload(message: Message, key: str) -> dict[str, Any]:
    """The Workflows message envelope with one Adaptive Card, at most ~25 KB encoded."""
    limited = Message(truncate(message.title, 500, "…"), message.body, message.links, None)
    body = message.body
    while True:
        payload = _card(limited, body, key)
        size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        if size <= CARD_LIMIT_BYTES:
            return payload
        # Shrink by the overshoot measured in bytes (multibyte text shrinks more than needed).
        body = truncate(body, max(0, len(body) - (size - CARD_LIMIT_BYTES) - 64))


class TeamsChannel(WebhookChannel):
    """A Teams channel reached through a Workflows webhook."""

    kind = "teams"
    classes = CLASSES
    success = Outcome.ACCEPTED

    def payload(self, message: Message, key: str) -> dict[str, Any]:
        return teams_payload(message, key)

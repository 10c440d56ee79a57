"""One HTTP POST of JSON to a webhook, with the response classified by status code.

Slack and Teams differ only in payload and in a few status meanings, which each passes in as a
table. Connection errors and timeouts are transient. The URL is a secret: it never appears in a
result, and exceptions from `requests` (which quote it) are reduced to their class name.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import requests

from edicalendar.errors import ConfigError
from edicalendar.redact import install_log_redaction, redact, register_secret
from edicalendar.reminders.channels.base import Outbound, Outcome, SendResult, parse_retry_after
from edicalendar.urls import LinkError, check_url

if TYPE_CHECKING:
    from edicalendar.reminders.messages import Message

USER_AGENT = "edicalendar-reminders/1"


def check_webhook_url(url: str, field: str, *, allow_http: bool) -> str:
    """A usable https URL (http only to a loopback host when tests allow it)."""
    try:
        check_url(url.strip())
    except LinkError as exc:
        raise ConfigError.single(
            "environment", field, f"webhook URL {redact(url)!r} is not a valid address: it {exc}"
        ) from None
    parts = urlsplit(url.strip())
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and loopback and allow_http:
        return url.strip()
    raise ConfigError.single(
        "environment", field, f"webhook URL must be https:// (got {redact(url)!r})"
    )


class WebhookPoster:
    """Posts JSON with a timeout and a shared connection pool."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        # The credential is the path (Slack) or the query (Workflows `sig=`); either may be
        # echoed back without the host, so each is a secret on its own too.
        for secret in (url, parts.path, parts.query):
            if len(secret) > 8:
                register_secret(secret)
        install_log_redaction(logging.getLogger("urllib3.connectionpool"))
        self._url = url
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT

    def post(
        self,
        payload: Mapping[str, Any],
        key: str,
        classify: Mapping[int, Outcome],
        ok: Outcome,
    ) -> SendResult:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            response = self._session.post(
                self._url,
                data=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Edicalendar-Key": key.encode("ascii", "replace").decode(),
                },
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            return SendResult(Outcome.RETRY, "timed out waiting for the webhook")
        except requests.RequestException as exc:
            return SendResult(Outcome.RETRY, f"connection failed ({type(exc).__name__})")
        status = response.status_code
        text = redact(response.text[:500].strip())
        if 200 <= status < 300:
            return SendResult(ok, f"HTTP {status} {text}".strip(), status=status)
        outcome = classify.get(status)
        if outcome is None:
            outcome = Outcome.RETRY if status >= 500 else Outcome.DEAD
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return SendResult(outcome, f"HTTP {status} {text}".strip(), retry_after, status=status)

    def close(self) -> None:
        self._session.close()


class WebhookChannel:
    """A chat channel reached through a webhook URL; subclasses give the payload and meanings."""

    kind: str
    #: How HTTP status codes are classified for this service.
    classes: ClassVar[Mapping[int, Outcome]]
    #: What a 2xx means: Slack confirms the post (sent), Teams only accepts the trigger.
    success: ClassVar[Outcome]

    def __init__(self, name: str, url: str, timeout: float, rate_per_second: float) -> None:
        self.name = name
        self.group = f"{self.kind}:{name}"
        self.rate_per_second = rate_per_second
        self._poster = WebhookPoster(url, timeout)
        self._digest = hashlib.sha256(url.encode()).hexdigest()

    def payload(self, message: Message, key: str) -> dict[str, Any]:
        """The JSON body for one message."""
        raise NotImplementedError

    def send(self, item: Outbound) -> SendResult:
        return self._poster.post(
            self.payload(item.message, item.key), item.key, self.classes, self.success
        )

    def fingerprint(self) -> str:
        return self._digest

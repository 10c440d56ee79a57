"""One HTTP POST of JSON to a webhook, with the response classified by status code.

Slack and Teams differ only in payload and in a few status meanings, which each passes in as a
table. Connection errors and timeouts are transient and pause the whole destination; a read
timeout or a connection dropped after the request went out may still have delivered it, and
says so. A 429 pauses the destination for its Retry-After. The URL is a secret: it never appears
in a result, and exceptions from `requests` (which quote it) are reduced to their class name.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import requests

from edicalendar.errors import ConfigError
from edicalendar.redact import install_log_redaction, redact, register_secret
from edicalendar.reminders.channels.base import (
    NOT_SENT,
    Outbound,
    Outcome,
    SendResult,
    group_for,
    parse_retry_after,
)
from edicalendar.urls import LinkError, check_url

if TYPE_CHECKING:
    from edicalendar.reminders.messages import Message

USER_AGENT = "edicalendar-reminders/1"
#: Connections kept open per webhook: as many as a lane sends at once.
POOL_SIZE = 16


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
    """Posts JSON with a timeout over kept-alive connections to one webhook.

    The parts of a request that never change (method, parsed URL, headers) are prepared once,
    and so are the environment's proxy and CA bundle settings (`HTTPS_PROXY`, `NO_PROXY`,
    `REQUESTS_CA_BUNDLE`, read as `requests` reads them): a send only adds its body and key.
    """

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
        # A kept-alive connection for every concurrent send (a lane sends up to 8 at once),
        # with room to spare, so no send opens and drops a connection of its own.
        self._adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE)
        with requests.Session() as session:
            environment = session.merge_environment_settings(url, {}, None, None, None)
        self._proxies: dict[str, str] = dict(environment["proxies"] or {})
        verify = environment["verify"]
        self._verify: bool | str = True if verify is None else verify
        self._template = requests.PreparedRequest()
        self._template.prepare_method("POST")
        self._template.prepare_url(url, None)
        self._template.prepare_headers(
            {
                **requests.utils.default_headers(),
                "User-Agent": USER_AGENT,
                "Content-Type": "application/json; charset=utf-8",
            }
        )

    def post(
        self,
        payload: Mapping[str, Any],
        key: str,
        classify: Mapping[int, Outcome],
        ok: Outcome,
        on_send: Callable[[], bool] = lambda: True,
    ) -> SendResult:
        request = self._template.copy()
        request.headers["X-Edicalendar-Key"] = key.encode("ascii", "replace").decode()
        request.prepare_body(json.dumps(payload, ensure_ascii=False).encode("utf-8"), None)
        # Everything but the network before `on_send`, so the request goes out right after it.
        if not on_send():
            return SendResult(Outcome.RETRY, NOT_SENT, not_sent=True)
        try:
            response = self._adapter.send(
                request, timeout=self._timeout, verify=self._verify, proxies=self._proxies
            )
            response.content  # noqa: B018 (read the body: the connection goes back to the pool)
        except requests.ConnectTimeout:
            return SendResult(Outcome.RETRY, "timed out connecting to the webhook", pause=True)
        except requests.Timeout:
            return SendResult(
                Outcome.RETRY,
                f"no answer from the webhook within {self._timeout:g} s of sending",
                pause=True,
                maybe_delivered=True,
            )
        except requests.RequestException as exc:
            sent = _dropped_after_sending(exc)
            what = "connection dropped after sending" if sent else "connection failed"
            return SendResult(
                Outcome.RETRY, f"{what} ({type(exc).__name__})", pause=True, maybe_delivered=sent
            )
        status = response.status_code
        text = redact(response.text[:500].strip())
        if 200 <= status < 300:
            return SendResult(ok, f"HTTP {status} {text}".strip(), status=status)
        outcome = classify.get(status)
        if outcome is None:
            outcome = Outcome.RETRY if status >= 500 else Outcome.DEAD
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        # 429, or 503 with a Retry-After: the service asks the sender to wait, not the message.
        pause = status == 429 or (status == 503 and retry_after is not None)
        return SendResult(
            outcome, f"HTTP {status} {text}".strip(), retry_after, status=status, pause=pause
        )

    def close(self) -> None:
        self._adapter.close()


def _dropped_after_sending(exc: requests.RequestException) -> bool:
    """True when the connection broke after the request was written (urllib3 raises a
    ProtocolError then); False when it never connected (refused, unreachable, TLS failed)."""
    import urllib3.exceptions

    if isinstance(exc, requests.exceptions.SSLError):
        return False
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, urllib3.exceptions.MaxRetryError):
        cause = cause.reason
    return isinstance(
        cause, urllib3.exceptions.ProtocolError | requests.exceptions.ChunkedEncodingError
    ) or isinstance(exc, requests.exceptions.ChunkedEncodingError)


class WebhookChannel:
    """A chat channel reached through a webhook URL; subclasses give the payload and meanings."""

    kind: str
    #: How HTTP status codes are classified for this service.
    classes: ClassVar[Mapping[int, Outcome]]
    #: What a 2xx means: Slack confirms the post (sent), Teams only accepts the trigger.
    success: ClassVar[Outcome]

    def __init__(self, name: str, url: str, timeout: float, rate_per_second: float) -> None:
        self.name = name
        self.group = group_for(self.kind, name)
        self.rate_per_second = rate_per_second
        self._poster = WebhookPoster(url, timeout)
        self._digest = hashlib.sha256(url.encode()).hexdigest()

    def payload(self, message: Message, key: str) -> dict[str, Any]:
        """The JSON body for one message."""
        raise NotImplementedError

    def send(self, item: Outbound) -> SendResult:
        return self._poster.post(
            self.payload(item.message, item.key), item.key, self.classes, self.success, item.on_send
        )

    def fingerprint(self) -> str:
        return self._digest

    def close_idle(self) -> None:
        pass  # requests keeps the keep-alive pool; nothing is held open on our side

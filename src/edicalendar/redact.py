"""Keeping secrets out of logs and error messages.

Webhook URLs carry their credential in the path or query (Slack's `/services/T/B/X`, the
Workflows `sig=`), and SMTP passwords are plain text. Everything the reminder code logs or stores
as an error goes through :func:`redact`, and :class:`RedactingFilter` scrubs log records from any
library (urllib3 logs full URLs) before a handler sees them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

_URL = re.compile(r"(?P<origin>https?://[^/\s?#'\"<>]+)(?P<rest>[/?#][^\s'\"<>]*)?", re.I)
_known: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret so every later :func:`redact` call removes it wherever it appears."""
    if value and len(value) >= 4:
        with _lock:
            _known.add(value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with known secrets replaced and every URL cut down to scheme and host."""
    with _lock:
        known = sorted({*_known, *(s for s in secrets if s)}, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "[redacted]")
    return _URL.sub(lambda m: m.group("origin") + ("/[redacted]" if m.group("rest") else ""), text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Add :class:`RedactingFilter` to the root logger's handlers and to `logger`."""
    target = logger or logging.getLogger()
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(RedactingFilter())
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())

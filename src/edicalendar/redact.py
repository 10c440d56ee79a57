"""Keeping secrets out of logs and error messages.

Webhook URLs carry their credential in the path or query (Slack's `/services/T/B/X`, the
Workflows `sig=`), and SMTP passwords are plain text. Everything the reminder code logs or stores
as an error goes through :func:`redact`, and :class:`RedactingFilter` scrubs log records from any
library (urllib3 logs full URLs) before a handler sees them.

Exact copies of known secrets are not enough: a webhook service may echo part of its token
("invalid_token: ...B0123/XyZ9..."), and an SMTP server may quote the `AUTH` command or its
base64 reply. So :func:`redact` also removes any run of 8 or more characters that is part of a
known secret's random-looking words (fragments), the argument of `AUTH`, SMTP `334` challenges,
`Bearer` tokens, Slack tokens (`xoxb-...`) and `password=`-style values; and it cuts every URL
down to scheme and host.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable

_URL = re.compile(r"(?P<origin>https?://[^/\s?#'\"<>]+)(?P<rest>[/?#][^\s'\"<>]*)?", re.I)
#: Shortest piece of a secret that counts as revealing it.
FRAGMENT = 8
#: The words of a secret whose pieces are looked for (split at `/`, `.`, `:`, `?`, `&`, `=`...).
_WORD = re.compile(r"[A-Za-z0-9_+\-]{8,}")
#: Text that carries a credential whatever the secret is.
_PATTERNS = (
    # SMTP AUTH commands and their arguments: "AUTH PLAIN AGFzaGEAcGFzcw==", "AUTH LOGIN x".
    (
        re.compile(
            r"\bAUTH[ \t]+(PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|XOAUTH2|OAUTHBEARER|NTLM|GSSAPI)"
            r"(?:[ \t]+[^\s'\"]+)?"
        ),
        r"AUTH \1 [redacted]",
    ),
    # SMTP AUTH challenges and answers: "334 VXNlcm5hbWU6".
    (re.compile(r"\b(334)[ -][A-Za-z0-9+/=]{4,}"), r"\1 [redacted]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 [redacted]"),
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{6,}"), "[redacted]"),
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|sig|signature)"
            r"(\s*[=:]\s*)[^\s&;,'\"]+"
        ),
        r"\1\2[redacted]",
    ),
)
_known: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret so every later :func:`redact` call removes it wherever it appears."""
    if value and len(value) >= 4:
        with _lock:
            _known.add(value)


def _random_looking(piece: str) -> bool:
    # A lower-case dictionary word ("services", "webhooks") is no secret; tokens and
    # generated passwords mix cases or hold digits.
    return any(c.isdigit() for c in piece) or (piece.lower() != piece and piece.upper() != piece)


@functools.lru_cache(maxsize=32)
def _fragments(secrets: tuple[str, ...]) -> frozenset[str]:
    """Every FRAGMENT-long, random-looking piece of the secrets' words (kept per set of secrets:
    every log record passes through :func:`redact`, and the secrets rarely change)."""
    found: set[str] = set()
    for secret in secrets:
        for word in _WORD.findall(secret):
            for start in range(len(word) - FRAGMENT + 1):
                piece = word[start : start + FRAGMENT]
                if _random_looking(piece):
                    found.add(piece)
    return frozenset(found)


def _without_fragments(text: str, pieces: frozenset[str]) -> str:
    if not pieces or len(text) < FRAGMENT:
        return text
    hidden = [False] * len(text)
    for start in range(len(text) - FRAGMENT + 1):
        if text[start : start + FRAGMENT] in pieces:
            for index in range(start, start + FRAGMENT):
                hidden[index] = True
    if not any(hidden):
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        if hidden[index]:
            while index < len(text) and hidden[index]:
                index += 1
            out.append("[redacted]")
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without known secrets, pieces of them, credentials in any form (see the module
    docstring), and with every URL cut down to scheme and host."""
    with _lock:
        known = tuple(sorted({*_known, *(s for s in secrets if s)}, key=lambda s: (-len(s), s)))
    for secret in known:
        text = text.replace(secret, "[redacted]")
    text = _without_fragments(text, _fragments(known))
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
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

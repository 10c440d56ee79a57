"""Which web addresses edicalendar publishes: the one rule for links in data, pages and messages.

A link in calendar or campaign data ends up in feeds, JSON, web pages, email, Slack and Teams,
so one policy decides what a link may be, and every place that reads or publishes one uses it:
`check` and the importers refuse (or drop) what fails it, and each channel drops a link that
fails it rather than publish it. A link is `http` or `https` with a host name (and `mailto:`
where an email address fits); it holds no white space, no control character (a CR or LF in a
URL breaks every iCalendar line after it) and none of the characters RFC 3986 never allows
unescaped that also end an HTML attribute or a Slack link (`<`, `>`, `"`, a backslash).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from edicalendar.i18n import N_, Message

#: Longer addresses are refused: browsers and calendar clients cut or reject them.
MAX_URL_LENGTH = 2000
#: Controls, white space (Unicode spaces too) and what ends an HTML attribute or a Slack link.
_FORBIDDEN = re.compile(
    r"[\x00-\x20\x7f-\x9f<>\"\\\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_EMAIL = re.compile(r"[^@\s/?#]+@[^@\s/?#]+\.[^@\s/?#]+")


class LinkError(ValueError):
    """An address that is not a publishable link; the message says why, without the value."""


def check_url(value: str, *, mailto: bool = False) -> str:
    """`value` when it is a publishable link (see the module docstring), else :class:`LinkError`.

    The address is returned unchanged: nothing is trimmed, so what is checked is what is used.
    """
    if not isinstance(value, str) or not value:
        raise LinkError(Message(N_("is empty; give an https:// address")))
    if len(value) > MAX_URL_LENGTH:
        raise LinkError(Message(N_("is longer than %(most)s characters"), most=MAX_URL_LENGTH))
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        raise LinkError(
            Message(N_("contains %(what)s, which no link may hold"), what=_describe(bad.group()))
        )
    scheme = _SCHEME.match(value)
    kind = scheme.group()[:-1].lower() if scheme else ""
    allowed = "http(s) or mailto" if mailto else "http(s)"
    if kind == "mailto" and mailto:
        if not _EMAIL.fullmatch(value[len("mailto:") :].split("?", 1)[0]):
            raise LinkError(Message(N_("is a mailto: link without an email address")))
        return value
    if kind not in ("http", "https"):
        if kind:
            raise LinkError(
                Message(
                    N_("has %(scheme)s; only %(allowed)s links are published"),
                    scheme=f"{kind}:",
                    allowed=allowed,
                )
            )
        raise LinkError(
            Message(N_("has no scheme; only %(allowed)s links are published"), allowed=allowed)
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError as exc:
        raise LinkError(f"is not a valid address ({exc})") from None
    if not value[len(kind) :].startswith("://") or not parts.hostname:
        raise LinkError(
            Message(N_("has no host name; write it as %(kind)s://example.org/..."), kind=kind)
        )
    return value


def public_url(value: str | None, *, mailto: bool = False) -> str | None:
    """`value` when it passes :func:`check_url`, else None: for channels that publish links.

    Data is checked when it is loaded; channels still use this so that a link stored before a
    check existed (in the database, or in a message already planned) is never published.
    """
    if value is None:
        return None
    try:
        return check_url(value, mailto=mailto)
    except LinkError:
        return None


def looks_like_link(text: str) -> bool:
    """Whether free text (a `sources` entry) is written as an address rather than as prose:
    a scheme followed by no white space at all, such as `https://...` or `javascript:...`."""
    return bool(_SCHEME.match(text)) and not any(c.isspace() for c in text)


def _describe(char: str) -> Message:
    names = {
        "\r": N_("a carriage return (CR)"),
        "\n": N_("a line feed (LF)"),
        "\t": N_("a tab"),
        " ": N_("a space"),
    }
    if char in names:
        return Message(names[char])
    if char in '<>"\\':
        return Message(N_("the character %(char)s"), char=repr(char))
    return Message(N_("the character %(char)s"), char=f"U+{ord(char):04X}")

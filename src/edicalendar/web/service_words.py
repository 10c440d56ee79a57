"""Welsh for the messages the services below the web raise (sign-in, passwords, invitations):
each English message is matched by a pattern, and its values are carried into the Welsh.

The accounts service words its errors in English for the CLI, logs and API; a Welsh page shows
them through :func:`in_page_language`. A message no pattern knows is given back unchanged, so
the page shows it in English, marked `lang="en"` (:func:`edicalendar.i18n.in_language`).
"""

from __future__ import annotations

import re

from edicalendar.i18n import DEFAULT, N_, gettext, language, ngettext

#: (pattern of the English message, its Welsh msgid); named groups fill the msgid's values.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), msgid)
    for pattern, msgid in (
        (
            r"That email address and password do not match an account here\.",
            N_("That email address and password do not match an account here."),
        ),
        (
            r"This invitation link has expired or has (already )?been used\.?( Ask an "
            r"administrator for a new one \(`edicalendar users invite EMAIL`\)\.)?",
            N_("This invitation link has expired or has already been used."),
        ),
        (
            r"Ask an administrator for a new one \(`edicalendar users invite EMAIL`\)\.",
            N_("Ask an administrator for a new one (`edicalendar users invite EMAIL`)."),
        ),
        (
            r"the password is longer than (?P<count>\d+) characters",
            N_("The password is longer than %(count)s characters."),
        ),
        (
            r"the password is too easy to guess; choose another",
            N_("The password is too easy to guess; choose another."),
        ),
        (
            r"(?P<email>\S+@\S+) signed in with the provider but has no access here\. Ask an "
            r"administrator to add you\.",
            N_(
                "%(email)s signed in with the provider but has no access here. Ask an "
                "administrator to add you."
            ),
        ),
        (
            r"(?P<email>\S+@\S+) is linked to a different single sign-on account\.",
            N_("%(email)s is linked to a different single sign-on account."),
        ),
    )
)
_SHORT_PASSWORD = re.compile(
    r"the password is (?P<given>\d+) characters; use at least (?P<count>\d+) \(three random "
    r"words make a strong one\)",
    re.IGNORECASE,
)
_THROTTLED = re.compile(
    r"too many failed sign-ins; try again in (?P<minutes>\d+) minutes?\.?", re.IGNORECASE
)


def in_page_language(message: str) -> str:
    """`message` in the page's language where a pattern knows it, else `message` itself."""
    if language.get() == DEFAULT:
        return message
    text = message.strip()
    for pattern, msgid in _MESSAGES:
        found = pattern.fullmatch(text)
        if found:
            return gettext(msgid) % found.groupdict()
    found = _SHORT_PASSWORD.fullmatch(text)
    if found:
        count = int(found["count"])
        return ngettext(
            "The password is %(given)s characters; use at least %(num)d (three random words "
            "make a strong one).",
            "The password is %(given)s characters; use at least %(num)d (three random words "
            "make a strong one).",
            count,
        ) % {"given": found["given"], "num": count}
    found = _THROTTLED.fullmatch(text)
    if found:
        minutes = int(found["minutes"])
        return ngettext(
            "Too many failed sign-ins; try again in %(num)d minute.",
            "Too many failed sign-ins; try again in %(num)d minutes.",
            minutes,
        ) % {"num": minutes}
    return message

"""What text from data files and imports may hold, and how to show any text on a terminal.

Names, themes and descriptions travel from files (and other people's spreadsheets) to terminals,
spreadsheets and chat. Three rules keep that safe, each in one function used everywhere:

- :func:`text_problem`: data refuses control characters (an ESC can clear a reviewer's screen,
  a CR can overwrite the line it is on) and the bidirectional overrides that reorder what a
  reader sees; multi-line fields may hold line breaks and tabs.
- :func:`formula_problem`: a name must not start the way a spreadsheet formula does
  (`=`, `+`, `-`, `@`), because CSV exports of it are opened in Excel.
- :func:`terminal`: any text printed for a person shows each control character as a visible
  escape (`\\x1b`), so even text that bypassed the checks cannot move the cursor.
"""

from __future__ import annotations

import re

from edicalendar.i18n import N_, Message

#: C0 controls, DEL, C1 controls (U+009B is a one-character CSI), line and paragraph
#: separators, and the bidirectional embeddings, overrides and isolates (Trojan Source).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = frozenset("\n\t\r")
#: What a spreadsheet treats as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _name(char: str) -> str:
    names = {"\x1b": "ESC", "\r": "CR", "\n": "LF", "\t": "tab", "\x07": "BEL", "\x08": "BS"}
    label = names.get(char)
    return f"U+{ord(char):04X}" + (f" ({label})" if label else "")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` may not be stored as text, or None when it may."""
    for match in _UNSAFE.finditer(value):
        char = match.group()
        if multiline and char in _LINE_BREAKS:
            continue
        return Message(
            N_(
                "contains the control character %(char)s at position %(position)s; remove it "
                "(it can rewrite a terminal or hide text)"
            ),
            char=_name(char),
            position=match.start() + 1,
        )
    return None


def formula_problem(value: str) -> str | None:
    """Why `value` may not be a name (it starts like a spreadsheet formula), or None."""
    stripped = value.lstrip(" ")
    if stripped.startswith(FORMULA_STARTS):
        return Message(
            N_(
                "starts with %(char)s, which spreadsheets run as a formula when the CSV export "
                "is opened; start the name with a letter or digit"
            ),
            char=repr(stripped[0]),
        )
    return None


def terminal(value: object) -> str:
    """`value` as text safe to print for a person: every control character (except a line
    break or tab) and every bidirectional override shown as a visible escape such as `\\x1b`."""
    text = str(value)
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)


def terminal_line(value: object) -> str:
    """Like :func:`terminal`, for one line (a table cell, a warning): line breaks escaped too."""
    return _UNSAFE.sub(_escape_all, str(value))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char in "\n\t" else _escape_all(match)


def _escape_all(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

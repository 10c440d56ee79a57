"""The plan for spreadsheets: CSV and Excel (.xlsx) with one row per task and per asset.

Both use the columns of `edicalendar campaigns --format csv` (:data:`PLAN_CSV_COLUMNS`). Comms
teams open these files in Excel, where a cell that starts like a formula would run as one, so
text that starts like one (:func:`edicalendar.csvwriter.neutralise`) is written with a leading
apostrophe (shown as plain text); in the workbook every text cell is also stored as text, never
as a formula, and dates are real dates.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from edicalendar.campaigns.campaign_records import PLAN_CSV_COLUMNS
from edicalendar.csvwriter import csv_text, neutralise

_DATE_COLUMNS = frozenset({"observance_start", "observance_end", "date"})


def _cell(value: Any) -> object:
    """A CSV cell as `edicalendar campaigns --format csv` writes it: flags as "yes" or empty,
    numbers as numbers, text through the one CSV writer (which neutralises formulas)."""
    if isinstance(value, bool):
        return "yes" if value else ""
    return value


def plan_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as CSV with the plan's columns."""
    return csv_text(
        PLAN_CSV_COLUMNS, ([_cell(row.get(column)) for column in PLAN_CSV_COLUMNS] for row in rows)
    )


def plan_xlsx(rows: Sequence[Mapping[str, Any]], title: str) -> bytes:
    """The rows as an Excel workbook: one sheet, a bold frozen header, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(list(PLAN_CSV_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values: list[Any] = []
        for column in PLAN_CSV_COLUMNS:
            value = row.get(column)
            if column in _DATE_COLUMNS and isinstance(value, str) and value:
                values.append(dt.date.fromisoformat(value))
            elif isinstance(value, str):
                values.append(neutralise(value))
            else:
                values.append(value)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    widths = {"title": 40, "name": 40, "url": 40, "source": 30}
    for index, column in enumerate(PLAN_CSV_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 14)
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

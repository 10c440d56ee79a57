"""Rendering rows for people (rich tables) and for scripts (stable JSON and CSV).

Commands build plain dictionaries with stable keys; this module prints them in the chosen
format. JSON keys and CSV columns are part of the CLI contract (DESIGN 4.3) and only grow.
Text from data files and imports is untrusted: tables and messages show control characters as
visible escapes (:func:`edicalendar.text.terminal`), JSON escapes them, and CSV cells that start
like a spreadsheet formula are neutralised (:mod:`edicalendar.csvwriter`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from edicalendar.text import terminal, terminal_line

#: Columns holding identifiers people copy into other commands; tables print them whole.
WHOLE_KEYS = frozenset(
    {"key", "task", "campaign", "instance", "calendar", "observance", "id", "item_id", "email"}
)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


#: What `json.dumps(ensure_ascii=False)` leaves raw but a terminal would act on: DEL, the C1
#: controls (U+009B is a CSI), line separators and bidirectional overrides.
_JSON_RAW_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
    json_document: Any = None,
) -> None:
    """Print `rows`: `columns` are (key, heading) pairs for table and CSV output."""
    if fmt is OutputFormat.JSON:
        document = rows if json_document is None else json_document
        sys.stdout.write(json_text(document))
        return
    if fmt is OutputFormat.CSV:
        from edicalendar.csvwriter import records_csv

        sys.stdout.write(records_csv([key for key, _ in columns], rows))
        return
    # Text is data, never markup: "[calendars] enabled" must print as written.
    cells = [[_line(_cell(row.get(key))) for key, _ in columns] for row in rows]
    # A column empty in every row (a Theme no observance has) takes width and says nothing.
    shown = [i for i in range(len(columns)) if any(line[i] for line in cells)] or [0]
    console = terminal_console()
    if not rows:
        console.print(plain(f"{title + ': ' if title else ''}nothing found"))
        return
    headings = [_line(columns[i][1]) for i in shown]
    # Ids are copied into other commands (`campaign done`, `ledger retry`): never broken
    # across lines; the wordy columns wrap instead.
    whole = [columns[i][0] in WHOLE_KEYS for i in shown]
    table_rows = [[line[i] for i in shown] for line in cells]
    heading = _line(title) if title else None
    text = None
    if not (console.options.ascii_only or console.legacy_windows or console.is_jupyter):
        from edicalendar.cli.table_layout import render_table

        text = render_table(
            heading,
            headings,
            table_rows,
            whole,
            width=console.width,
            bold=console.color_system is not None,
        )
    if text is None:
        console.print(rich_table(heading, headings, table_rows, whole))
    else:
        console.file.write(text)
        console.file.flush()


def rich_table(
    title: str | None,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    whole: Sequence[bool],
) -> Any:
    """The rich `Table` of plain cells that :mod:`edicalendar.cli.table_layout` lays out
    itself where it can: `whole` columns never wrap (ids), the others fold."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, show_lines=False, expand=False)
    for i, heading in enumerate(headings):
        if whole[i]:
            widest = max([cell_len(heading), *(cell_len(row[i]) for row in rows)])
            table.add_column(Text(heading), no_wrap=True, min_width=widest)
        else:
            table.add_column(Text(heading), overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell) for cell in row])
    return table


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False)


def _lines(items: Sequence[Any], margin: str) -> str:
    if not items:
        return "[]"
    inner = ",\n".join(margin + "  " + _ONE_LINE.encode(item) for item in items)
    return "[\n" + inner + "\n" + margin + "]"


def json_text(document: Any) -> str:
    """`document` as JSON text ending in a newline, one record per line (:func:`_layout`),
    that a terminal cannot act on: the same data when parsed."""
    return _JSON_RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", _layout(document))


def _layout(document: Any) -> str:
    """`document` as JSON text ending in a newline: one record per line.

    A list puts each element (an occurrence, a clash, a delivery, a campaign instance) on a
    line of its own; an object puts each key on its own line, and its lists one element per
    line. That reads well, diffs and greps line by line, and is written by the C encoder:
    thousands of occurrences cost milliseconds, where `indent=2` would run Python's pure-Python
    encoder over every value.
    """
    if isinstance(document, list):
        return _lines(document, "") + "\n"
    if isinstance(document, dict):
        if not document:
            return "{}\n"
        parts = [
            "  "
            + _ONE_LINE.encode(key)
            + ": "
            + (_lines(value, "  ") if isinstance(value, list) else _ONE_LINE.encode(value))
            for key, value in document.items()
        ]
        return "{\n" + ",\n".join(parts) + "\n}\n"
    return _ONE_LINE.encode(document) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _line(text: str) -> str:
    """`text` on one line, with controls shown escaped."""
    return terminal_line(text.replace("\n", " "))


def plain(text: str) -> Any:
    """A rich `Text` of `text` on one line: no markup is read and controls are shown escaped."""
    from rich.text import Text

    return Text(_line(text))


def terminal_console(*, stderr: bool = False) -> Any:
    """A rich console that never reads markup or emoji codes in the strings it prints."""
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False, markup=False, emoji=False, highlight=False)


def say(text: str) -> None:
    """Print `text` (which may hold names from data files) for a person on standard output."""
    sys.stdout.write(terminal(text))


def warn(message: str) -> None:
    """A warning on standard error (never mixed into JSON or CSV on standard output)."""
    sys.stderr.write(f"warning: {terminal(message)}\n")

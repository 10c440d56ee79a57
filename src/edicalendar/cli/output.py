"""Rendering rows for people (rich tables) and for scripts (stable JSON and CSV).

Commands build plain dictionaries with stable keys; this module prints them in the chosen
format. JSON keys and CSV columns are part of the CLI contract (DESIGN 4.3) and only grow.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


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
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_cell(row.get(key)) for key, _ in columns])
        sys.stdout.write(buffer.getvalue())
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Text is data, never markup: "[calendars] enabled" must print as written.
    table = Table(title=escape(title) if title else None, show_lines=False, expand=False)
    for _, heading in columns:
        table.add_column(escape(heading), overflow="fold")
    for row in rows:
        table.add_row(*[escape(_cell(row.get(key))) for key, _ in columns])
    console = Console(soft_wrap=False)
    if rows:
        console.print(table)
    else:
        console.print(escape(f"{title + ': ' if title else ''}nothing found"))


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False)


def _lines(items: Sequence[Any], margin: str) -> str:
    if not items:
        return "[]"
    inner = ",\n".join(margin + "  " + _ONE_LINE.encode(item) for item in items)
    return "[\n" + inner + "\n" + margin + "]"


def json_text(document: Any) -> str:
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


def warn(message: str) -> None:
    """A warning on standard error (never mixed into JSON or CSV on standard output)."""
    sys.stderr.write(f"warning: {message}\n")

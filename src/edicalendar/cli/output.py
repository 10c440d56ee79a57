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
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
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

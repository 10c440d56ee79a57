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

from edicalendar.model import Occurrence


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def occurrence_record(occurrence: Occurrence) -> dict[str, Any]:
    """The JSON object for one occurrence (keys are a public contract)."""
    return {
        "observance": occurrence.observance_id,
        "name": occurrence.name,
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat(),
        "categories": [c.value for c in occurrence.categories],
        "status": occurrence.status.value,
        "may_vary_days": occurrence.may_vary_days,
        "begins_evening_before": occurrence.begins_evening_before,
        "url": occurrence.url,
        "description": occurrence.description,
        "theme": occurrence.theme,
        "calendar": occurrence.calendar,
        "instance": occurrence.instance,
        "fasting": occurrence.fasting,
        "rest_from_work": occurrence.rest_from_work,
        "source": occurrence.source,
    }


def display_record(occurrence: Occurrence) -> dict[str, Any]:
    """:func:`occurrence_record` plus the human columns of tables (`dates`, `status_text`)."""
    record = occurrence_record(occurrence)
    record["dates"] = date_range_text(occurrence)
    record["status_text"] = status_text(occurrence)
    return record


def status_text(occurrence: Occurrence) -> str:
    """Short human wording of an occurrence's status, as shown in tables and feeds."""
    text = occurrence.status.value
    if occurrence.may_vary_days:
        text += f" (±{occurrence.may_vary_days} day{'s' if occurrence.may_vary_days > 1 else ''})"
    if occurrence.begins_evening_before:
        text += ", from the evening before"
    return text


def date_range_text(occurrence: Occurrence) -> str:
    if occurrence.start == occurrence.end:
        return occurrence.start.strftime("%a %d %b %Y")
    return f"{occurrence.start:%a %d %b %Y} – {occurrence.end:%a %d %b %Y}"


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
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    for _, heading in columns:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(*[_cell(row.get(key)) for key, _ in columns])
    console = Console(soft_wrap=False)
    if rows:
        console.print(table)
    else:
        console.print(f"{title + ': ' if title else ''}nothing found")


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

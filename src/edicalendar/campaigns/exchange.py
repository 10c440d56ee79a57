"""Campaign files from the database and back: `campaigns export DIR` and `campaigns import FILE`.

A stored campaign is a `[[campaign]]` table, so exporting writes that table as TOML (one file
per campaign, named after its id) and importing reads it back: the round trip is exact, key for
key and character for character. Long text is written as multi-line TOML strings so the files
read as people write them; every file is read back before it is written, and a value TOML would
not give back unchanged is written on one line instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomlkit

from edicalendar.atomicfile import write_atomic

HEADER = (
    "# A campaign exported from the edicalendar database (`edicalendar campaigns export`).\n"
    "# Load it into a database with `edicalendar campaigns import FILE`; format: "
    "docs/campaigns.md.\n\n"
)


def _item(value: Any) -> Any:
    """`value` as tomlkit should write it: strings with line breaks as multi-line strings."""
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            array = tomlkit.aot()
            for v in value:
                array.append(_table(v))
            return array
        return [_item(v) for v in value]
    if isinstance(value, dict):
        return _table(value)
    return value


def _table(values: Mapping[str, Any]) -> Any:
    table = tomlkit.table()
    for key, value in values.items():
        table[key] = _item(value)
    return table


def campaign_toml(table: Mapping[str, Any]) -> str:
    """A campaign file holding `table` as its one `[[campaign]]`, readable back exactly."""
    document = tomlkit.document()
    campaigns = tomlkit.aot()
    campaigns.append(_table(table))
    document["campaign"] = campaigns
    text = HEADER + tomlkit.dumps(document)
    if tomllib.loads(text) != {"campaign": [dict(table)]}:
        # A value multi-line TOML would change (a carriage return, say): write it plainly.
        text = HEADER + tomlkit.dumps({"campaign": [dict(table)]})
    if tomllib.loads(text) != {"campaign": [dict(table)]}:
        raise ValueError(f"campaign {table.get('id')!r} cannot be written as TOML unchanged")
    return text


def export_tables(tables: Iterable[Mapping[str, Any]], directory: Path) -> list[Path]:
    """Write each table to `directory/<id>.toml`; the paths written (same bytes as before are
    left untouched)."""
    written = []
    for table in tables:
        path = directory / f"{table['id']}.toml"
        write_atomic(path, campaign_toml(table).encode("utf-8"))
        written.append(path)
    return written

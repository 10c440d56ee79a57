"""Writing the lunisolar festival table offline (`scripts/generate_lunisolar_table.py`).

The table (:mod:`edicalendar.calendar.rules.lunisolar.table`) is what the engine reads at run
time; this module computes it from the festival rules, which needs PyEphem and the `holidays`
tables, so nothing at run time imports it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from edicalendar.calendar.rules.lunisolar import festivals as lunisolar
from edicalendar.calendar.rules.lunisolar.table import GENERATOR
from edicalendar.model import Status


def _line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def library_versions() -> dict[str, str]:
    """The installed versions of the libraries the computation depends on."""
    from importlib import metadata

    return {name: metadata.version(name) for name in ("ephem", "holidays")}


def render(generated: dt.date, versions: Mapping[str, str]) -> str:
    """The table text, computed now: a JSON document with one line per festival-year."""
    first, last = lunisolar.SUPPORTED_YEARS
    names = sorted(lunisolar.FESTIVALS)
    lines = [
        "{",
        f'  "generator": {_line(GENERATOR)},',
        f'  "generated": {_line(generated.isoformat())},',
        f'  "versions": {_line(dict(sorted(versions.items())))},',
        f'  "years": {_line([first, last])},',
        '  "festivals": {',
    ]
    for index, name in enumerate(names):
        info = lunisolar.FESTIVALS[name]
        facts = {
            "days": info.default_days,
            "status": Status.ESTIMATED.value,
            "may_vary_days": info.may_vary_days,
        }
        comma = "," if index < len(names) - 1 else ""
        lines.append(f"    {_line(name)}: {_line(facts)}{comma}")
    lines += ["  },", '  "dates": [']
    rows = [
        [name, year, [[day.isoformat(), method] for day, method in lunisolar.computed(name, year)]]
        for name in names
        for year in range(first, last + 1)
    ]
    lines += [f"    {_line(row)}," for row in rows[:-1]]
    lines += [f"    {_line(rows[-1])}", "  ]", "}", ""]
    return "\n".join(lines)

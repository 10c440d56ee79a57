"""Published festival dates from the `holidays` package's lunisolar tables.

The tables (vacanza/holidays `calendars/hindu.py`, `chinese.py`, `buddhist.py`) transcribe
almanac dates: timeanddate.com India and drikpanchang.com for Hindu and Sikh festivals
(2001-2035), and computed Chinese and Buddhist calendars (1901-2100). A year outside a table's
range has no answer here; a year inside the range but missing from the table means the festival
does not fall in that Gregorian year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True, slots=True)
class TableRef:
    """One `holidays` table: calendar module, table key (`DIWALI_INDIA`), day offset."""

    calendar: str
    key: str
    offset_days: int = 0

    @property
    def label(self) -> str:
        return f"holidays.calendars.{self.calendar} {self.key}_DATES"


def _table(ref: TableRef) -> dict[int, Any]:
    # Imported here, not at module level: `holidays` loads slowly and only lunisolar dates need it.
    if ref.calendar == "hindu":
        from holidays.calendars.hindu import _HinduLunisolar as Hindu

        source: type = Hindu
    elif ref.calendar == "chinese":
        from holidays.calendars.chinese import _ChineseLunisolar as Chinese

        source = Chinese
    elif ref.calendar == "buddhist":
        from holidays.calendars.buddhist import _BuddhistLunisolar as Buddhist

        source = Buddhist
    else:
        raise AssertionError(f"unknown holidays calendar {ref.calendar!r}")
    table: dict[int, Any] = getattr(source, f"{ref.key}_DATES")
    return table


@cache
def table_range(ref: TableRef) -> tuple[int, int]:
    """First and last Gregorian year the table covers."""
    years = _table(ref)
    return min(years), max(years)


@cache
def table_dates(ref: TableRef, year: int) -> tuple[dt.date, ...] | None:
    """The table's dates in `year` (offset applied), or None when the table does not reach it."""
    first, last = table_range(ref)
    if not first <= year <= last:
        return None
    entry = _table(ref).get(year)
    if entry is None:
        return ()
    pairs = entry if isinstance(entry[0], tuple) else (entry,)
    shift = dt.timedelta(days=ref.offset_days)
    return tuple(dt.date(year, month, day) + shift for month, day in pairs)

"""Working days in the UK: Monday to Friday, less the bank holidays of one nation.

Bank holidays differ by nation (2 January and St Andrew's Day in Scotland, St Patrick's Day and
the Battle of the Boyne in Northern Ireland), so the nation comes from `Settings.nation`. The
dates come from the maintained `holidays` package (its UK tables follow the gov.uk lists,
including substitute days and one-off holidays), never from a hand-made list. They are read a
decade at a time, and with a :class:`~edicalendar.calendar.cache.CompiledCache` each decade is
kept on disk (keyed on the nation and the installed `holidays` tables), so a command that
checks a deadline does not load the `holidays` package at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from edicalendar.calendar.cache import CompiledCache

Nation = Literal["england-and-wales", "scotland", "northern-ireland"]

#: `holidays` subdivision codes for each nation as `Settings.nation` names it.
_SUBDIVISIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

#: How each nation is named to people ("bank holiday in Scotland").
NATION_NAMES: dict[str, str] = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}

#: Offsets are bounded (see relative.MAX_DAYS); this bounds the loop whatever the input.
_MAX_STEPS = 10_000


def _tables_version() -> bytes:
    """What identifies the installed UK holiday tables: their file's path, size and mtime."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return b"holidays-missing"
    tables = Path(spec.origin).parent / "countries" / "united_kingdom.py"
    try:
        info = tables.stat()
    except OSError:
        return spec.origin.encode()
    return f"{tables}:{info.st_size}:{info.st_mtime_ns}".encode()


class WorkingDays:
    """Working-day arithmetic for one UK nation; each decade of holidays loads on first use."""

    def __init__(
        self, nation: str = "england-and-wales", *, cache: CompiledCache | None = None
    ) -> None:
        if nation not in _SUBDIVISIONS:
            raise ValueError(f"unknown nation {nation!r}; use one of {', '.join(_SUBDIVISIONS)}")
        self.nation = nation
        self._cache = cache
        self._decades: dict[int, dict[dt.date, str]] = {}

    @property
    def nation_name(self) -> str:
        """The nation as people name it: "England and Wales"."""
        return NATION_NAMES[self.nation]

    def _decade(self, decade: int) -> dict[dt.date, str]:
        found = self._decades.get(decade)
        if found is not None:
            return found
        key = hashlib.sha256(
            b"bank-holidays-1\0" + f"{self.nation}:{decade}\0".encode() + _tables_version()
        ).digest()
        cached = self._cache.get("bank-holidays", key) if self._cache is not None else None
        if isinstance(cached, dict):
            found = cached
        else:
            import holidays

            # Northern Ireland and England share most days; the subdivision adds the local ones.
            table = holidays.country_holidays(
                "GB", subdiv=_SUBDIVISIONS[self.nation], years=range(decade * 10, decade * 10 + 10)
            )
            found = {day: str(name) for day, name in table.items()}
            if self._cache is not None:
                self._cache.put("bank-holidays", key, found)
        self._decades[decade] = found
        return found

    def days_off(self, year: int) -> tuple[tuple[dt.date, str], ...]:
        """The nation's days off in `year` as gov.uk lists them (a holiday at a weekend on its
        substitute weekday, under its own name): `rules.bank_holidays.days_off`, read from the
        decade kept on disk."""
        from edicalendar.calendar.rules.bank_holidays import days_off_in

        table = self._decade(year // 10)
        return days_off_in((day, name) for day, name in table.items() if day.year == year)

    def bank_holiday(self, day: dt.date) -> str | None:
        """The bank holiday's name on `day` in this nation, or None."""
        return self._decade(day.year // 10).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """True on a weekday that is not a bank holiday in this nation."""
        return day.weekday() < 5 and self.bank_holiday(day) is None

    def add(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (before it when negative); 0 gives `start`.

        `start` itself is never counted, so `add(friday, 1)` is the next Monday (or Tuesday after
        a bank holiday Monday) and `add(monday, -1)` the Friday before.
        """
        step = 1 if count > 0 else -1
        remaining = abs(count)
        day = start
        for _ in range(_MAX_STEPS):
            if remaining == 0:
                return day
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        raise ValueError(f"{count} working days from {start} is out of range")

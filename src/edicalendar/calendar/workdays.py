"""Working days in the UK: Monday to Friday, less the bank holidays of one nation.

Bank holidays differ by nation (2 January and St Andrew's Day in Scotland, St Patrick's Day and
the Battle of the Boyne in Northern Ireland), so the nation comes from `Settings.nation`. The
dates come from the maintained `holidays` package (its UK tables follow the gov.uk lists,
including substitute days and one-off holidays), never from a hand-made list.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

Nation = Literal["england-and-wales", "scotland", "northern-ireland"]

#: `holidays` subdivision codes for each nation as `Settings.nation` names it.
_SUBDIVISIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

#: Offsets are bounded (see relative.MAX_DAYS); this bounds the loop whatever the input.
_MAX_STEPS = 10_000


class WorkingDays:
    """Working-day arithmetic for one UK nation; holiday years load on first use."""

    def __init__(self, nation: str = "england-and-wales") -> None:
        if nation not in _SUBDIVISIONS:
            raise ValueError(f"unknown nation {nation!r}; use one of {', '.join(_SUBDIVISIONS)}")
        self.nation = nation

    @cached_property
    def _holidays(self) -> object:
        import holidays

        # Northern Ireland and England share most days; the subdivision adds the local ones.
        return holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[self.nation])

    def bank_holiday(self, day: dt.date) -> str | None:
        """The bank holiday's name on `day` in this nation, or None."""
        table = self._holidays
        found = table.get(day)  # type: ignore[attr-defined]
        return None if found is None else str(found)

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

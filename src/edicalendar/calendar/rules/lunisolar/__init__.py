"""Hindu, Sikh, Buddhist and Chinese festivals: rules, the shipped table, and the run-time lookup.

`festivals` declares how each festival is dated and computes it (offline: `holidays` tables and
PyEphem astronomy, in `holidays_tables` and `astro`); `generate` writes the result for every
supported year into `table.json`; at run time :func:`dates` only reads that table (`table`), so
a lookup needs neither library. Imports only the model, the errors and its own modules.
"""

from __future__ import annotations

import datetime as dt

from edicalendar.calendar.rules.lunisolar import table as lunisolar_table
from edicalendar.calendar.rules.lunisolar.festivals import SUPPORTED_YEARS, festival
from edicalendar.errors import RuleError, UnsupportedYearError
from edicalendar.i18n import N_
from edicalendar.model import LunisolarRule, RuleDate

__all__ = ["SUPPORTED_YEARS", "dates"]


def dates(
    rule: LunisolarRule, year: int, duration_days: int | None, subject: str
) -> list[RuleDate]:
    """The festival's dates that start in Gregorian `year`, earliest first (none, one or two).

    `duration_days` defaults to the festival's own length (Navaratri: 9 days).
    """
    info = festival(rule.festival, subject)
    first, last = SUPPORTED_YEARS
    if not first <= year <= last:
        raise UnsupportedYearError(subject, year, first, last, N_("lunisolar ephemeris range"))
    table = lunisolar_table.load()
    facts = table.festivals.get(info.name)
    found = table.dates.get((info.name, year))
    if facts is None or found is None:
        raise RuleError(
            f"{subject}: the lunisolar table has no {info.name} dates for {year}; "
            f"regenerate it with {lunisolar_table.GENERATOR}"
        )
    length = facts.days if duration_days is None else duration_days
    return [
        RuleDate(
            start=start,
            end=start + dt.timedelta(days=length - 1),
            status=facts.status,
            may_vary_days=facts.may_vary_days,
            method=method,
        )
        for start, method in found
    ]

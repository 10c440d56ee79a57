"""The shipped table of lunisolar festival dates: written offline, read at run time.

Computing a festival from the Sun and Moon costs milliseconds per year, so, as the `holidays`
package does, the dates for every festival and every supported year are computed once by
`scripts/generate_lunisolar_table.py` into `table.json` beside this module, and the
engine only looks them up. `tests/test_lunisolar_table.py` recomputes the table and fails when
it no longer matches, so a change to a festival's rule must ship with a regenerated table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from edicalendar.errors import RuleError
from edicalendar.model import Status

TABLE_PATH = Path(__file__).with_name("table.json")
GENERATOR = "scripts/generate_lunisolar_table.py"


@dataclass(frozen=True, slots=True)
class FestivalFacts:
    """What every year of one festival shares: default length, status and variation."""

    days: int
    status: Status
    may_vary_days: int


@dataclass(frozen=True, slots=True)
class Table:
    """The loaded table: facts per festival and (start, method) pairs per festival-year."""

    years: tuple[int, int]
    festivals: Mapping[str, FestivalFacts]
    dates: Mapping[tuple[str, int], tuple[tuple[dt.date, str], ...]]


def data_part(document: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a table document that are dates, without its provenance header."""
    return {key: document[key] for key in ("years", "festivals", "dates")}


# --- reading (run time) -----------------------------------------------------------------------


@cache
def load(path: Path = TABLE_PATH) -> Table:
    """The table at `path`, read once per process."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuleError(
            f"{path}: cannot read the lunisolar festival table ({error}); "
            f"regenerate it with {GENERATOR}"
        ) from None
    festivals = {
        name: FestivalFacts(facts["days"], Status(facts["status"]), facts["may_vary_days"])
        for name, facts in document["festivals"].items()
    }
    dates = {
        (name, year): tuple((dt.date.fromisoformat(day), method) for day, method in found)
        for name, year, found in document["dates"]
    }
    first, last = document["years"]
    return Table((first, last), festivals, dates)

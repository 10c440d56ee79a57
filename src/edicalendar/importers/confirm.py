"""Recording an organiser's announced dates for one year: `edicalendar dates confirm`.

An EDI lead who has read the organiser's page gives the observance, the year, the dates, the
theme and the page; :func:`confirm_dates` writes them as that year's override into the
calendar file that defines the observance, so its status becomes `confirmed`. The file is
changed only in that year's table (comments and layout kept), checked to load with the other
calendars, and replaced atomically, as `import` does; recording the same dates again changes
nothing. This is the one function the CLI and any web form call.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edicalendar.calendar.catalog import Catalog, calendar_files
from edicalendar.calendar.occurrence_records import span_text
from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.errors import NotFoundError, UnsupportedYearError, UsageError
from edicalendar.importers.writer import render_year, replace_atomically, unified_diff
from edicalendar.model import Observance, Occurrence

#: "2027", or "2030-2" for the second occurrence starting in 2030 (an Islamic date).
_INSTANCE = re.compile(r"^(\d{4})(?:-([2-9]))?\Z")
#: Further than this from the prediction, the dates are probably for another year: warn.
FAR_DAYS = 45


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What someone read on the organiser's page for one year."""

    observance_id: str
    instance: str
    start: dt.date
    source: str
    end: dt.date | None = None
    theme: str | None = None


@dataclass(frozen=True)
class ConfirmResult:
    """What `confirm_dates` did: the file, the change (empty when already recorded), warnings."""

    observance: Observance
    instance: str
    start: dt.date
    end: dt.date
    display: str
    diff: str
    written: bool
    dry_run: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.diff)

    def summary(self) -> str:
        """The one-line summary the command ends with."""
        dates = span_text(self.start, self.end)
        what = f"{self.observance.id} {self.instance}: {dates}"
        if not self.changed:
            return f"{what} already recorded in {self.display}; nothing changed"
        if self.dry_run:
            return f"{what} would be recorded in {self.display} (dry run; nothing written)"
        return f"{what} recorded as confirmed in {self.display}"


def _observance(catalog: Catalog, observance_id: str) -> Observance:
    found = catalog.get(observance_id)
    if found is not None:
        return found
    close = difflib.get_close_matches(observance_id, list(catalog.observances), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `edicalendar occurrences`"
    raise NotFoundError(f"OBSERVANCE {observance_id!r} is not in the calendar{hint}")


def _predicted(observance: Observance, year: int) -> list[Occurrence]:
    """The rule's occurrences starting in `year`, ignoring what is recorded for that year."""
    from dataclasses import replace

    try:
        return occurrences_in_year(replace(observance, years={}), year)
    except UnsupportedYearError:
        return []


def _check(request: Confirmation, observance: Observance) -> tuple[int, dt.date, list[str]]:
    """The year, the end date and any warnings; UsageError for what cannot be recorded."""
    match = _INSTANCE.match(request.instance)
    if match is None:
        raise UsageError(
            f"--year {request.instance!r}: give a year such as 2027 (or 2030-2 for the second "
            "occurrence starting in that year)"
        )
    year = int(match.group(1))
    if request.start.year != year:
        raise UsageError(f"--start {request.start} is not in --year {year}")
    if not request.source.lower().startswith(("https://", "http://")):
        raise UsageError(
            f"--source {request.source!r}: give the http(s) address of the organiser's page "
            "that announces these dates"
        )
    if request.theme is not None and not request.theme.strip():
        raise UsageError("--theme: give the theme's text, or leave the option out")
    predicted = _predicted(observance, year)
    index = int(match.group(2) or 1) - 1
    warnings: list[str] = []
    guess = predicted[index] if index < len(predicted) else None
    if match.group(2) is None and len(predicted) > 1:
        nearest = min(range(len(predicted)), key=lambda i: abs(predicted[i].start - request.start))
        if nearest != 0:
            raise UsageError(
                f"{observance.id} occurs {len(predicted)} times in {year}; "
                f"{request.start} is nearest the one expected {predicted[nearest].start}: "
                f"use --year {year}-{nearest + 1}"
            )
    end = request.end
    if end is None:
        length = (guess.end - guess.start) if guess is not None else dt.timedelta(0)
        end = request.start + length
    if end < request.start:
        raise UsageError(f"--end {end} is before --start {request.start}")
    if guess is not None and abs((request.start - guess.start).days) > FAR_DAYS:
        warnings.append(
            f"{observance.id} {request.instance}: {request.start} is "
            f"{abs((request.start - guess.start).days)} days from the expected {guess.start}; "
            "check the organiser's page gives this year's dates"
        )
    return year, end, warnings


def confirm_dates(
    request: Confirmation,
    *,
    catalog: Catalog,
    calendars_dir: Path,
    today: dt.date,
    dry_run: bool = False,
) -> ConfirmResult:
    """Record `request` in the calendar file defining the observance (see module docstring).

    Raises :class:`UsageError` for values that cannot be recorded, :class:`NotFoundError` for
    an unknown observance and :class:`WriteError` when the file cannot be updated safely.
    """
    observance = _observance(catalog, request.observance_id)
    _, end, warnings = _check(request, observance)
    path = calendars_dir / f"{observance.calendar}.toml"
    display = observance.path or str(path)
    recorded = observance.years.get(request.instance)
    values: dict[str, Any] = {"start": request.start, "end": end}
    if request.theme is not None:
        values["theme"] = request.theme.strip()
    values["source"] = request.source
    same = recorded is not None and all(getattr(recorded, k) == v for k, v in values.items())
    if same:
        return ConfirmResult(
            observance, request.instance, request.start, end, display, "", False, dry_run, warnings
        )
    values["checked"] = today
    old, new = render_year(path, display, observance.id, request.instance, values)
    diff = unified_diff(old, new, display)
    written = False
    if not dry_run:
        others = [p for p in calendar_files(calendars_dir) if p.resolve() != path.resolve()]
        replace_atomically(path, display, old, new, others)
        written = True
    return ConfirmResult(
        observance, request.instance, request.start, end, display, diff, written, dry_run, warnings
    )

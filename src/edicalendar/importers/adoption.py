"""The adoption report: every row of a trust's old calendar set against every shipped calendar.

A team moving to edicalendar wants to see, in one pass, what its spreadsheet or ICS had that
edicalendar lacks. For each row :func:`assess` says whether it

- **matched** a shipped observance on the same dates,
- matched one on **other dates** (with edicalendar's dates and why they may differ),
- is in an **optional calendar** the organisation has not switched on (and which one),
- is **new** to edicalendar (the import adds it to the `--calendar` file for review), or
- is a **duplicate** of an earlier row: the same name and dates, the same observance and
  occurrence under another name ("Eid ul-Fitr" and "Eid al-Fitr"), or a close spelling of a
  new row's name.

Names are matched across all calendars, optional ones included, not only the one being
imported into. Nothing here reads or writes files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.errors import EdicalendarError
from edicalendar.importers.mapping import NameIndex, closest_by_date
from edicalendar.importers.names import CLOSE_MATCH, normalise, normalised_similarity
from edicalendar.importers.source import SourceEvent, UndatedRow
from edicalendar.model import Observance, Occurrence, Status


class Outcome(StrEnum):
    MATCHED = "matched"
    DATES_DIFFER = "dates differ"
    OPTIONAL = "optional calendar"
    NEW = "new"
    DUPLICATE = "duplicate"


#: The order outcomes are counted and explained in.
OUTCOMES = tuple(Outcome)

#: Column names of `edicalendar import --report FILE.csv`, in order (a contract).
CSV_COLUMNS = (
    "source",
    "line",
    "name",
    "start",
    "end",
    "outcome",
    "observance",
    "observance_name",
    "calendar",
    "calendar_start",
    "calendar_end",
    "score",
    "detail",
)


@dataclass(frozen=True, slots=True)
class RowReport:
    """What one row of the source is to edicalendar."""

    source: str
    line: int | None
    name: str
    #: None for a row that gives no date.
    start: dt.date | None
    end: dt.date | None
    outcome: Outcome
    observance_id: str | None = None
    observance_name: str | None = None
    #: The calendar file holding the observance (with any it is also listed in).
    calendar: str | None = None
    also_in: tuple[str, ...] = ()
    #: edicalendar's dates for the occurrence the row was compared with.
    calendar_start: dt.date | None = None
    calendar_end: dt.date | None = None
    #: 1 for a name matched exactly, less for a close spelling.
    score: float | None = None
    detail: str = ""

    def csv_row(self) -> list[str]:
        """The row as :data:`CSV_COLUMNS` values."""
        return [
            self.source,
            "" if self.line is None else str(self.line),
            self.name,
            _iso(self.start),
            _iso(self.end),
            self.outcome.value,
            self.observance_id or "",
            self.observance_name or "",
            self.calendar or "",
            _iso(self.calendar_start),
            _iso(self.calendar_end),
            "" if self.score is None else f"{self.score:.2f}",
            self.detail,
        ]


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def count(rows: Iterable[RowReport]) -> dict[Outcome, int]:
    """How many rows had each outcome (every outcome present, zero or not)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        counts[row.outcome] += 1
    return counts


@dataclass
class _Seen:
    line: int | None
    name: str
    #: What the first row was found to be (a repeat names the same observance).
    report: RowReport | None = None


def assess(
    rows: Sequence[SourceEvent],
    catalog: Catalog,
    switched_on: Iterable[str] = (),
    *,
    undated: Sequence[UndatedRow] = (),
    undated_year: int | None = None,
    config_name: str = "the config file",
) -> list[RowReport]:
    """Every row of `rows` (and `undated`) set against every calendar in `catalog`.

    `catalog` holds every calendar file (optional ones included); `switched_on` names the
    optional calendars the organisation uses. `rows` are the source's rows as read, before
    consecutive days are joined: rows of one name on consecutive days are judged as one span.
    Undated rows are matched by name only, against edicalendar's dates in `undated_year`.
    """
    in_use = catalog.enabled(switched_on)
    behind = [name for name in catalog.optional_calendars if name not in set(switched_on)]
    index = NameIndex(catalog.observances.values(), behind)
    spans = _spans(rows)
    reports: list[RowReport] = []
    # First row seen for each (name, dates), each observance occurrence, and each new name.
    same_row: dict[tuple[str, dt.date, dt.date], _Seen] = {}
    same_occurrence: dict[tuple[str, str], _Seen] = {}
    new_names: _NewNames = {}
    for row in sorted(rows, key=lambda r: (r.source, r.line or 0, r.start)):
        key = normalise(row.name) or row.name.lower()
        first = same_row.get((key, row.start, row.end))
        if first is not None:
            spelt = "" if first.name == row.name else f" ({first.name!r})"
            reports.append(
                _repeat(row, first.report, f"same name and dates as line {first.line}{spelt}")
            )
            continue
        seen = same_row[(key, row.start, row.end)] = _Seen(row.line, row.name)
        start, end, joined = spans.get(id(row), (row.start, row.end, ""))
        found, score = index.matches(row.name)
        if not found:
            twin = None if joined else _close_new_name(key, start, end, new_names)
            if twin is not None:
                reports.append(
                    RowReport(row.source, row.line, row.name, row.start, row.end,
                              Outcome.DUPLICATE,
                              detail=f"repeats line {twin.line} ({twin.name!r}) on "
                              "overlapping dates")
                )  # fmt: skip
                continue
            new_names.setdefault(len(key.split()), []).append(
                (key, start, end, _Seen(row.line, row.name))
            )
            reports.append(
                RowReport(row.source, row.line, row.name, row.start, row.end, Outcome.NEW,
                          detail=_join(joined, "not in any edicalendar calendar"))
            )  # fmt: skip
            seen.report = reports[-1]
            continue
        observance, occurrence, problem = closest_by_date(found, start, end, catalog)
        if occurrence is not None and not joined:
            earlier = same_occurrence.get((observance.id, occurrence.instance))
            if earlier is not None:
                reports.append(
                    RowReport(row.source, row.line, row.name, row.start, row.end,
                              Outcome.DUPLICATE, observance.id, observance.name,
                              observance.calendar, observance.also_in, occurrence.start,
                              occurrence.end, score,
                              f"{observance.id} {occurrence.instance} is already line "
                              f"{earlier.line} ({earlier.name!r})")
                )  # fmt: skip
                continue
            same_occurrence[(observance.id, occurrence.instance)] = seen
        outcome, detail = _placed(
            *_compare(start, end, occurrence, problem, observance),
            observance, in_use, score, config_name,
        )  # fmt: skip
        reports.append(
            RowReport(row.source, row.line, row.name, row.start, row.end, outcome,
                      observance.id, observance.name, observance.calendar, observance.also_in,
                      occurrence.start if occurrence else None,
                      occurrence.end if occurrence else None, score, _join(joined, detail))
        )  # fmt: skip
        seen.report = reports[-1]
    for blank in undated:
        reports.append(_undated(blank, index, in_use, catalog, undated_year, config_name))
    reports.sort(key=lambda r: (r.source, r.line or 0, r.start or dt.date.min))
    return reports


def _repeat(row: SourceEvent, first: RowReport | None, detail: str) -> RowReport:
    """A duplicate row, naming the observance the row it repeats was found to be."""
    if first is None or first.observance_id is None:
        return RowReport(row.source, row.line, row.name, row.start, row.end, Outcome.DUPLICATE,
                         detail=detail)  # fmt: skip
    return RowReport(
        row.source, row.line, row.name, row.start, row.end, Outcome.DUPLICATE,
        first.observance_id, first.observance_name, first.calendar, first.also_in,
        first.calendar_start, first.calendar_end, first.score, detail,
    )  # fmt: skip


def _spans(rows: Sequence[SourceEvent]) -> dict[int, tuple[dt.date, dt.date, str]]:
    """Rows of one name on consecutive days, as the span they make up and the lines joined.

    Keyed by `id(row)`; a row not joined to another is absent.
    """
    by_name: dict[str, list[SourceEvent]] = {}
    for row in rows:
        by_name.setdefault(normalise(row.name) or row.name.lower(), []).append(row)
    spans: dict[int, tuple[dt.date, dt.date, str]] = {}
    for group in by_name.values():
        group.sort(key=lambda r: (r.start, r.end))
        runs: list[list[SourceEvent]] = []
        for row in group:
            last = runs[-1][-1] if runs else None
            if last is not None and (row.start, row.end) == (last.start, last.end):
                continue  # an exact repeat: reported as a duplicate, not part of the span
            if last is not None and row.start == last.end + dt.timedelta(days=1):
                runs[-1].append(row)
            else:
                runs.append([row])
        for run in runs:
            if len(run) < 2:
                continue
            lines = sorted({r.line for r in run if r.line is not None})
            text = f"lines {lines[0]}–{lines[-1]}" if lines else "rows"
            for member in run:
                spans[id(member)] = (
                    run[0].start,
                    run[-1].end,
                    f"{text} joined into {run[0].start} to {run[-1].end}",
                )
    return spans


def _join(joined: str, detail: str) -> str:
    return f"{joined}: {detail}" if joined else detail


#: New names seen so far, by number of words: (normalised name, start, end, first row).
_NewNames = dict[int, list[tuple[str, dt.date, dt.date, _Seen]]]


def _close_new_name(key: str, start: dt.date, end: dt.date, new_names: _NewNames) -> _Seen | None:
    """An earlier new row this one repeats: the same name or a close spelling on overlapping
    dates (the same name in another year is that year's row)."""
    for name, other_start, other_end, seen in new_names.get(len(key.split()), []):
        if not (other_start <= end and start <= other_end):
            continue
        if normalised_similarity(key, name) >= CLOSE_MATCH:
            return seen
    return None


def _span(start: dt.date, end: dt.date) -> str:
    return str(start) if start == end else f"{start} to {end}"


def _compare(
    start: dt.date,
    end: dt.date,
    occurrence: Occurrence | None,
    problem: str | None,
    observance: Observance,
) -> tuple[Outcome, str]:
    """Whether the row's dates are edicalendar's, and if not, what edicalendar has and why."""
    if occurrence is None:
        if problem:
            return Outcome.DATES_DIFFER, f"edicalendar cannot date {start.year}: {problem}"
        if observance.since is not None and start.year < observance.since:
            return (
                Outcome.DATES_DIFFER,
                f"edicalendar has it from {observance.since} (the year it began)",
            )
        return Outcome.DATES_DIFFER, f"edicalendar has no date for it near {start.year}"
    theirs = _span(occurrence.start, occurrence.end)
    if observance.since is not None and start.year < observance.since:
        return (
            Outcome.DATES_DIFFER,
            f"edicalendar has it from {observance.since} (the year it began); the nearest is "
            f"{theirs}",
        )
    if (occurrence.start, occurrence.end) == (start, end):
        detail = "same dates"
        if occurrence.status is Status.PROVISIONAL:
            detail += " (provisional: the organiser sets the dates each year)"
        elif occurrence.status is Status.ESTIMATED:
            detail += f" (estimated; may vary by {occurrence.may_vary_days} day(s))"
        return Outcome.MATCHED, detail
    detail = f"edicalendar has {theirs}"
    shift = (start - occurrence.start).days
    if start == occurrence.start and end < occurrence.end:
        detail += "; your row gives only the start"
    elif occurrence.start <= start and end <= occurrence.end:
        detail += "; your row is part of it"
    elif start <= occurrence.start and occurrence.end <= end:
        detail += "; your row runs longer"
    elif occurrence.status is Status.ESTIMATED and abs(shift) <= occurrence.may_vary_days:
        detail += (
            f"; {shift:+d} day(s), within the ±{occurrence.may_vary_days} it may vary "
            f"({occurrence.method})"
        )
    elif occurrence.status is Status.PROVISIONAL:
        detail += "; provisional until the organiser announces the year's dates"
    else:
        detail += f"; {shift:+d} day(s)"
    return Outcome.DATES_DIFFER, detail


def _placed(
    outcome: Outcome,
    detail: str,
    observance: Observance,
    in_use: Catalog,
    score: float,
    config_name: str,
) -> tuple[Outcome, str]:
    """The outcome and note once it is known whether the organisation has the observance's
    calendar on, and how sure the name match is."""
    if observance.id not in in_use.observances:
        outcome = Outcome.OPTIONAL
        detail = (
            f"in optional calendar {observance.calendar!r}, switched off: add it to "
            f"[calendars] enabled in {config_name} to use it; {detail}"
        )
    if score < 1:
        detail += f" (close match, score {score:.2f})"
    return outcome, detail


def _undated(
    blank: UndatedRow,
    index: NameIndex,
    in_use: Catalog,
    catalog: Catalog,
    year: int | None,
    config_name: str,
) -> RowReport:
    found, score = index.matches(blank.name)
    if not found:
        return RowReport(blank.source, blank.line, blank.name, None, None, Outcome.NEW,
                         detail="no date in the row; not in any edicalendar calendar")  # fmt: skip
    observance = found[0]
    occurrence: Occurrence | None = None
    detail = "no date in the row"
    if year is not None:
        try:
            listed = occurrences_in_year(observance, year, catalog.conventions)
        except EdicalendarError:
            listed = []
        if listed:
            occurrence = listed[0]
            detail += f"; edicalendar has {_span(occurrence.start, occurrence.end)}"
    outcome, detail = _placed(Outcome.MATCHED, detail, observance, in_use, score, config_name)
    return RowReport(
        blank.source, blank.line, blank.name, None, None, outcome, observance.id,
        observance.name, observance.calendar, observance.also_in,
        occurrence.start if occurrence else None, occurrence.end if occurrence else None,
        score, detail,
    )  # fmt: skip

"""Import calendars from ICS, CSV and Excel files or http(s) URLs into calendar data, safely.

:func:`run_import` reads the source within the limits in :mod:`.source` and :mod:`.fetch`,
turns it into events (:mod:`.ics`, :mod:`.tabular`), checks them (:mod:`.review`), maps them onto
the catalog (:mod:`.mapping`) and updates one calendar file in place (:mod:`.writer`). Any error
stops the import before the file is touched; `dry_run` shows the diff and writes nothing. Every
row is also set against every shipped calendar (:mod:`.adoption`): matched, on other dates, in an
optional calendar, new, or a duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.errors import SourceError, UnsafeSourceError, UsageError
from edicalendar.importers.fetch import FetchLimits, fetch, is_url, redact
from edicalendar.importers.mapping import Action, ImportPlan
from edicalendar.importers.source import MAX_SOURCE_BYTES, Finding, ReadResult, SourceFormat

if TYPE_CHECKING:
    from edicalendar.calendar.conventions import Conventions
    from edicalendar.importers.adoption import Outcome, RowReport

__all__ = [
    "Action",
    "FetchLimits",
    "ImportOptions",
    "ImportReport",
    "SourceFormat",
    "run_import",
]

#: Told (stage, done, total) as a long import advances; total is None when unknown.
Progress = Callable[[str, int, int | None], None]

#: Without --year, recurring events are expanded from a year back to two years ahead.
YEARS_BACK = 1
YEARS_AHEAD = 2


@dataclass(frozen=True)
class ImportOptions:
    """What to import and where (the `edicalendar import` options)."""

    source: str
    calendar: str
    format: SourceFormat | None = None
    year: int | None = None
    dry_run: bool = False
    limits: FetchLimits = field(default_factory=FetchLimits)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    calendar: str
    display: str
    source: str
    format: SourceFormat
    plan: ImportPlan
    findings: list[Finding]
    diff: str
    written: bool
    dry_run: bool
    not_modified: bool = False
    outside_year: int = 0
    #: Every row against every shipped calendar (the adoption report).
    rows: list[RowReport] = field(default_factory=list)
    #: Whether the target calendar file existed (an import with nothing to add makes none).
    target_exists: bool = True

    def row_counts(self) -> dict[Outcome, int]:
        """Rows by outcome: matched, dates differ, optional calendar, new, duplicate."""
        from edicalendar.importers.adoption import count

        return count(self.rows)

    def counts(self) -> dict[str, int]:
        """Summary numbers: added, updated, unchanged, reported, skipped, warnings."""
        counts = {action.value: self.plan.count(action) for action in Action}
        counts["warnings"] = len(self.findings)
        return counts

    def summary(self) -> str:
        """The one-line summary printed last."""
        counts = self.counts()
        parts = [f"{counts[k]} {k}" for k in ("added", "updated", "unchanged")]
        for key in ("reported", "skipped"):
            if counts[key]:
                parts.append(f"{counts[key]} {key}")
        parts.append(f"{counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}")
        if self.dry_run:
            tail = "dry run, nothing written"
        elif self.written:
            tail = f"wrote {self.display}"
        elif not self.target_exists:
            tail = f"nothing to add, so {self.display} was not created"
        else:
            tail = f"{self.display} already up to date"
        return f"{', '.join(parts)} ({tail})"


def run_import(
    options: ImportOptions,
    *,
    calendars_dir: Path,
    data_dir: Path,
    today: dt.date,
    progress: Progress | None = None,
    switched_on: tuple[str, ...] = (),
    conventions: Conventions | None = None,
    config_name: str = "the config file",
) -> ImportReport:
    """Import `options.source` into `calendars_dir/<calendar>.toml` (see module docstring).

    `progress(stage, done, total)` is told of downloading (bytes) and matching (names).
    `switched_on` names the optional calendars the organisation uses (`[calendars] enabled`,
    set in `config_name`); `conventions` date festivals where communities differ.
    """
    from edicalendar.calendar.catalog import Catalog, calendar_files, load_catalog
    from edicalendar.calendar.validation import SLUG
    from edicalendar.importers.adoption import assess
    from edicalendar.importers.mapping import merge_days, plan_import
    from edicalendar.importers.review import source_checks, vet_events
    from edicalendar.importers.writer import render, replace_atomically, unified_diff

    if not SLUG.match(options.calendar):  # `\Z`-anchored: "local\n" is refused
        raise UsageError(
            f"--calendar {options.calendar!r} must be a file stem such as 'nhs-edi' "
            "(lower-case letters, digits and dashes)"
        )
    if options.year is not None and not 1900 <= options.year <= 2200:
        raise UsageError(f"--year {options.year} is out of range (1900-2200)")
    catalog = (
        load_catalog(calendars_dir)
        if calendars_dir.is_dir()
        else Catalog(observances={}, calendars={})
    )
    if conventions is not None:
        catalog = catalog.with_conventions(conventions)
    try:
        catalog.enabled(switched_on)
    except ValueError as exc:
        raise UsageError(f"[calendars] enabled in {config_name}: {exc}") from None
    behind = tuple(name for name in catalog.optional_calendars if name not in switched_on)
    raw, label, kind, not_modified = _load(options, data_dir, progress)
    fmt = options.format or detect_format(label, kind, raw)
    window = _window(options.year, today)
    result = _read(raw, label, fmt, window, options.year)
    findings = list(result.findings)
    events = vet_events(result.events, findings)
    outside = 0
    if options.year is not None:
        kept = [e for e in events if e.start.year == options.year]
        outside = len(events) - len(kept)
        events = kept
    rows = assess(
        events,
        catalog,
        switched_on,
        undated=result.undated,
        undated_year=options.year or today.year,
        config_name=config_name,
    )
    events = merge_days(events, findings)
    findings.extend(source_checks(events))
    # A local file is named by its file name in the data (the path is the importer's own).
    note = label if is_url(options.source) else Path(options.source).name
    plan = plan_import(
        events,
        catalog,
        options.calendar,
        note,
        progress=(lambda done, total: progress("Matching", done, total)) if progress else None,
        behind=behind,
    )
    findings.extend(plan.findings)
    findings.sort(key=lambda f: (f.source, f.line or 0))
    path = calendars_dir / f"{options.calendar}.toml"
    display = _display(path)
    old, new = render(path, display, plan, result.title)
    written = False
    changes = bool(plan.new or plan.updates)
    if new != old and not options.dry_run and changes:
        others = (
            [p for p in calendar_files(calendars_dir) if p.name != path.name]
            if (calendars_dir.is_dir())
            else []
        )
        replace_atomically(path, display, old, new, others)
        written = True
    return ImportReport(
        calendar=options.calendar,
        display=display,
        source=label,
        format=fmt,
        plan=plan,
        findings=findings,
        # The diff is what the real run writes: nothing at all when it writes nothing (not a
        # new file holding only a [calendar] header).
        diff=unified_diff(old, new, display) if changes else "",
        written=written,
        dry_run=options.dry_run,
        not_modified=not_modified,
        outside_year=outside,
        rows=rows,
        target_exists=path.exists(),
    )


def _load(
    options: ImportOptions,
    data_dir: Path,
    progress: Progress | None,
) -> tuple[bytes, str, str, bool]:
    """The source's bytes, how to name it, its declared content type, and whether unchanged."""
    if is_url(options.source):
        fetched = fetch(
            options.source,
            limits=options.limits,
            cache_dir=data_dir / "import-cache",
            progress=(lambda done, total: progress("Downloading", done, total))
            if progress
            else None,
        )
        return fetched.body, redact(fetched.url), fetched.content_type, fetched.not_modified
    path = Path(options.source)
    if not path.is_file():
        raise UsageError(f"SOURCE {options.source!r}: no such file (or give an http(s) URL)")
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise UnsafeSourceError(
            f"{options.source}: {size} bytes is over the {MAX_SOURCE_BYTES}-byte limit for imports"
        )
    try:
        return path.read_bytes(), options.source, "", False
    except OSError as exc:
        raise SourceError.at(options.source, None, f"cannot read: {exc.strerror}") from None


def detect_format(label: str, content_type: str, raw: bytes) -> SourceFormat:
    """The source format from its name, then its content type, then its first bytes."""
    name = label.lower().split("?", 1)[0]
    if name.endswith((".ics", ".ical", ".icalendar")):
        return SourceFormat.ICS
    if name.endswith((".csv", ".tsv")):
        return SourceFormat.CSV
    if name.endswith((".xlsx", ".xlsm")):
        return SourceFormat.XLSX
    if name.endswith(".xls"):
        raise SourceError.at(label, None, "old Excel .xls format; save it as .xlsx or CSV")
    kind = content_type.lower()
    if "text/calendar" in kind:
        return SourceFormat.ICS
    if "csv" in kind:
        return SourceFormat.CSV
    if "spreadsheetml" in kind:
        return SourceFormat.XLSX
    if raw.startswith(b"PK\x03\x04"):
        return SourceFormat.XLSX
    if b"BEGIN:VCALENDAR" in raw[:2048].upper():
        return SourceFormat.ICS
    return SourceFormat.CSV


def _window(year: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return dt.date(today.year - YEARS_BACK, 1, 1), dt.date(today.year + YEARS_AHEAD, 12, 31)


def _read(
    raw: bytes,
    label: str,
    fmt: SourceFormat,
    window: tuple[dt.date, dt.date],
    year: int | None,
) -> ReadResult:
    if fmt is SourceFormat.ICS:
        from edicalendar.importers.ics import read_ics

        return read_ics(raw, label, window)
    if fmt is SourceFormat.XLSX:
        from edicalendar.importers.tabular import read_xlsx

        return read_xlsx(raw, label, year)
    from edicalendar.importers.tabular import read_csv

    return read_csv(raw, label, year)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

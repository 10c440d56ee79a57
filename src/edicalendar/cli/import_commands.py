"""The `import` command: bring an ICS, CSV or Excel calendar (file or URL) into calendar data.

It prints what it would change (or the diff, with `--dry-run`), the warnings a reviewer needs,
every row set against every shipped calendar (matched, dates differ, optional calendar, new,
duplicate; also written as CSV with `--report`), a summary table (added, updated, unchanged,
warnings) and a one-line summary. Warnings go to standard error; the calendar file is written
only when the whole import succeeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from edicalendar.cli.root import app, context

if TYPE_CHECKING:
    from edicalendar.importers import ImportReport


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A file path or an http(s) URL.")],
    calendar: Annotated[
        str, typer.Option("--calendar", help="Calendar to update: calendars/NAME.toml.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ics, csv or xlsx (default: from the name or content)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the diff; write nothing.")
    ] = False,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Only this year; also the year for dates written without one."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Allow URLs on loopback, private or link-local addresses (your own network).",
        ),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.1, max=600, help="Connect and read timeout in seconds."),
    ] = 30.0,
    report_path: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the row-by-row report (every row against every shipped calendar) "
            "to this CSV file.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Import an ICS, CSV or .xlsx calendar (file or URL) into calendars/NAME.toml."""
    from edicalendar.errors import UsageError
    from edicalendar.importers import FetchLimits, ImportOptions, SourceFormat, run_import

    app_ctx = context(ctx)
    chosen: SourceFormat | None = None
    if fmt is not None:
        try:
            chosen = SourceFormat(fmt.lower())
        except ValueError:
            raise UsageError(f"--format {fmt!r}: use ics, csv or xlsx") from None
    options = ImportOptions(
        source=source,
        calendar=calendar,
        format=chosen,
        year=year,
        dry_run=dry_run,
        limits=FetchLimits(
            connect_timeout=min(timeout, 10.0),
            read_timeout=timeout,
            allow_private=allow_private,
        ),
    )
    loaded = app_ctx.loaded
    if loaded.settings.data.calendars_dir is None and not (Path.cwd() / "calendars").is_dir():
        # Without a calendars/ folder here the data would be the copy shipped inside the
        # installed package, which an import must never change.
        raise UsageError(
            "no calendars/ folder in this directory; create one (mkdir calendars) or set "
            "data.calendars_dir in the config file"
        )
    if report_path is not None and not report_path.parent.is_dir():
        raise UsageError(f"--report {report_path}: folder {report_path.parent} does not exist")
    with _Progress() as progress:
        report = run_import(
            options,
            calendars_dir=loaded.calendars_dir,
            data_dir=loaded.data_dir,
            today=app_ctx.today(),
            progress=progress.update,
            switched_on=tuple(loaded.settings.calendars.enabled),
            conventions=loaded.settings.conventions.as_conventions(),
            config_name=_config_name(app_ctx),
        )
    print_report(report)
    if report_path is not None:
        from edicalendar.cli.output import say

        write_rows_csv(report, report_path)
        say(f"wrote the row-by-row report to {report_path}\n")


def _config_name(app_ctx: Any) -> str:
    from edicalendar.locations import DEFAULT_CONFIG_NAME

    return str(app_ctx.loaded.path) if app_ctx.loaded.path else DEFAULT_CONFIG_NAME


def write_rows_csv(report: ImportReport, path: Path) -> None:
    """The row-by-row report as CSV, written whole or not at all.

    The columns are :data:`edicalendar.importers.adoption.CSV_COLUMNS`.
    """
    import os
    import tempfile

    from edicalendar.csvwriter import csv_text
    from edicalendar.errors import UsageError
    from edicalendar.importers.adoption import CSV_COLUMNS

    # Names come from the imported file: the one CSV writer makes formula-like cells inert.
    text = csv_text(CSV_COLUMNS, (row.csv_row() for row in report.rows))
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"--report {path}: cannot write: {exc.strerror}") from None


class _Progress:
    """A transient bar on standard error for downloads and for matching many names."""

    #: Matching fewer names than this is instant; no bar.
    MANY_NAMES = 200

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        return self

    def update(self, stage: str, done: int, total: int | None) -> None:
        if stage == "Matching" and (total or 0) < self.MANY_NAMES:
            return
        if self.bar is None:
            from rich.progress import DownloadColumn, Progress

            from edicalendar.cli.output import terminal_console

            columns = [*Progress.get_default_columns()]
            if stage == "Downloading":
                columns.append(DownloadColumn())
            self.bar = Progress(*columns, console=terminal_console(stderr=True), transient=True)
            self.bar.__enter__()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def print_report(report: ImportReport) -> None:
    """Changes, warnings, the summary table and the one-line summary.

    Names and notes come from the imported file, so every one is printed through the safe-text
    helpers (:mod:`edicalendar.cli.output`): no markup is read ("[calendars] enabled" prints as
    written) and a hostile file cannot clear the screen or print a fake summary over the real
    one.
    """
    from rich.table import Table

    from edicalendar.cli.output import plain, say, terminal_console, warn

    console = terminal_console()
    if report.dry_run and report.diff:
        say(report.diff if report.diff.endswith("\n") else report.diff + "\n")
    if report.not_modified:
        console.print(
            plain(f"{report.source}: not modified since the last import (used the stored copy)")
        )
    changes = Table(title=plain(f"Import of {report.source} into {report.calendar}"), expand=False)
    for heading in ("Observance", "Year", "Dates", "Action", "Note"):
        changes.add_column(heading, overflow="fold")
    for change in report.plan.changes:
        dates = ""
        if change.start is not None and change.end is not None:
            dates = (
                str(change.start)
                if change.start == change.end
                else (f"{change.start} – {change.end}")
            )
        changes.add_row(
            *(
                plain(str(cell))
                for cell in (change.observance_id, change.year or "", dates,
                             change.action.value, change.detail)
            )
        )  # fmt: skip
    if report.plan.changes:
        console.print(changes)
    _print_rows(console, report)
    for finding in report.findings:
        warn(str(finding))
    if report.outside_year:
        console.print(plain(f"{report.outside_year} event(s) outside --year were left out"))
    summary = Table(title="Summary", expand=False)
    summary.add_column("")
    summary.add_column("Count", justify="right")
    for key, count in report.counts().items():
        summary.add_row(key, str(count))
    console.print(summary)
    say(report.summary() + "\n")


def _print_rows(console: Any, report: ImportReport) -> None:
    """Every row against every shipped calendar, then how many rows had each outcome."""
    from rich.table import Table

    from edicalendar.cli.output import plain

    if not report.rows:
        return
    sources = {row.source for row in report.rows}
    table = Table(
        title=plain(f"Rows of {report.source} against every edicalendar calendar"), expand=False
    )
    for heading in ("Row", "Name", "Dates", "Outcome", "Observance", "Calendar", "Note"):
        table.add_column(heading, overflow="fold")
    for row in report.rows:
        where = "" if row.line is None else str(row.line)
        if len(sources) > 1:
            where = f"{row.source} {where}".strip()
        dates = ""
        if row.start is not None and row.end is not None:
            dates = str(row.start) if row.start == row.end else f"{row.start} – {row.end}"
        calendar = row.calendar or ""
        if row.also_in:
            calendar += f" (also {', '.join(row.also_in)})"
        cells = (where, row.name, dates, row.outcome.value, row.observance_id or "", calendar,
                 row.detail)  # fmt: skip
        table.add_row(*(plain(cell) for cell in cells))
    console.print(table)
    counts = report.row_counts()
    parts = [f"{number} {outcome.value}" for outcome, number in counts.items()]
    total = sum(counts.values())
    console.print(plain(f"{total} row{'s' if total != 1 else ''}: {', '.join(parts)}"))

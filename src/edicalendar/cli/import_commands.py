"""The `import` command: bring an ICS, CSV or Excel calendar (file or URL) into calendar data.

It prints what it would change (or the diff, with `--dry-run`), the warnings a reviewer needs,
a summary table (added, updated, unchanged, warnings) and a one-line summary. Warnings go to
standard error; the calendar file is written only when the whole import succeeds.
"""

from __future__ import annotations

import sys
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
    with _Progress() as progress:
        report = run_import(
            options,
            calendars_dir=loaded.calendars_dir,
            data_dir=loaded.data_dir,
            today=app_ctx.today(),
            progress=progress.update,
        )
    print_report(report)


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
            from rich.console import Console
            from rich.progress import DownloadColumn, Progress

            columns = [*Progress.get_default_columns()]
            if stage == "Downloading":
                columns.append(DownloadColumn())
            self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def print_report(report: ImportReport) -> None:
    """Changes, warnings, the summary table and the one-line summary."""
    from rich.console import Console
    from rich.table import Table

    from edicalendar.cli.output import warn

    console = Console(soft_wrap=False)
    if report.dry_run and report.diff:
        sys.stdout.write(report.diff)
        if not report.diff.endswith("\n"):
            sys.stdout.write("\n")
    if report.not_modified:
        console.print(f"{report.source}: not modified since the last import (used the stored copy)")
    changes = Table(title=f"Import of {report.source} into {report.calendar}", expand=False)
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
            change.observance_id, change.year or "", dates, change.action.value, change.detail
        )
    if report.plan.changes:
        console.print(changes)
    for finding in report.findings:
        warn(str(finding))
    if report.outside_year:
        console.print(f"{report.outside_year} event(s) outside --year were left out")
    summary = Table(title="Summary", expand=False)
    summary.add_column("")
    summary.add_column("Count", justify="right")
    for key, count in report.counts().items():
        summary.add_row(key, str(count))
    console.print(summary)
    sys.stdout.write(report.summary() + "\n")

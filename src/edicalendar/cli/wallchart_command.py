"""`edicalendar wallchart`: the year as a PDF to print, an A3 wallchart or an A4 booklet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from edicalendar.cli.calendar_commands import CategoryOption, parse_categories
from edicalendar.cli.root import app, context

if TYPE_CHECKING:
    from edicalendar.calendar.freezes import Freeze
    from edicalendar.context import AppContext

FREEZE_CHOICES = ("public", "all", "none")


def _recorded_freezes(app_ctx: AppContext, *, every: bool) -> list[Freeze]:
    """The recorded freezes to print (public ones unless `every`; cancelled ones never), read
    without creating a database when there is none."""
    from edicalendar.reminders.freeze_rows import recorded_freezes

    app_ctx.read_only = True
    reads = app_ctx.reads_if_present()
    if reads is None:
        return []
    return [f for f in recorded_freezes(reads) if (every or f.public) and not f.cancelled]


@app.command()
def wallchart(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help="The calendar year to print.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The PDF file to write (`-` for standard output).",
            dir_okay=False,
        ),
    ],
    category: CategoryOption = None,
    booklet: Annotated[
        bool,
        typer.Option(
            "--booklet",
            help="Twelve A4 landscape pages, a month each, instead of the A3 year wallchart.",
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            help="The chart's language: en (English) or cy (Welsh: headings, months, key and "
            "the Welsh names of observances where published).",
        ),
    ] = "en",
    freezes: Annotated[
        str,
        typer.Option(
            "--freezes",
            help="Communication freezes to show from the database: public (those the public "
            "calendar pages show), all (private ones too, for a chart kept among staff) or "
            "none.",
        ),
    ] = "public",
) -> None:
    """Write the year's observances as a PDF: an A3 landscape wallchart with a column per month,
    or with --booklet a month per A4 landscape page; with the organisation's name, the key to
    the marks and a QR code for the subscribe page."""
    from edicalendar.atomicfile import write_atomic
    from edicalendar.calendar.occurrences import FIRST_YEAR, LAST_YEAR
    from edicalendar.cli.output import warn
    from edicalendar.config import FeedSettings
    from edicalendar.errors import UsageError
    from edicalendar.i18n import LANGUAGES, gettext
    from edicalendar.wallchart.printed import Layout, print_year
    from edicalendar.web.render import SITE_NAME

    app_ctx = context(ctx)
    categories = parse_categories(category)
    if lang not in LANGUAGES:
        raise UsageError(f"--lang {lang!r} is not a language offered; use en or cy")
    if freezes not in FREEZE_CHOICES:
        raise UsageError(f"--freezes {freezes!r} is not a choice; use public, all or none")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(
            f"--year {year} is outside the years the calendar computes ({FIRST_YEAR}-{LAST_YEAR})"
        )
    settings = app_ctx.loaded.settings.feeds
    if settings.base_url == FeedSettings.model_fields["base_url"].default:
        warn(
            f"feeds.base_url is not set, so the QR code points at {settings.base_url}/; "
            "set it to the public address of the subscribe page"
        )
    shown = _recorded_freezes(app_ctx, every=freezes == "all") if freezes != "none" else []
    printed = print_year(
        app_ctx.catalog,
        year,
        layout=Layout.BOOKLET if booklet else Layout.WALLCHART,
        categories=categories,
        organisation=settings.organisation,
        title=gettext(SITE_NAME, lang),
        subscribe_url=settings.base_url + ("/cy/" if lang == "cy" else "/"),
        today=app_ctx.today(),
        lang=lang,
        freezes=shown,
    )
    for message in printed.warnings:
        warn(message)
    if str(output) == "-":
        sys.stdout.buffer.write(printed.body)
        sys.stdout.flush()
        return
    write_atomic(output, printed.body, skip_identical=False)
    what = "booklet (12 A4 pages)" if booklet else "A3 wallchart"
    sys.stdout.write(f"wrote the {year} {what} ({len(printed.body):,} bytes) to {output}\n")

"""`edicalendar wallchart`: the year as a PDF to print, an A3 wallchart or an A4 booklet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from edicalendar.cli.calendar_commands import CategoryOption, parse_categories
from edicalendar.cli.root import app, context


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

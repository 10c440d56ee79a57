"""Feed commands: `feed` writes one iCalendar feed; `export` writes every feed and a subscribe page.

Both use the project database for change tracking (SEQUENCE, LAST-MODIFIED), so repeated runs on
unchanged data write the same bytes. `feed --stateless` skips the database for a one-off import
file: every event then has SEQUENCE:0 and a fixed DTSTAMP.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from edicalendar.cli.calendar_commands import CategoryOption, parse_categories, parse_day
from edicalendar.cli.root import app, context


@app.command()
def feed(
    ctx: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: a year ago).")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Last day, YYYY-MM-DD, inclusive (default: two years ahead)."),
    ] = None,
    category: CategoryOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", "-n", help="A named feed (all, faith, awareness, a category..., or freezes)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of standard output (`-` for standard output).",
            dir_okay=False,
        ),
    ] = None,
    stateless: Annotated[
        bool,
        typer.Option("--stateless", help="Do not use the database (one-off import file)."),
    ] = False,
    campaigns: Annotated[
        bool,
        typer.Option("--campaigns", help="The campaign plan (tasks, publications) instead."),
    ] = False,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            "-q",
            help="Choices and options as in a feed address, such as "
            "'category=race&category=religion-belief&eves=events&busy=1'.",
        ),
    ] = None,
) -> None:
    """Write an iCalendar (.ics) feed of observances (or, with --campaigns, the campaign plan)."""
    from edicalendar.atomicfile import write_atomic
    from edicalendar.calendar.filters import ObservanceFilter
    from edicalendar.cli.output import warn
    from edicalendar.errors import UsageError
    from edicalendar.feeds.specs import FREEZE_FEED_NAME, FeedSpec
    from edicalendar.model import CATEGORY_LABELS

    app_ctx = context(ctx)
    categories = parse_categories(category)
    if name and categories:
        raise UsageError("give either --name or --category, not both")
    publisher = app_ctx.feeds()
    default_start, default_end = publisher.window()
    start = parse_day(from_, "--from") if from_ else default_start
    end = parse_day(to, "--to") if to else default_end
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    warnings: list[str] = []
    if name == FREEZE_FEED_NAME:
        from edicalendar.feeds.freeze_feed import build_freeze_feed

        if category or campaigns:
            raise UsageError("--name freezes cannot be combined with --category or --campaigns")
        body = build_freeze_feed(
            app_ctx.freezes().all(),
            app_ctx.loaded.settings,
            now=app_ctx.now(),
            today=app_ctx.today(),
            database=None if stateless else app_ctx.database,
            window=(start, end),
        )
    elif campaigns:
        from edicalendar.feeds.campaign_feed import build_plan_feed

        if name or categories or stateless or query is not None:
            raise UsageError(
                "--campaigns cannot be combined with --name, --category, --query or --stateless"
            )
        plan = build_plan_feed(
            app_ctx.campaigns(),
            app_ctx.database,
            app_ctx.loaded.settings,
            start,
            end,
            app_ctx.freeze_calendar(),
        )
        body, warnings = plan.body, plan.warnings
    elif query is not None:
        from edicalendar.errors import QueryError
        from edicalendar.feeds.query import parse_query_string, query_spec, traditions

        if categories:
            raise UsageError("give categories inside --query, or --category, not both")
        chosen = traditions(publisher.catalog)
        try:
            parsed = parse_query_string(query.lstrip("?"), [t.name for t in chosen])
        except QueryError as exc:
            raise UsageError(f"--query: {exc}") from None
        spec = query_spec(publisher.find(name or "all"), parsed, {t.name: t.label for t in chosen})
        body, warnings = publisher.build_one(spec, start, end, stateless=stateless)
    elif categories:
        labels = ", ".join(CATEGORY_LABELS[c] for c in categories)
        spec = FeedSpec(
            "custom",
            f"EDI calendar: {labels}",
            f"Awareness dates for: {labels}.",
            ObservanceFilter(categories=categories),
        )
        body, warnings = publisher.build_one(spec, start, end, stateless=stateless)
    else:
        spec = publisher.find(name or "all")
        body, warnings = publisher.build_one(spec, start, end, stateless=stateless)
    for message in warnings:
        warn(message)
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    write_atomic(output, body)
    events = body.count(b"\r\nBEGIN:VEVENT\r\n")
    sys.stdout.write(
        f"wrote {events} event{'s' if events != 1 else ''} ({len(body):,} bytes) "
        f"from {start} to {end} to {output}\n"
    )


@app.command()
def export(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to write index.html and feeds/*.ics into.", file_okay=False),
    ],
    if_changed: Annotated[
        bool,
        typer.Option(
            "--if-changed",
            help="List each file written (only files whose bytes changed are ever written), "
            "for a cron job that syncs just those to a static host.",
        ),
    ] = False,
    welsh: Annotated[
        bool,
        typer.Option(
            "--welsh",
            help="Also write the Welsh site: cy/index.html (and the accessibility and about "
            "pages) and every feed in Welsh as feeds/cy/NAME.ics.",
        ),
    ] = False,
) -> None:
    """Write every feed as feeds/NAME.ics plus an index.html subscribe page, for static hosting."""
    from edicalendar.cli.output import warn
    from edicalendar.web.export import export_site

    app_ctx = context(ctx)
    result = export_site(
        app_ctx.feeds(), directory, app_ctx.freezes().all(), app_ctx.loaded, welsh=welsh
    )
    for message in result.warnings:
        warn(message)
    if if_changed:
        for name in result.written:
            sys.stdout.write(f"{name}\n")
        sys.stdout.write(f"{len(result.written)} written, {result.unchanged} unchanged\n")
        return
    sys.stdout.write(
        f"exported {len(result.feeds)} feeds ({result.events} events, "
        f"{result.changed} file{'s' if result.changed != 1 else ''} changed) "
        f"and index.html to {directory}\n"
    )

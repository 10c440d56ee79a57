"""Campaign commands: list the plan, show one campaign, start a new one, record progress.

`edicalendar campaigns` lists campaign instances (table, JSON, or CSV with one row per task and
asset for the spreadsheets teams already keep), from files and the database alike;
`campaigns export DIR` and `campaigns import FILE` move the database's campaigns to campaign
files and back. `edicalendar campaign ...` shows, creates and updates one campaign. Progress
(done, published) goes to the database; the files stay the plan. A campaign with a problem is
reported on standard error and left out; the rest still show.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from edicalendar.calendar.freezes import NO_FREEZES, FreezeCalendar
from edicalendar.cli.output import OutputFormat, json_text, say
from edicalendar.cli.root import app, context, recorded_by
from edicalendar.model import DATED_YEARS, AssetStatus

if TYPE_CHECKING:
    from edicalendar.campaigns.files import CampaignSet
    from edicalendar.context import AppContext
    from edicalendar.model import Campaign, CampaignInstance, Observance

campaign_app = typer.Typer(
    name="campaign",
    help="Show, create and record progress on one campaign.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(campaign_app)

campaigns_app = typer.Typer(
    name="campaigns",
    help=(
        "The campaign plan for a year (files and database alike); `campaigns export DIR` and "
        "`campaigns import FILE` move the database's campaigns to campaign files and back."
    ),
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(campaigns_app)

YearOption = Annotated[
    int | None,
    typer.Option(
        "--year", "-y", min=DATED_YEARS[0], max=DATED_YEARS[1], help="Which year's instance."
    ),
]
InstanceOption = Annotated[
    str | None,
    typer.Option("--instance", help='A second occurrence in one year, such as "2030-2".'),
]
ByOption = Annotated[str | None, typer.Option("--by", help="Who did it (default: your login).")]


def _load(app_ctx: AppContext, years: tuple[int, ...] = ()) -> CampaignSet:
    from edicalendar.cli.output import warn

    loaded = app_ctx.campaigns().load(years or None)
    for problem in loaded.problems:
        warn(f"{problem} (campaign left out; run `edicalendar check`)")
    return loaded


def _instances(
    app_ctx: AppContext, campaigns: list[Campaign], start: dt.date, end: dt.date
) -> list[CampaignInstance]:
    from edicalendar.cli.output import warn

    plan = app_ctx.campaigns().plan(start, end, campaigns=campaigns)
    for message in plan.warnings:
        warn(message)
    return plan.instances


def _in_year(found: list[CampaignInstance], year: int) -> list[CampaignInstance]:
    return [i for i in found if i.year == year]


def _owned_by(campaign: Campaign, owner: str) -> bool:
    needle = owner.casefold()
    names = [o.name for o in campaign.owners] + [t.owner or "" for t in campaign.tasks]
    return any(needle in name.casefold() for name in names)


@campaigns_app.callback()
def campaigns_command(
    ctx: typer.Context,
    year: YearOption = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only campaigns this person owns or has tasks in.")
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="table; json; or csv (one row per task and asset)."),
    ] = OutputFormat.TABLE,
) -> None:
    """Campaigns for a year (default this year) with their dates, assets and tasks."""
    from edicalendar.campaigns.campaign_records import PLAN_CSV_COLUMNS, instance_record, plan_rows
    from edicalendar.cli.output import emit

    if ctx.invoked_subcommand is not None:
        return
    app_ctx = context(ctx)
    app_ctx.read_only = True
    chosen_year = year or app_ctx.today().year
    loaded = _load(app_ctx, (chosen_year,))
    campaigns = [c for c in loaded.campaigns.values() if not owner or _owned_by(c, owner)]
    found = _in_year(
        _instances(app_ctx, campaigns, dt.date(chosen_year, 1, 1), dt.date(chosen_year, 12, 31)),
        chosen_year,
    )
    freezes = app_ctx.freeze_calendar() if found else NO_FREEZES
    if fmt is OutputFormat.CSV:
        emit(plan_rows(found, freezes), fmt, columns=[(c, c) for c in PLAN_CSV_COLUMNS])
        return
    if fmt is OutputFormat.JSON:
        emit([], fmt, columns=[], json_document=[instance_record(i, freezes) for i in found])
        return
    title = f"Campaigns {chosen_year}" + (f" for {owner}" if owner else "")
    say(_campaigns_text(found, title, freezes))


def _campaigns_text(
    found: list[CampaignInstance], title: str, freezes: FreezeCalendar = NO_FREEZES
) -> str:
    """The human listing: one block per instance with its assets and their links, and any
    work dated inside a communication freeze."""
    from edicalendar.calendar.occurrence_records import dated_text
    from edicalendar.campaigns.freeze_flags import asset_flag, task_flag

    if not found:
        return f"{title}: nothing found\n"
    out = [title, ""]
    for instance in found:
        occ, campaign = instance.occurrence, instance.campaign
        out.append(f"{dated_text(occ)}  {campaign.title}")
        open_tasks = sum(not t.done for t in instance.tasks)
        owners = ", ".join(o.name for o in campaign.owners) or "no owner"
        out.append(
            f"  {campaign.id} {instance.instance} · {occ.name} · owners: {owners} · "
            f"tasks: {open_tasks} open of {len(instance.tasks)}"
        )
        for d in instance.assets:
            on = f", {d.publish_on:%d %b %Y}" if d.publish_on else ""
            line = f"  {d.asset.kind.value}: {d.asset.title} [{d.asset.status.value}{on}]"
            if d.asset.url:
                line += f" {d.asset.url}" + (" (placeholder)" if d.asset.placeholder_url else "")
            out.append(line)
            flag = asset_flag(d, freezes)
            if flag is not None:
                out.append(f"    FREEZE: {flag.message}")
        for t in instance.tasks:
            flag = task_flag(t, freezes)
            if flag is not None:
                out.append(f"  task: {t.task.name} [due {t.due:%d %b %Y}]")
                out.append(f"    FREEZE: {flag.message}")
        if occ.tone_guidance:
            out.append(f"  tone: {occ.tone.value if occ.tone else ''}: {occ.tone_guidance}")
        out.append("")
    return "\n".join(out)


@campaign_app.command("show")
def show(
    ctx: typer.Context,
    campaign_id: Annotated[str, typer.Argument(metavar="ID", help="Campaign id.")],
    year: YearOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
) -> None:
    """One campaign: owners, summary, and each instance's tasks and assets with dates."""
    from edicalendar.campaigns.campaign_records import instance_record
    from edicalendar.campaigns.freeze_flags import asset_flag, task_flag
    from edicalendar.campaigns.progress import history

    app_ctx = context(ctx)
    app_ctx.read_only = True
    loaded = _load(app_ctx, (year,) if year else ())
    campaign = app_ctx.campaigns().find(campaign_id, loaded)
    if year is not None:
        found = _in_year(
            _instances(app_ctx, [campaign], dt.date(year, 1, 1), dt.date(year, 12, 31)), year
        )
    else:
        # Last year's instance while it still has open work, then the current and coming ones.
        found = app_ctx.campaigns().unfinished(campaign)
    done_by = {
        (e.kind.value, e.instance, e.item_id): e for e in history(app_ctx.reads(), campaign.id)
    }
    freezes_now = app_ctx.freeze_calendar() if found and fmt is not OutputFormat.TABLE else None
    if fmt is OutputFormat.CSV:
        from edicalendar.campaigns.campaign_records import PLAN_CSV_COLUMNS, plan_rows
        from edicalendar.cli.output import emit

        emit(
            plan_rows(found, freezes_now or NO_FREEZES),
            fmt,
            columns=[(c, c) for c in PLAN_CSV_COLUMNS],
        )
        return
    if fmt is OutputFormat.JSON:
        sys.stdout.write(json_text([instance_record(i, freezes_now or NO_FREEZES) for i in found]))
        return
    out = [f"{campaign.title} ({campaign.id})", f"  {_where(campaign)}"]
    when = "every year" if campaign.every_year else ", ".join(map(str, campaign.years))
    out.append(f"  observance: {', '.join(campaign.observances)}; {when}")
    if campaign.audience:
        out.append(f"  audience: {', '.join(campaign.audience)}")
    for person in campaign.owners:
        contact = ", ".join(x for x in (person.email, person.slack, person.teams) if x)
        out.append(f"  owner: {person.name}" + (f" ({contact})" if contact else ""))
    if campaign.summary:
        out.extend(f"  {line}" for line in campaign.summary.splitlines())
    if not found:
        out.append("  no instance in the chosen window")
    freezes = app_ctx.freeze_calendar() if found else NO_FREEZES
    for instance in found:
        occ = instance.occurrence
        out.append("")
        out.append(f"{instance.instance}: {occ.name} {occ.start} to {occ.end} ({occ.status.value})")
        if occ.tone is not None:
            guidance = f": {occ.tone_guidance}" if occ.tone_guidance else ""
            out.append(f"  tone: {occ.tone.value}{guidance}")
        for t in instance.tasks:
            mark = "x" if t.done else " "
            extra = ""
            entry = done_by.get(("task", instance.instance, t.task.id))
            if t.done and entry is not None:
                extra = f" — done by {entry.recorded_by or 'unknown'} {entry.recorded_at:%Y-%m-%d}"
            owner_text = f" [{t.task.owner}]" if t.task.owner else ""
            out.append(f"  [{mark}] {t.due} {t.task.id}: {t.task.name}{owner_text}{extra}")
            flag = task_flag(t, freezes)
            if flag is not None:
                out.append(f"      FREEZE: {flag.message}")
        for d in instance.assets:
            on = f"{d.publish_on}" if d.publish_on else "no date"
            url = f" {d.asset.url}" if d.asset.url else ""
            placeholder = " (placeholder)" if d.asset.placeholder_url else ""
            out.append(
                f"  {on} {d.asset.kind.value} {d.asset.id}: {d.asset.title} "
                f"[{d.asset.status.value}]{url}{placeholder}"
            )
            flag = asset_flag(d, freezes)
            if flag is not None:
                out.append(f"      FREEZE: {flag.message}")
    say("\n".join(out) + "\n")


def _where(campaign: Campaign) -> str:
    from edicalendar.model import CampaignOrigin

    if campaign.origin is CampaignOrigin.DATABASE:
        return f"stored in the database (revision {campaign.revision})"
    return f"defined in {campaign.path}:{campaign.line}"


@campaign_app.command("done")
def done(
    ctx: typer.Context,
    campaign_id: Annotated[str, typer.Argument(metavar="ID", help="Campaign id.")],
    task_id: Annotated[str, typer.Argument(metavar="TASK", help="Task id.")],
    year: YearOption = None,
    instance: InstanceOption = None,
    by: ByOption = None,
    undo: Annotated[bool, typer.Option("--undo", help="Mark the task open again.")] = False,
) -> None:
    """Record a task as done (its reminders stop); --undo reopens it."""
    app_ctx = context(ctx)
    _load(app_ctx, (year,) if year else ())  # reports campaigns left out
    who = recorded_by(by)
    recorded = app_ctx.campaigns().mark_task(
        campaign_id, task_id, done=not undo, by=who, year=year, instance=instance
    )
    state = "open again" if undo else "done"
    say(
        f"{campaign_id} {recorded.instance.instance}: task {task_id} marked {state}"
        + (f" by {who}" if who else "")
        + _chosen_note(recorded.instance, year, instance)
        + "\n"
    )


def _chosen_note(chosen: CampaignInstance, year: int | None, instance: str | None) -> str:
    """Which instance was picked when none was named, and how to pick another."""
    if year is not None or instance is not None:
        return ""
    occ = chosen.occurrence
    return (
        f" (the {chosen.instance} campaign, for {occ.name} starting {occ.start:%d %b %Y}; "
        "--year picks another)"
    )


@campaign_app.command("asset")
def asset(
    ctx: typer.Context,
    campaign_id: Annotated[str, typer.Argument(metavar="ID", help="Campaign id.")],
    asset_id: Annotated[str, typer.Argument(metavar="ASSET", help="Asset id.")],
    status: Annotated[AssetStatus, typer.Option("--status", help="New status.")],
    url: Annotated[str | None, typer.Option("--url", help="Address once published.")] = None,
    year: YearOption = None,
    instance: InstanceOption = None,
    by: ByOption = None,
) -> None:
    """Record an asset's status (and its address once published)."""
    app_ctx = context(ctx)
    _load(app_ctx, (year,) if year else ())  # reports campaigns left out
    who = recorded_by(by)
    recorded = app_ctx.campaigns().set_asset(
        campaign_id, asset_id, status, url=url, by=who, year=year, instance=instance
    )
    say(
        f"{campaign_id} {recorded.instance.instance}: asset {asset_id} is {status.value}"
        + (f" at {url}" if url else "")
        + (f" (recorded by {who})" if who else "")
        + _chosen_note(recorded.instance, year, instance)
        + "\n"
    )


@campaign_app.command("new")
def new(
    ctx: typer.Context,
    observance: Annotated[str, typer.Option("--observance", help="Observance id to anchor on.")],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=DATED_YEARS[0],
            max=DATED_YEARS[1],
            help="A one-off campaign for this year.",
        ),
    ] = None,
    campaign_id: Annotated[
        str | None, typer.Option("--id", help="Campaign id (default from observance and year).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default in campaigns/; `-` for standard output)."
        ),
    ] = None,
) -> None:
    """Write a commented skeleton campaign file for an observance (every year, or --year)."""
    from difflib import get_close_matches

    from edicalendar.atomicfile import write_atomic
    from edicalendar.errors import UsageError

    app_ctx = context(ctx)
    catalog = app_ctx.catalog
    found = catalog.get(observance)
    if found is None:
        close = get_close_matches(observance, list(catalog.observances), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"--observance: unknown observance {observance!r}{hint}")
    new_id = campaign_id or (f"{observance}-{year}" if year else observance)
    existing = app_ctx.campaigns().load().get(new_id)
    if existing is not None:
        again = "" if year else f" (or --year {app_ctx.today().year + 1} for a one-off)"
        raise UsageError(
            f"campaign {new_id!r} already exists at {existing.path}:{existing.line}; "
            f"edit it there, or choose another --id{again}"
        )
    text = skeleton(found, new_id, year)
    if output is not None and str(output) == "-":
        sys.stdout.write(text)
        return
    target = output or app_ctx.loaded.campaigns_dir / f"{new_id}.toml"
    if target.is_file():
        raise UsageError(f"{target} already exists; choose another --id or --output")
    write_atomic(target, text.encode("utf-8"))
    say(f"wrote {target}: campaign {new_id} for {found.name}; edit it, then run check\n")


def skeleton(observance: Observance, campaign_id: str, year: int | None) -> str:
    """A commented campaign file for `observance`, ready to fill in."""
    when = f"years = [{year}]" if year else "every_year = true"
    return f"""# Campaign for {observance.name}. Format: docs/campaigns.md.
# Check it with `edicalendar check`.
# Days are relative to the observance: "-28d", "-2w", "-5 working days", "start", "end", "end+1d".

[[campaign]]
id = "{campaign_id}"
title = "{observance.name}: (what the campaign is)"
observance = "{observance.id}"
{when}
audience = ["staff"]                    # e.g. staff, managers, stakeholders, public
summary = \"\"\"
(One paragraph: what you will do and why.)
\"\"\"
lead_times = [90, 28, 7, 1]             # days before the start that owners are reminded
lead_time_destinations = ["console"]    # names from [destinations] in the config
announce_destinations = ["console"]     # where the day-of announcement goes

[[campaign.owners]]
name = "(owner's name or role)"
email = "owner@example.nhs.uk"
# slack = "@handle"
# teams = "name@example.nhs.uk"

[[campaign.assets]]
id = "blog"
kind = "blog"                           # blog, social, newsletter, intranet, event, video, toolkit
title = "(blog title)"
status = "planned"                      # planned, drafting, in-review, approved, published
publish = "start"
# url = "https://intranet.example.nhs.uk/blog/..."
# placeholder_url = true                # while the address is not the real one

[[campaign.tasks]]
id = "draft-blog"
name = "Draft the blog"
owner = "(owner's name or role)"
due = "-10 working days"
# allow_after_end = true                # for follow-ups due after the observance ends

# [[campaign.reminders]]
# id = "blog-reminder"
# when = "-12 working days"
# time = "09:00"
# destinations = ["console"]
# template = "{{observance}} starts {{when}}: the blog draft is due"

# Per-year changes for a recurring campaign:
# [campaign.years.2027]
# summary = "(this year's plan)"
# skip = true                           # no campaign that year
"""


@campaigns_app.command("export")
def export_command(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to write one <id>.toml per campaign in.")
    ],
) -> None:
    """Write every campaign stored in the database as a campaign file in DIR."""
    from edicalendar.errors import OutputError, UsageError

    app_ctx = context(ctx)
    campaigns_dir = app_ctx.loaded.campaigns_dir
    if directory.resolve() == campaigns_dir.resolve():
        raise UsageError(
            f"{directory} is the campaigns folder ({campaigns_dir}): campaigns there are loaded "
            "as files, so each would also be in the database and both copies would be left out "
            "as duplicates; export somewhere else"
        )
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file, not a folder")
    try:
        # Made even with nothing to export, so `campaigns import DIR` reads it as empty.
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the folder {directory}: {exc.strerror or exc}") from None
    written = app_ctx.campaigns().export(directory)
    for path in written:
        say(f"wrote {path}\n")
    say(f"{len(written)} campaign{'s' if len(written) != 1 else ''} exported\n")


@campaigns_app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="Campaign files (or folders of them) to load into the database."
        ),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace campaigns already in the database.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and report, store nothing.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Check campaign files and store their campaigns in the database (all or none)."""
    from edicalendar.campaigns.files import campaign_files, load_campaign_files
    from edicalendar.errors import CatalogError, UsageError

    app_ctx = context(ctx)
    paths: list[Path] = []
    for given in files:
        if given.is_dir():
            paths.extend(campaign_files(given))
        elif given.is_file():
            paths.append(given)
        else:
            raise UsageError(f"{given} does not exist")
    if not paths:
        # Folders only, and empty (an export of a database holding no campaigns): nothing to do.
        shown = ", ".join(str(given) for given in files)
        say(f"0 added, 0 replaced, 0 unchanged (no campaign files (*.toml) in {shown})\n")
        return
    settings = app_ctx.loaded.settings
    this_year = app_ctx.today().year
    checked = load_campaign_files(
        paths,
        app_ctx.catalog,
        destinations=settings.destinations.keys(),
        nation=settings.nation,
        check_years=range(this_year, this_year + 3),
        defaults=app_ctx.campaign_defaults(),
    )
    if checked.problems:
        raise CatalogError(checked.problems)
    tables = [(checked.tables[c.id], c.path) for c in checked.campaigns.values()]
    if dry_run:
        say(
            f"{len(tables)} campaign{'s' if len(tables) != 1 else ''} checked: "
            + ", ".join(t["id"] for t, _ in tables)
            + " (nothing stored: --dry-run)\n"
        )
        return
    report = app_ctx.campaigns().import_tables(tables, by=recorded_by(by), replace=replace)
    for campaign_id in report.created:
        say(f"added {campaign_id}\n")
    for campaign_id in report.replaced:
        say(f"replaced {campaign_id}\n")
    say(report.line() + "\n")

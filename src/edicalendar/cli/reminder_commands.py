"""Reminder commands: `remind` (one tick, for cron or a systemd timer), `ledger` and `health`.

`remind` plans and sends what is due now (or at `--at`), then prints a one-line summary;
`--dry-run` lists what would go out and writes nothing; `--new-ledger` starts a new ledger when
the one the data folder used is gone. `ledger` shows deliveries and their states, and `ledger
retry KEY` puts one back in the queue after an operator fixed its cause. `health` says whether
the bot needs an operator, with an exit code for cron and monitoring.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from edicalendar.cli.idle_tick import remind_lock
from edicalendar.cli.output import OutputFormat, say, warn
from edicalendar.cli.root import app, context
from edicalendar.text import terminal

if TYPE_CHECKING:
    from edicalendar.reminders.dispatch import Dispatcher

ledger_app = typer.Typer(
    help="Reminder deliveries and their states; `ledger retry KEY` re-queues one.",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(ledger_app, name="ledger")


def parse_moment(value: str, zone_name: str) -> dt.datetime:
    """An ISO date-time from the command line; a naive one is local time in `zone_name`."""
    from zoneinfo import ZoneInfo

    from edicalendar.calendar.occurrences import check_years
    from edicalendar.errors import UsageError

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at: {value!r} is not a date-time; use YYYY-MM-DDTHH:MM") from None
    if "T" not in value.upper() and " " not in value.strip():
        # A bare date would silently mean midnight, when no reminder is due.
        raise UsageError(
            f"--at: {value!r} has no time of day; give one, such as {value.strip()}T09:00"
        )
    check_years(moment.date(), what="--at")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone_name))
    return moment.astimezone(dt.UTC)


def would_expire(dispatcher: Dispatcher, now: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    """(key, destination, end of grace) of each reminder a tick at `now` would mark expired:
    planned or waiting in the ledger, unsent, with its grace over by `now`."""
    from edicalendar.reminders.ledger import DeliveryState

    start, end = dispatcher.window(now)
    late = [r for r in dispatcher.planned(start, end) if r.not_after < now]
    rows = {d.key: d for d in dispatcher.ledger.deliveries_for([r.key for r in late])}
    waiting = (DeliveryState.PENDING, DeliveryState.RETRY_WAIT)
    found = {
        r.key: (r.key, r.destination, r.not_after)
        for r in late
        if r.key not in rows or rows[r.key].state in waiting
    }
    for state in waiting:
        for row in dispatcher.ledger.deliveries(state, limit=100_000):
            if row.not_after < now:
                found.setdefault(row.key, (row.key, row.destination, row.not_after))
    return sorted(found.values(), key=lambda item: (item[2], item[0]))


def _warn(text: str) -> None:
    warn(text)


@app.command()
def remind(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Act as if it were this time (YYYY-MM-DDTHH:MM, local)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what is due; send and record nothing.")
    ] = False,
    new_ledger: Annotated[
        bool,
        typer.Option(
            "--new-ledger",
            help=(
                "Start a new reminder ledger with the database now in place, when the one this "
                "data folder used is missing, empty, replaced or older; nothing that fell due "
                "before now is sent."
            ),
        ),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="With --at: really send and record in the ledger as if it were that time "
            "(reminders whose grace ends before it are marked expired and never sent).",
        ),
    ] = False,
) -> None:
    """Plan and send every reminder due now: one tick, ending with a one-line summary."""
    import logging
    from zoneinfo import ZoneInfo

    from edicalendar.errors import LedgerIdentityError, UsageError
    from edicalendar.locations import settings_sources
    from edicalendar.redact import install_log_redaction
    from edicalendar.reminders.idle import IDLE_SUMMARY, IdleCheck, inputs_fingerprint

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    if record and (at is None or dry_run):
        raise UsageError("--record goes with --at (and not --dry-run): it records a simulated tick")
    if new_ledger and dry_run:
        raise UsageError("--new-ledger starts a ledger, which a --dry-run cannot do; drop one")
    if new_ledger and at is not None and not record:
        raise UsageError(
            "--new-ledger starts a ledger, which a simulated --at cannot do; add --record to "
            "act on the ledger, or drop --new-ledger"
        )
    app_ctx = context(ctx)
    # Taken before the settings load, so a settings file edited during this tick is never
    # recorded as the one its plan was made with.
    sources = settings_sources(app_ctx.config_path)
    loaded = app_ctx.loaded
    zone_name = loaded.settings.reminders.timezone
    if at is not None:
        moment = parse_moment(at, zone_name)
        app_ctx.now = lambda: moment
    app_ctx.new_ledger = new_ledger
    now = app_ctx.now()
    # A simulated time never writes to the real ledger unless --record asks for it.
    simulated = at is not None and not record
    preview_only = dry_run or simulated
    app_ctx.read_only = preview_only
    # `--new-ledger` always runs in full: it is the operator's act, never an idle tick.
    idle = None if preview_only or new_ledger else IdleCheck.for_settings(loaded)
    lock = None
    try:
        if idle is not None:
            lock = remind_lock(idle.database)
            if lock is None:
                return
        # Most cron ticks find nothing to do: answer those without loading the bot at all.
        if idle is not None and idle.holds(loaded, now):
            idle.ran(now)
            sys.stdout.write(IDLE_SUMMARY + "\n")
            return
        inputs = idle.inputs(loaded) if idle is not None else inputs_fingerprint(loaded)
        dispatcher = app_ctx.dispatcher(report=_warn)
        began = dispatcher.ledger.state.ledger_began()
        if at is not None and began is not None and now < began:
            warn(
                f"--at {at} is before this ledger began ({began:%Y-%m-%d %H:%M} UTC): nothing "
                "that fell due before then is ever sent from it"
            )
        if preview_only:
            lost = dispatcher.ledger.lost_rows()
            if lost is not None:
                # What a real tick would refuse, a preview refuses too, rather than list
                # again what the vanished rows had recorded as sent.
                raise LedgerIdentityError(lost)
            zone = ZoneInfo(zone_name)
            due = dispatcher.preview(now)
            for item in due:
                local = item.due_at.astimezone(zone)
                say(
                    f"{local:%Y-%m-%d %H:%M %Z}  {item.destination}  {item.key}  "
                    f"{item.message.title}\n"
                )
            late = would_expire(dispatcher, now)
            for key, destination, not_after in late:
                ended = f"{not_after.astimezone(zone):%Y-%m-%d %H:%M %Z}"
                say(f"would expire  {destination}  {key}  (its grace ended {ended})\n")
            expiring = f", {len(late)} would expire" if late else ""
            how = (
                "dry run: nothing sent"
                if dry_run
                else "simulated --at: nothing sent or recorded; add --record to send and record"
            )
            sys.stdout.write(f"{len(due)} due{expiring} ({how})\n")
            return
        if lock is None and app_ctx.database.sqlite_path is not None:
            lock = remind_lock(app_ctx.database.sqlite_path)
            if lock is None:
                return
        if idle is not None:
            idle.forget()  # a tick that fails half-way must not leave an old record behind
        if new_ledger:
            _start_new_ledger(dispatcher, app_ctx.database.started_afresh, now)
        summary = dispatcher.tick(now)
        if idle is not None:
            lookahead = dt.timedelta(hours=loaded.settings.reminders.lookahead_hours)
            kept = idle.settings_record(loaded, app_ctx.config_path, sources)
            idle.record(inputs, dispatcher.ledger.planned_until(), lookahead, now, kept)
    finally:
        if lock is not None:
            lock.release()
    for alert in summary.alerts:
        sys.stderr.write(f"alert: {terminal(alert)}\n")
    sys.stdout.write(summary.line() + "\n")


def _start_new_ledger(dispatcher: Dispatcher, adopted: str | None, now: dt.datetime) -> None:
    """`--new-ledger`: begin the ledger at `now` if something was wrong with it, else say so."""
    reason = adopted or dispatcher.ledger.lost_rows()
    if reason is None:
        sys.stderr.write(
            "note: the ledger in place is the one this data folder knows; --new-ledger changed "
            "nothing\n"
        )
        return
    closed = dispatcher.ledger.start_afresh(now)
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sys.stderr.write(
        f"new ledger: {reason.split('. ')[0]}.\nThe new ledger begins now ({stamp}): nothing "
        f"that fell due before then will be sent; {len(closed)} deliveries it held that fell "
        "due before then and were not recorded as sent are closed unsent.\n"
    )


@ledger_app.callback()
def ledger(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only deliveries in this state (pending, sent, held, dead...)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1_000_000, help="At most this many rows.")
    ] = 200,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.TABLE,
) -> None:
    """List deliveries, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from edicalendar.cli.output import emit
    from edicalendar.errors import UsageError
    from edicalendar.reminders.delivery import DeliveryState, recorded_deliveries

    state = None
    if status is not None:
        try:
            state = DeliveryState(status)
        except ValueError:
            known = ", ".join(s.value for s in DeliveryState)
            raise UsageError(f"--status {status!r} is not a state; use one of {known}") from None
    app_ctx = context(ctx)
    app_ctx.read_only = True
    rows = []
    for d in recorded_deliveries(app_ctx.reads(), state, limit=limit):
        rows.append(
            {
                "key": d.key,
                "state": d.state.value,
                "destination": d.destination,
                "due_at": d.due_at.isoformat(),
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
                "last_error": d.last_error,
                "possible_duplicates": d.possible_duplicates,
                "duplicate_note": d.duplicate_note,
                "held_by": d.held_by,
                "due_text": f"{d.due_at.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
            }
        )
    emit(
        rows,
        fmt,
        columns=[
            ("key", "Key"),
            ("state", "State"),
            ("attempts", "Tries"),
            ("due_text", "Due (UTC)"),
            ("last_error", "Last error"),
            ("possible_duplicates", "Maybe twice"),
        ]
        if fmt is OutputFormat.TABLE
        else [
            (k, k)
            for k in (
                "key",
                "state",
                "destination",
                "due_at",
                "attempts",
                "next_attempt_at",
                "last_error",
                "possible_duplicates",
                "duplicate_note",
                "held_by",
            )
        ],
        title="Deliveries",
        json_document=[{k: v for k, v in r.items() if k != "due_text"} for r in rows],
    )


@ledger_app.command("retry")
def ledger_retry(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The delivery key shown by `edicalendar ledger`.")],
) -> None:
    """Put one delivery back in the queue (after fixing what made it fail)."""
    from edicalendar.errors import DeliveryNotFoundError
    from edicalendar.reminders.ledger import Ledger

    app_ctx = context(ctx)
    grace = dt.timedelta(hours=app_ctx.loaded.settings.reminders.grace_hours)
    ledger = Ledger(app_ctx.database)
    if ledger.get(key) is None:
        shown = key if len(key) <= 80 else key[:80] + "…"
        raise DeliveryNotFoundError(
            f"ledger retry: no delivery with key {shown!r}; `edicalendar ledger` lists the keys"
        )
    delivery = ledger.retry(key, app_ctx.now(), grace)
    say(f"1 re-queued: {delivery.key} is {delivery.state} (sent on the next tick)\n")


@app.command()
def health(
    ctx: typer.Context,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age",
            min=1,
            help="Minutes without a tick (or a reminder left waiting) before it is a problem.",
        ),
    ] = 10,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table or json.")
    ] = OutputFormat.TABLE,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Judge as if it were this time (YYYY-MM-DDTHH:MM, local)."),
    ] = None,
) -> None:
    """Is the reminder bot well? Exit 0 if so; exit 3 when a channel is halted, a destination
    is unhealthy, no tick ran for --max-age minutes, or reminders wait past their time."""
    import json

    from edicalendar.reminders.channels import group_of
    from edicalendar.reminders.health import read_health

    app_ctx = context(ctx)
    app_ctx.read_only = True
    if at is not None:
        moment = parse_moment(at, app_ctx.loaded.settings.reminders.timezone)
        app_ctx.now = lambda: moment
    now = app_ctx.now()
    limit = dt.timedelta(minutes=max_age)
    report = read_health(app_ctx.reads(), now=now, group_of=group_of(app_ctx.loaded.settings))
    problems = report.assess(now, limit)
    if fmt is OutputFormat.JSON:
        sys.stdout.write(json.dumps(report.record(now, limit), indent=2) + "\n")
    elif fmt is OutputFormat.CSV:
        from edicalendar.errors import UsageError

        raise UsageError("--format csv: health is one report; use table or json")
    else:
        _print_health(report, problems, now)
    if problems:
        raise typer.Exit(3)  # a runtime failure: the bot needs an operator


def _print_health(report: Any, problems: list[str], now: dt.datetime) -> None:
    def ago(moment: dt.datetime | None) -> str:
        if moment is None:
            return "never"
        minutes = int((now - moment).total_seconds() // 60)
        return f"{moment:%Y-%m-%d %H:%M} UTC ({minutes} min ago)"

    lines = ["reminders: " + ("NEEDS ATTENTION" if problems else "healthy")]
    lines += [f"  problem: {text}" for text in problems]
    lines.append(f"last tick: {ago(report.last_tick)}")
    if report.planned_until is not None:
        lines.append(f"planned until: {report.planned_until:%Y-%m-%d %H:%M} UTC")
    for group, pause in sorted(report.paused.items()):
        lines.append(f"paused: {group} until {pause.until:%H:%M:%S} UTC ({pause.reason})")
    counts = ", ".join(f"{n} {state}" for state, n in sorted(report.counts.items()))
    lines.append(f"deliveries: {counts or 'none yet'}")
    say("\n".join(lines) + "\n")

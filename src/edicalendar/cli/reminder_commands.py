"""Reminder commands: `remind` (one tick, for cron or a systemd timer) and `ledger`.

`remind` plans and sends what is due now (or at `--at`), then prints a one-line summary;
`--dry-run` lists what would go out and writes nothing. `ledger` shows deliveries and their
states, and `ledger retry KEY` puts one back in the queue after an operator fixed its cause.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from edicalendar.cli.output import OutputFormat, say, warn
from edicalendar.cli.root import app, context
from edicalendar.text import terminal

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
    check_years(moment.date(), what="--at")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone_name))
    return moment.astimezone(dt.UTC)


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
) -> None:
    """Plan and send every reminder due now: one tick, ending with a one-line summary."""
    import logging
    from zoneinfo import ZoneInfo

    from edicalendar.redact import install_log_redaction
    from edicalendar.reminders.idle import IDLE_SUMMARY, IdleCheck, inputs_fingerprint
    from edicalendar.reminders.instance_lock import InstanceLock, lock_path_for

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    app_ctx = context(ctx)
    loaded = app_ctx.loaded
    zone_name = loaded.settings.reminders.timezone
    if at is not None:
        moment = parse_moment(at, zone_name)
        app_ctx.now = lambda: moment
    now = app_ctx.now()
    idle = None if dry_run else IdleCheck.for_settings(loaded)
    lock = None
    if idle is not None:
        lock = InstanceLock(lock_path_for(idle.database)).acquire()
    try:
        # Most cron ticks find nothing to do: answer those without loading the bot at all.
        if idle is not None and idle.holds(loaded, now):
            sys.stdout.write(IDLE_SUMMARY + "\n")
            return
        inputs = inputs_fingerprint(loaded)
        dispatcher = app_ctx.dispatcher(report=_warn)
        if dry_run:
            zone = ZoneInfo(zone_name)
            due = dispatcher.preview(now)
            for item in due:
                local = item.due_at.astimezone(zone)
                say(
                    f"{local:%Y-%m-%d %H:%M %Z}  {item.destination}  {item.key}  "
                    f"{item.message.title}\n"
                )
            sys.stdout.write(f"{len(due)} due (dry run: nothing sent)\n")
            return
        if lock is None and app_ctx.database.sqlite_path is not None:
            lock = InstanceLock(lock_path_for(app_ctx.database.sqlite_path)).acquire()
        if idle is not None:
            idle.forget()  # a tick that fails half-way must not leave an old record behind
        summary = dispatcher.tick(now)
        if idle is not None:
            lookahead = dt.timedelta(hours=loaded.settings.reminders.lookahead_hours)
            idle.record(inputs, dispatcher.ledger.planned_until(), lookahead)
    finally:
        if lock is not None:
            lock.release()
    for alert in summary.alerts:
        sys.stderr.write(f"alert: {terminal(alert)}\n")
    sys.stdout.write(summary.line() + "\n")


@ledger_app.callback()
def ledger(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only deliveries in this state (pending, sent, dead...)."),
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
    from edicalendar.reminders.ledger import DeliveryState, Ledger

    state = None
    if status is not None:
        try:
            state = DeliveryState(status)
        except ValueError:
            known = ", ".join(s.value for s in DeliveryState)
            raise UsageError(f"--status {status!r} is not a state; use one of {known}") from None
    rows = []
    for d in Ledger(context(ctx).database).deliveries(state, limit=limit):
        rows.append(
            {
                "key": d.key,
                "state": d.state.value,
                "destination": d.destination,
                "due_at": d.due_at.isoformat(),
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
                "last_error": d.last_error,
            }
        )
    emit(
        rows,
        fmt,
        columns=[
            ("key", "Key"),
            ("state", "State"),
            ("attempts", "Tries"),
            ("due_at", "Due (UTC)"),
            ("last_error", "Last error"),
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
            )
        ],
        title="Deliveries",
    )


@ledger_app.command("retry")
def ledger_retry(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The delivery key shown by `edicalendar ledger`.")],
) -> None:
    """Put one delivery back in the queue (after fixing what made it fail)."""
    from edicalendar.reminders.ledger import Ledger

    app_ctx = context(ctx)
    grace = dt.timedelta(hours=app_ctx.loaded.settings.reminders.grace_hours)
    delivery = Ledger(app_ctx.database).retry(key, app_ctx.now(), grace)
    say(f"1 re-queued: {delivery.key} is {delivery.state} (sent on the next tick)\n")

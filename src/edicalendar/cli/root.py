"""The one Typer application every command module registers itself on.

`edicalendar.cli.main` imports the command modules (each adds its commands to :data:`app`) and
maps errors to exit codes; the commands reach the :class:`~edicalendar.context.AppContext` built
by the root callback through :func:`context`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from edicalendar.context import AppContext


def short_help(text: str | None) -> str:
    """The first sentence of a command's help, whole: the command list never cuts it with "…"."""
    first = " ".join((text or "").strip().split("\n\n")[0].split())
    end = first.find(". ")
    return first[: end + 1] if end >= 0 else first


class _Group(TyperGroup):
    """Lists each command with its whole first sentence (click cuts them to the line width)."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.short_help or short_help(command.help)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="edicalendar",
    cls=_Group,
    help="The NHS EDI awareness calendar: dates for any year, feeds, campaigns and reminders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def version() -> str:
    """The installed edicalendar version."""
    from edicalendar import __version__

    return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"edicalendar {version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Settings file (default: ./edicalendar.toml if present, else built-in defaults).",
            dir_okay=False,
        ),
    ] = None,
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    ctx.obj = AppContext(config_path=config)
    ctx.call_on_close(ctx.obj.close)


def context(ctx: typer.Context) -> AppContext:
    """The AppContext built by the root callback."""
    found = ctx.find_root().obj
    assert isinstance(found, AppContext)
    return found


def recorded_by(by: str | None) -> str | None:
    """Who a change is recorded as made by: `--by` when given, else the account running the
    command (None when the system cannot say)."""
    if by:
        return by
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None

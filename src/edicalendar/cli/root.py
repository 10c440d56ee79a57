"""The one Typer application every command module registers itself on.

`edicalendar.cli.main` imports the command modules (each adds its commands to :data:`app`) and
maps errors to exit codes; the commands reach the :class:`~edicalendar.context.AppContext` built
by the root callback through :func:`context`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edicalendar.context import AppContext

app = typer.Typer(
    name="edicalendar",
    help="The NHS EDI awareness calendar: dates for any year, feeds, campaigns and reminders.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
) -> None:
    ctx.obj = AppContext(config_path=config)
    ctx.call_on_close(ctx.obj.close)


def context(ctx: typer.Context) -> AppContext:
    """The AppContext built by the root callback."""
    found = ctx.find_root().obj
    assert isinstance(found, AppContext)
    return found

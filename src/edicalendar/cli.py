"""The `edicalendar` command line: one Typer app, one place that maps errors to exit codes.

Commands live in `edicalendar.commands.*` modules that register themselves on :data:`app`;
heavy imports happen inside the commands so `edicalendar --help` stays fast. Exit codes
(DESIGN 4.3): 0 ok, 1 invalid input or data, 2 usage, 3 runtime failure.
"""

from __future__ import annotations

import os
import sys
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


def context(ctx: typer.Context) -> AppContext:
    """The AppContext built by the root callback."""
    found = ctx.find_root().obj
    assert isinstance(found, AppContext)
    return found


def _register_commands() -> None:
    import edicalendar.commands.importer  # noqa: F401
    from edicalendar.commands import calendar  # noqa: F401
    from edicalendar.commands import campaigns as _campaigns  # noqa: F401
    from edicalendar.commands import feeds as _feeds  # noqa: F401
    from edicalendar.commands import reminders as _reminders  # noqa: F401
    from edicalendar.commands import serve as _serve  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    from edicalendar.errors import EdicalendarError

    _register_commands()
    try:
        # Without standalone mode click returns (not raises) the code of a `typer.Exit`.
        returned = app(args=argv, standalone_mode=False)
        if isinstance(returned, int):
            return returned
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 1
    except EdicalendarError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # click's usage errors and anything unforeseen
        from typer.exceptions import TyperException

        # Typer carries its own copy of click, so usage errors arrive as TyperException.
        if isinstance(exc, TyperException):
            show = getattr(exc, "show", None)
            if callable(show):
                show()
            else:
                print(f"error: {exc}", file=sys.stderr)
            code = getattr(exc, "exit_code", 2)
            return code if isinstance(code, int) else 2
        if os.environ.get("EDICALENDAR_DEBUG"):
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc} "
            "(set EDICALENDAR_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return 3
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

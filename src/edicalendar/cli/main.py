"""The `edicalendar` entry point: registers every command and maps errors to exit codes, once.

Commands live in the `*_commands` modules beside this one and register themselves on
:data:`edicalendar.cli.root.app`; heavy imports happen inside the commands so `edicalendar --help`
stays fast. Exit codes (DESIGN 4.3): 0 ok, 1 invalid input or data, 2 usage, 3 runtime failure.
"""

from __future__ import annotations

import os
import sys

import typer

from edicalendar.cli.root import app


def _register_commands() -> None:
    # Each import registers that module's commands on `app`.
    from edicalendar.cli import (  # noqa: F401
        calendar_commands,
        campaign_commands,
        dates_commands,
        feed_commands,
        freeze_commands,
        import_commands,
        reminder_commands,
        serve_command,
        user_commands,
        wallchart_command,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    from edicalendar.errors import EdicalendarError
    from edicalendar.text import terminal

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
        from edicalendar.errors import InvalidDataError

        if isinstance(exc, InvalidDataError) and len(exc.problems) == 1:
            print(f"error: {terminal(exc.problems[0])}", file=sys.stderr)
        else:
            print(f"error: {terminal(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # click's usage errors and anything unforeseen
        from typer.exceptions import TyperException

        # Typer carries its own copy of click, so usage errors arrive as TyperException.
        if isinstance(exc, TyperException):
            print(f"error: {terminal(usage_message(exc))}", file=sys.stderr)
            code = getattr(exc, "exit_code", 2)
            return code if isinstance(code, int) else 2
        if os.environ.get("EDICALENDAR_DEBUG"):
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {terminal(exc)} "
            "(set EDICALENDAR_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return 3
    return 0


def usage_message(exc: Exception) -> str:
    """A usage mistake as one line: what is wrong and where the command's help is."""
    format_message = getattr(exc, "format_message", None)
    text = format_message() if callable(format_message) else str(exc)
    text = " ".join(str(text).replace("Value error, ", "").split())
    found = getattr(exc, "ctx", None)
    path = getattr(found, "command_path", None) or "edicalendar"
    return f"{text.rstrip('.')}; see `{path} --help`"


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

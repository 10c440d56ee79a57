"""The `edicalendar` entry point: registers every command and maps errors to exit codes, once.

Commands live in the `*_commands` modules beside this one and register themselves on
:data:`edicalendar.cli.root.app`; a command imports only its own module, and heavy imports happen
inside the commands, so start-up stays quick (an idle `remind` tick is answered before Typer
loads at all: :mod:`edicalendar.cli.idle_tick`). Exit codes (DESIGN 4.3): 0 ok, 1 invalid input
or data, 2 usage, 3 runtime failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

#: The command modules, in the order they register (`--help` lists commands in that order,
#: then the command groups in that order).
MODULES = (
    "calendar_commands",
    "campaign_commands",
    "dates_commands",
    "feed_commands",
    "freeze_commands",
    "import_commands",
    "reminder_commands",
    "serve_command",
    "user_commands",
    "wallchart_command",
)
#: The module that registers each top-level command, in the order `--help` lists them (a test
#: keeps this complete). A command imports only its own module, so `upcoming` never pays for
#: the web server's or the importers' command definitions.
COMMAND_MODULES = {
    "check": "calendar_commands",
    "calendars": "calendar_commands",
    "occurrences": "calendar_commands",
    "upcoming": "calendar_commands",
    "clashes": "calendar_commands",
    "feed": "feed_commands",
    "export": "feed_commands",
    "import": "import_commands",
    "remind": "reminder_commands",
    "health": "reminder_commands",
    "serve": "serve_command",
    "wallchart": "wallchart_command",
    "campaign": "campaign_commands",
    "campaigns": "campaign_commands",
    "dates": "dates_commands",
    "freeze": "freeze_commands",
    "ledger": "reminder_commands",
    "users": "user_commands",
}
#: The root options that take a value (`--config FILE`), so the command name after them is found.
_ROOT_VALUE_OPTIONS = ("--config",)


def _command_modules(argv: list[str]) -> list[str]:
    """The command modules to import for `argv`: the named command's own, none for
    `--version`, and all of them for `--help`, no command or one edicalendar does not know
    (the listing and the suggestion for a mistyped name need every command)."""
    words = iter(argv)
    for word in words:
        if word in _ROOT_VALUE_OPTIONS:
            next(words, None)
        elif word == "--version":
            return []
        elif not word.startswith("-"):
            if word in COMMAND_MODULES:
                return [COMMAND_MODULES[word]]
            break
        elif word == "--help":
            break
    return list(MODULES)


def _register_commands(modules: Sequence[str] = MODULES) -> None:
    # Each import registers that module's commands on `app` (by default, every command).
    import importlib

    for module in modules:
        importlib.import_module(f"edicalendar.cli.{module}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    from edicalendar.cli.idle_tick import quick_idle_tick
    from edicalendar.errors import EdicalendarError
    from edicalendar.text import terminal

    words = sys.argv[1:] if argv is None else argv
    modules = _command_modules(words)
    if "serve_command" not in modules:
        # The first pydantic model a process builds makes pydantic read the entry points of
        # every installed package, looking for plugins: a third of the cost of building the
        # settings models, for a short command that has no use for validation plugins (Typer
        # turns them off for its own parameters likewise). A value set here is kept, and
        # `serve` (a long-running process) loads plugins as before.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        # Cron's `edicalendar remind` with nothing due is answered before Typer loads.
        if quick_idle_tick(words):
            return 0
    except KeyboardInterrupt:
        return 130
    import typer

    from edicalendar.cli.root import app

    _register_commands(modules)
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

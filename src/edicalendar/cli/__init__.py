"""The command line (Typer): every `edicalendar` command; the one place errors become exit codes.

Owns argument parsing, output formats (`output`), the `check` report, and printing. It builds
an :class:`~edicalendar.context.AppContext` and calls the services of the other areas; no other
area imports this package.
"""

from edicalendar.cli.main import main, run

__all__ = ["main", "run"]

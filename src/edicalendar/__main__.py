"""`python -m edicalendar` runs the command line."""

from edicalendar.cli import run

run()

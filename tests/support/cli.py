"""Running the `edicalendar` command in-process, as the tests of every area do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class CliResult:
    """What one command did: its exit code and what it printed."""

    code: int
    out: str
    err: str


class CliRunner:
    """`run("occurrences", "--from", ...)` calls `edicalendar.cli.main` with those arguments
    (after `--config PATH` when the runner has a config) and captures stdout and stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str], config: Path | None = None) -> None:
        self.capsys = capsys
        self.config = config

    def with_config(self, config: Path) -> CliRunner:
        """The same runner, with `--config config` before every command."""
        return CliRunner(self.capsys, config)

    def __call__(self, *args: str) -> CliResult:
        return self.run(args)

    def run(self, argv: Sequence[str]) -> CliResult:
        from edicalendar.cli import main

        prefix = ["--config", str(self.config)] if self.config else []
        self.capsys.readouterr()
        code = main([*prefix, *argv])
        captured = self.capsys.readouterr()
        return CliResult(code, captured.out, captured.err)


def fix_today(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Make every `edicalendar` command run in-process from now on believe it is `moment`."""
    from edicalendar.cli import root
    from edicalendar.context import AppContext

    class _At(AppContext):
        def __init__(self, config_path: Path | None = None) -> None:
            super().__init__(config_path=config_path, now=lambda: moment)

    monkeypatch.setattr(root, "AppContext", _At)

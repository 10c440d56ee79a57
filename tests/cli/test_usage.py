"""What a person sees at the command line: the version, whole command summaries, readable
options, and every mistake as one line naming the problem, the fix and a shared exit code."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from edicalendar.model import DATED_YEARS
from support.cli import CliRunner

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_package_version(run_cli: CliRunner) -> None:
    """`edicalendar --version` prints the version from pyproject's one copy and exits 0."""
    init = (ROOT / "src" / "edicalendar" / "__init__.py").read_text(encoding="utf-8")
    declared = init.split('__version__ = "')[1].split('"')[0]
    result = run_cli("--version")
    assert (result.code, result.out) == (0, f"edicalendar {declared}\n")


def test_help_lists_whole_first_sentences(
    run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns no command summary is cut with an ellipsis."""
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli("--help")
    assert result.code == 0
    assert "--version" in result.out
    commands = result.out.split("Commands:")[1]
    assert "…" not in commands and "..." not in commands
    assert "Observances (and campaign tasks) coming up, starting today or --from." in " ".join(
        commands.split()
    )


def test_category_option_is_short_and_takes_commas(run_cli: CliRunner) -> None:
    """The metavar is CATEGORY (not a 170-character list); -c race,sex equals -c race -c sex."""
    help_text = run_cli("occurrences", "--help").out
    assert "-c, --category CATEGORY" in help_text
    assert "list[" not in help_text
    both = run_cli("clashes", "2026-10-01", "--to", "2026-10-31", "-c", "race,sex", "-f", "json")
    repeated = run_cli(
        "clashes", "2026-10-01", "--to", "2026-10-31", "-c", "race", "-c", "sex", "-f", "json"
    )
    assert both.code == repeated.code == 0
    assert both.out == repeated.out and "Black History Month" in both.out


def test_unknown_category_names_the_fix(run_cli: CliRunner) -> None:
    result = run_cli("upcoming", "-c", "rac")
    assert result.code == 2
    assert result.err.splitlines() == [result.err.strip()]  # one line
    assert "'rac' is not a category; did you mean 'race'?" in result.err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["occurrences", "--from", "2026-01-01", "--to", "2026-02-01", "-f", "xml"], "'xml'"),
        (["campaign", "asset", "black-history-month", "x", "--status", "bogus"], "'bogus'"),
        (["occurrences", "--from", "2026-01-01"], "Missing option '--to'"),
        (["--bogus"], "No such option: --bogus"),
        (["campaigns", "--year", str(DATED_YEARS[1] + 1)], "--year"),
        (["campaigns", "--year", str(DATED_YEARS[0] - 1)], "--year"),
    ],
)
def test_usage_mistakes_are_one_line_with_exit_2(
    run_cli: CliRunner, argv: list[str], expected: str
) -> None:
    """Click's three-line usage block and pydantic's "Value error," never reach the user."""
    result = run_cli(*argv)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Value error" not in lines[0]
    assert "--help`" in lines[0]


def test_year_range_is_the_range_dates_exist_for(run_cli: CliRunner) -> None:
    """Every shipped rule dates 1950-2076: the first and last are accepted, no more."""
    assert DATED_YEARS == (1950, 2076)
    assert run_cli("campaigns", "--year", "1950", "-f", "json").code == 0
    assert run_cli("campaigns", "--year", "2076", "-f", "json").code == 0
    assert run_cli("campaigns", "--year", "2077").code == 2


def test_dated_years_match_the_rule_tables() -> None:
    """DATED_YEARS is the overlap of the lunisolar and Islamic tables, the narrowest rules."""
    from edicalendar.calendar.rules import islamic, lunisolar

    first = max(lunisolar.SUPPORTED_YEARS[0], islamic.SUPPORTED_YEARS[0])
    last = min(lunisolar.SUPPORTED_YEARS[1], islamic.SUPPORTED_YEARS[1])
    assert (first, last) == DATED_YEARS


def test_unknown_names_share_one_exit_code(run_cli: CliRunner, tmp_path: Path) -> None:
    """An unknown campaign id and an unknown ledger key are the same kind of mistake: exit 2."""
    config = tmp_path / "edicalendar.toml"
    config.write_text(f'[data]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    cli = run_cli.with_config(config)
    campaign = cli("campaign", "show", "no-such-campaign")
    ledger = cli("ledger", "retry", "no-such-key")
    assert campaign.code == ledger.code == 2
    assert "`edicalendar ledger` lists the keys" in ledger.err
    assert len(ledger.err.strip().splitlines()) == 1


def test_dash_output_means_standard_output(
    run_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o -` prints (feed, campaign new) instead of writing a file called "-"."""
    monkeypatch.chdir(tmp_path)
    feed = run_cli("feed", "--stateless", "-o", "-")
    assert feed.code == 0 and feed.out.startswith("BEGIN:VCALENDAR")
    skeleton = run_cli("campaign", "new", "--observance", "pride-month", "-o", "-")
    assert skeleton.code == 0 and 'observance = "pride-month"' in skeleton.out
    assert not (tmp_path / "-").exists()


def test_output_to_a_fifo_is_written_through_not_replaced(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    """A FIFO (like /dev/null, a device) is written directly: it stays a FIFO afterwards."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run_cli("feed", "--stateless", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.code == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b"BEGIN:VCALENDAR")

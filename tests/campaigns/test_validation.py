"""Broken campaign inputs are reported as `path:line: campaign-id: field: message`, at once."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.cli import main
from support.paths import bare_env

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+): (?P<id>[a-z0-9-]+): (?P<field>[\w.]+): (?P<msg>.+)$"
)


def _line_of(path: Path, text: str) -> int:
    """1-based line of the only line in `path` containing `text` (read independently)."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def test_check_lists_every_broken_campaign_with_file_and_line(
    write_config: Callable[..., Path], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` exits 1 and names each of the six problems at the line that holds it."""
    config = write_config(data_dir / "broken")
    assert main(["--config", str(config), "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    problems = [LINE.match(line) for line in err if LINE.match(line)]
    found = {(m["id"], m["field"]): m for m in problems if m}
    a = data_dir / "broken" / "a-broken.toml"
    b = data_dir / "broken" / "b-duplicate.toml"
    expected = {
        ("misspelt-observance", "observance"): (
            a,
            'observance = "black-histroy-month"',
            "did you mean 'black-history-month'",
        ),
        ("unknown-destination", "reminders.0.destinations"): (
            a,
            'destinations = ["slack-edi"]',
            "unknown destination 'slack-edi'",
        ),
        ("bad-due", "tasks.1.due"): (a, 'due = "next tuesday"', "cannot read 'next tuesday'"),
        ("after-the-end", "tasks.0.due"): (a, 'due = "end+1d"', "allow_after_end"),
        ("no-occurrence", "years"): (a, "years = [2026]", "no occurrence in 2026"),
        ("twice-defined", "id"): (b, 'id = "twice-defined"', "a-broken.toml:"),
    }
    assert set(found) == set(expected)
    for key, (path, text, message) in expected.items():
        match = found[key]
        assert Path(match["path"]).name == path.name
        assert int(match["line"]) == _line_of(path, text), key
        assert message in match["msg"], key
    # The duplicate names both places: its own line and the first definition's.
    first = _line_of(a, 'id = "twice-defined"') - 1
    assert f"a-broken.toml:{first}" in found[("twice-defined", "id")]["msg"]
    assert err[-1] == "6 problems found"


def test_a_bad_campaign_never_stops_the_others(
    write_config: Callable[..., Path], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing still shows the valid campaign (exit 0) and warns about each bad one."""
    config = write_config(data_dir / "broken")
    assert main(["--config", str(config), "campaigns", "--year", "2025", "-f", "json"]) == 0
    out = capsys.readouterr()
    import json

    assert [c["campaign"] for c in json.loads(out.out)] == ["still-fine"]
    assert out.err.count("campaign left out") == 6


def test_bad_campaigns_leave_the_observances_alone(
    write_config: Callable[..., Path], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The public calendar output is unaffected by broken campaign files."""
    config = write_config(data_dir / "broken")
    args = ["--config", str(config), "occurrences", "--from", "2025-10-01", "--to", "2025-10-31"]
    assert main([*args, "-f", "json"]) == 0
    assert "Black History Month" in capsys.readouterr().out


def test_destinations_defined_in_config_are_accepted(
    write_config: Callable[..., Path],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Naming a destination that the config defines clears the unknown-destination error."""
    folder = tmp_path / "campaigns"
    folder.mkdir()
    source = (data_dir / "broken" / "a-broken.toml").read_text()
    start = source.index('[[campaign]]\nid = "unknown-destination"')
    end = source.index('[[campaign]]\nid = "bad-due"')
    (folder / "one.toml").write_text(source[start:end])
    extra = '[destinations.slack-edi]\nkind = "slack"\nurl_env = "EDI_SLACK_URL"\n'
    assert main(["--config", str(write_config(folder, extra)), "check"]) == 0
    assert "1 campaigns" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("snippet", "field", "message"),
    [
        ('kind = "podcast"', "assets.0.kind", "unknown kind 'podcast'"),
        ('status = "done"', "assets.0.status", "unknown status 'done'"),
        ('colour = "red"', "assets.0.colour", "unknown key"),
        ('publish = "soon"', "assets.0.publish", "cannot read 'soon' as a day"),
    ],
)
def test_asset_mistakes_name_the_field(
    snippet: str,
    field: str,
    message: str,
    write_config: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Unknown asset kinds, statuses and keys are errors on the asset's own line."""
    folder = tmp_path / "c"
    folder.mkdir()
    lines = [
        "[[campaign]]",
        'id = "x"',
        'title = "X"',
        'observance = "black-history-month"',
        "every_year = true",
        "",
        "[[campaign.assets]]",
        'id = "a"',
        'title = "A"',
    ]
    if not snippet.startswith("kind"):
        lines.append('kind = "blog"')
    lines.append(snippet)
    (folder / "x.toml").write_text("\n".join(lines) + "\n")
    assert main(["--config", str(write_config(folder)), "check"]) == 1
    err = capsys.readouterr().err
    assert f"x.toml:{len(lines)}: x: {field}: {message}" in err


def test_check_as_a_subprocess_exits_1(write_config: Callable[..., Path], data_dir: Path) -> None:
    """The installed entry point reports campaign problems on stderr with exit status 1."""
    config = write_config(data_dir / "broken")
    result = subprocess.run(
        [sys.executable, "-m", "edicalendar", "--config", str(config), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=bare_env(),
    )
    assert result.returncode == 1
    assert "did you mean 'black-history-month'" in result.stderr
    assert "6 problems found" in result.stderr


def test_unknown_template_placeholder_is_an_error(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reminder template naming a value the bot does not fill in is reported on its line."""
    folder = tmp_path / "c"
    folder.mkdir()
    lines = [
        "[[campaign]]",
        'id = "x"',
        'title = "X"',
        'observance = "black-history-month"',
        "every_year = true",
        "[[campaign.reminders]]",
        'id = "r"',
        'when = "-7d"',
        'destinations = ["console"]',
        'template = "{observance} starts {when}: draft due {due}"',
    ]
    (folder / "x.toml").write_text("\n".join(lines) + "\n")
    assert main(["--config", str(write_config(folder)), "check"]) == 1
    err = capsys.readouterr().err
    assert "x.toml:10: x: reminders.0.template: unknown placeholder {due}" in err

"""`check` warns when a campaign on a solemn observance uses celebratory words.

The words are a short documented list (docs/campaigns.md); a warning names the file, line and
field, quotes the word and the observance's own guidance, and leaves the campaign in the plan.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edicalendar.campaigns.tone import CELEBRATORY_EMOJI, CELEBRATORY_WORDS, celebratory_words
from support.cli import CliRunner

ROOT = Path(__file__).resolve().parents[2]

SOLEMN = """
[[campaign]]
id = "hmd-2027"
title = "Holocaust Memorial Day 2027"
observance = "holocaust-memorial-day"

[[campaign.assets]]
id = "post"
kind = "social"
title = "Happy Holocaust Memorial Day! 🎉"
publish = "start"

[[campaign.assets]]
id = "talk"
kind = "event"
title = "Survivor testimony: a talk for staff"
publish = "start"

[[campaign.reminders]]
id = "invite"
when = "-7d"
destinations = ["console"]
template = "Let's celebrate {observance} {when}"

[campaign.years.2027]
note = "a year override with its own asset"

[[campaign.years.2027.assets]]
id = "talk"
kind = "event"
title = "Party for Holocaust Memorial Day"
publish = "start"
"""

CELEBRATION = """
[[campaign]]
id = "diwali-2027"
title = "Happy Diwali from the network"
observance = "diwali"
years = [2027]

[[campaign.assets]]
id = "post"
kind = "social"
title = "Celebrating Diwali together 🎉"
publish = "start"
"""


@pytest.fixture
def cli(tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # files are named relative to the working folder
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "hmd.toml").write_text(SOLEMN, encoding="utf-8")
    (campaigns / "diwali.toml").write_text(CELEBRATION, encoding="utf-8")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncampaigns_dir = "{campaigns.as_posix()}"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n',
        encoding="utf-8",
    )
    return run_cli.with_config(config)


def test_check_warns_about_celebratory_titles_on_a_solemn_day_only(cli: CliRunner) -> None:
    result = cli("check")
    assert result.code == 0, result.err  # warnings, not errors
    assert result.out.splitlines()[0].endswith("2 campaigns; 3 warnings")
    guidance = (
        "(A day of remembrance: share survivors' testimony and learning, light a candle; "
        "never a 'happy' day.)"
    )
    warnings = result.err.splitlines()
    assert warnings == [
        "warning: campaigns/hmd.toml:10: hmd-2027: assets.0.title: 'Happy', '🎉' read as "
        f"celebratory, but Holocaust Memorial Day is a solemn observance {guidance}",
        "warning: campaigns/hmd.toml:23: hmd-2027: reminders.0.template: 'celebrate' reads as "
        f"celebratory, but Holocaust Memorial Day is a solemn observance {guidance}",
        "warning: campaigns/hmd.toml:31: hmd-2027: years.2027.assets.0.title: 'Party' reads "
        f"as celebratory, but Holocaust Memorial Day is a solemn observance {guidance}",
    ]
    # Diwali is celebratory: "Happy Diwali" is right, and nothing is said.
    assert "diwali" not in result.err
    # The campaign stays in the plan.
    assert "Holocaust Memorial Day 2027" in cli("campaigns", "--year", "2027").out


def test_the_plan_says_how_to_speak_of_a_solemn_day(cli: CliRunner) -> None:
    text = cli("campaigns", "--year", "2027").out
    assert "tone: solemn: A day of remembrance: share survivors' testimony" in text
    show = cli("campaign", "show", "hmd-2027", "--year", "2027").out
    assert "  tone: solemn: A day of remembrance" in show


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Happy Yom Kippur", ["Happy"]),
        ("HAPPY holiday 🥳", ["HAPPY", "🥳"]),
        ("Celebrations and festivities", ["Celebrations", "festivities"]),
        ("Unhappy with the unhappiness", []),  # whole words only
        ("A celebrated scientist", ["celebrated"]),
        ("Reflect and remember", []),
    ],
)
def test_words_are_matched_whole_and_in_any_case(text: str, found: list[str]) -> None:
    assert celebratory_words(text) == found


def test_the_documented_word_list_is_the_one_checked() -> None:
    """docs/campaigns.md lists exactly the words and emoji the check uses."""
    docs = (ROOT / "docs" / "campaigns.md").read_text(encoding="utf-8")
    section = docs.split("### Celebratory words on a solemn day", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([^`]+)`", section))
    assert set(CELEBRATORY_WORDS) | set(CELEBRATORY_EMOJI) <= listed

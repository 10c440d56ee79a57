"""`remind` with the real campaign loader: the shipped examples, and broken campaign files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hijridate import Hijri

from edicalendar.cli import main

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, campaigns: Path, destinations: str) -> Path:
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{ROOT / "calendars"}"\ncampaigns_dir = "{campaigns}"\n'
        f'data_dir = "{tmp_path / "data"}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n" + destinations
    )
    return config


STAFF = '[destinations.staff]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\ndigest = true\n'


@pytest.fixture
def shipped(tmp_path: Path, webhook: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    return write_config(tmp_path, ROOT / "campaigns", STAFF)


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_shipped_examples_monday_5_january_2026_digest_only_once(
    shipped: Path, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Done-when check: at Mon 5 Jan 2026 09:00 the dry run lists exactly the weekly digest;
    the real run sends it once; running again sends nothing."""
    at = ["--config", str(shipped), "remind", "--at", "2026-01-05T09:00"]
    assert main([*at, "--dry-run"]) == 0
    listed = lines(capsys)
    assert [line.split()[4] for line in listed[:-1]] == ["digest:weekly:2026-01-05:staff"]
    assert listed[-1] == "1 due (dry run: nothing sent)"
    assert webhook.requests == []
    assert main([*at, "--record"]) == 0
    assert lines(capsys)[-1] == "1 sent, 0 failed, 0 expired"
    assert webhook.keys() == ["digest:weekly:2026-01-05:staff"]
    assert main([*at, "--record"]) == 0
    assert lines(capsys) == ["0 sent, 0 failed, 0 expired"]
    assert len(webhook.requests) == 1


def test_shipped_ramadan_guidance_four_weeks_before_ramadan_1447(
    shipped: Path, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """1 Ramadan 1447 is 18 Feb 2026 (Umm al-Qura, via hijridate): the shipped guidance
    campaign's T-28 and its "-20 working days" task fall on Wed 21 Jan 09:00 on the console."""
    start = Hijri(1447, 9, 1).to_gregorian()
    assert start == dt.date(2026, 2, 18)
    day = start - dt.timedelta(days=28)
    at = ["--config", str(shipped), "remind", "--at", f"{day.isoformat()}T09:00"]
    assert main([*at, "--dry-run"]) == 0
    listed = lines(capsys)
    keys = sorted(line.split()[4] for line in listed[:-1] if not line.startswith("would expire"))
    assert keys == [
        f"ramadan-eid-manager-guidance:lead-28:{day}:console",
        f"ramadan-eid-manager-guidance:task-review-guidance:{day}:console",
    ]
    # The dry run says what the real tick below does: a new ledger begins at its first run,
    # so Monday 19 Jan's digest, due before it, will not be marked expired either.
    assert not [line for line in listed if line.startswith("would expire")]
    assert listed[-1] == "2 due (dry run: nothing sent)"
    assert main([*at, "--record"]) == 0
    out = capsys.readouterr().out
    assert "[console] Ramadan" in out
    # A new ledger begins at its first run: Monday 19 Jan's digest, due before it, is neither
    # sent late nor planned at all.
    assert out.strip().splitlines()[-1] == "2 sent, 0 failed, 0 expired"
    assert main(["--config", str(shipped), "ledger", "-f", "csv"]) == 0
    assert "digest:weekly:2026-01-19" not in capsys.readouterr().out
    assert main([*at, "--record"]) == 0
    assert lines(capsys) == ["0 sent, 0 failed, 0 expired"]


GOOD = """
[[campaign]]
id = "iwd-good"
title = "IWD blog"
observance = "international-womens-day"
years = [2026]
lead_times = [28]
lead_time_destinations = ["staff"]
"""


def test_invalid_campaign_file_is_left_out_and_the_others_still_send(
    tmp_path: Path,
    webhook: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file with an impossible due date fails on its own (file:line and field); the other
    campaign's reminder goes; `check` exits 1 naming it."""
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "good.toml").write_text(GOOD)
    (folder / "bad.toml").write_text(
        GOOD.replace("iwd-good", "iwd-bad")
        + '\n[[campaign.tasks]]\nid = "x"\nname = "X"\ndue = "31/04"\n'
    )
    config = write_config(tmp_path, folder, STAFF.replace("digest = true\n", ""))
    assert main(["--config", str(config), "remind", "--record", "--at", "2026-02-08T09:00"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "1 sent, 0 failed, 0 expired"
    assert "bad.toml:" in captured.err and "iwd-bad" in captured.err and "due" in captured.err
    assert webhook.keys() == ["iwd-good:lead-28:2026-02-08:staff"]
    assert main(["--config", str(config), "check"]) == 1
    assert "bad.toml:" in capsys.readouterr().err


def test_duplicate_campaign_ids_schedule_neither(
    tmp_path: Path,
    webhook: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same id in two files: the error names both places and neither is sent."""
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "a.toml").write_text(GOOD)
    (folder / "b.toml").write_text(GOOD)
    config = write_config(tmp_path, folder, STAFF.replace("digest = true\n", ""))
    assert main(["--config", str(config), "remind", "--record", "--at", "2026-02-08T09:00"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "0 sent, 0 failed, 0 expired"
    assert "duplicate campaign id" in captured.err
    assert "a.toml" in captured.err and "b.toml" in captured.err
    assert webhook.requests == []


def test_ten_megabyte_campaign_file_is_refused_and_others_still_send(
    tmp_path: Path,
    webhook: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 10 MB campaign file is rejected by size with a clear warning; the others still go."""
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "good.toml").write_text(GOOD)
    huge = "x" * (10 * 1024 * 1024)
    (folder / "huge.toml").write_text(
        GOOD.replace("iwd-good", "iwd-huge") + f'summary = "{huge}"\n'
    )
    config = write_config(tmp_path, folder, STAFF.replace("digest = true\n", ""))
    assert main(["--config", str(config), "remind", "--record", "--at", "2026-02-08T09:00"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "1 sent, 0 failed, 0 expired"
    assert "huge.toml" in captured.err and "limit" in captured.err
    assert webhook.keys() == ["iwd-good:lead-28:2026-02-08:staff"]

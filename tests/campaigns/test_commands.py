"""The campaign views: the 2021 seed campaigns, CSV export, `campaign show` and `campaign new`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.cli import main

SHIPPED = Path(__file__).resolve().parents[2] / "campaigns"


def test_shipped_campaigns_pass_check(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The example campaigns in campaigns/ validate with no destinations configured."""
    assert main(["--config", str(write_config(SHIPPED)), "check"]) == 0
    assert "6 campaigns" in capsys.readouterr().out


def test_2021_shows_the_two_seed_campaigns_with_their_blogs(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`campaigns --year 2021` lists both impact-report campaigns with blog links marked."""
    config = str(write_config(SHIPPED))
    assert main(["--config", config, "campaigns", "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "LGBTQ+ History Month celebration across Greater Manchester" in out
    assert "International Women's Day guest session and blog" in out
    assert (
        "https://intranet.example.nhs.uk/blog/2021/lgbtq-history-month-celebration (placeholder)"
        in out
    )
    assert main(["--config", config, "campaigns", "--year", "2021", "-f", "json"]) == 0
    plan = {c["campaign"]: c for c in json.loads(capsys.readouterr().out)}
    seeds = plan
    # The recurring examples start in 2024 (`since`), so 2021 shows the two seeds only.
    assert set(seeds) == {
        "lgbtq-history-month-2021-greater-manchester",
        "international-womens-day-2021-guest-session",
    }
    for campaign in seeds.values():
        blogs = [a for a in campaign["assets"] if a["kind"] == "blog"]
        assert blogs and all(b["url"].startswith("https://intranet.example.nhs.uk/") for b in blogs)
        assert all(b["placeholder_url"] for b in blogs)
    assert plan["lgbtq-history-month-2021-greater-manchester"]["start"] == "2021-02-01"
    assert plan["international-womens-day-2021-guest-session"]["start"] == "2021-03-08"
    # One-off campaigns stay in their year.
    assert main(["--config", config, "campaigns", "--year", "2022", "-f", "json"]) == 0
    assert not any("2021" in c["campaign"] for c in json.loads(capsys.readouterr().out))


def test_owner_filter_and_csv_export(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV has one row per task and asset; --owner keeps only that person's campaigns."""
    config = str(write_config(SHIPPED))
    args = [
        "--config",
        config,
        "campaigns",
        "--year",
        "2026",
        "--owner",
        "hr business",
        "-f",
        "csv",
    ]
    assert main(args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["campaign"] for r in rows} == {"ramadan-eid-manager-guidance"}
    assert sum(r["item"] == "task" for r in rows) == 4
    assert sum(r["item"] != "task" for r in rows) == 3
    guidance = next(r for r in rows if r["item_id"] == "manager-guidance")
    assert guidance["url"].startswith("https://intranet.example.nhs.uk/")


def test_show_lists_tasks_with_dates(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`campaign show` prints owners, each instance and its dated tasks."""
    config = str(write_config(SHIPPED))
    assert (
        main(["--config", config, "campaign", "show", "black-history-month", "--year", "2025"]) == 0
    )
    out = capsys.readouterr().out
    assert "owner: Race equality network lead (race-equality@example.nhs.uk)" in out
    assert "2025: Black History Month 2025-10-01 to 2025-10-31" in out
    # Six weeks before Wed 1 Oct 2025 is Wed 20 Aug 2025.
    assert "[ ] 2025-08-20 invite-stories" in out


def test_new_writes_a_skeleton_that_check_holds_until_filled_in(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`campaign new` writes a commented file; `check` names each placeholder still in it and
    passes once they are filled in; the command never overwrites."""
    from edicalendar.campaigns.files import SKELETON_PLACEHOLDERS

    folder = tmp_path / "campaigns"
    folder.mkdir()
    config = str(write_config(folder))
    args = ["--config", config, "campaign", "new", "--observance", "black-history-month"]
    assert main([*args, "--year", "2027"]) == 0
    written = folder / "black-history-month-2027.toml"
    text = written.read_text()
    assert "# Per-year changes" in text
    capsys.readouterr()
    assert main(["--config", config, "check"]) == 1
    problems = capsys.readouterr().err.splitlines()
    assert problems[-1] == "6 problems found"
    assert all("still holds the skeleton's" in p for p in problems[:-1])
    assert problems[0].startswith(f"{written}:7: black-history-month-2027: title: ")
    filled = text
    for placeholder in SKELETON_PLACEHOLDERS:
        filled = filled.replace(placeholder, "Asha Khan" if "(" in placeholder else "a@nhs.net")
    written.write_text(filled)
    assert main(["--config", config, "check"]) == 0
    assert main([*args, "--year", "2027"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_new_refuses_a_campaign_id_that_exists(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the shipped campaigns, `campaign new --observance black-history-month` names the file
    that already holds that campaign, with or without -o, and writes nothing."""
    config = str(write_config(SHIPPED))
    args = ["--config", config, "campaign", "new", "--observance", "black-history-month"]
    elsewhere = tmp_path / "copy.toml"
    for extra in ([], ["-o", str(elsewhere)]):
        capsys.readouterr()
        assert main([*args, *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: campaign 'black-history-month' already exists at ")
        assert "black-history-month.toml:4" in err and "--id" in err
        assert len(err.splitlines()) == 1
    assert not elsewhere.exists()
    assert main(["--config", config, "campaign", "new", "--observance", "black-histry-month"]) == 2
    assert "did you mean 'black-history-month'" in capsys.readouterr().err


def test_shipped_campaigns_name_shipped_observances() -> None:
    """Every observance id in campaigns/ exists in the shipped calendars/ and dates each year."""
    from edicalendar.calendar.catalog import load_catalog
    from edicalendar.campaigns.files import load_campaigns

    root = Path(__file__).resolve().parents[2]
    catalog = load_catalog(root / "calendars")
    loaded = load_campaigns(SHIPPED, catalog, check_years=range(2021, 2031))
    assert [str(p) for p in loaded.problems] == []
    assert len(loaded.campaigns) == 6


def test_upcoming_shows_the_recurring_examples_tasks(
    write_config: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`upcoming` lists the shipped Black History Month tasks due and overdue in late September."""
    monkeypatch.setenv("COLUMNS", "220")
    config = str(write_config(SHIPPED))
    args = ["--config", config, "upcoming", "--from", "2026-09-21", "--days", "14"]
    assert main([*args, "-f", "json"]) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    bhm = {t["task"]: t for t in tasks if t["campaign"] == "black-history-month"}
    # Thu 1 Oct 2026: three working days back is Mon 28 Sep; ten back is Thu 17 Sep (overdue);
    # six weeks back is Thu 20 Aug (overdue).
    assert bhm["update-resources"]["due"] == "2026-09-28"
    assert not bhm["update-resources"]["overdue"]
    assert (bhm["draft-blog"]["due"], bhm["draft-blog"]["overdue"]) == ("2026-09-17", True)
    assert (bhm["invite-stories"]["due"], bhm["invite-stories"]["overdue"]) == ("2026-08-20", True)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Campaign tasks due" in out and "Update the intranet resources page" in out

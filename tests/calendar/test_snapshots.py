"""Snapshot tests: computed dates for every shipped observance, 2000-2075, against the files.

`scripts/generate_snapshots.py` writes `tests/snapshots/<calendar>.json`; here the same
snapshots are rendered in memory and compared, so any change to a rule, an override or the
engine fails with a readable diff until the snapshots are regenerated and the diff reviewed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from support.paths import REPO_ROOT, bare_env


def test_shipped_calendars_match_their_snapshots(repo_root: Path, snapshots: ModuleType) -> None:
    """Every shipped calendar's 2000-2075 dates equal its committed snapshot, file for file."""
    calendars = repo_root / "calendars"
    expected = snapshots.render_all(calendars) if calendars.is_dir() else {}
    diffs = snapshots.diff_snapshots(expected, repo_root / "tests" / "snapshots")
    if diffs:
        shown = "\n".join(diffs)
        if len(shown) > 20_000:
            shown = shown[:20_000] + "\n... (diff truncated)"
        pytest.fail(
            "computed dates differ from tests/snapshots; review the diff, then run\n"
            "  PYTHONPATH=src python scripts/generate_snapshots.py\n\n" + shown,
            pytrace=False,
        )


def test_snapshot_lines_are_one_occurrence_each(repo_root: Path) -> None:
    """Committed snapshots are valid JSON, one occurrence per line, sorted by observance."""
    for path in sorted((repo_root / "tests" / "snapshots").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        ids = [entry["observance"] for entry in document["occurrences"]]
        assert ids == sorted(ids), path
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(document["occurrences"]) + 5, path


def _run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    script = REPO_ROOT / "scripts" / "generate_snapshots.py"
    return subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=bare_env(),
        check=False,
    )


def test_script_writes_one_file_per_calendar_and_check_passes(
    tmp_path: Path, fixture_calendars: Path
) -> None:
    """The script writes a snapshot per calendar file, and --check then reports no difference."""
    out = tmp_path / "snapshots"
    written = _run_script("--calendars", fixture_calendars, "--out", out)
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in out.glob("*.json")) == ["awareness.json", "faith.json"]
    first = {p.name: p.read_bytes() for p in out.glob("*.json")}
    again = _run_script("--calendars", fixture_calendars, "--out", out)
    assert again.returncode == 0
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == first  # stable output
    checked = _run_script("--calendars", fixture_calendars, "--out", out, "--check")
    assert checked.returncode == 0, checked.stdout


def test_changed_rule_shows_as_a_readable_diff(tmp_path: Path, fixture_calendars: Path) -> None:
    """Moving Black History Month to February fails --check with -/+ lines for that month."""
    out = tmp_path / "snapshots"
    assert _run_script("--calendars", fixture_calendars, "--out", out).returncode == 0
    changed = tmp_path / "changed"
    changed.mkdir()
    for path in fixture_calendars.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace('{ kind = "month", month = 10 }', '{ kind = "month", month = 2 }')
        (changed / path.name).write_text(text, encoding="utf-8")
    checked = _run_script("--calendars", changed, "--out", out, "--check")
    assert checked.returncode == 1
    assert '-  {"observance": "black-history-month", "instance": "2024", "start": "2024-10-01"' in (
        checked.stdout
    )
    assert (
        '+  {"observance": "black-history-month", "instance": "2024", "start": "2024-02-01", '
        '"end": "2024-02-29"'
    ) in checked.stdout
    assert "faith.json" not in checked.stdout


def test_fixture_snapshot_records_known_dates(
    fixture_catalog: object, snapshots: ModuleType
) -> None:
    """Rendered lines carry instance, dates, status and may_vary_days as published elsewhere."""
    faith = json.loads(snapshots.render_calendar(fixture_catalog, "faith"))["occurrences"]
    ramadan_2030 = [
        e for e in faith if e["observance"] == "ramadan" and e["instance"][:4] == "2030"
    ]
    # Umm al-Qura: 1 Ramadan 1451 = 5 Jan 2030, 1 Ramadan 1452 = 26 Dec 2030 (holidays package
    # table and salahhour.com/statics/islamic_dates/1452).
    assert [(e["instance"], e["start"]) for e in ramadan_2030] == [
        ("2030", "2030-01-05"),
        ("2030-2", "2030-12-26"),
    ]
    assert {e["status"] for e in ramadan_2030} == {"estimated"}
    assert {e["may_vary_days"] for e in ramadan_2030} == {1}
    awareness = json.loads(snapshots.render_calendar(fixture_catalog, "awareness"))["occurrences"]
    leap = [e["start"] for e in awareness if e["observance"] == "leap-day-awareness"]
    assert leap[:3] == ["2000-02-29", "2004-02-29", "2008-02-29"]
    assert "2027-02-28" in leap  # the override, in a common year
    assert len(leap) == 19 + 1  # 19 leap years in 2000-2075, plus the 2027 override
    mhaw = {
        e["instance"]: e for e in awareness if e["observance"] == "mental-health-awareness-week"
    }
    assert (mhaw["2024"]["start"], mhaw["2024"]["status"]) == ("2024-05-13", "confirmed")
    assert (mhaw["2026"]["start"], mhaw["2026"]["status"]) == ("2026-05-11", "provisional")


def test_years_a_rule_cannot_compute_are_recorded_not_dropped(
    fixture_catalog: object, snapshots: ModuleType
) -> None:
    """Past the Umm al-Qura table a snapshot line names the year and the error instead."""
    text = snapshots.render_calendar(fixture_catalog, "faith", 2076, 2077)
    lines = [json.loads(line.strip().rstrip(",")) for line in text.splitlines()[3:-2]]
    errors = [line for line in lines if "error" in line]
    assert {line["observance"] for line in errors} == {
        "ramadan",
        "eid-al-fitr",
        "eid-al-adha",
        "islamic-new-year",
    }
    assert {line["year"] for line in errors} == {2077}
    assert errors[0]["error"].endswith("supported years are 1925-2076 (Umm al-Qura table)")
    hebrew_2077 = [line for line in lines if line.get("instance") == "2077"]
    assert {line["observance"] for line in hebrew_2077} >= {"rosh-hashanah", "pesach"}

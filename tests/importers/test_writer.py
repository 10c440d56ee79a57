"""The calendar file is updated in place, keeping every other byte, atomically or not at all."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from edicalendar.calendar.catalog import load_catalog
from support.cli import CliRunner

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260320\r\n"
    "SUMMARY:Eid al-Fitr\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260511\r\n"
    "DTEND;VALUE=DATE:20260518\r\nSUMMARY:Mental Health Awareness Week\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:3\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260331\r\n"
    "SUMMARY:Trans Day of Visibility\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.fixture
def source(workdir: Path) -> Path:
    path = workdir / "three.ics"
    path.write_text(ICS, newline="")
    return path


def _removed_lines(old: str, new: str) -> list[str]:
    """Lines of `old` missing from `new` in order (an LCS check, independent of the writer)."""
    import difflib

    matcher = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True), False)
    removed: list[str] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed.extend(old.splitlines(True)[i1:i2])
    return removed


def test_comments_and_bytes_kept(workdir: Path, source: Path, run_cli: CliRunner) -> None:
    """Every original line, comments included, survives byte for byte and in order."""
    target = workdir / "calendars" / "trust.toml"
    old = target.read_text()
    result = run_cli("import", str(source), "--calendar", "trust")
    assert result.code == 0, result.err
    new = target.read_text()
    assert _removed_lines(old, new) == []
    assert new.startswith(old[: old.index("[[observance]]")])  # header comments untouched
    assert '# Faith festivals below.\n[[observance]]\nid = "eid-al-fitr"' in new
    added = len(new.splitlines()) - len(old.splitlines())
    assert added > 0
    catalog = load_catalog(workdir / "calendars")
    assert set(catalog.observances) >= {"eid-al-fitr", "trans-day-of-visibility"}


def test_crlf_file_stays_crlf(workdir: Path, source: Path, run_cli: CliRunner) -> None:
    """A file saved with Windows line endings keeps them, new lines included."""
    target = workdir / "calendars" / "trust.toml"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    old = target.read_bytes()
    assert run_cli("import", str(source), "--calendar", "trust").code == 0
    new = target.read_bytes()
    assert new != old
    assert new.count(b"\n") == new.count(b"\r\n")


def test_dry_run_prints_diff_and_writes_nothing(
    workdir: Path, source: Path, run_cli: CliRunner
) -> None:
    """--dry-run shows a unified diff of the change and leaves the file alone."""
    target = workdir / "calendars" / "trust.toml"
    before = target.read_bytes()
    result = run_cli("import", str(source), "--calendar", "trust", "--dry-run")
    assert result.code == 0
    assert "--- a/calendars/trust.toml\n+++ b/calendars/trust.toml\n" in result.out
    assert "+[observance.years.2026]\n+start = 2026-03-20\n" in result.out
    assert "(dry run, nothing written)" in result.out
    assert target.read_bytes() == before


def test_failed_rename_leaves_file_and_no_temporary(
    workdir: Path, source: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the calendar is unchanged and the temporary file is removed."""
    target = workdir / "calendars" / "trust.toml"
    before = target.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = run_cli("import", str(source), "--calendar", "trust")
    assert result.code == 3
    assert "No space left on device" in result.err
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["trust.toml"]


def test_result_that_would_not_load_is_refused(
    workdir: Path, source: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result the catalog loader rejects (here: no categories) is never put in place."""
    from edicalendar.importers import mapping

    monkeypatch.setattr(mapping, "guess_categories", lambda *args: [])
    target = workdir / "calendars" / "trust.toml"
    before = target.read_bytes()
    result = run_cli("import", str(source), "--calendar", "trust")
    assert result.code == 1
    assert "calendars/trust.toml:" in result.err
    assert "trans-day-of-visibility: categories" in result.err
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["trust.toml"]


def test_inline_years_cannot_be_extended(workdir: Path, source: Path, run_cli: CliRunner) -> None:
    """Years written as an inline table cannot take a new table; the import stops cleanly."""
    target = workdir / "calendars" / "trust.toml"
    text = target.read_text().replace(
        "begins_evening_before = true\n",
        'begins_evening_before = true\nyears = { "2025" = { note = "moon sighting" } }\n',
    )
    target.write_text(text)
    result = run_cli("import", str(source), "--calendar", "trust")
    assert result.code == 1
    assert "would not be valid TOML" in result.err
    assert target.read_text() == text


def test_file_changed_meanwhile_is_not_overwritten(workdir: Path) -> None:
    """replace_atomically refuses when the file no longer holds what the import read."""
    from edicalendar.errors import WriteError
    from edicalendar.importers.writer import replace_atomically

    target = workdir / "calendars" / "trust.toml"
    current = target.read_text()
    with pytest.raises(WriteError, match="changed by someone else"):
        replace_atomically(target, "calendars/trust.toml", "stale", current + "\n", [])
    assert target.read_text() == current


def test_new_calendar_file_is_created(workdir: Path, source: Path, run_cli: CliRunner) -> None:
    """Importing into a calendar that does not exist creates it with a [calendar] header."""
    result = run_cli("import", str(source), "--calendar", "imported")
    assert result.code == 0, result.err
    text = (workdir / "calendars" / "imported.toml").read_text()
    assert text.startswith('[calendar]\ntitle = "Imported"\n')
    # Names in other calendars are not duplicated: they are reported as skipped.
    assert "matches 'eid-al-fitr' in calendar 'trust'" in result.out
    catalog = load_catalog(workdir / "calendars")
    assert catalog.observances["trans-day-of-visibility"].calendar == "imported"


def test_dates_added_under_a_theme_only_year(
    workdir: Path, source: Path, run_cli: CliRunner
) -> None:
    """A year that so far holds only a theme gets its dates under the same table header."""
    target = workdir / "calendars" / "trust.toml"
    text = target.read_text().replace(
        "# trailing comment at end of file\n",
        '\n[observance.years.2026]\ntheme = "Community"  # announced in March\n'
        "# trailing comment at end of file\n",
    )
    target.write_text(text)
    result = run_cli("import", str(source), "--calendar", "trust")
    assert result.code == 0, result.err
    new = target.read_text()
    assert _removed_lines(text, new) == []
    assert (
        '[observance.years.2026]\nstart = 2026-05-11\nend = 2026-05-17\nsource = "three.ics"\n'
        'theme = "Community"  # announced in March\n'
    ) in new
    year = load_catalog(workdir / "calendars").observances["mental-health-awareness-week"].years
    assert (year["2026"].theme, year["2026"].start) == (
        "Community",
        dt.date(2026, 5, 11),
    )

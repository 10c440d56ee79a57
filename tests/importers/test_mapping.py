"""Mapping imported events onto observances: matching, per-year confirmation, new entries."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.importers.mapping import Action, infer_rule, plan_import
from edicalendar.importers.names import guess_categories, similarity, slug
from edicalendar.importers.review import span_against_name, us_convention
from edicalendar.importers.source import SourceEvent
from edicalendar.model import Category
from support.cli import CliRunner
from support.paths import REPO_ROOT

D = dt.date


def _event(name: str, start: dt.date, end: dt.date | None = None, line: int = 1) -> SourceEvent:
    return SourceEvent(name=name, start=start, end=end or start, source="s.csv", line=line)


@pytest.mark.parametrize(
    ("left", "right", "matches"),
    [
        ("LGBT+ History Month 2026", "LGBTQ+ history month (UK)", True),
        ("Internatonal Womens Day", "International Women's Day", True),
        ("International Men's Day", "International Women's Day", False),
        ("Eid al-Fitr", "Eid al-Adha", False),
        ("Black History Month (US)", "Black History Month", False),
        ("Holodomor Memorial Day", "Holocaust Memorial Day", False),
    ],
)
def test_similarity(left: str, right: str, matches: bool) -> None:
    """Spelling variants match; names that differ in a word never do, however alike."""
    assert (similarity(left, right) >= 0.85) is matches


def test_close_match_updates_with_score(fixtures: Path) -> None:
    """A misspelt name updates the observance and the report carries the difflib score."""
    catalog = load_catalog_dir(fixtures)
    plan = plan_import(
        [_event("Mental Helth Awareness Week", D(2026, 5, 11), D(2026, 5, 17))],
        catalog,
        "trust",
        "s.csv",
    )
    (change,) = plan.changes
    assert change.action is Action.UPDATED
    assert change.observance_id == "mental-health-awareness-week"
    assert change.score is not None and 0.85 <= change.score < 1
    assert "close match, score 0.98" in change.detail


def test_existing_year_kept_and_conflict_reported(tmp_path: Path, fixtures: Path) -> None:
    """A recorded year is unchanged when it agrees and reported, not overwritten, when not."""
    shutil.copy(fixtures / "trust.toml", tmp_path / "trust.toml")
    text = (tmp_path / "trust.toml").read_text() + (
        '\n[observance.years.2025]\nstart = 2025-05-12\nend = 2025-05-18\nsource = "https://x"\n'
    )
    (tmp_path / "trust.toml").write_text(text)
    catalog = load_catalog(tmp_path)
    events = [
        _event("Mental Health Awareness Week", D(2025, 5, 12), D(2025, 5, 18), 2),
        _event("Mental Health Awareness Week", D(2025, 5, 19), D(2025, 5, 25), 3),
    ]
    plan = plan_import(events[:1], catalog, "trust", "s.csv")
    assert [c.action for c in plan.changes] == [Action.UNCHANGED]
    plan = plan_import(events[1:], catalog, "trust", "s.csv")
    assert [c.action for c in plan.changes] == [Action.REPORTED]
    assert "records 2025-05-12 to 2025-05-18" in plan.changes[0].detail
    assert not plan.updates


def test_observance_in_other_calendar_is_skipped(fixtures: Path) -> None:
    """A name belonging to another calendar file is reported, never duplicated in this one."""
    catalog = load_catalog_dir(fixtures)
    plan = plan_import([_event("Black History Month", D(2026, 10, 1), D(2026, 10, 31))],
                       catalog, "other", "s.csv")  # fmt: skip
    assert [c.action for c in plan.changes] == [Action.SKIPPED]
    assert not plan.new


def test_us_conventions_flagged() -> None:
    """February Black History Month and October LGBT+ History Month are flagged as US usage."""
    bhm = us_convention(_event("Black History Month", D(2026, 2, 1), D(2026, 2, 28)))
    lgbt = us_convention(_event("LGBTQ+ History Month", D(2026, 10, 1), D(2026, 10, 31)))
    assert bhm is not None and "the UK marks it in October" in bhm.message
    assert lgbt is not None and "the UK marks it in February" in lgbt.message
    assert us_convention(_event("Black History Month", D(2026, 10, 1), D(2026, 10, 31))) is None


def test_span_against_name() -> None:
    """A "Week" of ten days or a "Day" over three days is flagged; a Mon-Fri week is not."""
    assert span_against_name(_event("Carers Week", D(2026, 6, 8), D(2026, 6, 17))) is not None
    assert span_against_name(_event("World AIDS Day", D(2026, 12, 1), D(2026, 12, 3))) is not None
    assert span_against_name(_event("EDHR Week", D(2026, 5, 11), D(2026, 5, 15))) is None


@pytest.mark.parametrize(
    ("spans", "kind"),
    [
        ([(D(2026, 3, 8), D(2026, 3, 8)), (D(2027, 3, 8), D(2027, 3, 8))], "fixed"),
        ([(D(2024, 2, 1), D(2024, 2, 29)), (D(2025, 2, 1), D(2025, 2, 28))], "month"),
        # Inter Faith Week: second Sunday of November for 8 days (2025: 9-16 Nov).
        ([(D(2025, 11, 9), D(2025, 11, 16)), (D(2026, 11, 8), D(2026, 11, 15))], "nth_weekday"),
        ([(D(2026, 11, 14), D(2026, 12, 20))], "span"),
    ],
)
def test_infer_rule(spans: list[tuple[dt.date, dt.date]], kind: str) -> None:
    """Fixed days, whole months, weekday patterns and spans are recognised from dates."""
    rule, _, exact, _ = infer_rule(spans)
    assert exact and rule["kind"] == kind


def test_lunar_dates_get_placeholder_rule() -> None:
    """Dates that move between years (Eid al-Fitr 2026, 2027) get a placeholder and years."""
    _, _, exact, why = infer_rule(
        [(D(2026, 3, 20), D(2026, 3, 20)), (D(2027, 3, 10), D(2027, 3, 10))]
    )
    assert not exact and why == "dates differ between years"


def test_slug_and_categories() -> None:
    """Ids are ASCII slugs without years; categories come from words, tags and keywords."""
    assert slug("Rosh Hashanah 2026") == "rosh-hashanah"
    assert slug("Día de Muertos") == "dia-de-muertos"
    assert guess_categories("Diwali", (), "Hindu") == [Category.RELIGION_BELIEF]
    assert guess_categories("Something", ("Disability",), None) == [Category.DISABILITY]
    assert guess_categories("Staff social", (), None) == [Category.GENERAL_EDI]


def test_shipped_calendar_matches_by_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: CliRunner
) -> None:
    """Against the shipped data, "Diwali" finds "Diwali (Deepavali)" instead of a duplicate."""
    shipped = REPO_ROOT / "calendars"
    shutil.copytree(shipped, tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("Name,Date\nDiwali,2026-11-08\n")
    result = run_cli("import", "d.csv", "--calendar", "hindu", "--dry-run")
    assert result.code == 0, result.err
    assert "diwali-2" not in result.out
    assert "0 added" in result.out


def load_catalog_dir(fixtures: Path) -> Any:
    from edicalendar.calendar.catalog import load_files

    return load_files([fixtures / "trust.toml"])

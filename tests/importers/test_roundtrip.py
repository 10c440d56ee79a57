"""Round trip: every default feed the project publishes, imported into an empty calendar,
gives the same occurrences back (names and dates) over the feed's window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.context import AppContext
from edicalendar.feeds.events import occurrence_events
from edicalendar.feeds.specs import FeedSpec
from edicalendar.importers import ImportOptions, run_import
from edicalendar.model import FixedRule, MonthRule, NthWeekdayRule, SpanRule
from support.clock import Clock
from support.feeds import build_spec
from support.paths import REPO_ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip"
START, END = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def _context(calendars: Path, tmp_path: Path) -> AppContext:
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{calendars.as_posix()}"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n'
    )
    return AppContext(config_path=config, now=Clock(NOW))


def _round_trip(ctx: AppContext, spec: FeedSpec, tmp_path: Path) -> tuple[set[object], Path]:
    feed = tmp_path / f"{spec.name}.ics"
    feed.write_bytes(build_spec(ctx, spec, START, END, stateless=True))
    target = tmp_path / f"imported-{spec.name}"
    run_import(
        ImportOptions(source=str(feed), calendar="imported"),
        calendars_dir=target,
        data_dir=tmp_path / "data",
        today=NOW.date(),
    )
    if not target.is_dir():
        return set(), target
    found = expand(load_catalog(target), START, END).occurrences
    return {(o.name, o.start, o.end) for o in found}, target


def _expected(ctx: AppContext, spec: FeedSpec) -> set[object]:
    events = occurrence_events(expand(ctx.catalog, START, END).occurrences)
    return {
        (e.summary, e.start, e.end)
        for e in events
        if e.origin is not None and e.origin.passes(spec.filters)
    }


@pytest.mark.parametrize(
    "calendars", [FIXTURE, REPO_ROOT / "calendars"], ids=["fixture", "shipped"]
)
def test_every_default_feed_round_trips(calendars: Path, tmp_path: Path) -> None:
    """Each default feed's occurrences come back unchanged after import into an empty calendar."""
    ctx = _context(calendars, tmp_path)
    specs = ctx.feeds().specs()
    assert {"all", "faith", "awareness", "religion-belief"} <= {s.name for s in specs}
    for spec in specs:
        got, _ = _round_trip(ctx, spec, tmp_path)
        expected = _expected(ctx, spec)
        assert got == expected, (spec.name, sorted(expected - got)[:5], sorted(got - expected)[:5])
    assert len(_expected(ctx, specs[0])) >= 18


def test_rules_recognised_from_the_feed(tmp_path: Path) -> None:
    """Fixed, monthly, span and weekday rules are recognised; lunar ones await a reviewer."""
    ctx = _context(FIXTURE, tmp_path)
    (spec,) = [s for s in ctx.feeds().specs() if s.name == "all"]
    _, target = _round_trip(ctx, spec, tmp_path)
    catalog = load_catalog(target)
    rules = {o.id: o.rule for o in catalog.observances.values()}
    assert rules["international-womens-day"] == FixedRule(3, 8)
    assert rules["lgbt-history-month"] == MonthRule(2)
    assert rules["south-asian-heritage-month"] == SpanRule(7, 18, 8, 17)
    assert isinstance(rules["mental-health-awareness-week"], NthWeekdayRule)
    eid = catalog.observances["eid-al-fitr"]
    assert eid.begins_evening_before and eid.announced
    lgbt = catalog.observances["lgbt-history-month"]
    assert [c.value for c in lgbt.categories] == ["sexual_orientation", "gender_reassignment"]
    text = (target / "imported.toml").read_text()
    assert "# review: rule is a placeholder (dates differ between years)" in text
    assert text.startswith('[calendar]\ntitle = "EDI calendar: everything"\n')
    # The feed's status wording is not imported as part of the description.
    assert "Estimated date" not in text and "Provisional date" not in text

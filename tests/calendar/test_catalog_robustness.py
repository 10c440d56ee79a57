"""Arbitrary calendar files never crash the loader: they load, or fail with located problems.

Hypothesis writes observance tables mixing valid and invalid keys, values and rule kinds; the
loader must return a catalog or raise `CatalogError` (whose problems each name the file), and
any catalog it returns must expand without an unexpected exception.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.errors import CatalogError, EdicalendarError

scalars = st.one_of(
    st.integers(min_value=-40, max_value=40),
    st.booleans(),
    st.sampled_from(["", "x", "mon", "fri", "tishrei", "adar", "western", "orthodox", "sex"]),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2080, 12, 31)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))
RULE_KEYS = [
    "kind", "month", "day", "start_month", "start_day", "end_month", "end_day", "weekday",
    "nth", "offset_days", "offset", "calendar", "rrule", "whole_month", "festival", "colour",
]  # fmt: skip
KINDS = ["fixed", "span", "month", "nth_weekday", "easter", "rrule", "hijri", "hebrew", "nope"]


VALID_RULES: list[dict[str, Any]] = [
    {"kind": "fixed", "month": 2, "day": 29},
    {"kind": "span", "start_month": 2, "start_day": 29, "end_month": 2, "end_day": 1},
    {"kind": "month", "month": 12},
    {"kind": "nth_weekday", "month": 2, "weekday": "mon", "nth": 5, "offset_days": -31},
    {"kind": "easter", "offset": -200, "calendar": "orthodox"},
    {"kind": "rrule", "rrule": "FREQ=DAILY;BYHOUR=9,17"},
    {"kind": "hijri", "month": 12, "day": 30},
    {"kind": "hijri", "month": 9, "whole_month": True},
    {"kind": "hebrew", "month": "kislev", "day": 30},
    {"kind": "hebrew", "month": "adar_i", "day": 30},
]


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return dict(draw(st.sampled_from(VALID_RULES)))
    rule: dict[str, Any] = {"kind": draw(st.sampled_from(KINDS))}
    for key in draw(st.lists(st.sampled_from(RULE_KEYS[1:]), max_size=5, unique=True)):
        rule[key] = draw(values)
    if rule["kind"] == "rrule" and "rrule" in rule:
        rule["rrule"] = draw(
            st.sampled_from(["FREQ=YEARLY", "FREQ=MONTHLY;BYDAY=1FR", "NOT A RULE", "COUNT=2"])
        )
    return rule


@st.composite
def valid_observances(draw: st.DrawFn) -> dict[str, Any]:
    """Entries the loader must accept, at the edges of what each key allows."""
    entry: dict[str, Any] = {
        "id": draw(st.sampled_from(["a", "b", "c-d", "e", "f"])),
        "name": "N",
        "categories": ["sex"],
        "rule": dict(draw(st.sampled_from(VALID_RULES))),
        "description": "D",
        "sources": ["s"],
        "duration_days": draw(st.integers(min_value=1, max_value=400)),
        "begins_evening_before": draw(st.booleans()),
        "announced": draw(st.booleans()),
    }
    if draw(st.booleans()):
        start = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2025, 12, 31)))
        key = str(start.year) + draw(st.sampled_from(["", "-2"]))
        entry["years"] = {
            key: {
                "start": start,
                "end": start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=40))),
                "source": "https://example.org",
            },
            "2026": {"cancelled": True},
        }
    return entry


@st.composite
def observances(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return draw(valid_observances())
    entry: dict[str, Any] = {
        "id": draw(st.sampled_from(["a", "b", "c-d", "e", "f", "g", "Bad Id"])),
        "name": "N",
        "categories": draw(st.sampled_from([["sex"], ["sex"], [], ["nope"], ["race", "age"]])),
        "rule": draw(rules()),
        "description": "D",
        "sources": draw(st.sampled_from([["s"], ["s"], [], [""]])),
    }
    for key in draw(
        st.lists(
            st.sampled_from(["duration_days", "announced", "fasting", "url"] * 3 + ["extra"]),
            max_size=3,
            unique=True,
        )
    ):
        entry[key] = draw(values)
    if entry.get("duration_days") is not None and draw(st.booleans()):
        entry["duration_days"] = draw(st.integers(min_value=1, max_value=400))
    if draw(st.booleans()):
        start = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)))
        entry["years"] = {
            draw(st.sampled_from(["2024", "2025", "2030-2", "twenty"])): {
                "start": start,
                "end": start + dt.timedelta(days=draw(st.integers(min_value=-3, max_value=9))),
                "source": draw(st.sampled_from(["", "https://example.org"])),
            }
        }
    return entry


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(observances(), min_size=1, max_size=4, unique_by=lambda entry: entry["id"]))
def test_any_calendar_file_loads_or_reports_problems(entries: list[dict[str, Any]]) -> None:
    """The loader either succeeds or raises CatalogError; expansion then raises nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "random.toml").write_text(
            tomlkit.dumps({"observance": entries}), encoding="utf-8"
        )
        try:
            catalog = load_catalog(folder, display_root=folder)
        except CatalogError as exc:
            assert exc.problems
            assert all(str(p).startswith("random.toml") for p in exc.problems)
            return
        try:
            expansion = expand(catalog, dt.date(2023, 12, 1), dt.date(2026, 1, 31))
        except EdicalendarError:
            return  # a rule error is a reported failure with a message, not a crash
        for occ in expansion.occurrences:
            assert occ.start <= occ.end
            assert occ.end >= dt.date(2023, 12, 1) and occ.start <= dt.date(2026, 1, 31)

"""The planning view's arithmetic: months and quarters, the gaps (observances no campaign covers),
overdue work and whose work an item is."""

from __future__ import annotations

import datetime as dt

import pytest

from edicalendar.campaigns.planning import (
    Period,
    belongs_to,
    gaps,
    overdue,
    parse_period,
    period_of,
    work_items,
)
from edicalendar.errors import QueryError
from edicalendar.model import AssetStatus, Owner
from support.builders import make_instance, make_occurrence

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-03", D(2026, 3, 1), D(2026, 3, 31), "March 2026"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "January to March 2026"),
        ("2026-q4", D(2026, 10, 1), D(2026, 12, 31), "October to December 2026"),
        ("2021-Q2", D(2021, 4, 1), D(2021, 6, 30), "April to June 2021"),
    ],
)
def test_periods_are_whole_months_and_quarters(text: str, start: D, end: D, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "March", "2026-3", "26-Q1", "9999-01"])
def test_a_bad_period_names_itself(text: str) -> None:
    with pytest.raises(QueryError, match=f"period: '{text}' is not a month or quarter"):
        parse_period(text)


def test_periods_step_across_years_and_switch_kind() -> None:
    december = period_of(D(2026, 12, 25), "month")
    assert december.shifted(1) == Period("month", D(2027, 1, 1), D(2027, 1, 31))
    q1 = period_of(D(2027, 2, 14), "quarter")
    assert q1.shifted(-1).key == "2026-Q4" and q1.shifted(4).key == "2028-Q1"
    assert q1.as_kind("month").key == "2027-01"
    assert [m.key for m in q1.months()] == ["2027-01", "2027-02", "2027-03"]


def test_gaps_are_occurrences_no_campaign_covers() -> None:
    iwd = make_occurrence()
    bhm = make_occurrence(
        "black-history-month", "Black History Month", D(2026, 10, 1), D(2026, 10, 31)
    )
    covered = make_instance("iwd", occurrence=iwd)
    assert gaps([iwd, bhm], [covered]) == [bhm]
    assert gaps([iwd, bhm], []) == [iwd, bhm]


def test_overdue_is_open_work_past_its_date_in_the_last_ninety_days() -> None:
    instance = make_instance(
        tasks=(
            ("old", "Long ago", D(2025, 11, 1), False, None),
            ("late", "Late", D(2026, 3, 1), False, None),
            ("done", "Done", D(2026, 3, 1), True, None),
            ("next", "Next", D(2026, 3, 20), False, None),
        ),
        assets=(
            ("blog", "Blog", None, AssetStatus.DRAFTING, D(2026, 3, 2)),
            ("post", "Post", "https://x.example/p", AssetStatus.PUBLISHED, D(2026, 3, 2)),
        ),
    )
    found = overdue(work_items([instance]), D(2026, 3, 5))
    assert [(w.kind, w.item_id) for w in found] == [("task", "late"), ("asset", "blog")]


def test_work_belongs_to_its_owner_by_email_else_by_name() -> None:
    owners = (Owner("Asha Khan", "asha.khan@nhs.net"), Owner("Race equality network"))
    instance = make_instance(
        owners=owners,
        tasks=(
            ("a", "Named", D(2026, 3, 1), False, "Race equality network"),
            ("b", "Nobody named: the first owner's", D(2026, 3, 1), False, None),
            ("c", "By email", D(2026, 3, 1), False, "asha.khan@nhs.net"),
        ),
    )
    items = {w.item_id: w for w in work_items([instance])}
    assert belongs_to(items["b"], "Asha Khan", "ASHA.KHAN@nhs.net")
    assert belongs_to(items["c"], "Someone", "asha.khan@nhs.net")
    assert not belongs_to(items["a"], "Asha Khan", "asha.khan@nhs.net")
    assert belongs_to(items["a"], "Race equality network", "rel@nhs.net")

"""The month grid puts every occurrence on exactly the days the calendar page promises."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from edicalendar.model import Category, Occurrence, Status
from edicalendar.web.views import LONG_DAYS, month_grid


def _occurrence(start: dt.date, days: int, number: int) -> Occurrence:
    return Occurrence(
        observance_id=f"o{number}", name=f"Observance {number}", start=start,
        end=start + dt.timedelta(days=days - 1), categories=(Category.RACE,),
        status=Status.CONFIRMED, may_vary_days=0, begins_evening_before=False,
        description="", url=None, calendar="test", year=start.year, instance=str(start.year),
    )  # fmt: skip


spans = st.lists(
    st.tuples(st.dates(dt.date(2026, 1, 20), dt.date(2026, 3, 10)), st.integers(1, 40)),
    max_size=25,
)


@given(spans)
def test_each_day_lists_the_short_ones_covering_it_then_the_long_ones_starting(spans) -> None:
    """Short occurrences (a week or less) appear on every day of February they cover, in the
    order given; longer ones only on their first day, and above the grid."""
    occurrences = [_occurrence(start, days, n) for n, (start, days) in enumerate(spans)]
    first = dt.date(2026, 2, 1)
    weeks, long_items = month_grid(first, occurrences, dt.date(2026, 2, 14))
    assert long_items == [o for o in occurrences if o.days > LONG_DAYS]
    cells = [cell for week in weeks for cell in week if cell.day is not None]
    assert [c.day for c in cells] == [first + dt.timedelta(days=n) for n in range(28)]
    for cell in cells:
        assert cell.day is not None
        short = [o for o in occurrences if o.days <= LONG_DAYS and o.covers(cell.day)]
        starting = [o for o in long_items if o.start == cell.day]
        assert cell.items == short + starting
        assert cell.today == (cell.day == dt.date(2026, 2, 14))
    assert all(len(week) == 7 for week in weeks)

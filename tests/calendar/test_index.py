"""The shared occurrence index gives exactly what a fresh expansion gives, for any window.

The reference is `expand_observances`, which dates every selected observance for every year of
the window afresh (the engine's own straight path, kept for observances outside a catalog); the
index must agree with it on occurrences, their order and the warnings, whatever the window,
filter or order of questions, and whichever thread asks.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.index import OccurrenceIndex
from edicalendar.calendar.occurrences import expand, expand_observances
from edicalendar.errors import UnsupportedYearError
from edicalendar.model import Category
from support.paths import REPO_ROOT


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO_ROOT / "calendars")


def _reference(catalog: Catalog, start: dt.date, end: dt.date, only: ObservanceFilter):
    observances = only.select(catalog.observances.values())
    return expand_observances(observances, start, end, catalog.conventions)


windows = st.tuples(
    st.dates(dt.date(1948, 1, 1), dt.date(2080, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
filters = st.builds(
    ObservanceFilter.of,
    categories=st.lists(st.sampled_from(list(Category)), max_size=2),
    exclude_categories=st.lists(st.sampled_from(list(Category)), max_size=1),
)


@settings(max_examples=60, deadline=None)
@given(window=windows, only=filters)
def test_any_window_and_filter_matches_a_fresh_expansion(
    shipped: Catalog, window: tuple[dt.date, int], only: ObservanceFilter
) -> None:
    """Occurrences, their order, the warnings and the skipped years (before an observance's
    `since`, or beyond a table) equal the straight expansion's."""
    start, days = window
    end = start + dt.timedelta(days=days)
    got = expand(shipped, start, end, only)
    want = _reference(shipped, start, end, only)
    assert got.occurrences == want.occurrences
    assert got.warnings == want.warnings
    assert got.skipped == want.skipped
    assert expand(shipped, start, end, only) == got  # asked again: the kept listing


def test_years_before_an_observance_began_are_skipped_not_dated(shipped: Catalog) -> None:
    """An observance with a `since` year is listed as skipped (not warned about) before it."""
    started = next(o for o in shipped.observances.values() if o.since and o.since > 1960)
    start, end = dt.date(started.since - 2, 1, 1), dt.date(started.since, 12, 31)
    got = expand(shipped, start, end, ObservanceFilter.of(observances=[started.id]))
    assert [(s.year, s.reason) for s in got.skipped] == [
        (started.since - 2, "before_since"),
        (started.since - 1, "before_since"),
    ]
    assert got.warnings == []
    assert {o.year for o in got.occurrences} == {started.since}


def test_other_conventions_get_an_index_of_their_own(shipped: Catalog) -> None:
    """The same catalog under other conventions dates festivals by them, as the straight
    expansion does, without disturbing the default index."""
    from edicalendar.calendar.conventions import Conventions

    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    default = expand(shipped, start, end)
    other = Conventions(islamic="uk-moon-sighting")
    moved = expand(shipped, start, end, conventions=other)
    assert moved.occurrences != default.occurrences
    straight = expand_observances(shipped.observances.values(), start, end, other)
    assert moved.occurrences == straight.occurrences
    assert expand(shipped, start, end) == default


def test_one_day_inside_a_month_long_observance_is_found(shipped: Catalog) -> None:
    """A day in the middle of a month (Black History Month, 15 October) finds the month, and
    a window of one day finds the occurrences that merely overlap it."""
    day = dt.date(2026, 10, 15)
    got = expand(shipped, day, day)
    assert "black-history-month" in {o.observance_id for o in got.occurrences}
    assert all(o.start <= day <= o.end for o in got.occurrences)
    assert got.occurrences == _reference(shipped, day, day, ObservanceFilter()).occurrences


def test_spans_reaching_in_from_the_year_before_are_found(shipped: Catalog) -> None:
    """1 January finds occurrences that started in December (Hanukkah 2024 ran 26 December 2024
    to 2 January 2025, as published by Chabad.org)."""
    day = dt.date(2025, 1, 1)
    names = {o.observance_id: o for o in expand(shipped, day, day).occurrences}
    hanukkah = names["hanukkah"]
    assert hanukkah.start == dt.date(2024, 12, 26)
    assert hanukkah.end == dt.date(2025, 1, 2)


def test_observance_filter_uses_the_per_observance_lists(shipped: Catalog) -> None:
    """Asking for one observance over three years gives exactly its own occurrences."""
    only = ObservanceFilter.of(observances=["ramadan"])
    start, end = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
    got = expand(shipped, start, end, only)
    assert [o.observance_id for o in got.occurrences] == ["ramadan"] * 3
    assert got.occurrences == _reference(shipped, start, end, only).occurrences


def test_years_outside_the_tables_warn_once_per_observance(shipped: Catalog) -> None:
    """Beyond the Umm al-Qura table (the engine dates Hijri observances to 2076) they warn,
    as the straight expansion does, once per observance with the years as a range; a look-back
    year adds no warning of its own."""
    start, end = dt.date(2077, 1, 1), dt.date(2078, 12, 31)
    got = expand(shipped, start, end)
    assert got.warnings == _reference(shipped, start, end, ObservanceFilter()).warnings
    assert "ramadan: cannot compute 2077-2078;" in " ".join(got.warnings)
    assert not any("cannot compute 2076" in w for w in got.warnings)
    with pytest.raises(UnsupportedYearError):
        shipped.index.in_year(shipped.observances["ramadan"], 2078)


def test_in_year_reads_the_expanded_year(shipped: Catalog) -> None:
    """Once a year is expanded, one observance's occurrences are the very same objects."""
    ramadan = shipped.observances["ramadan"]
    listed = expand(shipped, dt.date(2030, 1, 1), dt.date(2030, 12, 31)).occurrences
    from_index = shipped.index.in_year(ramadan, 2030)
    # Ramadan begins twice in 2030 (5 January and 26 December, Umm al-Qura).
    assert [o.instance for o in from_index] == ["2030", "2030-2"]
    assert all(any(o is x for x in listed) for o in from_index)


def test_the_cache_keeps_at_most_max_years(fixture_calendars: Path) -> None:
    """A crawler walking the centuries cannot grow the cache beyond its bound, and an evicted
    year is computed again with the same answer."""
    catalog = load_catalog(fixture_calendars)
    index = OccurrenceIndex(catalog.observances, max_years=4, max_windows=1)
    first = index.expand(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    for year in range(2030, 2040):
        index.expand(dt.date(year, 6, 1), dt.date(year, 6, 30))
    assert len(index.cached_years()) == 4
    assert index.expand(dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == first


def test_a_window_asked_again_is_listed_once_and_each_caller_gets_its_own_list(
    fixture_calendars: Path,
) -> None:
    """The pages and the API ask for the same year again and again: the listing is kept (at
    most `max_windows` of them), and a caller sorting or extending its list changes nobody
    else's."""
    catalog = load_catalog(fixture_calendars)
    index = OccurrenceIndex(catalog.observances, max_windows=2)
    year = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    first = index.expand(*year)
    want = list(first.occurrences)
    assert want
    first.occurrences.reverse()
    first.occurrences.append(want[0])
    first.warnings.append("changed by a caller")
    again = index.expand(*year)
    assert again.occurrences == want
    assert "changed by a caller" not in again.warnings
    assert again.occurrences is not first.occurrences
    for month in range(1, 6):
        index.expand(dt.date(2027, month, 1), dt.date(2027, month, 28))
    assert len(index._windows) == 2
    assert index.expand(*year).occurrences == want


def test_threads_asking_at_once_share_one_expansion(fixture_calendars: Path) -> None:
    """Eight threads asking for the same new year get equal answers, built once."""
    catalog = load_catalog(fixture_calendars)
    results: list[object] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        results.append(expand(catalog, dt.date(2031, 1, 1), dt.date(2031, 12, 31)))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert catalog.index.cached_years().count(2031) == 1


def test_a_copy_of_a_catalog_starts_without_the_index(shipped: Catalog) -> None:
    """Pickled catalogs (the compiled cache) never carry an index or its lock."""
    import pickle

    expand(shipped, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    copy = pickle.loads(pickle.dumps(shipped))
    assert copy == shipped
    assert "index" not in copy.__dict__

"""Which observances a view, feed or query carries: one filter type for every area.

An :class:`ObservanceFilter` is a set of include lists (categories, calendars, observance ids:
every non-empty one must match) and exclude lists (any match excludes). `occurrences.expand`,
the feeds (default, configured and built from a query), the web pages and the CLI all select
through it, so "which observances does the race feed carry" has one answer everywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from edicalendar.model import Category, Observance


@dataclass(frozen=True, slots=True)
class ObservanceFilter:
    """Include lists (each non-empty one must match) and exclude lists (any match excludes).

    A category list matches an observance that shares any category with it. The empty filter
    selects everything.
    """

    categories: tuple[Category, ...] = ()
    calendars: tuple[str, ...] = ()
    observances: tuple[str, ...] = ()
    exclude_categories: tuple[Category, ...] = ()
    exclude_calendars: tuple[str, ...] = ()
    exclude_observances: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        categories: Collection[Category] = (),
        calendars: Collection[str] = (),
        observances: Collection[str] = (),
        exclude_categories: Collection[Category] = (),
        exclude_calendars: Collection[str] = (),
        exclude_observances: Collection[str] = (),
    ) -> ObservanceFilter:
        """A filter from any collections (lists from config, query values, CLI options)."""
        return cls(
            tuple(categories),
            tuple(calendars),
            tuple(observances),
            tuple(exclude_categories),
            tuple(exclude_calendars),
            tuple(exclude_observances),
        )

    def matches(
        self,
        observance_id: str,
        calendar: str,
        categories: Collection[Category | str],
        also_in: Collection[str] = (),
    ) -> bool:
        """Whether an observance with this id, calendar and categories passes the filter.

        `also_in` are further calendars the observance is listed in: a calendar filter matches
        any of them, and excluding its own calendar excludes it only if no listing remains.
        """
        listed = {calendar, *also_in} if also_in else {calendar}
        # Category is a StrEnum, so a category value (str) and its member compare equal.
        if self.categories and not any(c in self.categories for c in categories):
            return False
        if self.calendars and not listed & set(self.calendars):
            return False
        if self.observances and observance_id not in self.observances:
            return False
        if self.exclude_categories and any(c in self.exclude_categories for c in categories):
            return False
        if self.exclude_calendars and not listed - set(self.exclude_calendars):
            return False
        return observance_id not in self.exclude_observances

    def selects(self, observance: Observance) -> bool:
        """Whether `observance` passes the filter."""
        return self.matches(
            observance.id, observance.calendar, observance.categories, observance.also_in
        )

    def select(self, observances: Iterable[Observance]) -> list[Observance]:
        """The observances that pass, in the order given."""
        return [o for o in observances if self.selects(o)]


class Selector(Protocol):
    """Anything that selects observances as :class:`ObservanceFilter` does (a feed query's
    selection combines several filters: see `edicalendar.feeds.query.Selection`)."""

    def matches(
        self,
        observance_id: str,
        calendar: str,
        categories: Collection[Category | str],
        also_in: Collection[str] = (),
    ) -> bool: ...

    def selects(self, observance: Observance) -> bool: ...


#: The filter that selects every observance.
EVERYTHING = ObservanceFilter()

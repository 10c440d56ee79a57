"""Which feeds exist: the default set (everything, one per category, faith, awareness) and config.

A :class:`FeedSpec` names a feed (its file is `{name}.ics`), its calendar title and description,
and the :class:`~edicalendar.calendar.filters.ObservanceFilter` that says which observances it
carries. Pure: the catalog and settings are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edicalendar.calendar.filters import EVERYTHING, ObservanceFilter, Selector
from edicalendar.errors import ConfigError, Problem, UnknownFeedError
from edicalendar.feeds.options import PLAIN, FeedOptions
from edicalendar.model import CATEGORY_LABELS, Category

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.config import FeedDefinition, Settings


#: The communication freezes feed, /feeds/freezes.ics (see feeds.freeze_feed): no custom feed
#: may take its name.
FREEZE_FEED_NAME = "freezes"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A named feed: its file name (`{name}.ics`), calendar title, description and filters,
    and how its events are written (options from the address's query; none for a named feed)."""

    name: str
    title: str
    description: str
    filters: Selector = EVERYTHING
    options: FeedOptions = PLAIN


def _custom_spec(definition: FeedDefinition) -> FeedSpec:
    return FeedSpec(
        name=definition.name,
        title=definition.title,
        description=definition.description or definition.title,
        filters=ObservanceFilter(
            categories=tuple(definition.categories),
            calendars=tuple(definition.calendars),
            observances=tuple(definition.observances),
            exclude_categories=tuple(definition.exclude_categories),
            exclude_calendars=tuple(definition.exclude_calendars),
            exclude_observances=tuple(definition.exclude_observances),
        ),
    )


def default_feeds(
    catalog: Catalog, settings: Settings, *, config_path: str = "config"
) -> list[FeedSpec]:
    """Everything, one feed per category, faith, awareness, then the feeds defined in config.

    Every category feed exists even when no observance carries that category yet, so a
    subscribed address never disappears. Custom feeds that clash with a default name or name
    an unknown calendar or observance raise :class:`ConfigError`.
    """
    specs = [
        FeedSpec(
            "all",
            "EDI calendar: everything",
            "Equality, diversity and inclusion awareness days, weeks and months, and faith "
            "festivals.",
        )
    ]
    for category in Category:
        label = CATEGORY_LABELS[category]
        specs.append(
            FeedSpec(
                category.slug,
                f"EDI calendar: {label}",
                f"Awareness dates and festivals for {label.lower()}.",
                ObservanceFilter(categories=(category,)),
            )
        )
    specs.append(
        FeedSpec(
            "faith",
            "EDI calendar: faith festivals",
            "Festivals and holy days across faiths and beliefs.",
            ObservanceFilter(categories=(Category.RELIGION_BELIEF,)),
        )
    )
    specs.append(
        FeedSpec(
            "awareness",
            "EDI calendar: awareness days",
            "Awareness days, weeks and months (everything except faith festivals).",
            ObservanceFilter(exclude_categories=(Category.RELIGION_BELIEF,)),
        )
    )
    # freezes.ics is published beside the observance feeds under its own name.
    taken = {s.name for s in specs} | {FREEZE_FEED_NAME}
    problems: list[Problem] = []
    for index, definition in enumerate(settings.feeds.custom):
        where = f"feeds.custom.{index}"
        if definition.name in taken:
            problems.append(
                Problem(config_path, None, definition.name, f"{where}.name", "name already used")
            )
        for key in ("calendars", "exclude_calendars"):
            for name in getattr(definition, key):
                if name not in catalog.calendars:
                    known = ", ".join(catalog.calendars)
                    problems.append(
                        Problem(
                            config_path,
                            None,
                            definition.name,
                            f"{where}.{key}",
                            f"unknown calendar {name!r}; known: {known}",
                        )
                    )
        for key in ("observances", "exclude_observances"):
            for ident in getattr(definition, key):
                if catalog.get(ident) is None:
                    problems.append(
                        Problem(
                            config_path,
                            None,
                            definition.name,
                            f"{where}.{key}",
                            f"unknown observance id {ident!r}",
                        )
                    )
        taken.add(definition.name)
        specs.append(_custom_spec(definition))
    recommended = settings.feeds.recommended
    if recommended not in taken:
        problems.append(
            Problem(
                config_path,
                None,
                recommended,
                "feeds.recommended",
                f"no feed named {recommended!r}; feeds are: {', '.join(s.name for s in specs)}",
            )
        )
    if problems:
        raise ConfigError(problems)
    return specs


def find_spec(specs: Sequence[FeedSpec], name: str) -> FeedSpec:
    """The feed called `name` among `specs`; :class:`UnknownFeedError` otherwise."""
    for spec in specs:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in specs)
    raise UnknownFeedError(f"no feed named {name!r}; feeds are: {known}")

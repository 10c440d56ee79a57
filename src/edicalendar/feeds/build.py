"""Building the installation's feeds: the catalog expanded once, every feed rendered from it.

:class:`FeedPublisher` is what the CLI (`feed`, `export`) and the web server both use: it knows
the feed definitions (:mod:`~edicalendar.feeds.specs`), the default window, and where change
tracking lives, and returns rendered bytes together with the warnings (years a rule cannot
date, feeds over 1 MB) for its caller to print or log. It never prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edicalendar.calendar.filters import Selector
from edicalendar.calendar.occurrences import expand
from edicalendar.errors import UnsupportedYearError, UsageError
from edicalendar.feeds.events import EventOrigin, FeedEvent, TrackedEvent, occurrence_event
from edicalendar.feeds.ical import VeventCache, render_tracked, size_warning
from edicalendar.feeds.options import PLAIN, FeedOptions
from edicalendar.feeds.specs import FeedSpec, default_feeds, find_spec

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.config import FeedSettings, Settings
    from edicalendar.feeds.tracking import FeedState, StoredEvent
    from edicalendar.model import Occurrence
    from edicalendar.storage.engine import Database

#: The change-tracking scope of observance feeds (campaign plans use their own scope).
OBSERVANCE_SCOPE = "observances"


@dataclass(frozen=True)
class FeedBuild:
    """Rendered feeds by name, in definition order, and what the caller should tell people."""

    bodies: dict[str, bytes]
    warnings: list[str] = field(default_factory=list)


def feed_window(today: dt.date, settings: FeedSettings) -> tuple[dt.date, dt.date]:
    """The default window: `past_days` before today to `future_days` after (inclusive)."""
    return (
        today - dt.timedelta(days=settings.past_days),
        today + dt.timedelta(days=settings.future_days),
    )


class FeedPublisher:
    """The feeds of one installation: definitions, window, change tracking and rendering."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        *,
        now: Callable[[], dt.datetime],
        today: Callable[[], dt.date],
        database: Callable[[], Database],
        config_path: str = "config",
        vevents: VeventCache | None = None,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.now = now
        self.today = today
        self.database = database
        self.config_path = config_path
        #: Serialised events, shared by every feed and build of this publisher.
        self.vevents = vevents if vevents is not None else VeventCache()

    def specs(self) -> list[FeedSpec]:
        """Every feed this installation publishes (defaults plus config)."""
        return default_feeds(self.catalog, self.settings, config_path=self.config_path)

    def find(self, name: str) -> FeedSpec:
        """The default or configured feed called `name`; UnknownFeedError otherwise."""
        return find_spec(self.specs(), name)

    def window(self) -> tuple[dt.date, dt.date]:
        return feed_window(self.today(), self.settings.feeds)

    def build(
        self,
        specs: Sequence[FeedSpec] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        stateless: bool = False,
        on_feed: Callable[[str, bytes], None] | None = None,
    ) -> FeedBuild:
        """Render `specs` (default: every feed) for the window, expanding the catalog once.

        With `stateless`, the database is not used: every event has SEQUENCE:0 and a fixed
        DTSTAMP (a one-off import file, not a subscription). `on_feed` receives each feed's
        name and bytes as soon as it is rendered (a server can start answering for it).
        """
        chosen = list(self.specs() if specs is None else specs)
        default_start, default_end = self.window()
        state = None
        if not stateless:
            from edicalendar.feeds.tracking import FeedState, prune_daily

            prune_daily(self.database(), self.now(), self.settings.feeds.retention_days)
            state = FeedState(self.database(), cache=True)
        builder = _Builder(
            self.catalog,
            self.settings,
            start or default_start,
            end or default_end,
            self.now(),
            state,
            self.vevents,
        )
        bodies: dict[str, bytes] = {}
        for spec in chosen:
            bodies[spec.name] = builder.render(spec)
            if on_feed is not None:
                on_feed(spec.name, bodies[spec.name])
        warnings = list(builder.warnings)
        for spec in chosen:
            warning = size_warning(spec.title, bodies[spec.name])
            if warning is not None:
                warnings.append(warning)
        return FeedBuild(bodies, warnings)

    def single_event(
        self, observance_id: str, instance: str, options: FeedOptions = PLAIN
    ) -> bytes | None:
        """One occurrence as a calendar of its own ("add this event"), None if there is none.

        It carries the UID every feed gives the occurrence, so adding it and later subscribing
        does not duplicate it, and the feeds' SEQUENCE and LAST-MODIFIED once a feed has
        published it (reading the change history, never writing it).
        """
        from edicalendar.calendar.expansion import FIRST_YEAR, LAST_YEAR

        observance = self.catalog.get(observance_id)
        if observance is None or not instance[:4].isdigit():
            return None
        year = int(instance[:4])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        try:
            found = self.catalog.index.in_year(observance, year)
        except (UnsupportedYearError, ValueError):
            return None
        occurrence = next((o for o in found if o.instance == instance), None)
        if occurrence is None:
            return None
        return self.calendar_of(occurrence.name, "", [occurrence], options)

    def calendar_of(
        self,
        title: str,
        description: str,
        occurrences: Iterable[Occurrence],
        options: FeedOptions = PLAIN,
    ) -> bytes:
        """Chosen occurrences as one calendar (a download of an API answer, an event).

        Each event carries the UID every feed gives it, and the feeds' SEQUENCE and
        LAST-MODIFIED once a feed has published it unchanged (the change history is read,
        never written, so a download changes nothing a subscriber sees).
        """
        from edicalendar.feeds.tracking import FeedState

        published = FeedState(self.database()).load(OBSERVANCE_SCOPE)
        tracked = []
        for occurrence in occurrences:
            event = self.catalog.index.derived(occurrence, "feed-event", occurrence_event)
            stored = published.get(event.uid)
            if stored is not None and stored.content_hash == event.content_hash():
                tracked.append(TrackedEvent(event, stored.sequence, stored.modified))
            else:
                tracked.append(TrackedEvent(event))
        return render_tracked(
            title, description, tracked, self.settings, vevents=self.vevents, options=options
        )

    def build_one(
        self,
        spec: FeedSpec,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        stateless: bool = False,
    ) -> tuple[bytes, list[str]]:
        """One feed's bytes and warnings (see :meth:`build`)."""
        built = self.build([spec], start, end, stateless=stateless)
        return built.bodies[spec.name], built.warnings


class _Builder:
    """Expands the catalog once for a window and renders any number of feeds from it."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        start: dt.date,
        end: dt.date,
        now: dt.datetime,
        state: FeedState | None,
        vevents: VeventCache,
    ) -> None:
        if end < start:
            raise UsageError(f"feed window ends ({end}) before it starts ({start})")
        self.catalog = catalog
        self.settings = settings
        self.start, self.end = start, end
        self.now = now
        expansion = expand(catalog, start, end)
        self.warnings = expansion.warnings
        # Built once per occurrence and data version, then shared by every build.
        index = catalog.index
        self.events = [
            index.derived(o, "feed-event", occurrence_event) for o in expansion.occurrences
        ]
        #: Every occurrence's UID in the window: a stored event among them is not gone, so no
        #: feed cancels it (found without parsing the stored event or matching its filters).
        self.current = frozenset(event.uid for event in self.events)
        self.state = state
        self.vevents = vevents

    def _gone(self, origin: EventOrigin) -> bool:
        observance = self.catalog.get(origin.observance_id)
        if observance is None:
            return True
        try:
            year = int(origin.instance[:4])
            present = self.catalog.index.in_year(observance, year)
        except (UnsupportedYearError, ValueError):
            return False  # cannot tell; never cancel on a guess
        return all(o.instance != origin.instance for o in present)

    def tracked(self, filters: Selector) -> list[TrackedEvent]:
        """The feed's current events plus its recent cancellations, with tracking values."""
        events = [e for e in self.events if e.origin is None or e.origin.passes(filters)]
        if self.state is None:
            return [TrackedEvent(e) for e in events]

        def responsible(row: StoredEvent) -> bool:
            if row.uid in self.current:
                return False  # occurs in this window, so not gone (the UID is its occurrence's)
            origin = row.event.origin
            return (
                origin is not None
                and row.event.end >= self.start
                and row.event.start <= self.end
                and origin.passes(filters)
                and self._gone(origin)
            )

        return self.state.sync(
            OBSERVANCE_SCOPE,
            events,
            self.now,
            cancelled_days=self.settings.feeds.cancelled_days,
            responsible=responsible,
        )

    def render(self, spec: FeedSpec) -> bytes:
        return render_tracked(
            calendar_name(spec.title, self.settings.feeds.organisation),
            spec.description,
            self.tracked(spec.filters),
            self.settings,
            vevents=self.vevents,
            options=spec.options,
        )


def calendar_name(title: str, organisation: str) -> str:
    """A feed's calendar name as subscribers see it: "EDI calendar: everything – NHS Example
    Trust", or the title alone while `feeds.organisation` is unset (UIDs never depend on it)."""
    from edicalendar.config import UNNAMED_ORGANISATION

    if organisation == UNNAMED_ORGANISATION or organisation in title:
        return title
    return f"{title} – {organisation}"


def render_feed(
    spec_title: str,
    description: str,
    events: Sequence[FeedEvent],
    *,
    state: FeedState | None,
    now: dt.datetime,
    settings: Settings | FeedSettings,
    scope: str | None = None,
) -> bytes:
    """Render `events` as a feed.

    With `state`, SEQUENCE/LAST-MODIFIED/DTSTAMP come from the tracked change history (first
    sight at `now`); with `scope` as well, `events` is taken as the complete set for that scope
    and events published before but missing now are added as STATUS:CANCELLED for
    `cancelled_days`. Without `state`, every event has SEQUENCE:0 and DTSTAMP
    :data:`~edicalendar.feeds.ical.STATELESS_STAMP` (for a one-off import, not a subscription).
    """
    from edicalendar.config import Settings

    feed_settings = settings.feeds if isinstance(settings, Settings) else settings
    tracked: Iterable[TrackedEvent]
    if state is None:
        tracked = [TrackedEvent(e) for e in events]
    else:
        tracked = state.sync(
            scope or "",
            events,
            now,
            cancelled_days=feed_settings.cancelled_days,
            responsible=(lambda _row: True) if scope else (lambda _row: False),
        )
    return render_tracked(spec_title, description, tracked, feed_settings)

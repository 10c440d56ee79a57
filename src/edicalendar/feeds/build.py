"""iCalendar subscription feeds: which feeds exist, what each event says, the bytes clients read.

A :class:`FeedEvent` is one all-day event (observance occurrences and campaign-plan items both
become FeedEvents); :func:`render_feed` serialises a list of them through the `icalendar` library
following `reference/ical-interop.md` (CRLF, 75-octet folding, exclusive DTEND, transparent,
no VALARM, no X-WR-TIMEZONE). SEQUENCE, LAST-MODIFIED and DTSTAMP come from the change tracking
in :mod:`edicalendar.feeds.tracking`, so regenerating unchanged data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from icalendar import Calendar, Event
from icalendar.prop import vText

from edicalendar.errors import ConfigError, Problem, UsageError
from edicalendar.model import Category, Occurrence, Status

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.config import FeedDefinition, FeedSettings, Settings
    from edicalendar.context import AppContext
    from edicalendar.feeds.tracking import FeedState, StoredEvent

#: Namespace of every occurrence UID (UUIDv5). Published in subscribers' calendars: never change.
UID_NAMESPACE = uuid.UUID("1bd9339c-1492-5693-9773-9c22de5e977c")

#: Google Calendar's documented import limit; above it events are silently dropped.
MAX_FEED_BYTES = 1_000_000

#: DTSTAMP of every event rendered without change tracking (`state=None`): a fixed instant, so
#: stateless output is as reproducible as tracked output. Such feeds always carry SEQUENCE:0.
STATELESS_STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

#: The change-tracking scope of observance feeds (campaign plans use their own scope).
OBSERVANCE_SCOPE = "observances"

EVENT_STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})

CATEGORY_LABELS: Mapping[Category, str] = {
    Category.AGE: "Age",
    Category.DISABILITY: "Disability",
    Category.GENDER_REASSIGNMENT: "Gender reassignment",
    Category.MARRIAGE_CIVIL_PARTNERSHIP: "Marriage and civil partnership",
    Category.PREGNANCY_MATERNITY: "Pregnancy and maternity",
    Category.RACE: "Race",
    Category.RELIGION_BELIEF: "Religion or belief",
    Category.SEX: "Sex",
    Category.SEXUAL_ORIENTATION: "Sexual orientation",
    Category.HEALTH_WELLBEING: "Health and wellbeing",
    Category.GENERAL_EDI: "General EDI",
}


class UnknownFeedError(UsageError):
    """A feed name that is neither a default feed nor defined in config."""


# --- events -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventOrigin:
    """Where an observance event came from; used to decide which feeds show its cancellation."""

    observance_id: str
    instance: str
    calendar: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One all-day event as published: `end` is inclusive here and becomes an exclusive DTEND."""

    uid: str
    summary: str
    description: str
    start: dt.date
    end: dt.date
    url: str | None
    categories: tuple[str, ...]
    status: str = "CONFIRMED"
    #: Not published and not part of the content hash.
    origin: EventOrigin | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"{self.uid}: end {self.end} is before start {self.start}")
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"{self.uid}: status {self.status!r} is not one of {EVENT_STATUSES}")

    def published(self) -> dict[str, Any]:
        """The published fields as JSON-ready values (the basis of the content hash)."""
        return {
            "uid": self.uid,
            "summary": self.summary,
            "description": self.description,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "url": self.url,
            "categories": list(self.categories),
            "status": self.status,
        }

    def content_hash(self) -> str:
        """SHA-256 of the published fields: equal hashes mean subscribers see the same event."""
        text = json.dumps(self.published(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        """Stable JSON of the event and its origin (stored to republish it as CANCELLED)."""
        data = self.published()
        if self.origin is not None:
            data["origin"] = {
                "observance_id": self.origin.observance_id,
                "instance": self.origin.instance,
                "calendar": self.origin.calendar,
                "categories": list(self.origin.categories),
            }
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FeedEvent:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        origin = data.get("origin")
        return cls(
            uid=data["uid"],
            summary=data["summary"],
            description=data["description"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            url=data["url"],
            categories=tuple(data["categories"]),
            status=data["status"],
            origin=EventOrigin(
                observance_id=origin["observance_id"],
                instance=origin["instance"],
                calendar=origin["calendar"],
                categories=tuple(origin["categories"]),
            )
            if origin
            else None,
        )


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    """An event with its change-tracking values; `modified` is DTSTAMP and LAST-MODIFIED."""

    event: FeedEvent
    sequence: int = 0
    modified: dt.datetime | None = None


def occurrence_uid(observance_id: str, instance: str) -> str:
    """UUIDv5 of "observance-id:instance" ("2026", or "2030-2" for a second one that year)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{observance_id}:{instance}")).upper()


def occurrence_description(occ: Occurrence) -> str:
    """DESCRIPTION text: what it is, that year's theme, how sure the date is, and the link."""
    parts = [occ.description.strip()]
    if occ.theme:
        parts.append(f"Theme for {occ.year}: {occ.theme}")
    if occ.begins_evening_before:
        # No date in the text: a moved date must change DTSTART/DTEND only.
        parts.append("Begins at sunset on the evening before.")
    if occ.status is Status.PROVISIONAL:
        parts.append(
            f"Provisional date: the organiser has not yet announced the {occ.year} dates. "
            "This date follows the usual pattern and will be updated when they do."
        )
    elif occ.status is Status.ESTIMATED:
        if occ.may_vary_days:
            days = f"{occ.may_vary_days} day{'s' if occ.may_vary_days != 1 else ''}"
            parts.append(
                f"Estimated date: may vary by {days}, as the date is set by local observation "
                "or announcement nearer the time."
            )
        else:
            parts.append("Estimated date: calculated in advance; local observance may differ.")
    if occ.url:
        parts.append(f"More information: {occ.url}")
    return "\n\n".join(parts)


def occurrence_events(occurrences: Iterable[Occurrence]) -> list[FeedEvent]:
    """One FeedEvent per occurrence; provisional and estimated dates are TENTATIVE."""
    events = []
    for occ in occurrences:
        events.append(
            FeedEvent(
                uid=occurrence_uid(occ.observance_id, occ.instance),
                summary=occ.name,
                description=occurrence_description(occ),
                start=occ.start,
                end=occ.end,
                url=occ.url,
                categories=tuple(CATEGORY_LABELS[c] for c in occ.categories),
                status="CONFIRMED" if occ.status is Status.CONFIRMED else "TENTATIVE",
                origin=EventOrigin(
                    observance_id=occ.observance_id,
                    instance=occ.instance,
                    calendar=occ.calendar,
                    categories=tuple(c.value for c in occ.categories),
                ),
            )
        )
    return events


# --- feed definitions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """Which observances a feed carries: every non-empty include list must match, no exclude."""

    categories: tuple[Category, ...] = ()
    calendars: tuple[str, ...] = ()
    observances: tuple[str, ...] = ()
    exclude_categories: tuple[Category, ...] = ()
    exclude_calendars: tuple[str, ...] = ()
    exclude_observances: tuple[str, ...] = ()

    def matches(self, origin: EventOrigin) -> bool:
        """Whether an event of this origin belongs in the feed (same logic as expansion)."""
        cats = set(origin.categories)
        if self.categories and not cats & {c.value for c in self.categories}:
            return False
        if self.calendars and origin.calendar not in self.calendars:
            return False
        if self.observances and origin.observance_id not in self.observances:
            return False
        if cats & {c.value for c in self.exclude_categories}:
            return False
        return not (
            origin.calendar in self.exclude_calendars
            or origin.observance_id in self.exclude_observances
        )


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A named feed: its file name (`{name}.ics`), calendar title, description and filters."""

    name: str
    title: str
    description: str
    filters: FeedFilters = FeedFilters()


def _custom_spec(definition: FeedDefinition) -> FeedSpec:
    return FeedSpec(
        name=definition.name,
        title=definition.title,
        description=definition.description or definition.title,
        filters=FeedFilters(
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
                category.value.replace("_", "-"),
                f"EDI calendar: {label}",
                f"Awareness dates and festivals for {label.lower()}.",
                FeedFilters(categories=(category,)),
            )
        )
    specs.append(
        FeedSpec(
            "faith",
            "EDI calendar: faith festivals",
            "Festivals and holy days across faiths and beliefs.",
            FeedFilters(categories=(Category.RELIGION_BELIEF,)),
        )
    )
    specs.append(
        FeedSpec(
            "awareness",
            "EDI calendar: awareness days",
            "Awareness days, weeks and months (everything except faith festivals).",
            FeedFilters(exclude_categories=(Category.RELIGION_BELIEF,)),
        )
    )
    taken = {s.name for s in specs}
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
    if problems:
        raise ConfigError(problems)
    return specs


# --- rendering --------------------------------------------------------------------------------


def _feed_settings(settings: Settings | FeedSettings) -> FeedSettings:
    from edicalendar.config import Settings

    return settings.feeds if isinstance(settings, Settings) else settings


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def _parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.match(text)
    if match is None or text in ("P", "PT"):
        raise ConfigError.single("config", "feeds.refresh", f"{text!r} is not a duration like P1D")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


def _vevent(tracked: TrackedEvent) -> Event:
    event = tracked.event
    stamp = tracked.modified or STATELESS_STAMP
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    if tracked.modified is not None:
        vevent.add("last-modified", tracked.modified)
    vevent.add("sequence", tracked.sequence)
    vevent.add("dtstart", event.start)
    # RFC 5545 3.6.1: an all-day DTEND is exclusive; DTEND = DTSTART shows at 00:00 in Outlook.
    vevent.add("dtend", event.end + dt.timedelta(days=1))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", list(event.categories))
    vevent.add("transp", "TRANSPARENT")
    # Exchange reads its own busy status before TRANSP; awareness dates never block time.
    vevent.add("x-microsoft-cdo-busystatus", "FREE")
    vevent.add("x-microsoft-cdo-alldayevent", "TRUE")
    vevent.add("class", "PUBLIC")
    vevent.add("status", event.status)
    return vevent


def _order(tracked: TrackedEvent) -> tuple[dt.date, dt.date, str, str]:
    return (tracked.event.start, tracked.event.end, tracked.event.summary, tracked.event.uid)


def render_tracked(
    title: str,
    description: str,
    tracked: Iterable[TrackedEvent],
    settings: Settings | FeedSettings,
    *,
    vevents: dict[TrackedEvent, Event] | None = None,
) -> bytes:
    """Serialise tracked events as one VCALENDAR, in date order; warn past 1 MB.

    `vevents` memoises VEVENT components across several feeds rendered from the same events.
    """
    feed_settings = _feed_settings(settings)
    calendar = Calendar()
    calendar.add("prodid", f"-//{feed_settings.organisation}//edicalendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME (RFC 7986) and X- properties are TEXT (RFC 5545 3.8.8.2), but `icalendar` does not
    # know them and would write commas and semicolons unescaped: vText escapes them.
    calendar.add("name", vText(title))
    calendar.add("x-wr-calname", vText(title))
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", vText(description))
    refresh = _parse_duration(feed_settings.refresh)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", feed_settings.refresh)
    for item in sorted(tracked, key=_order):
        if vevents is None:
            calendar.add_component(_vevent(item))
            continue
        vevent = vevents.get(item)
        if vevent is None:
            vevent = vevents[item] = _vevent(item)
        calendar.add_component(vevent)
    body: bytes = calendar.to_ical(sorted=False)
    if len(body) > MAX_FEED_BYTES:
        from edicalendar.cli.output import warn

        warn(
            f"feed {title!r} is {len(body):,} bytes, over the 1 MB Google Calendar limit; "
            "narrow it (categories, calendars) or shorten feeds.past_days/future_days"
        )
    return body


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
    :data:`STATELESS_STAMP` (for a one-off import, not a subscription).
    """
    feed_settings = _feed_settings(settings)
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


def etag(body: bytes) -> str:
    """A strong HTTP ETag from the feed's bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


_STAMP_LINE = re.compile(rb"^(?:LAST-MODIFIED|DTSTAMP):(\d{8}T\d{6}Z)\r?$", re.MULTILINE)


def last_modified(source: bytes | Iterable[TrackedEvent]) -> dt.datetime | None:
    """The newest DTSTAMP/LAST-MODIFIED of a rendered feed or of tracked events; None if empty.

    It does not move when an event merely leaves the feed; a server answering
    If-Modified-Since should use :func:`body_last_modified` (and prefer If-None-Match).
    """
    stamps: list[dt.datetime] = []
    if isinstance(source, bytes | bytearray):
        for match in _STAMP_LINE.finditer(source):
            stamps.append(
                dt.datetime.strptime(match.group(1).decode(), "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=dt.UTC
                )
            )
    else:
        stamps = [t.modified or STATELESS_STAMP for t in source]
    return max(stamps) if stamps else None


def body_last_modified(ctx: AppContext, name: str, body: bytes) -> dt.datetime:
    """When feed `name` first had exactly these bytes (for the HTTP Last-Modified header).

    Unlike :func:`last_modified`, this also moves when an event leaves the feed (the window
    moved, a cancellation expired), so If-Modified-Since never gets a stale 304. The first
    sight of each body is stored in the database's `meta` table at the injected clock's time.
    """
    from edicalendar.storage.engine import parse_utc, utc_text

    key = f"feed-body:{name}"
    tag = etag(body)
    stored = ctx.database.get_meta(key)
    if stored is not None:
        stored_tag, _, since = stored.partition(" ")
        if stored_tag == tag:
            return parse_utc(since)
    now = ctx.now()
    ctx.database.set_meta(key, f"{tag} {utc_text(now)}")
    return parse_utc(utc_text(now))


# --- building feeds from the catalog ----------------------------------------------------------


def feed_window(ctx: AppContext) -> tuple[dt.date, dt.date]:
    """The default window: `past_days` before today to `future_days` after (inclusive)."""
    feed_settings = ctx.loaded.settings.feeds
    today = ctx.today()
    return (
        today - dt.timedelta(days=feed_settings.past_days),
        today + dt.timedelta(days=feed_settings.future_days),
    )


def find_spec(ctx: AppContext, name: str) -> FeedSpec:
    """The default or configured feed called `name`; :class:`UnknownFeedError` otherwise."""
    specs = feed_specs(ctx)
    for spec in specs:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in specs)
    raise UnknownFeedError(f"no feed named {name!r}; feeds are: {known}")


def feed_specs(ctx: AppContext) -> list[FeedSpec]:
    """Every feed this installation publishes (defaults plus config)."""
    path = str(ctx.loaded.path) if ctx.loaded.path else "config"
    return default_feeds(ctx.catalog, ctx.loaded.settings, config_path=path)


class _Builder:
    """Expands the catalog once for a window and renders any number of feeds from it."""

    def __init__(
        self, ctx: AppContext, start: dt.date, end: dt.date, *, stateless: bool = False
    ) -> None:
        from edicalendar.calendar.occurrences import expand

        if end < start:
            raise UsageError(f"feed window ends ({end}) before it starts ({start})")
        self.ctx = ctx
        self.start, self.end = start, end
        self.now = ctx.now()
        expansion = expand(ctx.catalog, start, end)
        self.warnings = expansion.warnings
        self.events = occurrence_events(expansion.occurrences)
        self.state: FeedState | None = None
        if not stateless:
            from edicalendar.feeds.tracking import FeedState

            self.state = FeedState(ctx.database, cache=True)
        #: One VEVENT object per tracked event, shared by every feed that carries it.
        self.vevents: dict[TrackedEvent, Event] = {}

    def _gone(self, origin: EventOrigin) -> bool:
        from edicalendar.calendar.occurrences import occurrences_in_year
        from edicalendar.errors import UnsupportedYearError

        observance = self.ctx.catalog.get(origin.observance_id)
        if observance is None:
            return True
        try:
            year = int(origin.instance[:4])
            present = occurrences_in_year(observance, year)
        except (UnsupportedYearError, ValueError):
            return False  # cannot tell; never cancel on a guess
        return all(o.instance != origin.instance for o in present)

    def tracked(self, filters: FeedFilters) -> list[TrackedEvent]:
        """The feed's current events plus its recent cancellations, with tracking values."""
        events = [e for e in self.events if e.origin is None or filters.matches(e.origin)]
        if self.state is None:
            return [TrackedEvent(e) for e in events]

        def responsible(row: StoredEvent) -> bool:
            origin = row.event.origin
            return (
                origin is not None
                and row.event.end >= self.start
                and row.event.start <= self.end
                and filters.matches(origin)
                and self._gone(origin)
            )

        return self.state.sync(
            OBSERVANCE_SCOPE,
            events,
            self.now,
            cancelled_days=self.ctx.loaded.settings.feeds.cancelled_days,
            responsible=responsible,
        )

    def render(self, spec: FeedSpec) -> bytes:
        return render_tracked(
            spec.title,
            spec.description,
            self.tracked(spec.filters),
            self.ctx.loaded.settings,
            vevents=self.vevents,
        )


def build_spec(
    ctx: AppContext,
    spec: FeedSpec,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    stateless: bool = False,
) -> bytes:
    """Render one feed definition for a window (default: :func:`feed_window`)."""
    default_start, default_end = feed_window(ctx)
    builder = _Builder(ctx, start or default_start, end or default_end, stateless=stateless)
    _warn_all(builder.warnings)
    return builder.render(spec)


def build_feed(
    ctx: AppContext, name: str, start: dt.date | None = None, end: dt.date | None = None
) -> bytes:
    """Render the feed called `name` (see :func:`find_spec`) with change tracking."""
    return build_spec(ctx, find_spec(ctx, name), start, end)


def build_all(
    ctx: AppContext, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, bytes]:
    """Every default and configured feed for the window, by feed name, in definition order."""
    specs = feed_specs(ctx)
    default_start, default_end = feed_window(ctx)
    builder = _Builder(ctx, start or default_start, end or default_end)
    _warn_all(builder.warnings)
    return {spec.name: builder.render(spec) for spec in specs}


def _warn_all(messages: Iterable[str]) -> None:
    from edicalendar.cli.output import warn

    for message in messages:
        warn(message)


def cancelled_copy(event: FeedEvent) -> FeedEvent:
    """The event as published once it has been withdrawn."""
    return replace(event, status="CANCELLED")

"""Serialising feed events as iCalendar bytes, following reference/ical-interop.md.

CRLF line ends, 75-octet folding, all-day events with an exclusive DTEND, TRANSP:TRANSPARENT and
Exchange's FREE busy status, no VALARM, no X-WR-TIMEZONE (unless a subscriber's options ask
for busy days, eves or an alarm: :mod:`edicalendar.feeds.options`); NAME and X-WR-CALNAME,
REFRESH-INTERVAL and X-PUBLISHED-TTL. SEQUENCE, LAST-MODIFIED and DTSTAMP come from the tracked
events passed in (see :mod:`edicalendar.feeds.tracking`), so unchanged data renders to the same
bytes. Each VEVENT is serialised once (:class:`VeventCache`) and feeds are assembled from those
bytes. Pure: no I/O and no printing; size warnings are returned by :func:`size_warning`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vText

from edicalendar.config import FeedSettings, Settings
from edicalendar.errors import ConfigError
from edicalendar.feeds import welsh as welsh_text
from edicalendar.feeds.events import FeedEvent, TrackedEvent, eve_uid, evening_start_description
from edicalendar.feeds.options import ALARM_HOUR, PLAIN, Eves, FeedOptions
from edicalendar.i18n import gettext
from edicalendar.urls import public_url

#: Google Calendar's documented import limit; above it events are silently dropped.
MAX_FEED_BYTES = 1_000_000

#: DTSTAMP of every event rendered without change tracking (`state=None`): a fixed instant, so
#: stateless output is as reproducible as tracked output. Such feeds always carry SEQUENCE:0.
STATELESS_STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _feed_settings(settings: Settings | FeedSettings) -> FeedSettings:
    return settings.feeds if isinstance(settings, Settings) else settings


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?\Z")


def _parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.match(text)
    if match is None or text in ("P", "PT"):
        raise ConfigError.single("config", "feeds.refresh", f"{text!r} is not a duration like P1D")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


def _vevent(tracked: TrackedEvent, options: FeedOptions = PLAIN) -> Event:
    event = tracked.event
    origin = event.origin
    stamp = tracked.modified or STATELESS_STAMP
    evening = origin is not None and origin.begins_evening_before
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    if tracked.modified is not None:
        vevent.add("last-modified", tracked.modified)
    vevent.add("sequence", tracked.sequence)
    start = event.start
    description = event.description
    welsh = origin.welsh if origin is not None and options.language == "cy" else None
    if welsh is not None:
        description = welsh[1]
    if evening and options.eves is Eves.START:
        start -= dt.timedelta(days=1)
        description = (
            welsh_text.evening_start(description)
            if welsh is not None
            else evening_start_description(description)
        )
    vevent.add("dtstart", start)
    # RFC 5545 3.6.1: an all-day DTEND is exclusive; DTEND = DTSTART shows at 00:00 in Outlook.
    vevent.add("dtend", event.end + dt.timedelta(days=1))
    vevent.add("summary", _summary(event, options))
    if description:
        vevent.add("description", description)
    # Checked again here: a link in stored change tracking may predate the check.
    url = public_url(event.url)
    if url:
        vevent.add("url", url)
    # Only for subscribers who asked (`busy`): days many colleagues take off for their faith
    # show as out of office. Everyone else's feed never blocks time (interop rule E5).
    busy = (
        options.busy
        and origin is not None
        and origin.rest_from_work
        and event.status != "CANCELLED"
    )
    _finish(vevent, event, busy=busy, language=options.language)
    if options.alarm_days is not None and event.status != "CANCELLED":
        title = welsh[0] if welsh is not None else event.summary
        vevent.add_component(_alarm(title, start, options.alarm_days, options.language))
    return vevent


def _summary(event: FeedEvent, options: FeedOptions) -> str:
    """The title; with `expected`, an uncertain date says how sure it is, in the words the
    pages and the command line use ("Eid al-Fitr (estimated ±1 day)"): Outlook and Google show
    the title and hide the description."""
    origin = event.origin
    welsh = origin.welsh if origin is not None and options.language == "cy" else None
    title = welsh[0] if welsh is not None else event.summary
    if options.expected and event.status == "TENTATIVE" and origin is not None and origin.certainty:
        return f"{title} ({welsh[2] if welsh is not None else origin.certainty})"
    return title


def _alarm(summary: str, start: dt.date, days: int, language: str = "en") -> Alarm:
    """A display alarm at 09:00 `days` before `start` (the trigger counts from its midnight)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    if language == "cy":
        alarm.add("description", welsh_text.alarm_description(summary, days))
    else:
        when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
        alarm.add("description", f"{summary} starts {when}")
    alarm.add("trigger", dt.timedelta(days=-days, hours=ALARM_HOUR))
    return alarm


def _eve(tracked: TrackedEvent, options: FeedOptions) -> Event | None:
    """The separate "begins at sunset" event on the day before a festival (`eves=events`)."""
    event = tracked.event
    origin = event.origin
    if options.eves is not Eves.EVENTS or origin is None or not origin.begins_evening_before:
        return None
    day = event.start - dt.timedelta(days=1)
    vevent = Event()
    vevent.add("uid", eve_uid(origin.observance_id, origin.instance))
    vevent.add("dtstamp", tracked.modified or STATELESS_STAMP)
    if tracked.modified is not None:
        vevent.add("last-modified", tracked.modified)
    vevent.add("sequence", tracked.sequence)
    vevent.add("dtstart", day)
    vevent.add("dtend", day + dt.timedelta(days=1))
    name = _summary(event, options)
    if options.language == "cy" and origin.welsh is not None:
        vevent.add("summary", welsh_text.eve_summary(name))
        text = welsh_text.eve_description(origin.welsh[0])
    else:
        vevent.add("summary", f"{name} begins at sunset")
        text = f"{event.summary} begins at sunset this evening; its first full day is tomorrow."
    url = public_url(event.url)
    if url:
        text += (
            "\n\n" + welsh_text.more_information(url)
            if options.language == "cy"
            else f"\n\nMore information: {url}"
        )
    vevent.add("description", text)
    if url:
        vevent.add("url", url)
    _finish(vevent, event, busy=False, language=options.language)  # working until sunset
    return vevent


def _finish(vevent: Event, event: FeedEvent, *, busy: bool, language: str = "en") -> None:
    """The properties every event ends with: categories, busy status, class and status."""
    if event.categories:
        categories = list(event.categories)
        if language != "en":
            categories = [gettext(c, language) for c in categories]
        vevent.add("categories", categories)
    vevent.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    # Exchange reads its own busy status before TRANSP.
    vevent.add("x-microsoft-cdo-busystatus", "OOF" if busy else "FREE")
    vevent.add("x-microsoft-cdo-alldayevent", "TRUE")
    vevent.add("class", "PUBLIC")
    vevent.add("status", event.status)


def _order(tracked: TrackedEvent) -> tuple[dt.date, dt.date, str, str]:
    return (tracked.event.start, tracked.event.end, tracked.event.summary, tracked.event.uid)


def vevent_bytes(tracked: TrackedEvent, options: FeedOptions = PLAIN) -> bytes:
    """One event serialised on its own: `BEGIN:VEVENT` to `END:VEVENT`, folded, CRLF-ended,
    followed by its eve event when `options` ask for one.

    A VCALENDAR's bytes are its own lines followed by its components' lines, so feeds are
    assembled from these (see :func:`render_tracked`) with the bytes `icalendar` would write.
    """
    body: bytes = _vevent(tracked, options).to_ical(sorted=False)
    eve = _eve(tracked, options)
    if eve is not None:
        eve_body: bytes = eve.to_ical(sorted=False)
        return eve_body + body
    return body


class VeventCache:
    """Serialised VEVENTs by tracked event, so each is written once however many feeds carry it.

    The key is the whole :class:`TrackedEvent` (published fields, SEQUENCE, LAST-MODIFIED), so a
    changed event is written afresh and never served stale. :meth:`retain_used` drops what the
    latest build did not use, which bounds the cache to one build's events.
    """

    def __init__(self) -> None:
        self._bytes: dict[tuple[TrackedEvent, FeedOptions], bytes] = {}
        self._used: set[tuple[TrackedEvent, FeedOptions]] = set()

    def get(self, tracked: TrackedEvent, options: FeedOptions = PLAIN) -> bytes:
        """The event's bytes as `options` write it, serialised now if this is the first time
        they are asked for."""
        key = (tracked, options)
        self._used.add(key)
        found = self._bytes.get(key)
        if found is None:
            found = self._bytes[key] = vevent_bytes(tracked, options)
        return found

    def retain_used(self) -> None:
        """Forget every event not asked for since the last call."""
        self._bytes = {t: b for t, b in self._bytes.items() if t in self._used}
        self._used = set()

    def __len__(self) -> int:
        return len(self._bytes)


_END = b"END:VCALENDAR\r\n"


def calendar_head(title: str, description: str, settings: Settings | FeedSettings) -> bytes:
    """The VCALENDAR's own lines (PRODID to X-PUBLISHED-TTL), without its END line."""
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
    whole: bytes = calendar.to_ical(sorted=False)
    assert whole.endswith(_END)
    return whole[: -len(_END)]


def render_tracked(
    title: str,
    description: str,
    tracked: Iterable[TrackedEvent],
    settings: Settings | FeedSettings,
    *,
    vevents: VeventCache | None = None,
    options: FeedOptions = PLAIN,
) -> bytes:
    """Serialise tracked events as one VCALENDAR, in date order, written as `options` say.

    `vevents` shares serialised events across the feeds of one build (and across builds).
    """
    cache = vevents if vevents is not None else VeventCache()
    parts = [calendar_head(title, description, settings)]
    parts.extend(cache.get(item, options) for item in sorted(tracked, key=_order))
    parts.append(_END)
    return b"".join(parts)


def size_warning(title: str, body: bytes) -> str | None:
    """The warning for a feed over Google Calendar's 1 MB limit, or None."""
    if len(body) <= MAX_FEED_BYTES:
        return None
    return (
        f"feed {title!r} is {len(body):,} bytes, over the 1 MB Google Calendar limit; "
        "narrow it (categories, calendars) or shorten feeds.past_days/future_days"
    )


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

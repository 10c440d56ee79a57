"""Read an RFC 5545 iCalendar file (Google, Outlook, Apple exports, published feeds) into events.

The text is checked before parsing: every content line must look like `NAME[;params]:value`,
`BEGIN`/`END` must pair up and nest at most :data:`MAX_DEPTH` deep, and the file may hold at most
:data:`~edicalendar.importers.source.MAX_EVENTS` events, so broken or hostile input fails with its
line number instead of reaching the parser. Parsing uses the `icalendar` library; recurring events
are expanded with dateutil only inside the import window, at most daily, and within a count and
time budget. Timed events become the day they start in Europe/London.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import re
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from edicalendar.errors import SourceError
from edicalendar.feeds.events import ABOUT_THE_DATE
from edicalendar.importers.source import (
    MAX_EVENTS,
    Finding,
    ReadResult,
    SourceEvent,
    decode_text,
    too_many,
)

#: VCALENDAR > VEVENT > VALARM is three deep; VTIMEZONE > STANDARD is two. Six leaves room.
MAX_DEPTH = 6
#: Occurrences one recurring event may produce inside the window (a daily rule for a year).
MAX_OCCURRENCES_PER_EVENT = 400
#: Occurrences all recurring events together may produce.
MAX_OCCURRENCES = 50_000
#: Rule steps dateutil may take from DTSTART to the end of the window for one event.
MAX_RULE_STEPS = 50_000
#: Longest event imported, in days (an awareness month is 31; a year is a mistake).
MAX_EVENT_DAYS = 400
#: Wall-clock budget for expanding every recurring event in one file.
EXPANSION_SECONDS = 10.0

LONDON = ZoneInfo("Europe/London")
_CONTENT_LINE = re.compile(
    r'^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:'
)
_PERIODS_PER_YEAR = {"DAILY": 366, "WEEKLY": 53, "MONTHLY": 12, "YEARLY": 1}
_SUPPORTED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "BYMONTHDAY",
                    "BYSETPOS", "WKST"}  # fmt: skip


@dataclass
class _Scanned:
    """Line numbers of each top-level VEVENT and of the first line of each of its properties."""

    begin: int
    properties: dict[str, int] = field(default_factory=dict)


def read_ics(raw: bytes, source: str, window: tuple[dt.date, dt.date]) -> ReadResult:
    """Events of an iCalendar file; recurring ones expanded inside `window` (inclusive)."""
    result = ReadResult()
    text = decode_text(raw, source, result.findings)
    scanned = _scan(text, source)
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SourceError.at(source, None, f"not a readable iCalendar file: {exc}") from None
    if not calendars:
        raise SourceError.at(source, 1, "no BEGIN:VCALENDAR found; is this an .ics file?")
    events: list[Any] = []
    for cal in calendars:
        name = cal.get("X-WR-CALNAME") or cal.get("NAME")
        if name and result.title is None:
            result.title = str(name)
        events.extend(c for c in cal.subcomponents if c.name == "VEVENT")
    if len(events) != len(scanned):  # pragma: no cover - the scan and the parser disagree
        raise SourceError.at(source, None, "could not match events to lines; is the file complete?")
    moved = _moved_instances(events)
    deadline = time.monotonic() + EXPANSION_SECONDS
    total = 0
    for event, where in zip(events, scanned, strict=True):
        found = _event(event, where, source, window, moved, result.findings, deadline)
        total += len(found)
        if total > MAX_OCCURRENCES:
            raise too_many(source, where.begin, total, "occurrences")
        result.events.extend(found)
    return result


def _scan(text: str, source: str) -> list[_Scanned]:
    stack: list[tuple[str, int]] = []
    found: list[_Scanned] = []
    current: _Scanned | None = None
    saw_begin = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line[0] in " \t":
            continue  # a folded continuation of the previous content line
        if not _CONTENT_LINE.match(line):
            raise SourceError.at(
                source, number, f"not an iCalendar content line (NAME:value): {line[:60]!r}"
            )
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].upper()
        if key == "BEGIN":
            component = value.strip().upper()
            saw_begin = True
            stack.append((component, number))
            if len(stack) > MAX_DEPTH:
                raise SourceError.at(
                    source, number, f"components nested more than {MAX_DEPTH} deep"
                )
            if component == "VEVENT" and len(stack) == 2:
                current = _Scanned(begin=number)
                found.append(current)
                if len(found) > MAX_EVENTS:
                    raise too_many(source, number, len(found))
        elif key == "END":
            component = value.strip().upper()
            if not stack or stack[-1][0] != component:
                expected = f"END:{stack[-1][0]} for line {stack[-1][1]}" if stack else "nothing"
                raise SourceError.at(source, number, f"END:{component} but expected {expected}")
            stack.pop()
            if len(stack) < 2:
                current = None
        elif current is not None and len(stack) == 2:
            current.properties.setdefault(key, number)
    if stack:
        component, number = stack[-1]
        raise SourceError.at(source, number, f"BEGIN:{component} is never closed with END")
    if not saw_begin:
        raise SourceError.at(source, 1, "no BEGIN:VCALENDAR found; is this an .ics file?")
    return found


def _moved_instances(events: list[Any]) -> set[tuple[str, dt.date]]:
    """(UID, original day) of instances a RECURRENCE-ID component replaces."""
    moved: set[tuple[str, dt.date]] = set()
    for event in events:
        rid = event.get("RECURRENCE-ID")
        uid = event.get("UID")
        value = _dt(rid)
        if uid is not None and isinstance(value, dt.date):
            moved.add((str(uid), _day(value)))
    return moved


def _event(
    event: Any,
    where: _Scanned,
    source: str,
    window: tuple[dt.date, dt.date],
    moved: set[tuple[str, dt.date]],
    findings: list[Finding],
    deadline: float,
) -> list[SourceEvent]:
    name = " ".join(str(event.get("SUMMARY", "")).split())
    line = where.begin
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        findings.append(Finding(source, line, "cancelled in the source; skipped", name or None))
        return []
    if not name:
        findings.append(Finding(source, line, "event without a SUMMARY (name); skipped"))
        return []
    start_value = _date_value(event, "DTSTART", where, source)
    if start_value is None:
        findings.append(Finding(source, line, "event without a date (no DTSTART); skipped", name))
        return []
    end_value = _date_value(event, "DTEND", where, source)
    timed = isinstance(start_value, dt.datetime)
    length = _length(event, start_value, end_value, where, source)
    notes = read_description(str(event.get("DESCRIPTION", "")))
    template = SourceEvent(
        name=name,
        start=_day(start_value),
        end=_day(start_value),
        source=source,
        line=line,
        description=notes.description,
        url=str(event["URL"]) if event.get("URL") else notes.url,
        categories=_categories(event),
        theme=notes.theme,
        evening_before=notes.evening_before,
        timed=timed,
    )
    starts: list[dt.date | dt.datetime] = [start_value]
    if event.get("RRULE") is not None:
        starts = _expand(event, start_value, where, source, window, deadline)
    if event.get("RDATE") is not None:
        known = {_day(s) for s in starts}
        extra = _date_list(event, "RDATE", source, where)
        excluded = _exdates(event, source, where)
        starts.extend(
            day
            for day in sorted(set(extra))
            if window[0] <= day <= window[1] and day not in known and day not in excluded
        )
        if len(starts) > MAX_OCCURRENCES_PER_EVENT:
            raise SourceError.at(
                source, where.properties.get("RDATE", line), "RDATE lists too many dates"
            )
    if len(starts) > 1:
        uid = str(event.get("UID", ""))
        starts = [s for s in starts if (uid, _day(s)) not in moved]
    found = []
    for value in starts:
        first = _day(value)
        last = first + dt.timedelta(days=length - 1)
        found.append(replace(template, start=first, end=last))
    if timed:
        findings.append(
            Finding(source, line, "a timed event; imported as an all-day observance", name)
        )
    return found


@dataclass(frozen=True, slots=True)
class DescriptionNotes:
    """A DESCRIPTION with the paragraphs edicalendar's own feeds add taken out and read."""

    description: str
    theme: str | None = None
    url: str | None = None
    evening_before: bool = False


_THEME = re.compile(r"^Theme for \d{4}: (.+)\Z", re.DOTALL)
_LINK = re.compile(r"^More information: (https?://\S+)\Z")
#: Status wording of feeds from every release: the first line ("Estimated date, ±1 day; begins
#: the evening before (at sunset).") and the explanation after the description.
_STATUS_NOTES = (
    "Provisional date",
    "Estimated date",
    "The organiser has not yet announced the ",
    "The date is set by local observation",
    "The date is calculated in advance",
    ABOUT_THE_DATE,
)
_EVENING = ("Begins at sunset on the evening before.", "Begins the evening before (at sunset).")
_EVENING_IN_STATUS = "; begins the evening before (at sunset)."


def read_description(text: str) -> DescriptionNotes:
    """Split the paragraphs a feed published by edicalendar adds (theme, evening start, status
    wording, link) from the description itself, so a round trip does not repeat them."""
    kept: list[str] = []
    theme = url = None
    evening = False
    for paragraph in text.strip().split("\n\n"):
        stripped = paragraph.strip()
        if stripped in _EVENING:
            evening = True
        elif stripped.startswith(_STATUS_NOTES):
            # The status is recomputed from the rule, never imported as text.
            evening = evening or stripped.endswith(_EVENING_IN_STATUS)
        elif match := _THEME.match(stripped):
            theme = match.group(1).strip()
        elif match := _LINK.match(stripped):
            url = match.group(1)
        elif stripped:
            kept.append(stripped)
    return DescriptionNotes("\n\n".join(kept), theme, url, evening)


def _date_value(event: Any, key: str, where: _Scanned, source: str) -> dt.date | None:
    prop = event.get(key)
    if prop is None:
        return None
    value = _dt(prop)
    if not isinstance(value, dt.date):
        shown = prop.to_ical().decode("utf-8", "replace") if hasattr(prop, "to_ical") else prop
        raise SourceError.at(
            source,
            where.properties.get(key, where.begin),
            f"{key} {str(shown)[:40]!r} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)",
        )
    year = value.year
    if not 1583 <= year <= 2200:
        raise SourceError.at(
            source, where.properties.get(key, where.begin), f"{key} year {year} is out of range"
        )
    return value


def _length(
    event: Any,
    start: dt.date,
    end: dt.date | None,
    where: _Scanned,
    source: str,
) -> int:
    """Days the event covers (at least 1); all-day DTEND is exclusive, timed DTEND is an instant."""
    if end is None and event.get("DURATION") is not None:
        duration = _dt(event["DURATION"])
        line = where.properties.get("DURATION", where.begin)
        if not isinstance(duration, dt.timedelta):
            raise SourceError.at(source, line, "DURATION is not a duration")
        if abs(duration.days) > MAX_EVENT_DAYS:
            # Checked before adding: P99999999W would overflow the date instead.
            raise SourceError.at(
                source, line, f"DURATION lasts {duration.days} days (> {MAX_EVENT_DAYS})"
            )
        end = start + duration
    if end is None:
        return 1
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
        raise SourceError.at(
            source,
            where.properties.get("DTEND", where.begin),
            "DTSTART and DTEND must both be dates or both be date-times",
        )
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        start, end = _zoned(start), _zoned(end)
        if end <= start:
            return 1
        last = _day(end - dt.timedelta(microseconds=1))
        days = (last - _day(start)).days + 1
    else:
        days = (end - start).days  # exclusive end
    if days > MAX_EVENT_DAYS:
        raise SourceError.at(
            source,
            where.properties.get("DTEND", where.begin),
            f"event lasts {days} days (> {MAX_EVENT_DAYS})",
        )
    return max(days, 1)


def _dt(prop: Any) -> Any:
    """A property's date, date-time or duration, or None when icalendar could not parse it."""
    if prop is None:
        return None
    try:
        return getattr(prop, "dt", None)
    except Exception:  # icalendar raises on reading a property it could not parse
        return None


def _zoned(value: dt.datetime) -> dt.datetime:
    # A floating time (or one in a zone icalendar could not resolve) is read as London time.
    return value if value.tzinfo is not None else value.replace(tzinfo=LONDON)


def _day(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(LONDON).date()
        return value.date()
    return value


def _categories(event: Any) -> tuple[str, ...]:
    raw = event.get("CATEGORIES")
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    words: list[str] = []
    for item in items:
        cats = getattr(item, "cats", None)
        if cats is None:
            words.extend(str(item).split(","))
        else:
            words.extend(str(c) for c in cats)
    return tuple(w.strip() for w in words if w.strip())


def _expand(
    event: Any,
    start: dt.date,
    where: _Scanned,
    source: str,
    window: tuple[dt.date, dt.date],
    deadline: float,
) -> list[dt.date | dt.datetime]:
    """Instances of a recurring event that start inside `window`, EXDATEs removed."""
    from dateutil.rrule import rrule, rrulestr

    line = where.properties.get("RRULE", where.begin)
    recur = event["RRULE"]
    if isinstance(recur, list):
        raise SourceError.at(source, line, "more than one RRULE in one event")
    if not isinstance(recur, dict):
        raise SourceError.at(source, line, "RRULE cannot be read")
    parts = {str(k).upper(): v for k, v in dict(recur).items()}
    freq = str(parts.get("FREQ", [""])[0]).upper()
    if freq not in _PERIODS_PER_YEAR:
        raise SourceError.at(
            source,
            line,
            f"RRULE FREQ={freq or '(missing)'} is not supported; awareness calendars recur "
            "DAILY, WEEKLY, MONTHLY or YEARLY",
        )
    unsupported = sorted(set(parts) - _SUPPORTED_PARTS)
    if unsupported:
        raise SourceError.at(source, line, f"RRULE part {unsupported[0]} is not supported")
    _check_possible(parts, source, line)
    naive_start, zone = _naive(start)
    window_end = dt.datetime.combine(window[1], dt.time(23, 59, 59))
    window_start = dt.datetime.combine(window[0], dt.time())
    steps = (window[1].year - naive_start.year + 1) * _PERIODS_PER_YEAR[freq]
    if steps > MAX_RULE_STEPS:
        raise SourceError.at(
            source,
            line,
            f"RRULE FREQ={freq} from {naive_start.year} needs {steps} steps to reach "
            f"{window[1].year}; the limit is {MAX_RULE_STEPS}",
        )
    until = window_end
    if "UNTIL" in parts:
        given = parts.pop("UNTIL")[0]
        given_day = _day(given) if isinstance(given, dt.date) else None
        if given_day is None:
            raise SourceError.at(source, line, "RRULE UNTIL is not a date")
        until = min(until, dt.datetime.combine(given_day, dt.time(23, 59, 59)))
    text = ";".join(
        f"{key}={','.join(_recur_text(v) for v in values)}" for key, values in parts.items()
    )
    try:
        parsed = rrulestr(text, dtstart=naive_start)
        assert isinstance(parsed, rrule)
        with warnings.catch_warnings():
            # COUNT and UNTIL together: the window is our own bound, not the source's.
            warnings.simplefilter("ignore", DeprecationWarning)
            bounded = parsed.replace(until=until)
    except (ValueError, TypeError, AssertionError) as exc:
        raise SourceError.at(source, line, f"RRULE cannot be read: {exc}") from None
    excluded = _exdates(event, source, where)
    found: list[dt.date | dt.datetime] = []
    for occurrence in bounded.xafter(window_start, inc=True):
        if time.monotonic() > deadline:
            raise SourceError.at(
                source, line, f"expanding recurring events took over {EXPANSION_SECONDS:.0f} s"
            )
        value: dt.date | dt.datetime = (
            occurrence.replace(tzinfo=zone) if isinstance(start, dt.datetime) else occurrence.date()
        )
        if _day(value) in excluded:
            continue
        found.append(value)
        if len(found) > MAX_OCCURRENCES_PER_EVENT:
            raise SourceError.at(
                source,
                line,
                f"RRULE gives more than {MAX_OCCURRENCES_PER_EVENT} occurrences between "
                f"{window[0]} and {window[1]}; use --year to import fewer years",
            )
    if time.monotonic() > deadline:
        raise SourceError.at(
            source, line, f"expanding recurring events took over {EXPANSION_SECONDS:.0f} s"
        )
    return found


def _recur_text(value: Any) -> str:
    if hasattr(value, "to_ical"):
        return str(value.to_ical().decode())
    return str(value)


def _check_possible(parts: dict[str, Any], source: str, line: int) -> None:
    """Refuse BYMONTH/BYMONTHDAY pairs no year contains (dateutil would search to year 9999)."""
    days = [int(d) for d in parts.get("BYMONTHDAY", [])]
    months = [int(m) for m in parts.get("BYMONTH", [])] or list(range(1, 13))
    for month in months:
        if not 1 <= month <= 12:
            raise SourceError.at(source, line, f"RRULE BYMONTH={month} is not a month")
    for day in days:
        if day == 0 or not -31 <= day <= 31:
            raise SourceError.at(source, line, f"RRULE BYMONTHDAY={day} is not a day")
    if days and not any(
        abs(day) <= gregorian.monthrange(2024, month)[1] for day in days for month in months
    ):
        raise SourceError.at(source, line, "RRULE names a day that none of its months has")


def _naive(value: dt.date) -> tuple[dt.datetime, dt.tzinfo | None]:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), value.tzinfo
    return dt.datetime.combine(value, dt.time()), None


def _exdates(event: Any, source: str, where: _Scanned) -> set[dt.date]:
    return set(_date_list(event, "EXDATE", source, where))


def _date_list(event: Any, key: str, source: str, where: _Scanned) -> list[dt.date]:
    """Days of an EXDATE or RDATE property (all its lines; a PERIOD counts by its start)."""
    raw = event.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    line = where.properties.get(key, where.begin)
    days: list[dt.date] = []
    for item in items:
        try:
            values = list(item.dts)
        except Exception:  # a vBroken property has no dates to read
            raise SourceError.at(source, line, f"{key} is not a date") from None
        for value in values:
            day = _dt(value)
            if isinstance(day, tuple) and day:
                day = day[0]
            if not isinstance(day, dt.date):
                raise SourceError.at(source, line, f"{key} is not a date")
            days.append(_day(day))
    return days

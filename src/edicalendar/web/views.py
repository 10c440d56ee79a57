"""What the pages show, computed as plain data: month grids, agendas, feed links, query parsing.

Kept apart from the routes so the rules (which observances go in a day cell, how a Google
add-by-URL link is spelt, what counts as a bad query value) read in one place and are
tested without HTTP. Query values are parsed here with messages that name the parameter.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.clashes import LONG_DAYS
from edicalendar.calendar.occurrences import check_years
from edicalendar.config import FeedSettings
from edicalendar.errors import DateRangeError, QueryError
from edicalendar.feeds.links import FeedLinks, feed_links
from edicalendar.feeds.specs import FREEZE_FEED_NAME, FeedSpec
from edicalendar.i18n import N_, Message, said
from edicalendar.model import Category, Observance, Occurrence

#: Longest window one request may expand (ten years), so a query cannot pin the server.
MAX_WINDOW_DAYS = 3660
_MONTH = re.compile(r"^(\d{4})-(\d{2})\Z")
WEEKDAYS = tuple((day[:3], day) for day in gregorian.day_name)
MONTH_NAMES = tuple((number, gregorian.month_name[number]) for number in range(1, 13))


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def parse_date(value: str, name: str) -> dt.date:
    """An ISO date from a query parameter, or a :class:`QueryError` naming it."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            Message(
                N_("%(field)s: %(value)s is not a date; use YYYY-MM-DD"),
                field=name,
                value=_shown(value),
            )
        ) from None


def parse_month(value: str, name: str = "month") -> dt.date:
    """The first day of a `YYYY-MM` month from a query parameter."""
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise QueryError(
            Message(
                N_("%(field)s: %(value)s is not a month; use YYYY-MM, such as 2026-10"),
                field=name,
                value=_shown(value),
            )
        )
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    try:
        check_years(first, what=name)
    except DateRangeError as exc:
        raise QueryError(said(exc)) from None
    return first


def chosen_month(params: Mapping[str, str], today: dt.date) -> dt.date:
    """The month a calendar page shows: `month=YYYY-MM` (links), or `year` and `m` (the month
    picker's form), else this month."""
    if "year" in params or "m" in params:
        year, number = params.get("year", "").strip(), params.get("m", "").strip()
        if not year.isdigit() or len(year) > 4:
            raise QueryError(
                Message(
                    N_("year: %(value)s is not a year; use four digits, such as 2027"),
                    value=_shown(year),
                )
            )
        if not number.isdigit() or not 1 <= int(number) <= 12:
            raise QueryError(
                Message(N_("m: %(value)s is not a month; use 1 to 12"), value=_shown(number))
            )
        return parse_month(f"{int(year):04d}-{int(number):02d}", "year")
    if "month" in params:
        return parse_month(params["month"])
    return today.replace(day=1)


def parse_categories(values: Iterable[str]) -> list[Category]:
    """Categories from repeated `category` parameters, rejecting unknown names."""
    known = {c.value: c for c in Category}
    chosen: list[Category] = []
    for value in values:
        if value not in known:
            raise QueryError(
                Message(
                    N_("category: %(value)s is not a category; use one of: %(known)s"),
                    value=_shown(value),
                    known=", ".join(known),
                )
            )
        if known[value] not in chosen:
            chosen.append(known[value])
    return chosen


def check_window(start: dt.date, end: dt.date, start_name: str, end_name: str) -> None:
    """Refuse windows outside the calendar's years, that end before they start, or that are
    longer than ten years."""
    for day, name in ((start, start_name), (end, end_name)):
        try:
            check_years(day, what=name)
        except DateRangeError as exc:
            raise QueryError(said(exc)) from None
    if end < start:
        raise QueryError(
            Message(
                N_("%(end_name)s %(end)s is before %(start_name)s %(start)s"),
                end_name=end_name,
                end=end.isoformat(),
                start_name=start_name,
                start=start.isoformat(),
            )
        )
    if (end - start).days >= MAX_WINDOW_DAYS:
        raise QueryError(
            Message(
                N_("%(start_name)s to %(end_name)s: ask for at most %(days)s days"),
                start_name=start_name,
                end_name=end_name,
                days=MAX_WINDOW_DAYS,
            )
        )


#: A range typed into a page's form the wrong way round. A web user has no command-line options
#: or query parameters to be told about: the page names the days as its form labels them.
LAST_BEFORE_FIRST = N_("the last day %(end)s is before the first day %(start)s")


def check_order(start: dt.date, end: dt.date) -> None:
    """Refuse a range typed into a page's form that ends before it starts."""
    if end < start:
        raise QueryError(Message(LAST_BEFORE_FIRST, end=end.isoformat(), start=start.isoformat()))


def address_mistake(error: BaseException) -> str:
    """The sentence an error page gives for a bad query: "That address has a mistake: …" (in
    the page's language where the check said a message the catalogue has, else in English)."""
    mistake = said(error)
    if isinstance(mistake, Message):
        return Message(N_("That address has a mistake: %(mistake)s."), mistake=mistake)
    return f"That address has a mistake: {mistake}."


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=gregorian.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class DayCell:
    """One day of the month grid (or padding when `day` is None)."""

    day: dt.date | None
    items: list[Occurrence] = field(default_factory=list)
    today: bool = False


def month_grid(
    first: dt.date, occurrences: Sequence[Occurrence], today: dt.date
) -> tuple[list[list[DayCell]], list[Occurrence]]:
    """Weeks (Monday first) of day cells, plus the long occurrences listed above the grid.

    Short occurrences appear on every day they cover; longer ones (months, long spans) would
    fill every cell, so they are listed once instead, and only their first day gets an entry.
    """
    long_items = [o for o in occurrences if o.days > LONG_DAYS]
    last = month_end(first)
    # Each short occurrence is put on the days it covers (a week at most), so building the
    # grid costs what the month holds, however long the calendar.
    by_day: dict[dt.date, list[Occurrence]] = {}
    for occurrence in occurrences:
        if occurrence.days > LONG_DAYS:
            continue
        day = max(occurrence.start, first)
        while day <= min(occurrence.end, last):
            by_day.setdefault(day, []).append(occurrence)
            day += dt.timedelta(days=1)
    for occurrence in long_items:
        if first <= occurrence.start <= last:
            by_day.setdefault(occurrence.start, []).append(occurrence)
    weeks: list[list[DayCell]] = []
    for week in gregorian.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row: list[DayCell] = []
        for day in week:
            if day.month != first.month:
                row.append(DayCell(None))
                continue
            row.append(DayCell(day, by_day.get(day, []), day == today))
        weeks.append(row)
    return weeks, long_items


def calendar_url(month: dt.date, view: str, categories: Collection[Category]) -> str:
    """The /calendar address for a month, view and category filter."""
    params: list[tuple[str, str]] = [("month", f"{month:%Y-%m}"), ("view", view)]
    params += [("category", c.value) for c in categories]
    return "/calendar?" + urlencode(params)


def print_url(year: int, layout: str, categories: Collection[Category]) -> str:
    """The `/print/YEAR.pdf` address of a printed calendar: the wallchart or the booklet."""
    params: list[tuple[str, str]] = [] if layout == "wallchart" else [("layout", layout)]
    params += [("category", c.value) for c in categories]
    return f"/print/{year}.pdf" + ("?" + urlencode(params) if params else "")


@dataclass(frozen=True)
class OfferedFeed:
    """One feed as the subscribe page offers it: what it is, and its links."""

    name: str
    title: str
    description: str
    links: FeedLinks
    #: An anchor on the page for this feed ("feed-race").
    anchor: str = ""

    @property
    def https(self) -> str:
        return self.links.https

    @property
    def webcal(self) -> str:
        return self.links.webcal

    @property
    def google(self) -> str:
        return self.links.google

    @property
    def outlook(self) -> str:
        return self.links.outlook

    @property
    def outlook_personal(self) -> str:
        return self.links.outlook_personal

    @property
    def qr(self) -> str:
        """The https address as a QR code (an SVG data: URI), for a phone's camera."""
        return qr_data_uri(self.links.https)


@functools.lru_cache(maxsize=256)
def qr_data_uri(text: str) -> str:
    """`text` as a QR code, an SVG image in a data: URI (no script, no remote image).

    Kept per address: choosing the mask (segno tries all eight, as the standard says) costs
    several milliseconds a code, and the subscribe page shows one for every feed.
    """
    import segno

    code = segno.make(text, error="m", micro=False)
    uri: str = code.svg_data_uri(scale=4, border=2, dark="#0b0c0c", light="#ffffff")
    return uri


def offer(spec: FeedSpec, base_url: str, query: str = "") -> OfferedFeed:
    """How the subscribe page offers `spec` (narrowed by `query`, normalised)."""
    return OfferedFeed(
        spec.name,
        spec.title,
        spec.description,
        feed_links(base_url, spec.name, query=query, title=spec.title),
        f"feed-{spec.name}",
    )


def listed_specs(
    specs: Iterable[FeedSpec], catalog: Catalog, custom: Collection[str] = ()
) -> list[FeedSpec]:
    """The feeds worth offering: every feed that carries something and, unless it is one of
    the `custom` feeds an administrator defined, is not the same as one listed before it
    ("faith festivals" is "religion or belief" by another name).

    Feeds left out here are still served, so no address ever published stops answering.
    """
    seen: set[frozenset[str]] = set()
    chosen = []
    for spec in specs:
        carried = frozenset(o.id for o in catalog.observances.values() if spec.filters.selects(o))
        if not carried or (carried in seen and spec.name not in custom):
            continue
        seen.add(carried)
        chosen.append(spec)
    return chosen


def subscribe_context(
    specs: Sequence[FeedSpec],
    catalog: Catalog,
    base_url: str,
    settings: FeedSettings,
    query: str = "",
) -> dict[str, Any]:
    """What the subscribe page shows, served or exported: the recommended feed first, then
    every other feed worth offering (none empty, none a duplicate); `query` ("lang=cy" on a
    Welsh page) is added to every address."""
    listed = listed_specs(specs, catalog, [c.name for c in settings.custom])
    recommended = next((s for s in specs if s.name == settings.recommended), None)
    if recommended is None:
        recommended = listed[0] if listed else None
    return {
        "recommended": offer(_named(recommended, query), base_url, query) if recommended else None,
        "feeds": [offer(_named(s, query), base_url, query) for s in listed if s is not recommended],
    }


def _named(spec: FeedSpec, query: str) -> FeedSpec:
    """`spec` with its Welsh name and description when `query` asks for the Welsh feed."""
    if "lang=cy" not in query.split("&"):
        return spec
    from dataclasses import replace

    from edicalendar.feeds.welsh import feed_title

    title, description = feed_title(spec.name, spec.title, spec.description)
    return replace(spec, title=title, description=description)


def freeze_feed_offer(base_url: str) -> OfferedFeed:
    """The freezes feed as the subscribe page offers it, beside the observance feeds."""
    from edicalendar.feeds.freeze_feed import DESCRIPTION, TITLE

    title = TITLE[0].upper() + TITLE[1:]
    return OfferedFeed(
        FREEZE_FEED_NAME,
        title,
        DESCRIPTION,
        feed_links(base_url, FREEZE_FEED_NAME, title=title),
        f"feed-{FREEZE_FEED_NAME}",
    )


def observances_in(catalog: Catalog, categories: Collection[Category]) -> list[Observance]:
    """The catalog's observances, filtered by any shared category, sorted by name."""
    chosen = [
        o
        for o in catalog.observances.values()
        if not categories or set(o.categories) & set(categories)
    ]
    return sorted(chosen, key=lambda o: o.name.casefold())

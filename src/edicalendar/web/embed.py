"""The "coming up" widget an intranet page frames: `/embed/upcoming?n=5&category=race`.

A small page of the next observances, each with its dates and its status in the words every
other output uses (:func:`~edicalendar.calendar.occurrence_records.status_text`), linking to
the observance's page on this site. It needs no script: an intranet page frames it with a
plain `<iframe>`. The optional `static/embed.js` writes that iframe and sizes it to the list
(the widget's `static/embed-frame.js` reports its height). Only this site and the origins in
`[web] embed_origins` may frame it (:mod:`.headers`); it carries a weak ETag from the data
version and date, so a busy intranet home page costs a 304 (:mod:`.conditional`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from edicalendar import i18n
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.occurrence_records import EVENING_BEFORE, span_text, status_text
from edicalendar.errors import QueryError
from edicalendar.i18n import N_, Message, _, said
from edicalendar.model import CATEGORY_LABELS, Category, Occurrence, Status
from edicalendar.web.conditional import conditional, data_etag
from edicalendar.web.live import LiveData
from edicalendar.web.pages import public_base_url
from edicalendar.web.render import margin, page, plain_name
from edicalendar.web.views import parse_categories

router = APIRouter(include_in_schema=False)

DEFAULT_COUNT = 5
MAX_COUNT = 20
#: How far ahead the widget looks for observances.
AHEAD_DAYS = 400
MAX_HEADING = 60
TARGETS = ("_blank", "_top")
_KNOWN = frozenset({"n", "category", "target", "heading"})


@dataclass(frozen=True)
class WidgetQuery:
    count: int
    categories: list[Category]
    target: str
    heading: str


def widget_query(params: list[tuple[str, str]]) -> WidgetQuery:
    """The widget's options from its query string, or a :class:`QueryError` naming the one
    at fault."""
    values: dict[str, list[str]] = {}
    for key, value in params:
        if key not in _KNOWN:
            raise QueryError(
                Message(
                    N_("%(option)s is not an option; use n, category, target, heading"),
                    option=repr(key[:30]),
                )
            )
        values.setdefault(key, []).append(value)
    for key in ("n", "target", "heading"):
        if len(values.get(key, [])) > 1:
            raise QueryError(Message(N_("%(option)s: give it once"), option=key))
    count_text = values.get("n", [str(DEFAULT_COUNT)])[0]
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_COUNT:
        raise QueryError(
            Message(
                N_("n: %(value)s is not a number from 1 to %(most)s"),
                value=repr(count_text[:10]),
                most=MAX_COUNT,
            )
        )
    target = values.get("target", ["_blank"])[0]
    if target not in TARGETS:
        raise QueryError(
            Message(N_("target: %(value)s is not _blank or _top"), value=repr(target[:20]))
        )
    heading = values.get("heading", [_("Coming up")])[0].strip()
    if not heading or len(heading) > MAX_HEADING or not heading.isprintable():
        raise QueryError(
            Message(N_("heading: give 1 to %(most)s printable characters"), most=MAX_HEADING)
        )
    return WidgetQuery(
        int(count_text), parse_categories(values.get("category", [])), target, heading
    )


@dataclass(frozen=True)
class WidgetItem:
    name: str
    href: str
    dates: str
    start: dt.date
    end: dt.date
    status: str
    confirmed: bool
    now: bool


def upcoming(
    occurrences: list[Occurrence], today: dt.date, count: int, base_url: str
) -> list[WidgetItem]:
    """The first `count` occurrences still running or to come (in date order), worded in the
    page's language (a Welsh widget links to the Welsh pages)."""
    welsh = i18n.language.get() == "cy"
    pages = f"{base_url}/cy" if welsh else base_url
    items = []
    for occ in occurrences:
        if occ.end < today:
            continue
        items.append(
            WidgetItem(
                name=plain_name(occ),
                href=f"{pages}/observances/{occ.observance_id}",
                dates=_welsh_span(occ) if welsh else span_text(occ.start, occ.end),
                start=occ.start,
                end=occ.end,
                status=_welsh_status(occ) if welsh else status_text(occ),
                confirmed=occ.status is Status.CONFIRMED and not occ.begins_evening_before,
                now=occ.start <= today,
            )
        )
        if len(items) == count:
            break
    return items


def _welsh_span(occ: Occurrence) -> str:
    start = i18n.format_day(occ.start, "short")
    return start if occ.start == occ.end else f"{start} – {i18n.format_day(occ.end, 'short')}"


def _welsh_status(occ: Occurrence) -> str:
    """:func:`status_text` in Welsh: "amcangyfrif ±1 diwrnod, yn dechrau’r noson cynt"."""
    text: str = i18n.gettext(occ.status.value)
    if occ.may_vary_days:
        text += " " + margin(occ.may_vary_days)
    if occ.begins_evening_before:
        text += ", " + i18n.gettext(EVENING_BEFORE)
    return text


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


@router.get("/embed/upcoming", response_class=HTMLResponse)
def embed_upcoming(request: Request) -> Response:
    live = _live(request)
    try:
        query = widget_query(request.query_params.multi_items())
    except QueryError as exc:
        return page(
            "embed_upcoming.html", status=400, error=said(exc), items=[], heading=_("Coming up"),
            target="_blank", base_url=public_base_url(request, live), categories=[],
            title=_("Coming up: check the address"),
        )  # fmt: skip
    snapshot = live.snapshot

    def answer() -> Response:
        today = snapshot.ctx.today()
        only = ObservanceFilter.of(categories=query.categories)
        expansion = snapshot.occurrences(today, today + dt.timedelta(days=AHEAD_DAYS), only)
        base_url = public_base_url(request, live)
        return page(
            "embed_upcoming.html",
            error=None,
            items=upcoming(expansion.occurrences, today, query.count, base_url),
            heading=query.heading,
            target=query.target,
            base_url=base_url,
            categories=[_(CATEGORY_LABELS[c]) for c in query.categories],
            title=query.heading,
        )

    return conditional(request, data_etag(request, snapshot), answer)


@router.get("/embed", response_class=HTMLResponse)
def embed_help(request: Request) -> Response:
    """How to put the widget on an intranet page: the snippets with this site's own address,
    each in a box with a copy button, and which sites may frame the widget."""
    from html import escape

    from edicalendar.i18n import gettext, language

    live = _live(request)
    base_url = escape(public_base_url(request, live))
    # The Welsh page gives the Welsh widget.
    welsh = "/cy" if language.get() == "cy" else ""
    widget = f"{base_url}{welsh}/embed/upcoming?n={DEFAULT_COUNT}"
    title = escape(gettext("Coming up in the EDI awareness calendar"))
    frame = (
        f'<iframe src="{widget}"\n        title="{title}"\n'
        '        width="100%" height="420" style="border:0" loading="lazy"></iframe>'
    )
    lang_option = ' data-lang="cy"' if welsh else ""
    script = (
        f'<script src="{base_url}/static/embed.js"\n'
        f'        data-n="{DEFAULT_COUNT}"{lang_option} data-title="{title}" async></script>'
    )
    return page(
        "embed.html",
        current="/embed",
        title=gettext("Put the calendar on your intranet"),
        frame_snippet=frame,
        script_snippet=script,
        allowed=live.snapshot.ctx.loaded.settings.web.embed_origins,
        preview=f"/embed/upcoming?n={DEFAULT_COUNT}",
    )

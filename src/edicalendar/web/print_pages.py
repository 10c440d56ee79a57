"""`/print/YEAR.pdf`: the printed calendar from the web server, the A3 wallchart or, with
`?layout=booklet`, the month-per-page booklet, filtered by `category` as the calendar page is.
`/cy/print/YEAR.pdf` (or `?lang=cy`, as on every page) gives it in Welsh. Communication
freezes are shown as the month view shows them: the public ones to everybody, every one to a
signed-in person, whose copy is then never kept by a shared cache.

A PDF takes a few seconds of CPU to lay out, so one is drawn at a time and the last few are
kept per data version (and per day, since each carries the date it was made); a query the
calendar pages would refuse gets the same 400 here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from edicalendar.calendar.occurrences import FIRST_YEAR, LAST_YEAR
from edicalendar.errors import QueryError
from edicalendar.i18n import LANGUAGES, N_, Message, gettext, language
from edicalendar.wallchart.content import year_freezes
from edicalendar.wallchart.printed import Layout, print_year
from edicalendar.web.freeze_pages import shown_freezes
from edicalendar.web.pages import live_data, public_base_url
from edicalendar.web.render import SITE_NAME, chrome, error_page
from edicalendar.web.views import address_mistake, parse_categories

router = APIRouter(include_in_schema=False)

#: PDFs kept, newest last: the year's wallchart and booklet for a few filters.
KEPT = 16
_kept: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
#: One PDF is laid out at a time, so a burst of requests cannot take every core.
_drawing = threading.Lock()
_PARAMETERS = {"layout", "category", "lang"}


def _parse_year(text: str) -> int:
    if not text.isdigit() or len(text) > 4:
        raise QueryError(
            Message(
                N_("year: %(value)s is not a year; use four digits, such as 2027"),
                value=repr(text[:20]),
            )
        )
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise QueryError(
            Message(
                N_(
                    "year: %(year)s is outside the years the calendar computes (%(first)s-%(last)s)"
                ),
                year=year,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return year


@router.get("/print/{year}.pdf", response_model=None)
def printed_calendar(request: Request, year: str) -> Response:
    live = live_data(request)
    snapshot = live.snapshot
    params = request.query_params
    try:
        unknown = sorted(set(params) - _PARAMETERS)
        if unknown:
            raise QueryError(
                Message(
                    N_("%(option)s is not an option here; use layout, category and lang"),
                    option=repr(unknown[0][:20]),
                )
            )
        if params.get("lang", "en") not in LANGUAGES:
            raise QueryError(
                Message(
                    N_("lang: %(value)s is not a language; use en or cy"),
                    value=repr(params["lang"][:20]),
                )
            )
        number = _parse_year(year)
        layout_value = params.get("layout", Layout.WALLCHART.value)
        if layout_value not in {layout.value for layout in Layout}:
            raise QueryError(
                Message(
                    N_("layout: %(value)s is not a layout; use wallchart or booklet"),
                    value=repr(layout_value[:20]),
                )
            )
        categories = parse_categories(params.getlist("category"))
    except QueryError as exc:
        return error_page(400, address_mistake(exc))
    layout = Layout(layout_value)
    # The Language middleware has read /cy/ and ?lang=cy already.
    lang = language.get()
    settings = snapshot.ctx.loaded.settings.feeds
    subscribe_url = public_base_url(request, live) + ("/cy/" if lang == "cy" else "/")
    today = snapshot.ctx.today()
    signed_in = chrome.get().person is not None
    freezes = tuple(year_freezes(shown_freezes(snapshot.ctx), number))
    key = (
        snapshot.loaded_at,
        snapshot.fingerprint,
        number,
        layout,
        tuple(categories),
        today,
        subscribe_url,
        lang,
        freezes,
    )
    with _drawing:
        body = _kept.get(key)
        if body is None:
            body = print_year(
                snapshot.catalog,
                number,
                layout=layout,
                categories=categories,
                organisation=settings.organisation,
                title=gettext(SITE_NAME),
                subscribe_url=subscribe_url,
                today=today,
                lang=lang,
                freezes=freezes,
            ).body
            _kept[key] = body
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
        else:
            _kept.move_to_end(key)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # A signed-in person's copy may show freezes that are not public.
    cache = "private, no-cache" if signed_in else "public, max-age=3600"
    headers = {"ETag": tag, "Cache-Control": cache}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    suffix = "-" + "-".join(c.slug for c in categories) if categories else ""
    suffix += "-cy" if lang == "cy" else ""
    headers["Content-Disposition"] = (
        f'inline; filename="edi-calendar-{number}-{layout.value}{suffix}.pdf"'
    )
    return Response(body, media_type="application/pdf", headers=headers)

"""The public HTML pages: subscribe, calendar (month and agenda), one observance, date check.

Each page is server-rendered and works without JavaScript; filters are plain GET forms and
navigation is plain links, so the keyboard and the back button behave as people expect. Bad
query values give a 400 page that says which value and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from edicalendar import i18n
from edicalendar.calendar.clashes import find_clashes
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.occurrence_records import missing_summary
from edicalendar.calendar.occurrences import FIRST_YEAR, LAST_YEAR
from edicalendar.config import FeedSettings
from edicalendar.errors import QueryError
from edicalendar.feeds.welsh import feed_title
from edicalendar.i18n import N_, _, format_day, month_names, weekday_names
from edicalendar.model import CATEGORY_LABELS, Category
from edicalendar.web.freeze_pages import shown_freezes
from edicalendar.web.live import LiveData
from edicalendar.web.render import error_page, page, plain_name
from edicalendar.web.views import (
    add_months,
    address_mistake,
    calendar_url,
    check_order,
    check_window,
    chosen_month,
    freeze_feed_offer,
    listed_specs,
    month_end,
    month_grid,
    parse_categories,
    parse_date,
    print_url,
    subscribe_context,
)

router = APIRouter(include_in_schema=False)

#: How far ahead an observance page lists dates.
YEARS_AHEAD = 3
#: Longest run of days the date check answers at once (as the CLI).
MAX_CLASH_DAYS = 366


def live_data(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def public_base_url(request: Request, live: LiveData) -> str:
    """The configured public address, or the address this request came in on when unset."""
    configured = live.snapshot.ctx.loaded.settings.feeds.base_url
    if configured != FeedSettings.model_fields["base_url"].default:
        return configured
    return str(request.base_url).rstrip("/")


@router.get("/", response_class=HTMLResponse)
def subscribe(request: Request) -> HTMLResponse:
    from edicalendar.web.builder import builder_view

    live = live_data(request)
    base = public_base_url(request, live)
    snapshot = live.snapshot
    specs = [s for s in snapshot.specs if s.name in snapshot.feeds]
    builder = builder_view(
        snapshot.catalog,
        specs,
        request.query_params.multi_items(),
        base,
        snapshot.ctx.today(),
        i18n.language.get(),
    )
    return page(
        "subscribe.html",
        status=400 if builder.error else 200,
        current="/",
        title=_("Subscribe to the calendar"),
        **subscribe_context(
            specs,
            snapshot.catalog,
            base,
            snapshot.ctx.loaded.settings.feeds,
            "lang=cy" if i18n.language.get() == "cy" else "",
        ),
        builder=builder,
        freeze_feed=freeze_feed_offer(base),
    )


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(request: Request) -> HTMLResponse:
    live = live_data(request)
    snapshot = live.snapshot
    today = snapshot.ctx.today()
    params = request.query_params
    try:
        first = chosen_month(params, today)
        categories = parse_categories(params.getlist("category"))
    except QueryError as exc:
        return error_page(400, i18n.said(exc))
    view = params.get("view", "month")
    if view not in ("month", "agenda"):
        shown = repr(view[:20])
        return error_page(
            400, _("view: %(value)s is not a view; use month or agenda") % {"value": shown}
        )
    last = month_end(first)
    expansion = snapshot.occurrences(first, last, ObservanceFilter.of(categories=categories))
    weeks, long_items = month_grid(first, expansion.occurrences, today)
    freezes = [f for f in shown_freezes(snapshot.ctx) if f.overlaps(first, last)]
    previous, following = add_months(first, -1), add_months(first, 1)
    return page(
        "calendar.html",
        current="/calendar",
        title=_("Calendar: %(month)s") % {"month": format_day(first, "month")},
        view=view,
        month_value=f"{first:%Y-%m}",
        month_names=month_names(),
        month_number=first.month,
        year=first.year,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        month_label=format_day(first, "month"),
        categories=[
            {"value": c.value, "label": CATEGORY_LABELS[c], "checked": c in categories}
            for c in Category
        ],
        any_checked=bool(categories),
        filter_label=", ".join(_(CATEGORY_LABELS[c]) for c in categories),
        clear_url=calendar_url(first, view, ()),
        wallchart_url=print_url(first.year, "wallchart", categories),
        booklet_url=print_url(first.year, "booklet", categories),
        prev_url=calendar_url(previous, view, categories),
        prev_label=format_day(previous, "month"),
        next_url=calendar_url(following, view, categories),
        next_label=format_day(following, "month"),
        today_url=calendar_url(today.replace(day=1), view, categories),
        weekdays=weekday_names(),
        weeks=weeks,
        long_items=long_items,
        agenda=expansion.occurrences,
        warnings=missing_summary(expansion.skipped, expansion.warnings),
        freezes=freezes,
        frozen_days={
            first + dt.timedelta(days=n)
            for n in range((last - first).days + 1)
            if any(f.covers(first + dt.timedelta(days=n)) for f in freezes)
        },
    )


@router.get("/observances/{observance_id}", response_class=HTMLResponse)
def observance_page(request: Request, observance_id: str) -> HTMLResponse:
    snapshot = live_data(request).snapshot
    obs = snapshot.catalog.get(observance_id)
    if obs is None:
        optional = snapshot.catalog.where(observance_id)
        if optional is not None:
            return error_page(
                404,
                _(
                    "That observance is in the optional calendar '%(calendar)s', which this "
                    "organisation has not switched on."
                )
                % {"calendar": optional},
                _(
                    "An administrator can add '%(calendar)s' to [calendars] enabled in the "
                    "settings file."
                )
                % {"calendar": optional},
            )
        return error_page(
            404, _("There is no observance with that name."), _("Browse the calendar to find it.")
        )
    today = snapshot.ctx.today()
    until = today.replace(year=today.year + YEARS_AHEAD, day=28 if today.day > 28 else today.day)
    expansion = snapshot.occurrences(today, until, ObservanceFilter.of(observances=[obs.id]))
    settings = snapshot.ctx.loaded.settings.feeds
    recommended = settings.recommended
    listed = listed_specs(
        [s for s in snapshot.specs if s.name in snapshot.feeds],
        snapshot.catalog,
        [c.name for c in settings.custom],
    )
    feeds = [
        {
            "title": feed_title(spec.name, spec.title, spec.description)[0]
            if i18n.language.get() == "cy"
            else spec.title,
            "href": "/#recommended" if spec.name == recommended else f"/#feed-{spec.name}",
        }
        for spec in listed
        if spec.filters.selects(obs)
    ]
    freezes = shown_freezes(snapshot.ctx)
    overlapping = {
        (occ.observance_id, occ.instance): [f for f in freezes if f.overlaps(occ.start, occ.end)]
        for occ in expansion.occurrences
    }
    return page(
        "observance.html",
        current="/calendar",
        title=plain_name(obs),
        obs=obs,
        upcoming=expansion.occurrences,
        warnings=missing_summary(expansion.skipped, expansion.warnings),
        years_ahead=YEARS_AHEAD,
        feeds=feeds,
        share_url=f"{public_base_url(request, live_data(request))}/observances/{obs.id}",
        freezes_during=overlapping,
        any_freezes=any(overlapping.values()),
    )


@router.get("/observances/{observance_id}/{instance}.ics", response_model=None)
def event_download(request: Request, observance_id: str, instance: str) -> Response:
    """One occurrence as an .ics of its own, with the UID the feeds give it ("add this event")."""
    from edicalendar.feeds.ical import etag
    from edicalendar.feeds.query import parse_query_string

    snapshot = live_data(request).snapshot
    try:
        query = parse_query_string(request.url.query)
        if not query.selects_all:
            raise QueryError(
                i18n.Message(
                    N_("an event download takes only the options eves, expected, busy and alarm")
                )
            )
    except QueryError as exc:
        return error_page(400, address_mistake(exc))
    body = snapshot.feeds.publisher.single_event(observance_id, instance, query.options)
    if body is None:
        return error_page(
            404,
            "There is no such date of that observance.",
            "The observance's page lists its next dates.",
            (f"/observances/{observance_id}", "Back to the observance"),
        )
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{observance_id}-{instance}.ics"'
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get("/clashes", response_class=HTMLResponse)
def clashes_page(request: Request) -> HTMLResponse:
    snapshot = live_data(request).snapshot
    params = request.query_params
    date_value, to_value = params.get("date", ""), params.get("to", "")
    context: dict[str, Any] = {
        "freezes": [],
        "title": _("Check a date"),
        "date_value": date_value[:10],
        "to_value": to_value[:10],
        "error": None,
        "checked": False,
    }
    if not date_value:
        return page("clashes.html", current="/clashes", **context)
    try:
        start = parse_date(date_value, "date")
        end = parse_date(to_value, "to") if to_value else start
        check_order(start, end)
        check_window(start, end, "date", "to")
        if (end - start).days > MAX_CLASH_DAYS:
            raise QueryError(
                i18n.Message(N_("to: check at most %(days)s days at once"), days=MAX_CLASH_DAYS + 1)
            )
    except QueryError as exc:
        context["error"] = i18n.said(exc)
        return page("clashes.html", status=400, current="/clashes", **context)
    report = find_clashes(snapshot.catalog, start, end, workdays=snapshot.ctx.workdays)
    freezes = [f for f in shown_freezes(snapshot.ctx) if f.overlaps(start, end)]
    range_text = format_day(start, "full")
    if end != start:
        range_text = _("%(start)s to %(end)s") % {
            "start": range_text,
            "end": format_day(end, "full"),
        }
    context.update(
        checked=True,
        clashes=report.clashes,
        warnings=missing_summary(report.skipped, report.warnings),
        range_text=range_text,
        answer_heading=_("What falls on %(range)s") % {"range": range_text},
        freezes=freezes,
    )
    return page("clashes.html", current="/clashes", **context)

"""The comms team's pages: the planning view, one campaign, one year of it, and "My work".

The planning view shows a month or a quarter: work overdue, work due in the period, the
campaigns running in it and the observances no campaign covers yet (the gaps), with links to
the periods either side so past years stay a click away. A campaign page shows where the
campaign is defined (a file, read-only here, or the database), its instances year by year, its
comments and its history. "My work" lists a person's own tasks and publications and gives them a
deadlines feed on a secret address. The plan downloads as CSV or as an Excel workbook.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from edicalendar.accounts.people import Person
from edicalendar.calendar.freezes import NO_FREEZES, FreezeFlag
from edicalendar.calendar.occurrences import expand
from edicalendar.campaigns.campaign_records import plan_rows
from edicalendar.campaigns.freeze_flags import flagged_items
from edicalendar.campaigns.instances import span
from edicalendar.campaigns.plan_export import plan_csv, plan_xlsx
from edicalendar.campaigns.planning import (
    Period,
    WorkItem,
    belongs_to,
    depends_on_moon,
    due_between,
    gaps,
    overdue,
    parse_period,
    period_of,
    work_items,
)
from edicalendar.campaigns.schema import YEAR_KEY
from edicalendar.campaigns.service import CampaignService, Definition
from edicalendar.errors import NotFoundError, QueryError
from edicalendar.i18n import N_, Message, _, said
from edicalendar.model import CATEGORY_LABELS, CampaignInstance, Category
from edicalendar.web.auth import Via, access_of, read_form, viewer_of
from edicalendar.web.campaign_form import PersonChoice
from edicalendar.web.freeze_pages import shown_freezes
from edicalendar.web.live import Snapshot
from edicalendar.web.private import Editor, Viewer, can_edit, guarded_router, live_of, service_of
from edicalendar.web.render import error_page, page
from edicalendar.web.views import parse_categories

router = guarded_router()
#: The deadlines feed: its address is the credential (calendar apps cannot sign in).
public_router = APIRouter(include_in_schema=False)

#: "My work" and the deadlines feed look this far back and ahead.
WORK_BACK_DAYS = 90
WORK_AHEAD_DAYS = 400
MAX_FORM_BYTES = 4096


def people_choices(request: Request) -> list[PersonChoice]:
    """Everyone on the user list, as owners to choose from."""
    people = access_of(request).accounts.people()
    return sorted((PersonChoice(p.name, p.email) for p in people), key=lambda p: p.name.casefold())


def moon_map(service: CampaignService, instances: list[CampaignInstance]) -> dict[str, bool]:
    """Observance id -> whether its dates depend on the moon sighting."""
    catalog = service.catalog
    if catalog is None:
        return {}
    ids = {i.occurrence.observance_id for i in instances}
    return {o: depends_on_moon(catalog.get(o)) for o in ids}


#: A piece of work, as the freeze flags are looked up: (campaign, instance, kind, item id).
FlagKey = tuple[str, str, str, str]


def freeze_context(
    snapshot: Snapshot, instances: list[CampaignInstance], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """What the campaign pages show of communication freezes: the notices of those that overlap
    `first`..`last` (as the calendar pages show them), and a flag on each piece of work dated
    inside one, with the nearest open date (as `edicalendar campaigns` does)."""
    ctx = snapshot.ctx
    notes = [f for f in shown_freezes(ctx) if f.overlaps(first, last)]
    flags: dict[FlagKey, FreezeFlag] = {
        (f.instance.campaign.id, f.instance.instance, f.item, f.item_id): f.flag
        for f in flagged_items(instances, ctx.freeze_calendar())
    }
    return {"freeze_notes_shown": notes, "flags": flags}


# --- the planning view ------------------------------------------------------------------------


def _chosen_period(request: Request, today: dt.date) -> tuple[Period, dict[str, str]]:
    """The period asked for (`period=2026-03`, or a date to jump to), and field errors."""
    params = request.query_params
    kind = params.get("view", "quarter")
    if kind not in ("month", "quarter"):
        raise QueryError(
            Message(
                N_("view: %(value)s is not a view; use month or quarter"), value=repr(kind[:20])
            )
        )
    errors: dict[str, str] = {}
    day, month, year = (params.get(f"jump-{k}", "").strip() for k in ("day", "month", "year"))
    if day or month or year:
        from edicalendar.web.campaign_form import _read_date

        try:
            return period_of(_read_date(day, month, year), kind), errors
        except ValueError as exc:
            mistake = said(exc)  # a Message: the Welsh plan says it in Welsh
            errors["jump"] = (
                mistake.upper_first() if isinstance(mistake, Message) else mistake.capitalize()
            )
    if "period" in params:
        chosen = parse_period(params["period"])
        return (chosen if chosen.kind == kind else chosen.as_kind(kind)), errors
    return period_of(today, kind), errors


@router.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
def plan_page(request: Request) -> Response:
    snapshot = live_of(request).snapshot
    service = service_of(snapshot)
    today = snapshot.ctx.today()
    try:
        period, errors = _chosen_period(request, today)
        categories = parse_categories(request.query_params.getlist("category"))
    except QueryError as exc:
        return error_page(400, said(exc))
    since = today - dt.timedelta(days=WORK_BACK_DAYS)
    plan = service.plan(min(period.start, since), max(period.end, today))
    items = work_items(plan.instances)
    in_period = [
        i
        for i in plan.instances
        if i.occurrence.start <= period.end and i.occurrence.end >= period.start
    ]
    touching = [
        i for i in plan.instances if span(i)[0] <= period.end and span(i)[1] >= period.start
    ]
    expansion = expand(snapshot.catalog, period.start, period.end, categories=categories)
    starting = [o for o in expansion.occurrences if period.start <= o.start <= period.end]
    missing = gaps(starting, plan.instances)
    query_extra = "".join(f"&category={c.value}" for c in categories)
    frozen = freeze_context(snapshot, plan.instances, period.start, period.end)
    return page(
        "plan.html",
        **frozen,
        status=400 if errors else 200,
        current="/campaigns",
        title=_("Campaign plan"),
        today=today,
        period=period,
        previous=period.shifted(-1),
        following=period.shifted(1),
        this_period=period_of(today, period.kind),
        other_view="month" if period.kind == "quarter" else "quarter",
        query_extra=query_extra,
        overdue=overdue(items, today),
        due=due_between(items, period.start, period.end),
        instances=in_period,
        preparing=[i for i in touching if i not in in_period],
        gaps=missing,
        moon=moon_map(service, plan.instances),
        categories=[
            {"value": c.value, "label": CATEGORY_LABELS[c], "checked": c in categories}
            for c in Category
        ],
        any_category=bool(categories),
        warnings=[*(p.said() for p in plan.loaded.problems), *plan.warnings, *expansion.warnings],
        can_edit=can_edit(request),
        errors=errors,
        jump={k: request.query_params.get(f"jump-{k}", "") for k in ("day", "month", "year")},
        notice=request.query_params.get("done", ""),
    )


def _export_window(request: Request, today: dt.date) -> tuple[dt.date, dt.date, str]:
    params = request.query_params
    if "period" in params:
        chosen = parse_period(params["period"])
        return chosen.start, chosen.end, chosen.key
    year = params.get("year", str(today.year))
    if not year.isdigit() or not 1900 <= int(year) <= 2200:
        raise QueryError(
            Message(
                N_("year: %(value)s is not a year such as %(example)s"),
                value=repr(year[:20]),
                example=today.year,
            )
        )
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31), year


def _plan_rows(request: Request) -> tuple[list[dict[str, Any]], str]:
    snapshot = live_of(request).snapshot
    start, end, label = _export_window(request, snapshot.ctx.today())
    plan = service_of(snapshot).plan(start, end)
    chosen = [i for i in plan.instances if i.occurrence.start <= end and i.occurrence.end >= start]
    freezes = snapshot.ctx.freeze_calendar() if chosen else NO_FREEZES
    return plan_rows(chosen, freezes), label


@router.get("/campaigns/plan.csv", include_in_schema=False)
def plan_csv_download(request: Request) -> Response:
    """The plan for the year (or `period`) as CSV, one row per task and asset."""
    try:
        rows, label = _plan_rows(request)
    except QueryError as exc:
        return error_page(400, said(exc))
    return Response(
        plan_csv(rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="campaign-plan-{label}.csv"',
            "cache-control": "private, no-store",
        },
    )


@router.get("/campaigns/plan.xlsx", include_in_schema=False)
def plan_xlsx_download(request: Request) -> Response:
    """The plan for the year (or `period`) as an Excel workbook."""
    try:
        rows, label = _plan_rows(request)
    except QueryError as exc:
        return error_page(400, said(exc))
    return Response(
        plan_xlsx(rows, f"Campaign plan {label}"),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "content-disposition": f'attachment; filename="campaign-plan-{label}.xlsx"',
            "cache-control": "private, no-store",
        },
    )


# --- my work --------------------------------------------------------------------------------


def _my_items(service: CampaignService, person: Person, today: dt.date) -> list[WorkItem]:
    plan = service.plan(
        today - dt.timedelta(days=WORK_BACK_DAYS), today + dt.timedelta(days=WORK_AHEAD_DAYS)
    )
    return [w for w in work_items(plan.instances) if belongs_to(w, person.name, person.email)]


@router.get("/my-work", response_class=HTMLResponse, include_in_schema=False)
def my_work_page(request: Request, person: Viewer) -> Response:
    return _my_work(request, person, feed_url=None)


def _my_work(request: Request, person: Person, *, feed_url: str | None) -> Response:
    """The person's work, overdue first; `feed_url` is a new deadlines feed, shown once."""
    snapshot = live_of(request).snapshot
    service = service_of(snapshot)
    today = snapshot.ctx.today()
    items = _my_items(service, person, today)
    open_items = [w for w in items if not w.done]
    frozen = freeze_context(
        snapshot,
        list({id(w.instance): w.instance for w in items}.values()),
        today,
        today + dt.timedelta(days=WORK_AHEAD_DAYS),
    )
    return page(
        "my_work.html",
        **frozen,
        current="/my-work",
        title=_("My work"),
        person=person,
        today=today,
        overdue=[w for w in open_items if w.overdue(today)],
        coming=[w for w in open_items if not w.overdue(today)],
        done=[w for w in items if w.done][-20:],
        moon=moon_map(service, [w.instance for w in items]),
        feed_made=access_of(request).accounts.feed_link_made(person),
        feed_url=feed_url,
        can_edit=can_edit(request),
    )


@router.post("/my-work/feed", response_class=HTMLResponse, include_in_schema=False)
async def my_feed(request: Request, person: Editor) -> Response:
    """Make (or stop) the person's deadlines feed address; a new one is shown once."""
    form = await read_form(request, MAX_FORM_BYTES)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    viewer = viewer_of(request)
    if viewer is not None and viewer.via is Via.LEGACY_TOKEN:
        # The old shared token is nobody in particular: there is no one to make a feed for.
        return error_page(
            403,
            _(
                "The shared EDICALENDAR_TOKEN is not a person, so it has no deadlines feed. Sign "
                "in as yourself, or use a personal token (edicalendar users token EMAIL)."
            ),
        )
    accounts = access_of(request).accounts
    if form.get("action") == "stop":
        accounts.stop_feed_link(person)
        return RedirectResponse("/my-work?feed=stopped#feed", status_code=303)
    secret = accounts.new_feed_link(person)
    base = str(request.base_url).rstrip("/")
    configured = live_of(request).snapshot.ctx.loaded.settings.feeds.base_url.rstrip("/")
    root = configured if configured.startswith("https://") else base
    return _my_work(request, person, feed_url=f"{root}/deadlines/{secret}.ics")


@public_router.get("/deadlines/{secret}.ics")
def deadlines_feed(request: Request, secret: str) -> Response:
    """A person's own deadlines as an iCalendar feed, at the secret address made for them."""
    from edicalendar.feeds.campaign_feed import build_plan_feed
    from edicalendar.feeds.ical import etag, last_modified
    from edicalendar.web.feedserve import is_not_modified, prepare_feed

    accounts = access_of(request).accounts
    person = accounts.feed_person(secret)
    if person is None:
        return error_page(
            404,
            _(
                "This deadlines feed address does not work: it was replaced by a newer one, or "
                "its person was removed."
            ),
            _("Make a new address on the My work page."),
        )
    snapshot = live_of(request).snapshot
    service = service_of(snapshot)
    today = snapshot.ctx.today()

    def mine(instance: CampaignInstance, kind: str, item_id: str) -> bool:
        items = [w for w in work_items([instance]) if w.kind == kind and w.item_id == item_id]
        return bool(items) and belongs_to(items[0], person.name, person.email)

    feed = build_plan_feed(
        service,
        snapshot.ctx.database,
        snapshot.ctx.loaded.settings,
        today - dt.timedelta(days=WORK_BACK_DAYS),
        today + dt.timedelta(days=WORK_AHEAD_DAYS),
        keep=mine,
        scope=f"deadlines:{person.id}",
        title=f"deadlines of {person.name}",
        description="Your campaign tasks and publication dates (private).",
    )
    prepared = prepare_feed(
        "deadlines", feed.body, etag(feed.body), last_modified(feed.body) or snapshot.ctx.now()
    )
    headers = dict((k.decode(), v.decode()) for k, v in prepared.headers)
    # The address is a secret: no shared cache may keep a copy.
    headers["cache-control"] = "private, max-age=900"
    headers.pop("access-control-allow-origin", None)
    if is_not_modified(
        prepared, request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    ):
        return Response(
            status_code=304,
            headers={
                k: v for k, v in headers.items() if k in ("etag", "last-modified", "cache-control")
            },
        )
    headers.pop("content-length", None)
    return Response(feed.body, headers=headers, media_type="text/calendar; charset=utf-8")


# --- one campaign ---------------------------------------------------------------------------


def _years_shown(
    definition: Definition, service: CampaignService, today: dt.date
) -> range | list[int]:
    """The years a campaign page covers: a one-off campaign's years, or a recurring one's from
    its first year (or the first year anything was recorded) to next year."""
    campaign = definition.campaign
    assert campaign is not None
    if not campaign.every_year:
        return sorted(set(campaign.years))
    history_years = [e.at.year for e in service.history(campaign.id)]
    first = campaign.since or min([today.year - 1, *history_years])
    if definition.stored is not None and campaign.since is None:
        first = min(first, definition.stored.created_at.year)
    return range(first, today.year + 2)


def _campaign_context(
    request: Request, campaign_id: str
) -> tuple[CampaignService, Definition, dict[str, Any]]:
    snapshot = live_of(request).snapshot
    service = service_of(snapshot)
    definition = service.definition(campaign_id)
    today = snapshot.ctx.today()
    instances: list[CampaignInstance] = []
    warnings: list[str] = []
    years: list[int] = []
    if definition.campaign is not None:
        years = list(_years_shown(definition, service, today))
        if years:
            plan = service.plan(
                dt.date(min(years), 1, 1),
                dt.date(max(years), 12, 31),
                campaigns=[definition.campaign],
            )
            instances = [i for i in plan.instances if i.year in years]
            warnings = plan.warnings
    observances = [
        snapshot.catalog.get(o)
        for o in (definition.campaign.observances if definition.campaign else ())
    ]
    context: dict[str, Any] = {
        "definition": definition,
        "campaign": definition.campaign,
        "observances": [o for o in observances if o is not None],
        "instances": instances,
        "warnings": warnings,
        "today": today,
        "moon": moon_map(service, instances),
        "can_edit": can_edit(request),
        "people": people_choices(request) if can_edit(request) else [],
        "destinations": sorted({"console", *snapshot.ctx.loaded.settings.destinations}),
        "freeze_notes_shown": [],
        "flags": {},
    }
    return service, definition, context


def _current(instances: list[CampaignInstance], today: dt.date) -> CampaignInstance | None:
    upcoming = [i for i in instances if span(i)[1] >= today]
    if upcoming:
        return upcoming[0]
    return instances[-1] if instances else None


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
def campaign_page(request: Request, campaign_id: str) -> Response:
    try:
        service, definition, context = _campaign_context(request, campaign_id)
    except NotFoundError:
        return error_page(
            404,
            _("There is no campaign with that name."),
            link=("/campaigns", _("Go to the campaign plan")),
        )
    history = service.history(campaign_id)
    current = _current(context["instances"], context["today"])
    if current is not None:
        context.update(freeze_context(live_of(request).snapshot, [current], *span(current)))
    return page(
        "campaign.html",
        current="/campaigns",
        title=definition.title,
        shown=current,
        history=history,
        comments=[h for h in history if h.comment is not None],
        notice=request.query_params.get("done", ""),
        **context,
    )


@router.get(
    "/campaigns/{campaign_id}/{instance}", response_class=HTMLResponse, include_in_schema=False
)
def instance_page(request: Request, campaign_id: str, instance: str) -> Response:
    """One year (one occurrence) of a campaign: its tasks, assets, comments and history."""
    if not YEAR_KEY.match(instance):
        return error_page(404, _("There is no page at this address."))
    try:
        service, definition, context = _campaign_context(request, campaign_id)
    except NotFoundError:
        return error_page(404, _("There is no campaign with that name."))
    chosen = [i for i in context["instances"] if i.instance == instance]
    if not chosen and definition.campaign is not None:
        year = int(instance[:4])
        plan = service.plan(
            dt.date(year, 1, 1), dt.date(year, 12, 31), campaigns=[definition.campaign]
        )
        chosen = [i for i in plan.instances if i.instance == instance]
        context["moon"] = moon_map(service, chosen)
    if not chosen:
        return error_page(
            404,
            _("%(title)s has no instance %(instance)s.")
            % {"title": definition.title, "instance": instance},
            link=(f"/campaigns/{campaign_id}", _("Go to %(title)s") % {"title": definition.title}),
        )
    history = [h for h in service.history(campaign_id) if h.instance in (instance, None)]
    context.update(freeze_context(live_of(request).snapshot, chosen[:1], *span(chosen[0])))
    return page(
        "campaign_instance.html",
        current="/campaigns",
        title=f"{definition.title} {instance}",
        shown=chosen[0],
        history=history,
        comments=[h for h in history if h.comment is not None],
        notice=request.query_params.get("done", ""),
        **context,
    )

"""Private routes: the campaign plan, one campaign, and recording progress (tasks done).

Everything here needs the bearer token (see :mod:`edicalendar.web.auth`); with no token
configured the routes answer 404 with a page saying how to turn them on. The plan is the
campaign files rolled onto dated occurrences (`plan.expand_campaigns`) with recorded progress
from the database; marking a task done appends to that history and stops its reminders.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, Response

from edicalendar.model import CampaignInstance
from edicalendar.web.auth import (
    COOKIE_NAME,
    Access,
    check_access,
    configured_token,
    off_message,
    same_origin,
    session_value,
)
from edicalendar.web.live import LiveData, Snapshot
from edicalendar.web.render import error_page, page
from edicalendar.web.views import QueryError, check_window

router = APIRouter()

#: The plan page shows work from a month back to a year ahead.
PLAN_BACK_DAYS = 31
PLAN_AHEAD_DAYS = 365
#: Tasks due within this many days (or overdue) are listed first.
DUE_SOON_DAYS = 28
MAX_FORM_BYTES = 4096


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def _token_env(request: Request) -> str:
    return str(request.app.state.token_env)


def _refusal(request: Request, *, json: bool) -> Response | None:
    """None when the request may pass; else the answer that refuses it."""
    access = check_access(request, _token_env(request))
    if access is Access.GRANTED:
        return None
    if access is Access.OFF:
        message = off_message(_token_env(request))
        if json:
            return JSONResponse({"detail": message}, status_code=404)
        return error_page(404, message)
    challenge = 'Bearer realm="edicalendar"' + (
        ', error="invalid_token"' if access is Access.WRONG else ""
    )
    headers = {"WWW-Authenticate": challenge}
    message = (
        "The access token is not right."
        if access is Access.WRONG
        else "This page is private: sign in with the access token."
    )
    if json:
        return JSONResponse({"detail": message}, status_code=401, headers=headers)
    response = error_page(401, message, link=("/signin", "Sign in with the access token"))
    response.headers.update(headers)
    return response


def _plan(
    snapshot: Snapshot, start: dt.date, end: dt.date, campaign_id: str | None = None
) -> tuple[list[CampaignInstance], list[str]]:
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.campaigns.instances import expand_campaigns
    from edicalendar.campaigns.progress import asset_states, done_tasks

    ctx = snapshot.ctx
    campaigns = [
        c for c in snapshot.campaigns.values() if campaign_id is None or c.id == campaign_id
    ]
    warnings: list[str] = []
    instances = expand_campaigns(
        campaigns,
        snapshot.catalog,
        start,
        end,
        WorkingDays(ctx.loaded.settings.nation),
        done=done_tasks(ctx.database),
        assets=asset_states(ctx.database),
        warnings=warnings,
    )
    return instances, warnings


def instance_record(instance: CampaignInstance) -> dict[str, Any]:
    """The JSON object for one campaign instance in `/api/campaigns`."""
    from edicalendar.calendar.occurrence_records import occurrence_record

    campaign = instance.campaign
    return {
        "campaign": campaign.id,
        "title": campaign.title,
        "summary": campaign.summary,
        "instance": instance.instance,
        "year": instance.year,
        "occurrence": occurrence_record(instance.occurrence),
        "owners": [o.name for o in campaign.owners],
        "tasks": [
            {
                "id": t.task.id,
                "name": t.task.name,
                "due": t.due.isoformat(),
                "owner": t.task.owner,
                "done": t.done,
            }
            for t in instance.tasks
        ],
        "assets": [
            {
                "id": a.asset.id,
                "kind": a.asset.kind.value,
                "title": a.asset.title,
                "status": a.asset.status.value,
                "url": a.asset.url,
                "publish_on": a.publish_on.isoformat() if a.publish_on else None,
            }
            for a in instance.assets
        ],
    }


# --- sign-in ------------------------------------------------------------------------------


@router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
def signin_form(request: Request) -> Response:
    if configured_token(_token_env(request)) is None:
        return error_page(404, off_message(_token_env(request)))
    return page("signin.html", current="/campaigns", title="Sign in", error=None)


@router.post("/signin", response_class=HTMLResponse, include_in_schema=False)
async def signin(request: Request) -> Response:
    token = configured_token(_token_env(request))
    if token is None:
        return error_page(404, off_message(_token_env(request)))
    form = await _form(request)
    if form is None or not same_origin(request):
        return error_page(400, "The sign-in form could not be read; please try again.")
    given = form.get("token", "")
    if session_value(given.strip()) != session_value(token):
        return page(
            "signin.html",
            status=401,
            current="/campaigns",
            title="Sign in",
            error="That access token is not right.",
        )
    response = RedirectResponse("/campaigns", status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        session_value(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout", include_in_schema=False)
def signout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


async def _form(request: Request) -> dict[str, str] | None:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[-1] for key, values in parsed.items()}


# --- pages ----------------------------------------------------------------------------------


@router.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
def campaigns_page(request: Request) -> Response:
    refused = _refusal(request, json=False)
    if refused is not None:
        return refused
    snapshot = _live(request).snapshot
    today = snapshot.ctx.today()
    start = today - dt.timedelta(days=PLAN_BACK_DAYS)
    instances, warnings = _plan(snapshot, start, today + dt.timedelta(days=PLAN_AHEAD_DAYS))
    due_by = today + dt.timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (
            (task, instance)
            for instance in instances
            for task in instance.tasks
            if not task.done and task.due <= due_by
        ),
        key=lambda pair: (pair[0].due, pair[0].campaign_id, pair[0].task.id),
    )
    return page(
        "campaigns.html",
        current="/campaigns",
        title="Campaign plan",
        today=today,
        instances=instances,
        due=due,
        due_days=DUE_SOON_DAYS,
        warnings=warnings,
        start=start,
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
def campaign_page(request: Request, campaign_id: str) -> Response:
    refused = _refusal(request, json=False)
    if refused is not None:
        return refused
    snapshot = _live(request).snapshot
    campaign = snapshot.campaigns.get(campaign_id)
    if campaign is None:
        return error_page(404, "There is no campaign with that name.")
    today = snapshot.ctx.today()
    instances, warnings = _plan(
        snapshot,
        today - dt.timedelta(days=PLAN_AHEAD_DAYS),
        today + dt.timedelta(days=PLAN_AHEAD_DAYS),
        campaign_id,
    )
    observances = [snapshot.catalog.get(o) for o in campaign.observances]
    return page(
        "campaign.html",
        current="/campaigns",
        title=campaign.title,
        campaign=campaign,
        observances=[o for o in observances if o is not None],
        instances=instances,
        warnings=warnings,
        today=today,
    )


@router.post("/campaigns/{campaign_id}/progress", include_in_schema=False)
async def progress_form(request: Request, campaign_id: str) -> Response:
    refused = _refusal(request, json=False)
    if refused is not None:
        return refused
    form = await _form(request)
    if form is None or not same_origin(request):
        return error_page(400, "The form could not be read; please try again.")
    problem = _record(
        request,
        campaign_id,
        form.get("instance", ""),
        form.get("task", ""),
        done=form.get("state", "done") == "done",
        by=form.get("by") or None,
    )
    if problem is not None:
        return error_page(problem[0], problem[1])
    anchor = f"#task-{form.get('instance', '')}-{form.get('task', '')}"
    return RedirectResponse(f"/campaigns/{campaign_id}{anchor}", status_code=303)


def _record(
    request: Request, campaign_id: str, instance: str, task_id: str, *, done: bool, by: str | None
) -> tuple[int, str] | None:
    from edicalendar.campaigns.progress import record_task

    snapshot = _live(request).snapshot
    campaign = snapshot.campaigns.get(campaign_id)
    if campaign is None:
        return 404, f"There is no campaign {campaign_id[:60]!r}."
    known = {t.id for t in campaign.tasks} | {
        t.id for year in campaign.year_overrides.values() for t in year.tasks
    }
    if task_id not in known:
        return 404, f"Campaign {campaign_id} has no task {task_id[:60]!r}."
    if not instance[:4].isdigit() or len(instance) > 10:
        return 400, f"instance {instance[:20]!r} is not a campaign year such as 2026 or 2030-2."
    record_task(
        snapshot.ctx.database,
        campaign_id,
        instance,
        task_id,
        done=done,
        by=(by or "web")[:200],
        at=snapshot.ctx.now(),
    )
    return None


# --- JSON ---------------------------------------------------------------------------------


@router.get("/api/campaigns", tags=["campaigns (private)"], summary="The campaign plan")
def api_campaigns(
    request: Request,
    from_: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    to: Annotated[dt.date | None, Query(description="Last day (inclusive).")] = None,
) -> Response:
    """Campaign instances whose work touches the window (default: a month back, a year ahead).

    Needs `Authorization: Bearer <token>`.
    """
    refused = _refusal(request, json=True)
    if refused is not None:
        return refused
    snapshot = _live(request).snapshot
    today = snapshot.ctx.today()
    start = from_ or today - dt.timedelta(days=PLAN_BACK_DAYS)
    end = to or start + dt.timedelta(days=PLAN_BACK_DAYS + PLAN_AHEAD_DAYS)
    try:
        check_window(start, end, "from", "to")
    except QueryError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    instances, warnings = _plan(snapshot, start, end)
    return JSONResponse(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "campaigns": [instance_record(i) for i in instances],
            "warnings": warnings,
        }
    )


class TaskUpdate(BaseModel):
    """A change to one task of one campaign instance."""

    done: bool = True
    by: Annotated[str | None, Field(max_length=200)] = None


@router.post(
    "/api/campaigns/{campaign_id}/tasks/{instance}/{task_id}",
    tags=["campaigns (private)"],
    summary="Mark a task done (or open again)",
)
def api_task(
    request: Request, campaign_id: str, instance: str, task_id: str, update: TaskUpdate
) -> Response:
    """Record a task's state for one campaign instance. Needs `Authorization: Bearer <token>`."""
    refused = _refusal(request, json=True)
    if refused is not None:
        return refused
    problem = _record(request, campaign_id, instance, task_id, done=update.done, by=update.by)
    if problem is not None:
        return JSONResponse({"detail": problem[1]}, status_code=problem[0])
    return JSONResponse(
        {"campaign": campaign_id, "instance": instance, "task": task_id, "done": update.done}
    )

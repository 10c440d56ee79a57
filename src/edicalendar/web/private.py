"""Private routes: the campaign plan, one campaign, and recording progress (tasks done).

Every route on :data:`router` is a :class:`~edicalendar.web.auth.GuardedRoute`: the person's
role is checked before any request body is read (viewers see, editors change), and a signed-in
browser's forms must carry the session's CSRF token. While nobody can sign in the routes answer
404 with a page saying how to add the first administrator. The plan and every change go through
:class:`~edicalendar.campaigns.service.CampaignService`, the same code the CLI calls, and every
change records the person who made it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import HTMLResponse, Response

from edicalendar.accounts.people import Person
from edicalendar.campaigns.campaign_records import api_instance_record
from edicalendar.campaigns.service import CampaignService
from edicalendar.errors import QueryError, UsageError
from edicalendar.model import Role
from edicalendar.web.auth import (
    LEGACY_AUTHOR,
    AccessRefused,
    GuardedRoute,
    Refusal,
    Via,
    read_body,
    read_form,
    require_editor,
    require_viewer,
    viewer_of,
)
from edicalendar.web.live import LiveData, Snapshot
from edicalendar.web.render import error_page, page
from edicalendar.web.signin import first_admin_message, signin_page
from edicalendar.web.views import check_window

#: The plan page shows work from a month back to a year ahead.
PLAN_BACK_DAYS = 31
PLAN_AHEAD_DAYS = 365
#: Tasks due within this many days (or overdue) are listed first.
DUE_SOON_DAYS = 28
MAX_FORM_BYTES = 4096
MAX_JSON_BYTES = 4096


def refusal(request: Request, refused: AccessRefused) -> Response:
    """The answer to a refused request: JSON under /api/, else an HTML page."""
    json_wanted = request.url.path.startswith("/api/")
    kind = refused.refusal
    if kind is Refusal.OFF:
        message = first_admin_message()
        if json_wanted:
            return JSONResponse({"detail": message}, status_code=404)
        return error_page(404, message)
    if kind is Refusal.TOO_LARGE:
        message = "The form is too large."
        if json_wanted:
            return JSONResponse({"detail": message}, status_code=413)
        return error_page(413, message)
    if kind in (Refusal.FORBIDDEN, Refusal.CSRF):
        if kind is Refusal.CSRF:
            message = "The form had expired (it lacked its security token); reload and try again."
        else:
            viewer = viewer_of(request)
            role = viewer.person.role.value if viewer else "none"
            needed = (refused.needed or Role.EDITOR).value
            message = (
                f"Your role ({role}) cannot do this; it needs {needed}. "
                "Ask an administrator to change your role."
            )
        if json_wanted:
            return JSONResponse({"detail": message}, status_code=403)
        return error_page(403, message)
    challenge = 'Bearer realm="edicalendar"' + (
        ', error="invalid_token"' if kind is Refusal.WRONG else ""
    )
    headers = {"WWW-Authenticate": challenge}
    if json_wanted:
        message = (
            "The API token is not right (revoked, or its person was removed)."
            if kind is Refusal.WRONG
            else "Sign in, or send a personal API token as `Authorization: Bearer TOKEN`."
        )
        return JSONResponse({"detail": message}, status_code=401, headers=headers)
    next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return signin_page(
        request,
        status=401,
        message="This page is private: sign in to see it.",
        next_path=next_path if request.method == "GET" else "/campaigns",
        headers=headers,
    )


#: Everything private: every route checks the role before it reads a body.
router = APIRouter(route_class=GuardedRoute, dependencies=[Depends(require_viewer)])

Editor = Annotated[Person, Depends(require_editor)]


def recorded_by(request: Request, person: Person, given: str | None = None) -> str:
    """Who a change is recorded as: the signed-in person; for the old shared token (which
    has no person) the name a script gives, else `EDICALENDAR_TOKEN`."""
    viewer = viewer_of(request)
    if viewer is not None and viewer.via is Via.LEGACY_TOKEN:
        return (given or "").strip() or LEGACY_AUTHOR
    return person.recorded_as


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def _service(snapshot: Snapshot) -> CampaignService:
    """The campaign service over the campaigns this snapshot loaded (and their progress)."""
    return snapshot.ctx.campaigns(snapshot.campaigns.values())


# --- pages ----------------------------------------------------------------------------------


@router.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
def campaigns_page(request: Request) -> Response:
    snapshot = _live(request).snapshot
    service = _service(snapshot)
    today = snapshot.ctx.today()
    start = today - dt.timedelta(days=PLAN_BACK_DAYS)
    plan = service.plan(start, today + dt.timedelta(days=PLAN_AHEAD_DAYS))
    due_by = today + dt.timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (
            (task, instance)
            for instance in plan.instances
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
        instances=plan.instances,
        due=due,
        due_days=DUE_SOON_DAYS,
        warnings=plan.warnings,
        start=start,
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
def campaign_page(request: Request, campaign_id: str) -> Response:
    snapshot = _live(request).snapshot
    campaign = snapshot.campaigns.get(campaign_id)
    if campaign is None:
        return error_page(404, "There is no campaign with that name.")
    today = snapshot.ctx.today()
    plan = _service(snapshot).plan(
        today - dt.timedelta(days=PLAN_AHEAD_DAYS),
        today + dt.timedelta(days=PLAN_AHEAD_DAYS),
        campaigns=[campaign],
    )
    observances = [snapshot.catalog.get(o) for o in campaign.observances]
    return page(
        "campaign.html",
        current="/campaigns",
        title=campaign.title,
        campaign=campaign,
        observances=[o for o in observances if o is not None],
        instances=plan.instances,
        warnings=plan.warnings,
        today=today,
    )


@router.post("/campaigns/{campaign_id}/progress", include_in_schema=False)
async def progress_form(request: Request, campaign_id: str, person: Editor) -> Response:
    form = await read_form(request, MAX_FORM_BYTES)
    if form is None:
        return error_page(400, "The form could not be read; please try again.")
    instance, task_id = form.get("instance", ""), form.get("task", "")
    try:
        _service(_live(request).snapshot).mark_task(
            campaign_id,
            task_id,
            instance=instance,
            done=form.get("state", "done") == "done",
            by=recorded_by(request, person),
        )
    except UsageError as exc:
        return error_page(exc.http_status, str(exc))
    anchor = f"#task-{instance}-{task_id}"
    return RedirectResponse(f"/campaigns/{campaign_id}{anchor}", status_code=303)


# --- JSON ---------------------------------------------------------------------------------


@router.get("/api/campaigns", tags=["campaigns (private)"], summary="The campaign plan")
def api_campaigns(
    request: Request,
    from_: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    to: Annotated[dt.date | None, Query(description="Last day (inclusive).")] = None,
) -> Response:
    """Campaign instances whose work touches the window (default: a month back, a year ahead).

    Needs a viewer: a signed-in person, or `Authorization: Bearer TOKEN` with a personal API
    token (`edicalendar users token EMAIL`).
    """
    snapshot = _live(request).snapshot
    today = snapshot.ctx.today()
    try:
        # The given days first: a default `to` is computed from `from`.
        check_window(from_ or today, to or from_ or today, "from", "to")
        start = from_ or today - dt.timedelta(days=PLAN_BACK_DAYS)
        end = to or start + dt.timedelta(days=PLAN_BACK_DAYS + PLAN_AHEAD_DAYS)
        check_window(start, end, "from", "to")
    except QueryError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=400)
    plan = _service(snapshot).plan(start, end)
    return JSONResponse(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "campaigns": [api_instance_record(i) for i in plan.instances],
            "warnings": plan.warnings,
        }
    )


class TaskUpdate(BaseModel):
    """A change to one task of one campaign instance."""

    done: bool = True
    #: Ignored for people and personal tokens (the change is recorded as that person); used
    #: only with the deprecated shared token, which has no person.
    by: Annotated[str | None, Field(max_length=200)] = None


_TASK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": TaskUpdate.model_json_schema()}},
    }
}


@router.post(
    "/api/campaigns/{campaign_id}/tasks/{instance}/{task_id}",
    tags=["campaigns (private)"],
    summary="Mark a task done (or open again)",
    openapi_extra=_TASK_BODY,
)
async def api_task(
    request: Request, campaign_id: str, instance: str, task_id: str, person: Editor
) -> Response:
    """Record a task's state for one campaign instance, as the person making the request.

    Needs an editor: a signed-in person (with the `X-CSRF-Token` header) or a personal API
    token. The body (optional) is a `TaskUpdate`: `{"done": true}`.
    """
    body = await read_body(request, MAX_JSON_BYTES)
    if body is None:
        return JSONResponse({"detail": f"body larger than {MAX_JSON_BYTES} bytes"}, 413)
    try:
        update = TaskUpdate.model_validate(json.loads(body) if body.strip() else {})
    except (ValueError, ValidationError) as exc:
        detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return JSONResponse({"detail": f"body: {detail}"}, status_code=422)
    by = recorded_by(request, person, update.by)
    try:
        _service(_live(request).snapshot).mark_task(
            campaign_id, task_id, instance=instance, done=update.done, by=by
        )
    except UsageError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)
    return JSONResponse(
        {
            "campaign": campaign_id,
            "instance": instance,
            "task": task_id,
            "done": update.done,
            "recorded_by": by,
        }
    )

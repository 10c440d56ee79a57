"""Private routes: the campaign plan, one campaign, and recording progress (tasks done).

Every route on :data:`router` needs access (see :mod:`edicalendar.web.auth`): the check is one
router-level dependency, so a private route added later cannot forget it, and it runs before
any request body is read. With no access configured the routes answer 404 with a page saying
how to turn them on. The plan and every change go through
:class:`~edicalendar.campaigns.service.CampaignService`, the same code the CLI calls, so both
accept and refuse the same campaign instances with the same messages.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import HTMLResponse, Response

from edicalendar.campaigns.campaign_records import api_instance_record
from edicalendar.campaigns.service import CampaignService
from edicalendar.errors import QueryError, UsageError
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
from edicalendar.web.views import check_window

#: The plan page shows work from a month back to a year ahead.
PLAN_BACK_DAYS = 31
PLAN_AHEAD_DAYS = 365
#: Tasks due within this many days (or overdue) are listed first.
DUE_SOON_DAYS = 28
MAX_FORM_BYTES = 4096
MAX_JSON_BYTES = 4096
#: Who a change is recorded as when a signed-in request does not say.
WEB_USER = "web"


class AccessRefused(Exception):
    """Raised by :func:`require_access`; the app turns it into :func:`refusal`."""

    def __init__(self, access: Access) -> None:
        super().__init__(access.value)
        self.access = access


def _token_env(request: Request) -> str:
    return str(request.app.state.token_env)


def require_access(request: Request) -> None:
    """The one access check of every private route (a router-level dependency)."""
    access = check_access(request, _token_env(request))
    if access is not Access.GRANTED:
        raise AccessRefused(access)


def refusal(request: Request, access: Access) -> Response:
    """The answer to a refused request: JSON under /api/, else an HTML page."""
    json_wanted = request.url.path.startswith("/api/")
    if access is Access.OFF:
        message = off_message(_token_env(request))
        if json_wanted:
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
    if json_wanted:
        return JSONResponse({"detail": message}, status_code=401, headers=headers)
    response = error_page(401, message, link=("/signin", "Sign in with the access token"))
    response.headers.update(headers)
    return response


#: Sign-in and sign-out: open to everyone.
signin_router = APIRouter()
#: Everything private: guarded by one dependency.
router = APIRouter(dependencies=[Depends(require_access)])


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def _service(snapshot: Snapshot) -> CampaignService:
    """The campaign service over the campaigns this snapshot loaded (and their progress)."""
    return snapshot.ctx.campaigns(snapshot.campaigns.values())


# --- sign-in ------------------------------------------------------------------------------


@signin_router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
def signin_form(request: Request) -> Response:
    if configured_token(_token_env(request)) is None:
        return error_page(404, off_message(_token_env(request)))
    return page("signin.html", current="/campaigns", title="Sign in", error=None)


@signin_router.post("/signin", response_class=HTMLResponse, include_in_schema=False)
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


@signin_router.post("/signout", include_in_schema=False)
def signout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


async def _body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit` (read no further)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _form(request: Request) -> dict[str, str] | None:
    body = await _body(request, MAX_FORM_BYTES)
    if body is None:
        return None
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[-1] for key, values in parsed.items()}


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
async def progress_form(request: Request, campaign_id: str) -> Response:
    form = await _form(request)
    if form is None or not same_origin(request):
        return error_page(400, "The form could not be read; please try again.")
    instance, task_id = form.get("instance", ""), form.get("task", "")
    try:
        _service(_live(request).snapshot).mark_task(
            campaign_id,
            task_id,
            instance=instance,
            done=form.get("state", "done") == "done",
            by=form.get("by") or WEB_USER,
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

    Needs `Authorization: Bearer <token>`.
    """
    snapshot = _live(request).snapshot
    today = snapshot.ctx.today()
    start = from_ or today - dt.timedelta(days=PLAN_BACK_DAYS)
    end = to or start + dt.timedelta(days=PLAN_BACK_DAYS + PLAN_AHEAD_DAYS)
    try:
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
async def api_task(request: Request, campaign_id: str, instance: str, task_id: str) -> Response:
    """Record a task's state for one campaign instance. Needs `Authorization: Bearer <token>`.

    The body (optional) is a `TaskUpdate`: `{"done": true, "by": "name"}`.
    """
    body = await _body(request, MAX_JSON_BYTES)
    if body is None:
        return JSONResponse({"detail": f"body larger than {MAX_JSON_BYTES} bytes"}, 413)
    try:
        update = TaskUpdate.model_validate(json.loads(body) if body.strip() else {})
    except (ValueError, ValidationError) as exc:
        detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return JSONResponse({"detail": f"body: {detail}"}, status_code=422)
    try:
        _service(_live(request).snapshot).mark_task(
            campaign_id, task_id, instance=instance, done=update.done, by=update.by or WEB_USER
        )
    except UsageError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)
    return JSONResponse(
        {"campaign": campaign_id, "instance": instance, "task": task_id, "done": update.done}
    )

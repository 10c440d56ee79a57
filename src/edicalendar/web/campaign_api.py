"""The campaigns JSON API, for teams that script: the plan, campaigns, progress, comments.

A campaign travels as one `[[campaign]]` table in JSON, exactly as a campaign file holds it:
`GET /api/campaigns/{id}` returns it (with its revision as the ETag), `POST /api/campaigns`
makes one, `PUT` replaces it (send `If-Match` with the ETag to be refused, 412, when someone
changed it meanwhile) and `DELETE` removes it. Campaigns from files are read-only here (409).
Progress has its own endpoints (a task done, an asset's status and link, work given to someone,
comments, history). Everything needs a signed-in person or a personal API token: viewers read,
editors write (403 otherwise), anonymous requests get 401, and all of that is checked before the
body is read. Problems with a campaign are the file format's own messages, field by field. The
reads (the plan, instances, history, my work) carry an ETag from their bytes and answer 304 to
`If-None-Match`, with `Cache-Control: private, no-cache`: kept only by the asker's browser.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import Body, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import Response

from edicalendar.calendar.freezes import NO_FREEZES
from edicalendar.campaigns.campaign_records import api_instance_record
from edicalendar.campaigns.planning import belongs_to, work_items
from edicalendar.campaigns.schema import CampaignIn
from edicalendar.campaigns.service import Definition
from edicalendar.errors import CampaignInvalidError, Problem, QueryError, UsageError
from edicalendar.model import AssetStatus, Owner
from edicalendar.web.auth import read_body
from edicalendar.web.conditional import PRIVATE_CACHE, tagged_by_body
from edicalendar.web.private import (
    PLAN_AHEAD_DAYS,
    PLAN_BACK_DAYS,
    Editor,
    Viewer,
    guarded_router,
    live_of,
    recorded_by,
    service_of,
)
from edicalendar.web.problems import Problem as ProblemDetails
from edicalendar.web.problems import ProblemError
from edicalendar.web.views import check_window

router = guarded_router()
TAGS: list[str | Any] = ["campaigns (private)"]
MAX_JSON_BYTES = 4096


# --- response and request models (the OpenAPI document shows these) -----------------------------


class ProblemRecord(BaseModel):
    """One problem with a campaign: the field (such as `tasks.2.due`) and what is wrong."""

    field: str | None
    message: str


class CampaignSummary(BaseModel):
    """One campaign in the list: where it lives, its revision, whether it can be changed."""

    id: str
    title: str
    #: "file" (read-only here) or "database".
    origin: str
    #: "campaigns/iwd.toml:3", or "database".
    where: str
    revision: int | None
    editable: bool
    #: False when it has problems (and is left out of the plan and reminders).
    valid: bool
    problems: list[ProblemRecord]
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


class FreezeFlagRecord(BaseModel):
    """The communication freeze a piece of work is dated inside, and the nearest open date."""

    freeze: int
    kind: str
    title: str
    start: dt.date
    end: dt.date | None
    message: str
    nearest_open_date: dt.date | None
    open_before: dt.date | None
    open_after: dt.date | None


class TaskRecord(BaseModel):
    id: str
    name: str
    due: dt.date
    owner: str | None
    done: bool
    #: Whether the task's outcome is public (then a freeze on public work holds it back).
    public: bool = False
    #: None unless the task is open, public and due inside a freeze.
    freeze: FreezeFlagRecord | None = None


class AssetRecord(BaseModel):
    id: str
    kind: str
    title: str
    status: str
    url: str | None
    publish_on: dt.date | None
    #: "public" or "staff": which freezes hold it back.
    audience: str = "public"
    #: None unless it is unpublished and dated inside a freeze that holds its audience back.
    freeze: FreezeFlagRecord | None = None
    owner: str | None = None


class InstanceRecord(BaseModel):
    """A campaign on one occurrence of its observance, with its work dated and progress."""

    campaign: str
    title: str
    summary: str
    instance: str
    year: int
    #: The occurrence, in the shape of `/api/occurrences`.
    occurrence: dict[str, Any]
    owners: list[str]
    tasks: list[TaskRecord]
    assets: list[AssetRecord]
    origin: str


class PlanRecord(BaseModel):
    """The plan for a window, and every campaign."""

    from_: dt.date = Field(alias="from")
    to: dt.date
    campaigns: list[InstanceRecord]
    warnings: list[str]
    definitions: list[CampaignSummary]


class TaskUpdate(BaseModel):
    """A change to one task of one campaign instance."""

    done: bool = True
    #: Ignored for people and personal tokens (the change is recorded as that person); used
    #: only with the deprecated shared token, which has no person.
    by: Annotated[str | None, Field(max_length=200)] = None


class TaskResult(BaseModel):
    campaign: str
    instance: str
    task: str
    done: bool
    recorded_by: str


class AssetUpdate(BaseModel):
    """An asset's new status for one instance, with its address once published."""

    status: AssetStatus
    url: Annotated[str | None, Field(max_length=2000)] = None


class AssetResult(BaseModel):
    campaign: str
    instance: str
    asset: str
    status: AssetStatus
    url: str | None
    recorded_by: str


class OwnerUpdate(BaseModel):
    """Who one instance's task or asset now belongs to."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str | None, Field(max_length=320)] = None


class OwnerResult(BaseModel):
    campaign: str
    instance: str
    kind: str
    item: str
    owner: OwnerUpdate
    recorded_by: str


class CommentIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    #: The occurrence it is about ("2026"); leave out for the whole campaign.
    instance: str | None = None


class HistoryRecord(BaseModel):
    """One thing that happened to a campaign."""

    at: dt.datetime
    by: str | None
    action: str
    instance: str | None
    text: str
    comment: str | None
    url: str | None


class WorkRecord(BaseModel):
    """One task or dated asset of one campaign instance that is the person's work."""

    kind: str
    campaign: str
    title: str
    instance: str
    item: str
    name: str
    date: dt.date | None
    done: bool
    status: str
    overdue: bool
    url: str | None


class MyWorkRecord(BaseModel):
    email: str
    work: list[WorkRecord]


# --- helpers -------------------------------------------------------------------------------


def _problems(problems: tuple[Problem, ...] | list[Problem]) -> list[dict[str, Any]]:
    return [{"field": p.field, "message": p.message} for p in problems]


def _failed(exc: UsageError | CampaignInvalidError) -> ProblemError:
    """The problem to raise for a refused change: 422 with each field's problem for an
    invalid campaign, else the error's own status."""
    if isinstance(exc, CampaignInvalidError):
        return ProblemError(422, str(exc), _problems(exc.problems))
    return ProblemError(exc.http_status, str(exc))


def _etag(definition: Definition) -> str | None:
    return f'"r{definition.revision}"' if definition.revision is not None else None


def _revision(if_match: str | None) -> int | None:
    """The revision an `If-Match: "r3"` header names (None when absent or `*`)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if tag.startswith("r") and tag[1:].isdigit():
        return int(tag[1:])
    return -1


def _table_response(definition: Definition, status: int = 200) -> JSONResponse:
    headers = {"cache-control": "private, no-store"}
    tag = _etag(definition)
    if tag:
        headers["etag"] = tag
    if status == 201:
        headers["location"] = f"/api/campaigns/{definition.id}"
    return JSONResponse(definition.table, status_code=status, headers=headers)


def _summary(definition: Definition) -> dict[str, Any]:
    stored = definition.stored
    return {
        "id": definition.id,
        "title": definition.title,
        "origin": definition.origin.value,
        "where": definition.where,
        "revision": definition.revision,
        "editable": definition.editable,
        "valid": definition.campaign is not None,
        "problems": _problems(definition.problems),
        "updated_at": stored.updated_at.isoformat() if stored else None,
        "updated_by": stored.updated_by if stored else None,
    }


def _as_table(body: CampaignIn) -> dict[str, Any]:
    """The table as sent: only the keys given, values as JSON (so as a file writes them)."""
    return body.model_dump(mode="json", exclude_unset=True)


_CAMPAIGN_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ProblemDetails, "description": "Taken id, read-only file campaign"},
    412: {"model": ProblemDetails, "description": "Changed since the revision in If-Match"},
    422: {"model": ProblemDetails, "description": "The campaign has problems, field by field"},
}


# --- the plan and campaigns ----------------------------------------------------------------


@router.get(
    "/api/campaigns",
    tags=TAGS,
    summary="The campaign plan, and every campaign",
    response_model=PlanRecord,
    response_model_by_alias=True,
)
def api_campaigns(
    request: Request,
    person: Viewer,
    from_: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    to: Annotated[dt.date | None, Query(description="Last day (inclusive).")] = None,
) -> Response:
    """Campaign instances whose work touches the window (default: a month back, a year
    ahead), and `definitions`: every campaign, from files and the database, valid or not.

    Needs a viewer: a signed-in person, or `Authorization: Bearer TOKEN` with a personal API
    token (`edicalendar users token EMAIL`).
    """
    snapshot = live_of(request).snapshot
    today = snapshot.ctx.today()
    try:
        # The given days first: a default `to` is computed from `from`.
        check_window(from_ or today, to or from_ or today, "from", "to")
        start = from_ or today - dt.timedelta(days=PLAN_BACK_DAYS)
        end = to or start + dt.timedelta(days=PLAN_BACK_DAYS + PLAN_AHEAD_DAYS)
        check_window(start, end, "from", "to")
    except QueryError as exc:
        raise ProblemError(400, str(exc)) from None
    service = service_of(snapshot)
    plan = service.plan(start, end)
    freezes = snapshot.ctx.freeze_calendar() if plan.instances else NO_FREEZES
    answer = JSONResponse(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "campaigns": [api_instance_record(i, freezes) for i in plan.instances],
            "warnings": [*(str(p) for p in plan.loaded.problems), *plan.warnings],
            "definitions": [_summary(d) for d in service.definitions()],
        }
    )
    return tagged_by_body(request, answer, PRIVATE_CACHE)


@router.post(
    "/api/campaigns",
    tags=TAGS,
    summary="Make a campaign (one [[campaign]] table)",
    status_code=201,
    response_model=CampaignIn,
    responses=_CAMPAIGN_ERRORS,
)
def api_create(request: Request, person: Editor, body: Annotated[CampaignIn, Body()]) -> Response:
    """Store a new campaign in the database, checked as a campaign file is checked.

    The body is one `[[campaign]]` table as JSON (docs/campaigns.md). Answers 201 with the
    table, its `Location` and its revision as the `ETag`.
    """
    service = service_of(live_of(request).snapshot)
    try:
        definition = service.create(_as_table(body), by=recorded_by(request, person))
    except (UsageError, CampaignInvalidError) as exc:
        raise _failed(exc) from None
    return _table_response(definition, 201)


@router.get(
    "/api/campaigns/{campaign_id}",
    tags=TAGS,
    summary="One campaign, as its [[campaign]] table",
    response_model=CampaignIn,
    responses={404: {"model": ProblemDetails}},
)
def api_campaign(request: Request, campaign_id: str, person: Viewer) -> Response:
    """The campaign's `[[campaign]]` table, from its file or the database (`ETag`: the
    revision, for `If-Match` on `PUT` and `DELETE`)."""
    try:
        definition = service_of(live_of(request).snapshot).definition(campaign_id)
    except UsageError as exc:
        raise _failed(exc) from None
    return _table_response(definition)


@router.put(
    "/api/campaigns/{campaign_id}",
    tags=TAGS,
    summary="Replace a campaign",
    response_model=CampaignIn,
    responses={404: {"model": ProblemDetails}, **_CAMPAIGN_ERRORS},
)
def api_replace(
    request: Request,
    campaign_id: str,
    person: Editor,
    body: Annotated[CampaignIn, Body()],
    if_match: Annotated[str | None, Header(description='The ETag you read, "r3".')] = None,
) -> Response:
    """Replace a stored campaign with the table sent (its id cannot change)."""
    revision = _revision(if_match)
    service = service_of(live_of(request).snapshot)
    try:
        if revision is not None:
            current = service.definition(campaign_id)
            if current.editable and current.revision != revision:
                raise ProblemError(
                    412,
                    f"{campaign_id!r} is at revision {current.revision}, not the one "
                    "you sent in If-Match; read it again and make your change again",
                    headers={"etag": _etag(current) or ""},
                )
        definition = service.update(
            campaign_id, _as_table(body), by=recorded_by(request, person), revision=revision
        )
    except (UsageError, CampaignInvalidError) as exc:
        raise _failed(exc) from None
    return _table_response(definition)


@router.delete(
    "/api/campaigns/{campaign_id}",
    tags=TAGS,
    summary="Delete a campaign",
    status_code=204,
    responses={404: {"model": ProblemDetails}, **_CAMPAIGN_ERRORS},
)
def api_delete(
    request: Request,
    campaign_id: str,
    person: Editor,
    if_match: Annotated[str | None, Header(description='The ETag you read, "r3".')] = None,
) -> Response:
    """Delete a stored campaign; its progress and history stay in the database."""
    revision = _revision(if_match)
    service = service_of(live_of(request).snapshot)
    try:
        if revision is not None:
            current = service.definition(campaign_id)
            if current.editable and current.revision != revision:
                raise ProblemError(412, f"{campaign_id!r} is at revision {current.revision}")
        service.delete(campaign_id, by=recorded_by(request, person), revision=revision)
    except UsageError as exc:
        raise _failed(exc) from None
    return Response(status_code=204)


@router.get(
    "/api/campaigns/{campaign_id}/instances",
    tags=TAGS,
    summary="One campaign's instances, with progress",
    response_model=list[InstanceRecord],
)
def api_instances(
    request: Request,
    campaign_id: str,
    person: Viewer,
    from_: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    to: Annotated[dt.date | None, Query(description="Last day (inclusive).")] = None,
) -> Response:
    """The campaign on each occurrence in the window (default: a year either side)."""
    snapshot = live_of(request).snapshot
    today = snapshot.ctx.today()
    start = from_ or today - dt.timedelta(days=PLAN_AHEAD_DAYS)
    end = to or today + dt.timedelta(days=PLAN_AHEAD_DAYS)
    service = service_of(snapshot)
    try:
        check_window(start, end, "from", "to")
        campaign = service.find(campaign_id)
    except QueryError as exc:
        raise ProblemError(400, str(exc)) from None
    except UsageError as exc:
        raise _failed(exc) from None
    plan = service.plan(start, end, campaigns=[campaign])
    freezes = snapshot.ctx.freeze_calendar() if plan.instances else NO_FREEZES
    answer = JSONResponse([api_instance_record(i, freezes) for i in plan.instances])
    return tagged_by_body(request, answer, PRIVATE_CACHE)


# --- progress --------------------------------------------------------------------------------

_TASK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": TaskUpdate.model_json_schema()}},
    }
}


@router.post(
    "/api/campaigns/{campaign_id}/tasks/{instance}/{task_id}",
    tags=TAGS,
    summary="Mark a task done (or open again)",
    openapi_extra=_TASK_BODY,
    response_model=TaskResult,
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
        raise ProblemError(413, f"body larger than {MAX_JSON_BYTES} bytes")
    try:
        update = TaskUpdate.model_validate(json.loads(body) if body.strip() else {})
    except (ValueError, ValidationError) as exc:
        detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ProblemError(422, f"body: {detail}") from None
    by = recorded_by(request, person, update.by)
    try:
        service_of(live_of(request).snapshot).mark_task(
            campaign_id, task_id, instance=instance, done=update.done, by=by
        )
    except UsageError as exc:
        raise _failed(exc) from None
    return JSONResponse(
        {
            "campaign": campaign_id,
            "instance": instance,
            "task": task_id,
            "done": update.done,
            "recorded_by": by,
        }
    )


@router.post(
    "/api/campaigns/{campaign_id}/assets/{instance}/{asset_id}",
    tags=TAGS,
    summary="Set an asset's status (publish it with its link)",
    response_model=AssetResult,
)
def api_asset(
    request: Request,
    campaign_id: str,
    instance: str,
    asset_id: str,
    person: Editor,
    body: Annotated[AssetUpdate, Body()],
) -> Response:
    """Record an asset's status for one instance, and its address once published."""
    by = recorded_by(request, person)
    try:
        service_of(live_of(request).snapshot).set_asset(
            campaign_id, asset_id, body.status, url=body.url, instance=instance, by=by
        )
    except UsageError as exc:
        raise _failed(exc) from None
    return JSONResponse(
        {
            "campaign": campaign_id,
            "instance": instance,
            "asset": asset_id,
            "status": body.status.value,
            "url": body.url,
            "recorded_by": by,
        }
    )


@router.post(
    "/api/campaigns/{campaign_id}/{kind}/{instance}/{item_id}/owner",
    tags=TAGS,
    summary="Give one instance's task or asset to someone",
    response_model=OwnerResult,
)
def api_owner(
    request: Request,
    campaign_id: str,
    kind: str,
    instance: str,
    item_id: str,
    person: Editor,
    body: Annotated[OwnerUpdate, Body()],
) -> Response:
    """`kind` is `tasks` or `assets`. That instance's reminders go to the new owner; other
    years of the campaign are unchanged."""
    singular = {"tasks": "task", "assets": "asset"}.get(kind)
    if singular is None:
        raise ProblemError(404, f"{kind[:20]!r} is neither tasks nor assets")
    by = recorded_by(request, person)
    try:
        service_of(live_of(request).snapshot).reassign(
            campaign_id, singular, item_id, Owner(body.name, body.email), instance=instance, by=by
        )
    except UsageError as exc:
        raise _failed(exc) from None
    return JSONResponse(
        {
            "campaign": campaign_id,
            "instance": instance,
            "kind": singular,
            "item": item_id,
            "owner": {"name": body.name, "email": body.email},
            "recorded_by": by,
        }
    )


@router.get(
    "/api/campaigns/{campaign_id}/history",
    tags=TAGS,
    summary="Everything that happened to a campaign, newest first",
    response_model=list[HistoryRecord],
)
def api_history(request: Request, campaign_id: str, person: Viewer) -> Response:
    service = service_of(live_of(request).snapshot)
    entries = service.history(campaign_id)
    if not entries:
        try:
            service.definition(campaign_id)
        except UsageError as exc:
            raise _failed(exc) from None
    answer = JSONResponse(
        [
            {
                "at": e.at.isoformat(),
                "by": e.by,
                "action": e.action,
                "instance": e.instance,
                "text": e.text,
                "comment": e.comment,
                "url": e.url,
            }
            for e in entries
        ]
    )
    return tagged_by_body(request, answer, PRIVATE_CACHE)


@router.post(
    "/api/campaigns/{campaign_id}/comments",
    tags=TAGS,
    summary="Comment on a campaign",
    status_code=201,
    response_model=HistoryRecord,
)
def api_comment(
    request: Request, campaign_id: str, person: Editor, body: Annotated[CommentIn, Body()]
) -> Response:
    service = service_of(live_of(request).snapshot)
    try:
        noted = service.comment(
            campaign_id, body.text, instance=body.instance, by=recorded_by(request, person)
        )
    except UsageError as exc:
        raise _failed(exc) from None
    change = noted.change
    return JSONResponse(
        {
            "at": change.recorded_at.isoformat(),
            "by": change.recorded_by,
            "action": change.action.value,
            "instance": change.instance,
            "text": "commented",
            "comment": change.detail,
            "url": None,
        },
        status_code=201,
    )


@router.get(
    "/api/my-work",
    tags=TAGS,
    summary="The signed-in person's own tasks and publications",
    response_model=MyWorkRecord,
)
def api_my_work(request: Request, person: Viewer) -> Response:
    """Open and done work whose owner is you (by email, else by name), 90 days back to 400
    ahead."""
    snapshot = live_of(request).snapshot
    today = snapshot.ctx.today()
    plan = service_of(snapshot).plan(today - dt.timedelta(days=90), today + dt.timedelta(days=400))
    mine = [w for w in work_items(plan.instances) if belongs_to(w, person.name, person.email)]
    answer = JSONResponse(
        {
            "email": person.email,
            "work": [
                {
                    "kind": w.kind,
                    "campaign": w.campaign_id,
                    "title": w.instance.campaign.title,
                    "instance": w.instance.instance,
                    "item": w.item_id,
                    "name": w.name,
                    "date": w.date.isoformat() if w.date else None,
                    "done": w.done,
                    "status": w.status,
                    "overdue": w.overdue(today),
                    "url": w.url,
                }
                for w in mine
            ],
        }
    )
    return tagged_by_body(request, answer, PRIVATE_CACHE)

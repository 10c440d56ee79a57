"""Running the work from the campaign pages: mark a task done, publish an asset with its link,
give work to someone else, comment.

Each is a small form on a campaign (or one year of it) that posts here and comes back to the row
it changed. They work on campaigns from files and from the database alike (progress is kept in
the database either way), go through the campaign service the CLI uses, and record the signed-in
person as who did it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from edicalendar.errors import UsageError
from edicalendar.i18n import _
from edicalendar.model import AssetStatus, Owner
from edicalendar.web.auth import read_form
from edicalendar.web.campaign_pages import people_choices
from edicalendar.web.private import Editor, guarded_router, live_of, recorded_by, service_of
from edicalendar.web.render import error_page

router = guarded_router()

MAX_FORM_BYTES = 16 * 1024


def _back(campaign_id: str, form: dict[str, str], anchor: str) -> str:
    """Where a form returns to: the year's page when it was posted from there."""
    if form.get("back") == "instance" and form.get("instance"):
        return f"/campaigns/{campaign_id}/{form['instance']}#{anchor}"
    return f"/campaigns/{campaign_id}#{anchor}"


def _failed(campaign_id: str, exc: UsageError) -> Response:
    return error_page(
        exc.http_status,
        str(exc),
        link=(f"/campaigns/{campaign_id}", _("Go back to the campaign")),
    )


async def _form(request: Request) -> dict[str, str] | None:
    return await read_form(request, MAX_FORM_BYTES)


@router.post("/campaigns/{campaign_id}/progress", include_in_schema=False)
async def progress_form(request: Request, campaign_id: str, person: Editor) -> Response:
    """Mark a task of one instance done, or not done again."""
    form = await _form(request)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    instance, task_id = form.get("instance", ""), form.get("task", "")
    try:
        service_of(live_of(request).snapshot).mark_task(
            campaign_id,
            task_id,
            instance=instance,
            done=form.get("state", "done") == "done",
            by=recorded_by(request, person),
        )
    except UsageError as exc:
        return _failed(campaign_id, exc)
    return RedirectResponse(_back(campaign_id, form, f"task-{instance}-{task_id}"), status_code=303)


@router.post("/campaigns/{campaign_id}/asset", include_in_schema=False)
async def asset_form(request: Request, campaign_id: str, person: Editor) -> Response:
    """Set an asset's status for one instance, with its link once published."""
    form = await _form(request)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    instance, asset_id = form.get("instance", ""), form.get("asset", "")
    status_text = form.get("status", "")
    try:
        status = AssetStatus(status_text)
    except ValueError:
        return _failed(
            campaign_id,
            UsageError(f"status {status_text[:20]!r} is not one of: {', '.join(AssetStatus)}"),
        )
    url = form.get("url", "").strip() or None
    if status is AssetStatus.PUBLISHED and url is None:
        return _failed(
            campaign_id,
            UsageError("give the link where it was published (https://…) to mark it published"),
        )
    try:
        service_of(live_of(request).snapshot).set_asset(
            campaign_id,
            asset_id,
            status,
            url=url,
            instance=instance,
            by=recorded_by(request, person),
        )
    except UsageError as exc:
        return _failed(campaign_id, exc)
    return RedirectResponse(
        _back(campaign_id, form, f"asset-{instance}-{asset_id}"), status_code=303
    )


@router.post("/campaigns/{campaign_id}/reassign", include_in_schema=False)
async def reassign_form(request: Request, campaign_id: str, person: Editor) -> Response:
    """Give one instance's task or asset to someone from the user list or the owners."""
    form = await _form(request)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    instance, kind, item_id = form.get("instance", ""), form.get("kind", ""), form.get("item", "")
    choice = form.get("owner", "")
    who, _sep, value = choice.partition(":")
    owner: Owner | None = None
    if who == "person":
        chosen = next((p for p in people_choices(request) if p.email == value), None)
        owner = Owner(chosen.name, chosen.email) if chosen else None
    elif who == "name" and value.strip():
        owner = Owner(value.strip())
    if owner is None:
        return _failed(campaign_id, UsageError("choose who the work goes to"))
    try:
        service_of(live_of(request).snapshot).reassign(
            campaign_id, kind, item_id, owner, instance=instance, by=recorded_by(request, person)
        )
    except UsageError as exc:
        return _failed(campaign_id, exc)
    return RedirectResponse(
        _back(campaign_id, form, f"{kind}-{instance}-{item_id}"), status_code=303
    )


@router.post("/campaigns/{campaign_id}/comments", include_in_schema=False)
async def comment_form(request: Request, campaign_id: str, person: Editor) -> Response:
    """Add a comment to a campaign, or to one year of it."""
    form = await _form(request)
    if form is None:
        return error_page(400, _("The comment could not be read (it may be too long)."))
    instance = form.get("instance", "").strip() or None
    try:
        service_of(live_of(request).snapshot).comment(
            campaign_id, form.get("text", ""), instance=instance, by=recorded_by(request, person)
        )
    except UsageError as exc:
        return _failed(campaign_id, exc)
    return RedirectResponse(_back(campaign_id, form, "comments"), status_code=303)

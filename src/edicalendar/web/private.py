"""What every private route shares: the guarded router, who a change is recorded as, refusals.

Every private route is on a router made by :func:`guarded_router`, whose routes are
:class:`~edicalendar.web.auth.GuardedRoute`s: the person's role is checked before any request
body is read (viewers see, editors change), and a signed-in browser's forms must carry the
session's CSRF token. While nobody can sign in the routes answer 404 with a page saying how to
add the first administrator. The plan and every change go through
:class:`~edicalendar.campaigns.service.CampaignService`, the same code the CLI calls, and every
change records the person who made it. The routes themselves are in `campaign_pages`,
`campaign_editor`, `campaign_actions` and `campaign_api`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from edicalendar.accounts.people import Person
from edicalendar.campaigns.service import CampaignService
from edicalendar.i18n import _
from edicalendar.model import Role
from edicalendar.web.auth import (
    LEGACY_AUTHOR,
    AccessRefused,
    GuardedRoute,
    Refusal,
    Via,
    require_editor,
    require_viewer,
    viewer_of,
)
from edicalendar.web.live import LiveData, Snapshot
from edicalendar.web.problems import problem_response, problem_responses
from edicalendar.web.render import error_page
from edicalendar.web.signin import first_admin_message, signin_page

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
            return problem_response(request, 404, message)
        return error_page(404, message)
    if kind is Refusal.TOO_LARGE:
        message = "The form is too large."
        if json_wanted:
            return problem_response(request, 413, message)
        return error_page(413, _("The form is too large."))
    if kind in (Refusal.FORBIDDEN, Refusal.CSRF):
        if kind is Refusal.CSRF:
            message = "The form had expired (it lacked its security token); reload and try again."
            shown = _("The form had expired (it lacked its security token); reload and try again.")
        else:
            viewer = viewer_of(request)
            role = viewer.person.role.value if viewer else "none"
            needed = (refused.needed or Role.EDITOR).value
            message = (
                f"Your role ({role}) cannot do this; it needs {needed}. "
                "Ask an administrator to change your role."
            )
            shown = _(
                "Your role (%(role)s) cannot do this; it needs %(needed)s. Ask an administrator "
                "to change your role."
            ) % {"role": _(role), "needed": _(needed)}
        if json_wanted:
            return problem_response(request, 403, message)
        return error_page(403, shown)
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
        return problem_response(request, 401, message, headers=headers)
    next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return signin_page(
        request,
        status=401,
        message=_("This page is private: sign in to see it."),
        next_path=next_path if request.method == "GET" else "/campaigns",
        headers=headers,
    )


def guarded_router() -> APIRouter:
    """A router for private routes: every route checks the role before it reads a body."""
    return APIRouter(
        route_class=GuardedRoute,
        dependencies=[Depends(require_viewer)],
        responses=problem_responses(401, 403),
    )


Editor = Annotated[Person, Depends(require_editor)]
Viewer = Annotated[Person, Depends(require_viewer)]


def recorded_by(request: Request, person: Person, given: str | None = None) -> str:
    """Who a change is recorded as: the signed-in person; for the old shared token (which
    has no person) the name a script gives, else `EDICALENDAR_TOKEN`."""
    viewer = viewer_of(request)
    if viewer is not None and viewer.via is Via.LEGACY_TOKEN:
        return (given or "").strip() or LEGACY_AUTHOR
    return person.recorded_as


def live_of(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def service_of(snapshot: Snapshot) -> CampaignService:
    """The campaign service over this snapshot's campaign files and the database's campaigns
    (read afresh, so every worker shows the same plan)."""
    return snapshot.ctx.campaigns(snapshot.campaign_files)


def can_edit(request: Request) -> bool:
    """Whether the person asking may change campaigns (an editor or admin)."""
    viewer = viewer_of(request)
    return viewer is not None and viewer.person.role.allows(Role.EDITOR)

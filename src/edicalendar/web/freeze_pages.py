"""Communication freezes in the browser and the JSON API: see them, and (admins) record or end them.

`/freezes` lists the freezes in force and to come, and the ones before, for anyone signed in;
administrators also get a form to record one and an "End now" button on each. `/api/freezes`
lists the public freezes for anyone (and every freeze for a signed-in person or API token);
recording and ending need an administrator. Every change goes through
:class:`~edicalendar.reminders.freeze_book.FreezeBook`, the service `edicalendar freeze` calls.
The calendar pages show freezes through :func:`shown_freezes`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import HTMLResponse, Response

from edicalendar import i18n
from edicalendar.accounts.people import Person
from edicalendar.calendar.freezes import (
    KIND_LABELS,
    RESTRICTION_LABELS,
    Freeze,
    FreezeKind,
    FreezeScope,
    Restriction,
    freeze_record,
    freeze_status,
)
from edicalendar.context import AppContext
from edicalendar.errors import FreezeError, UsageError
from edicalendar.i18n import N_, Translated, _, ngettext
from edicalendar.model import Role
from edicalendar.reminders import freeze_book
from edicalendar.reminders.freeze_book import FreezeRequest
from edicalendar.reminders.holding import released_text
from edicalendar.web.api_models import EndedFreeze, FreezeRecord, FreezesAnswer
from edicalendar.web.auth import (
    GuardedRoute,
    read_body,
    read_form,
    require_admin,
    require_viewer,
    viewer_of,
)
from edicalendar.web.conditional import PRIVATE_CACHE, tagged_by_body
from edicalendar.web.live import LiveData
from edicalendar.web.problems import ProblemError, problem_responses
from edicalendar.web.render import chrome, error_page, page
from edicalendar.web.views import LAST_BEFORE_FIRST

MAX_FORM_BYTES = 8192
MAX_JSON_BYTES = 8192

#: Signed-in routes: the role is checked before any body is read.
router = APIRouter(route_class=GuardedRoute, dependencies=[Depends(require_viewer)])
#: The public list of public freezes.
public_router = APIRouter()

Admin = Annotated[Person, Depends(require_admin)]

#: The freeze book's checks as the form says them: a web user has no command-line options, so
#: the form names its own fields ("the last day") where the command names `--to`.
ON_THE_FORM = {
    freeze_book.NOT_AN_ELECTION: N_("a polling day is for elections; a %(kind)s freeze has none"),
    freeze_book.NO_AREA: N_(
        "a devolved election needs its area: scotland, wales or northern-ireland, the nation "
        "that votes"
    ),
    freeze_book.POLLING_OUTSIDE: N_(
        "polling day %(polling)s is outside the period %(start)s to %(end)s; give a first and "
        "a last day around it, or leave them empty to compute them"
    ),
    freeze_book.NO_START_ELECTION: N_(
        "say when it starts: its first day, or the election's polling day"
    ),
    freeze_book.NO_START: N_("say when it starts: its first day"),
    freeze_book.NO_END: N_(
        "a pre-election period ends: give its last day or its polling day; only mourning and "
        "organisation freezes may be open-ended"
    ),
    freeze_book.LAST_BEFORE_FIRST: LAST_BEFORE_FIRST,
}


def on_the_form(error: BaseException) -> str:
    """What `error` says, worded for the form (:data:`ON_THE_FORM`)."""
    said = i18n.said(error)
    if isinstance(said, i18n.Message) and said.msgid in ON_THE_FORM:
        return i18n.Message(ON_THE_FORM[said.msgid], capitalised=said.capitalised, **said.values)
    return said


def _ctx(request: Request) -> AppContext:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live.snapshot.ctx


def shown_freezes(ctx: AppContext) -> list[Freeze]:
    """The freezes a page may show to whoever is asking: every one to a signed-in person, the
    public ones to everybody else; cancelled ones never."""
    signed_in = chrome.get().person is not None
    return [f for f in ctx.freezes().all() if (f.public or signed_in) and not f.cancelled]


def _changed(request: Request) -> None:
    """A freeze was recorded or ended: the freezes feed looks again on its next request."""
    cache = getattr(request.app.state, "freeze_feed", None)
    if cache is not None:
        cache.invalidate()


def _request_from(values: dict[str, str]) -> FreezeRequest:
    """A FreezeRequest from form or JSON values, with messages naming the field."""

    def day(name: str, label: str) -> dt.date | None:
        text = (values.get(name) or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise FreezeError(
                i18n.Message(
                    N_("%(field)s: %(value)s is not a date; use YYYY-MM-DD"),
                    field=label,
                    value=repr(text[:20]),
                )
            ) from None

    def choice(name: str, enum: Any, label: str) -> Any:
        text = (values.get(name) or "").strip()
        if not text:
            return None
        try:
            return enum(text)
        except ValueError:
            known = ", ".join(m.value for m in enum)
            raise FreezeError(f"{label}: {text[:40]!r} is not one of {known}") from None

    kind = choice("kind", FreezeKind, "kind")
    if kind is None:
        raise FreezeError(i18n.Message(N_("kind: choose what kind of freeze it is")))
    public = (values.get("public") or "").strip().lower()
    return FreezeRequest(
        kind=kind,
        reason=values.get("reason") or "",
        start=day("from", "from"),
        end=day("to", "to"),
        polling_day=day("polling_day", "polling day"),
        scope=choice("scope", FreezeScope, "scope"),
        area=(values.get("area") or "").strip() or None,
        restricts=choice("restricts", Restriction, "restricts"),
        source=(values.get("source") or "").strip() or None,
        public=None if public in ("", "default") else public in ("yes", "true", "1", "on"),
    )


def _page(
    request: Request,
    *,
    status: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    ctx = _ctx(request)
    book = ctx.freezes()
    now = ctx.now()
    current = book.current()
    current_ids = {f.id for f in current}
    earlier = [f for f in reversed(book.all()) if f.id not in current_ids]
    viewer = viewer_of(request)
    return page(
        "freezes.html",
        status=status,
        current="/freezes",
        title=_("Communication freezes"),
        current_freezes=[(f, freeze_status(f, now, ctx.timezone).value) for f in current],
        earlier=[(f, freeze_status(f, now, ctx.timezone).value) for f in earlier],
        can_manage=viewer is not None and viewer.person.role.allows(Role.ADMIN),
        kinds=[(k.value, KIND_LABELS[k]) for k in FreezeKind],
        scopes=[s.value for s in FreezeScope],
        restrictions=[(r.value, RESTRICTION_LABELS[r]) for r in Restriction],
        restriction_labels=RESTRICTION_LABELS,
        error=error,
        notice=notice,
        values=values or {},
        feed_path="/feeds/freezes.ics",
    )


# --- pages ----------------------------------------------------------------------------------


@router.get("/freezes", response_class=HTMLResponse, include_in_schema=False)
def freezes_page(request: Request) -> Response:
    ctx = _ctx(request)
    notice = None
    for key in ("added", "ended"):
        raw = request.query_params.get(key, "")
        if raw.isdigit():
            try:
                freeze = ctx.freezes().get(int(raw))
            except UsageError:
                continue
            notice = _notice(
                key,
                freeze,
                _count(request.query_params.get("released")),
                _count(request.query_params.get("expired")),
            )
    return _page(request, notice=notice)


def _notice(key: str, freeze: Freeze, released: int, expired: int) -> str:
    """What the page says after a freeze was recorded (`added`) or ended, in its language."""
    if i18n.language.get() == i18n.DEFAULT:
        verb = "Recorded" if key == "added" else "Ended"
        text = f"{verb} freeze {freeze.id}: {freeze.title}."
        return text + (released_text(released, expired) if key == "ended" else "")
    title = f"{_(freeze.label).capitalize()}: {freeze.reason}"
    values = {"id": freeze.id, "title": title}
    if key == "added":
        return _("Recorded freeze %(id)s: %(title)s.") % values
    text = _("Ended freeze %(id)s: %(title)s.") % values
    if released:
        text += " " + ngettext(
            "%(num)d held reminder goes out on the bot's next tick.",
            "%(num)d held reminders go out on the bot's next tick.",
            released,
        ) % {"num": released}
    if expired:
        text += " " + ngettext(
            "%(num)d expired: too late to send (`edicalendar ledger --status expired`).",
            "%(num)d expired: too late to send (`edicalendar ledger --status expired`).",
            expired,
        ) % {"num": expired}
    return Translated(text)


def _count(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 9 else 0


@router.post("/freezes", include_in_schema=False)
async def add_form(request: Request, person: Admin) -> Response:
    form = await read_form(request, MAX_FORM_BYTES)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    try:
        freeze = _ctx(request).freezes().add(_request_from(form), by=person.recorded_as)
    except (FreezeError, UsageError) as exc:
        return _page(request, status=400, error=on_the_form(exc), values=form)
    _changed(request)
    return RedirectResponse(f"/freezes?added={freeze.id}#freeze-{freeze.id}", status_code=303)


@router.post("/freezes/{freeze_id}/end", include_in_schema=False)
async def end_form(request: Request, freeze_id: int, person: Admin) -> Response:
    try:
        book = _ctx(request).freezes()
        freeze = book.end(freeze_id, by=person.recorded_as)
    except (FreezeError, UsageError) as exc:
        status = exc.http_status if isinstance(exc, UsageError) else 400
        return _page(request, status=status, error=i18n.said(exc))
    freed = book.release_held()
    _changed(request)
    query = f"ended={freeze.id}&released={len(freed.released)}&expired={len(freed.expired)}"
    return RedirectResponse(f"/freezes?{query}#freeze-{freeze.id}", status_code=303)


# --- JSON ---------------------------------------------------------------------------------


@public_router.get(
    "/api/freezes",
    tags=["freezes"],
    summary="Communication freezes",
    response_model=FreezesAnswer,
)
def api_freezes(request: Request) -> Response:
    """Every freeze recorded (pre-election periods, national mourning, the organisation's own):
    the public ones for anyone, all of them for a signed-in person or an API token. Each says
    what it holds back and its status now."""
    ctx = _ctx(request)
    now = ctx.now()
    signed_in = viewer_of(request) is not None
    chosen = [f for f in ctx.freezes().all() if f.public or signed_in]
    answer = JSONResponse({"freezes": [freeze_record(f, now, ctx.timezone) for f in chosen]})
    # What a signed-in person sees differs from the public list: kept by the browser only.
    return tagged_by_body(request, answer, PRIVATE_CACHE)


class FreezeIn(BaseModel):
    """A freeze to record: as `edicalendar freeze add` takes it."""

    kind: FreezeKind
    reason: Annotated[str, Field(max_length=300)]
    from_: Annotated[dt.date | None, Field(alias="from")] = None
    to: dt.date | None = None
    polling_day: dt.date | None = None
    scope: FreezeScope | None = None
    area: Annotated[str | None, Field(max_length=200)] = None
    restricts: Restriction | None = None
    source: Annotated[str | None, Field(max_length=2000)] = None
    public: bool | None = None


_FREEZE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": FreezeIn.model_json_schema(by_alias=True)}},
    }
}


@router.post(
    "/api/freezes",
    tags=["freezes"],
    summary="Record a freeze (admin)",
    openapi_extra=_FREEZE_BODY,
    status_code=201,
    response_model=FreezeRecord,
    responses=problem_responses(400, 401, 403, 413, 422),
)
async def api_add(request: Request, person: Admin) -> Response:
    """Record a freeze, as `edicalendar freeze add` does; needs an administrator. The reminder
    bot holds what it restricts from its next message on."""
    body = await read_body(request, MAX_JSON_BYTES)
    if body is None:
        raise ProblemError(413, f"body larger than {MAX_JSON_BYTES} bytes")
    try:
        given = FreezeIn.model_validate(json.loads(body or b"{}"))
    except (ValueError, ValidationError) as exc:
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            detail = f"{where}: {first['msg']}"
        else:
            detail = str(exc)
        raise ProblemError(422, f"body: {detail}") from None
    ctx = _ctx(request)
    request_ = FreezeRequest(
        kind=given.kind,
        reason=given.reason,
        start=given.from_,
        end=given.to,
        polling_day=given.polling_day,
        scope=given.scope,
        area=given.area,
        restricts=given.restricts,
        source=given.source,
        public=given.public,
    )
    try:
        freeze = ctx.freezes().add(request_, by=person.recorded_as)
    except FreezeError as exc:
        raise ProblemError(400, str(exc)) from None
    _changed(request)
    return JSONResponse(freeze_record(freeze, ctx.now(), ctx.timezone), status_code=201)


@router.post(
    "/api/freezes/{freeze_id}/end",
    tags=["freezes"],
    summary="End a freeze (admin)",
    response_model=EndedFreeze,
    responses=problem_responses(400, 401, 403, 404),
)
async def api_end(request: Request, freeze_id: int, person: Admin) -> Response:
    """End a freeze now, as `edicalendar freeze end` does; needs an administrator. The
    answer adds the keys of the reminders it held: `released` (sent on the bot's next tick)
    and `expired` (too late to send)."""
    ctx = _ctx(request)
    book = ctx.freezes()
    try:
        freeze = book.end(freeze_id, by=person.recorded_as)
    except FreezeError as exc:
        raise ProblemError(400, str(exc)) from None
    except UsageError as exc:
        raise ProblemError(exc.http_status, str(exc)) from None
    freed = book.release_held()
    _changed(request)
    record = freeze_record(freeze, ctx.now(), ctx.timezone)
    return JSONResponse(record | {"released": freed.released, "expired": freed.expired})

"""Making and changing campaigns in the browser: from a template, in the editor, or deleting one.

"Plan a campaign" (from an observance page, a gap in the plan, or the plan itself) asks for the
observance, a template and when it runs, then opens the editor filled in from the template.
The editor works without JavaScript: "Add another task" and the like post the form and come back
with one more row, and nothing is saved until "Save campaign". Saving goes through the campaign
service, which checks the campaign exactly as it checks a campaign file; its problems come back
in an NHS.UK error summary and beside each field. Only campaigns kept in the database can be
edited here; a campaign from a file is read-only, and its page names the file.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from edicalendar.accounts.people import Person
from edicalendar.campaigns.templates import (
    Template,
    find_template,
    from_template,
    shipped_templates,
)
from edicalendar.errors import (
    CampaignConflictError,
    CampaignInvalidError,
    NotFoundError,
    UnsupportedYearError,
    UsageError,
)
from edicalendar.i18n import N_, _, said
from edicalendar.model import AssetKind
from edicalendar.web.auth import read_fields, read_form
from edicalendar.web.campaign_form import (
    AUDIENCES,
    DIRECTIONS,
    UNITS,
    CampaignForm,
    PersonChoice,
    form_from_post,
    form_from_table,
)
from edicalendar.web.campaign_pages import people_choices
from edicalendar.web.live import Snapshot
from edicalendar.web.private import Editor, guarded_router, live_of, recorded_by, service_of
from edicalendar.web.render import error_page, page

router = guarded_router()

#: The editor's form: generous for a campaign with dozens of tasks, small for a server.
MAX_EDITOR_BYTES = 60 * 1024
BLANK = "blank"


def _blank_template() -> Template:
    return Template(
        BLANK,
        N_("Blank campaign"),
        N_("Start with nothing but the observance and add your own assets and tasks."),
        99,
        {"title": "{observance}", "audience": ["staff"], "summary": ""},
    )


def _templates() -> list[Template]:
    return [*shipped_templates(), _blank_template()]


def _anchor(snapshot: Snapshot) -> Any:
    from edicalendar.calendar.occurrences import occurrences_in_year

    def dates(observance_id: str, year: int) -> tuple[dt.date, dt.date] | None:
        observance = snapshot.catalog.get(observance_id)
        if observance is None:
            return None
        try:
            found = occurrences_in_year(observance, year, snapshot.catalog.conventions)
        except UnsupportedYearError:
            return None
        return (found[0].start, found[0].end) if found else None

    return dates


def _editor(
    request: Request,
    form: CampaignForm,
    *,
    creating: bool,
    template: str = "",
    status: int = 200,
) -> Response:
    snapshot = live_of(request).snapshot
    settings = snapshot.ctx.loaded.settings
    observances = sorted(snapshot.catalog.observances.values(), key=lambda o: o.name.casefold())
    people = people_choices(request)
    owner_names = [o.name for o in form.owners if o.name.strip()]
    action = "/campaigns/new" if creating else f"/campaigns/{form.id}/edit"
    return page(
        "campaign_edit.html",
        status=status,
        current="/campaigns",
        title=_("Plan a campaign")
        if creating
        else _("Edit: %(title)s") % {"title": form.title or form.id},
        form=form,
        creating=creating,
        action=action,
        template_name=template,
        observances=observances,
        people=people,
        owner_names=owner_names,
        destinations=sorted({"console", *settings.destinations}),
        kinds=[k.value for k in AssetKind],
        units=UNITS,
        directions=DIRECTIONS,
        audiences=AUDIENCES,
        original_json=json.dumps(form.original, ensure_ascii=False),
        default_lead_times=", ".join(str(d) for d in settings.reminders.lead_times),
        send_time=settings.reminders.send_time,
    )


def _me(request: Request, person: Person) -> list[dict[str, str]]:
    """The person making a campaign, as its first owner (when they are on the user list)."""
    people = {p.email for p in people_choices(request)}
    return [{"name": person.name, "email": person.email}] if person.email in people else []


@router.get("/campaigns/new", response_class=HTMLResponse, include_in_schema=False)
def new_campaign(request: Request, person: Editor) -> Response:
    """Choose the observance, template and years; then the editor, filled in."""
    snapshot = live_of(request).snapshot
    params = request.query_params
    observance_id = params.get("observance", "")
    template_id = params.get("template", "")
    runs = params.get("runs", "")
    year_text = params.get("year", "").strip()
    observance = snapshot.catalog.get(observance_id) if observance_id else None
    today = snapshot.ctx.today()
    errors: dict[str, str] = {}
    if "template" in params:
        if observance is None:
            errors["observance"] = _("Choose the observance the campaign is for")
        templates = _templates()
        if template_id not in {t.id for t in templates}:
            errors["template"] = _("Choose a template to start from")
        if runs not in ("every", "year"):
            errors["runs"] = _("Choose whether the campaign runs every year or in one year")
        elif runs == "year" and (not year_text.isdigit() or not 1900 <= int(year_text) <= 2200):
            errors["year"] = _("Enter the year as four digits, such as 2026")
        if not errors and observance is not None:
            year = int(year_text) if runs == "year" else None
            template = find_template(template_id, templates)
            campaign_id = f"{observance.id}-{year}" if year else observance.id
            taken = set(service_of(snapshot).load().campaigns) | {
                s.id for s in service_of(snapshot).store().all()
            }
            base, n = campaign_id, 2
            while campaign_id in taken:
                campaign_id, n = f"{base}-{n}", n + 1
            table = from_template(
                template,
                observance,
                campaign_id=campaign_id,
                year=year,
                owners=_me(request, person),
                destinations=["console"],
            )
            form = form_from_table(table, people_choices(request))
            form.original = {}
            return _editor(request, form, creating=True, template=template.name)
    next_year = next((o.start.year for o in _upcoming(snapshot, observance_id, today)), today.year)
    return page(
        "campaign_new.html",
        status=400 if errors else 200,
        current="/campaigns",
        title=_("Plan a campaign"),
        observances=sorted(snapshot.catalog.observances.values(), key=lambda o: o.name.casefold()),
        chosen=observance_id,
        observance=observance,
        templates=_templates(),
        template_id=template_id or (_suggest(observance) if observance else ""),
        runs=runs or "year",
        year=year_text or str(next_year),
        errors=errors,
    )


def _upcoming(snapshot: Snapshot, observance_id: str, today: dt.date) -> list[Any]:
    from edicalendar.calendar.occurrences import expand

    if not snapshot.catalog.get(observance_id):
        return []
    return expand(
        snapshot.catalog, today, today + dt.timedelta(days=400), ids=[observance_id]
    ).occurrences


def _suggest(observance: Any) -> str:
    """The template that suits an observance best: faith festivals, months, single days."""
    from edicalendar.model import Category

    if observance.tradition or (
        Category.RELIGION_BELIEF in observance.categories
        and (observance.begins_evening_before or observance.fasting or observance.rest_from_work)
    ):
        return "faith-festival"
    from edicalendar.model import MonthRule

    if isinstance(observance.rule, MonthRule) or (observance.duration_days or 1) >= 28:
        return "awareness-month"
    return "awareness-day"


async def _posted(request: Request) -> tuple[CampaignForm, str] | None:
    fields = await read_fields(request, MAX_EDITOR_BYTES)
    if fields is None:
        return None
    return form_from_post(fields)


def _save(
    request: Request, person: Editor, form: CampaignForm, *, creating: bool, campaign_id: str = ""
) -> Response:
    snapshot = live_of(request).snapshot
    people: list[PersonChoice] = people_choices(request)
    table = form.to_table(people, _anchor(snapshot), creating=creating)
    service = service_of(snapshot)
    if form.errors:
        # Show every problem at once: the service's too, for the fields that could be read.
        try:
            service.check_table(table)
        except CampaignInvalidError as exc:
            form.add_problems(exc.problems)
        return _editor(request, form, creating=creating, status=400)
    by = recorded_by(request, person)
    try:
        if creating:
            saved = service.create(table, by=by)
        else:
            revision = int(form.revision) if form.revision.isdigit() else None
            saved = service.update(campaign_id, table, by=by, revision=revision)
    except CampaignInvalidError as exc:
        form.add_problems(exc.problems)
        return _editor(request, form, creating=creating, status=400)
    except CampaignConflictError as exc:
        form.error("id" if creating else "title", said(exc))
        return _editor(request, form, creating=creating, status=409)
    except UsageError as exc:
        form.error("title", said(exc))
        return _editor(request, form, creating=creating, status=exc.http_status)
    done = "created" if creating else "saved"
    return RedirectResponse(f"/campaigns/{saved.id}?done={done}", status_code=303)


@router.post("/campaigns/new", response_class=HTMLResponse, include_in_schema=False)
async def create_campaign(request: Request, person: Editor) -> Response:
    posted = await _posted(request)
    if posted is None:
        return error_page(413, _("The campaign form is too large to save; remove some rows."))
    form, action = posted
    if action != "save":
        return _editor(request, form, creating=True)
    return _save(request, person, form, creating=True)


def _editable(request: Request, campaign_id: str) -> Any:
    snapshot = live_of(request).snapshot
    try:
        definition = service_of(snapshot).definition(campaign_id)
    except NotFoundError:
        return error_page(404, _("There is no campaign with that name."))
    if not definition.editable:
        return error_page(
            409,
            _(
                "%(title)s is defined in the file %(file)s, so it is read-only here: change it by "
                "editing that file (then run `edicalendar check`)."
            )
            % {"title": definition.title, "file": definition.where},
            link=(
                f"/campaigns/{campaign_id}",
                _("Go back to %(title)s") % {"title": definition.title},
            ),
        )
    return definition


@router.get("/campaigns/{campaign_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_campaign(request: Request, campaign_id: str, person: Editor) -> Response:
    definition = _editable(request, campaign_id)
    if isinstance(definition, Response):
        return definition
    form = form_from_table(definition.table, people_choices(request))
    form.revision = str(definition.revision or "")
    if definition.problems:
        form.add_problems(definition.problems)
    return _editor(request, form, creating=False)


@router.post("/campaigns/{campaign_id}/edit", response_class=HTMLResponse, include_in_schema=False)
async def save_campaign(request: Request, campaign_id: str, person: Editor) -> Response:
    definition = _editable(request, campaign_id)
    if isinstance(definition, Response):
        return definition
    posted = await _posted(request)
    if posted is None:
        return error_page(413, _("The campaign form is too large to save; remove some rows."))
    form, action = posted
    form.id = campaign_id
    if action != "save":
        return _editor(request, form, creating=False)
    return _save(request, person, form, creating=False, campaign_id=campaign_id)


@router.get("/campaigns/{campaign_id}/delete", response_class=HTMLResponse, include_in_schema=False)
def confirm_delete(request: Request, campaign_id: str, person: Editor) -> Response:
    definition = _editable(request, campaign_id)
    if isinstance(definition, Response):
        return definition
    return page(
        "campaign_delete.html",
        current="/campaigns",
        title=_("Delete %(title)s?") % {"title": definition.title},
        definition=definition,
    )


@router.post("/campaigns/{campaign_id}/delete", include_in_schema=False)
async def delete_campaign(request: Request, campaign_id: str, person: Editor) -> Response:
    definition = _editable(request, campaign_id)
    if isinstance(definition, Response):
        return definition
    form = await read_form(request, 4096)
    if form is None:
        return error_page(400, _("The form could not be read; please try again."))
    revision = form.get("revision", "")
    try:
        service_of(live_of(request).snapshot).delete(
            campaign_id,
            by=recorded_by(request, person),
            revision=int(revision) if revision.isdigit() else None,
        )
    except UsageError as exc:
        return error_page(exc.http_status, str(exc))
    return RedirectResponse("/campaigns?done=deleted", status_code=303)

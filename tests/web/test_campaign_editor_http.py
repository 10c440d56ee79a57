"""The campaign editor over HTTP, with forms posted as a browser posts them: from a template to a
saved campaign, problems in the NHS.UK error summary and beside their fields, rows added and
removed without JavaScript, dates given on the calendar, revisions, file campaigns read-only,
deleting, and who may do what."""

from __future__ import annotations

import re
from typing import Any

import pytest

from edicalendar.model import Role
from support.forms import form_fields, post_form, with_fields

from .conftest import Site

NEW = (
    "/campaigns/new?observance=international-womens-day&template=awareness-day&runs=year&year=2026"
)


def _summary(html: str) -> list[tuple[str, str]]:
    """(field id, message) of each entry in the error summary."""
    block = html.split('class="error-summary"', 1)
    if len(block) == 1:
        return []
    found = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', block[1].split("</div>", 1)[0])
    import html as markup

    return [(f, markup.unescape(m)) for f, m in found]


@pytest.fixture
def editor(site: Site) -> Any:
    site.person("asha.khan@nhs.net", Role.EDITOR)
    site.person("ben.okafor@nhs.net", Role.VIEWER)
    return site.signed_in("asha.khan@nhs.net")


def _create(editor: Any, changes: dict[str, str | None] | None = None) -> Any:
    fields = form_fields(editor.get(NEW).text, "/campaigns/new", "save")
    return post_form(
        editor, "/campaigns/new", with_fields(fields, changes or {}), follow_redirects=False
    )


def test_a_template_becomes_a_campaign(site: Site, editor: Any) -> None:
    page = editor.get(NEW)
    assert page.status_code == 200
    assert "Started from the template “Awareness day”" in page.text
    assert 'value="international-womens-day-2026"' in page.text  # the short name, suggested
    saved = _create(editor)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/campaigns/international-womens-day-2026?done=created"
    stored = site.ctx.campaigns().store().get("international-womens-day-2026")
    assert stored is not None and stored.created_by == "asha.khan@nhs.net"
    table = stored.table
    # The person who made it is its first owner; the template's days are kept as written.
    assert table["owners"] == [{"name": "Asha.Khan", "email": "asha.khan@nhs.net"}]
    assert [(t["id"], t["due"]) for t in table["tasks"]] == [
        ("draft-content", "-15 working days"),
        ("sign-off", "-5 working days"),
        ("schedule-post", "-1 working day"),
    ]
    assert table["years"] == [2026] and table["lead_time_destinations"] == ["console"]
    shown = editor.get(saved.headers["location"]).text
    assert "The campaign was saved" in shown
    assert "Made in the browser (or imported); revision 1" in shown


def test_problems_are_summarised_and_shown_beside_their_fields(editor: Any) -> None:
    response = _create(
        editor,
        {
            "title": "",
            "task-1-due-direction": "after-end",
            "task-1-due-amount": "3",
            "asset-0-url": "ftp://files.example.org/post",
            "lead_times": "90, soon",
        },
    )
    assert response.status_code == 400
    listed = _summary(response.text)
    # Every problem with the campaign's shape at once, in the order of the page (its dates are
    # checked once the shape is right, as `check` does for files).
    assert [field for field, _ in listed] == ["title", "asset-0-url", "lead_times"]
    summary = dict(listed)
    assert summary["lead_times"] == "'soon' is not a number of days; write 90, 28, 7, 1"
    assert 'role="alert"' in response.text and "There is a problem" in response.text
    # Each message is also beside its field, and the field points at it.
    for field_id in summary:
        assert f'id="{field_id}-error"' in response.text
    # What was typed is kept.
    assert 'value="ftp://files.example.org/post"' in response.text


def test_a_title_that_starts_like_a_formula_is_refused(site: Site, editor: Any) -> None:
    """The same rule as campaign files: a title is a name that lands in the CSV export, so one
    starting like a spreadsheet formula is refused, with the reason, by the form and the API."""
    hostile = '=HYPERLINK("http://evil.example","x")'
    response = _create(editor, {"title": hostile})
    assert response.status_code == 400
    summary = dict(_summary(response.text))
    assert summary["title"] == (
        f"{hostile!r} starts with '=', which spreadsheets run as a formula when the CSV export "
        "is opened; start the name with a letter or digit"
    )
    assert site.ctx.campaigns().store().all() == []
    token = site.api_token("editor@nhs.net", Role.EDITOR)
    body = {"id": "formula", "title": hostile, "observance": "international-womens-day"}
    answer = site.client.post(
        "/api/campaigns",
        json={**body, "years": [2026]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422, answer.text
    assert "starts with '='" in answer.text and "title" in answer.text
    assert site.ctx.campaigns().store().all() == []


def test_the_file_formats_messages_in_the_editors_words(editor: Any) -> None:
    response = _create(editor, {"task-1-due-direction": "after-end", "task-1-due-amount": "3"})
    summary = dict(_summary(response.text))
    assert summary["task-1-due"] == (
        "'end+3 working days' falls after International Women's Day ends on 2026-03-08 (2026); "
        "tick 'A follow-up, due after it ends' if that is right"
    )
    fixed = _create(
        editor,
        {"task-1-due-direction": "after-end", "task-1-due-amount": "3", "task-1-after_end": "1"},
    )
    assert fixed.status_code == 303


def test_rows_are_added_and_removed_without_javascript(site: Site, editor: Any) -> None:
    fields = form_fields(editor.get(NEW).text, "/campaigns/new", "add-task")
    more = post_form(editor, "/campaigns/new", fields)
    assert more.status_code == 200
    assert len(re.findall(r'<fieldset class="row" id="task-\d+"', more.text)) == 4
    fields = form_fields(more.text, "/campaigns/new", "save")
    fields = with_fields(
        fields,
        {
            "task-3-name": "Book a room and a Teams link",
            "task-3-due-amount": "7",
            "task-3-due-unit": "d",
            "task-3-owner": "person:ben.okafor@nhs.net",
            "task-0-remove": "1",
        },
    )
    saved = post_form(editor, "/campaigns/new", fields, follow_redirects=False)
    assert saved.status_code == 303
    table = site.ctx.campaigns().store().get("international-womens-day-2026").table  # type: ignore[union-attr]
    assert [(t["id"], t["due"], t.get("owner")) for t in table["tasks"]] == [
        ("sign-off", "-5 working days", None),
        ("schedule-post", "-1 working day", None),
        ("book-a-room-and-a-teams-link", "-7d", "Ben.Okafor"),
    ]
    # Giving a task to someone on the user list makes them an owner.
    assert {"name": "Ben.Okafor", "email": "ben.okafor@nhs.net"} in table["owners"]


def test_a_date_on_the_calendar_becomes_days_from_the_observance(site: Site, editor: Any) -> None:
    """A one-year campaign: 20 February 2026 is 16 days before Sunday 8 March."""
    saved = _create(
        editor, {"task-0-due-day": "20", "task-0-due-month": "2", "task-0-due-year": "2026"}
    )
    assert saved.status_code == 303
    table = site.ctx.campaigns().store().get("international-womens-day-2026").table  # type: ignore[union-attr]
    assert table["tasks"][0]["due"] == "-16d"
    bad = _create(
        editor, {"task-0-due-day": "30", "task-0-due-month": "2", "task-0-due-year": "2026"}
    )
    assert (
        dict(_summary(bad.text))["task-0-due"] == "The date must be a real date, such as 27 3 2026"
    )
    every_year = _create(
        editor,
        {
            "runs": "every",
            "task-0-due-day": "20",
            "task-0-due-month": "2",
            "task-0-due-year": "2026",
        },
    )
    assert (
        "A date works only for a campaign in one year"
        in dict(_summary(every_year.text))["task-0-due"]
    )


def test_saving_an_untouched_campaign_changes_nothing(site: Site, editor: Any) -> None:
    assert _create(editor).status_code == 303
    edit = "/campaigns/international-womens-day-2026/edit"
    fields = form_fields(editor.get(edit).text, edit, "save")
    assert post_form(editor, edit, fields, follow_redirects=False).status_code == 303
    service = site.ctx.campaigns()
    assert service.store().get("international-womens-day-2026").revision == 1  # type: ignore[union-attr]
    changed = with_fields(fields, {"summary": "With a guest speaker."})
    assert post_form(editor, edit, changed, follow_redirects=False).status_code == 303
    assert service.history("international-womens-day-2026")[0].text == "changed the summary"
    # The same form posted again is from revision 1: refused, saying who saved since.
    stale = post_form(editor, edit, with_fields(fields, {"title": "Something else"}))
    assert stale.status_code == 409
    assert "was changed by asha.khan@nhs.net" in dict(_summary(stale.text))["title"]


def test_a_file_campaign_is_read_only_and_names_its_file(editor: Any) -> None:
    page = editor.get("/campaigns/iwd-guest-session").text
    assert re.search(r"From the file [^<]*campaigns/iwd\.toml:3\.", page)
    assert "/campaigns/iwd-guest-session/edit" not in page
    refused = editor.get("/campaigns/iwd-guest-session/edit")
    assert refused.status_code == 409
    assert "is read-only here: change it by editing that file" in refused.text


def test_deleting_asks_first_then_keeps_the_history(site: Site, editor: Any) -> None:
    assert _create(editor).status_code == 303
    confirm = editor.get("/campaigns/international-womens-day-2026/delete")
    assert confirm.status_code == 200 and "Delete the campaign" in confirm.text
    fields = form_fields(confirm.text, "/campaigns/international-womens-day-2026/delete")
    gone = post_form(
        editor, "/campaigns/international-womens-day-2026/delete", fields, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/campaigns?done=deleted"
    assert editor.get("/campaigns/international-womens-day-2026").status_code == 404
    history = site.ctx.campaigns().history("international-womens-day-2026")
    assert [h.text for h in history] == ["deleted the campaign", "made the campaign"]


def test_viewers_and_strangers_cannot_edit(site: Site, editor: Any) -> None:
    fields = form_fields(editor.get(NEW).text, "/campaigns/new", "save")
    viewer = site.signed_in("ben.okafor@nhs.net")
    assert viewer.get(NEW).status_code == 403
    csrf = dict(form_fields(viewer.get("/campaigns").text, "/signout"))["csrf_token"]
    refused = post_form(viewer, "/campaigns/new", with_fields(fields, {"csrf_token": csrf}))
    assert refused.status_code == 403
    assert "Your role (viewer) cannot do this; it needs editor" in refused.text
    assert post_form(site.client, "/campaigns/new", fields).status_code == 401
    # A signed-in editor's form without its session's token is refused too.
    forged = post_form(editor, "/campaigns/new", with_fields(fields, {"csrf_token": "x" * 43}))
    assert forged.status_code == 403
    assert site.ctx.campaigns().store().all() == []


def test_the_chooser_asks_for_what_is_missing(editor: Any) -> None:
    page = editor.get("/campaigns/new?template=&runs=year&year=20x6")
    assert page.status_code == 400
    assert _summary(page.text) == [
        ("observance", "Choose the observance the campaign is for"),
        ("template", "Choose a template to start from"),
        ("year", "Enter the year as four digits, such as 2026"),
    ]
    suggested = editor.get("/campaigns/new?observance=eid-al-fitr").text
    assert 'id="template-faith-festival" name="template" value="faith-festival" ' in suggested
    assert 'aria-describedby="template-faith-festival-hint" checked' in suggested

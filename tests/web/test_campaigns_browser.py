"""The comms team's workspace in real headless Chromium, against the app served by uvicorn on
127.0.0.1: an editor plans a campaign from a template on an observance's page, adds a task and
an asset, marks the task done and publishes the asset with its link; a viewer sees all of it
and can change none of it; a campaign made with the keyboard alone; and every new page, in
every state people meet it in, passes axe-core at 1280 and 375 px."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edicalendar.accounts.directory import Client
from edicalendar.context import AppContext
from edicalendar.model import Role
from edicalendar.web import create_app
from support.browser import run_axe
from support.clock import Clock
from support.serving import serving

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
PASSWORD = "correct horse battery staple"
#: Thursday 5 March 2026, mid-morning in London.
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
SHOTS = Path("/tmp/edicalendar-web-screenshots")
EDITOR = "asha.khan@nhs.net"
VIEWER = "ben.okafor@nhs.net"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, AppContext]]:
    """The test calendar and campaigns served on a free port, with an editor and a viewer."""
    shutil.copytree(HERE / "data" / "calendars", tmp_path / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", tmp_path / "campaigns")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    previous = os.environ.pop("EDICALENDAR_TOKEN", None)
    ctx = AppContext(config_path=config, now=Clock(NOW))
    accounts = ctx.accounts()
    for email, name, role in (
        (EDITOR, "Asha Khan", Role.EDITOR),
        (VIEWER, "Ben Okafor", Role.VIEWER),
    ):
        invitation = accounts.add(email, name=name, role=role, by="tests")
        accounts.accept_invitation(invitation.token, PASSWORD, Client("127.0.0.1"))
    app = create_app(ctx, watch_interval=None)
    try:
        with serving(app) as base:
            yield base, ctx
    finally:
        if previous is not None:
            os.environ["EDICALENDAR_TOKEN"] = previous


def _signed_in(browser: Any, base: str, email: str, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/campaigns")
    return page


def _violations(page: Any) -> list[dict[str, Any]]:
    return [
        {"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]


def test_an_editor_plans_and_runs_a_campaign_and_a_viewer_sees_it(
    browser: Any, site: tuple[str, AppContext]
) -> None:
    base, ctx = site
    page = _signed_in(browser, base, EDITOR)
    # From the observance's page, with a template.
    page.goto(f"{base}/observances/black-history-month")
    page.click("text=Plan a campaign")
    page.wait_for_url("**/campaigns/new?observance=black-history-month")
    assert page.locator("#template-awareness-month").is_checked()  # a month: suggested
    page.check("#runs-year")
    page.fill("#year", "2026")
    page.click("main button:has-text('Continue')")
    page.wait_for_url("**template=awareness-month**")
    assert page.locator("#title").input_value() == (
        "Black History Month: launch, weekly stories and resources"
    )
    # One more task and one more item, each added by posting the form (no script here).
    page.click("button:has-text('Add another task')")
    page.fill("#task-5-name", "Book the Black history walk")
    page.fill("#task-5-due-amount", "3")
    page.select_option("#task-5-due-unit", "w")
    page.select_option("#task-5-owner", f"person:{VIEWER}")
    page.click("button:has-text('Add another item')")
    page.fill("#asset-5-title", "Photos from the walk")
    page.select_option("#asset-5-kind", "social")
    page.fill("#asset-5-publish-amount", "2")
    page.select_option("#asset-5-publish-direction", "after-end")
    page.click("form.editor .form-end button:has-text('Save campaign')")
    page.wait_for_url("**/campaigns/black-history-month-2026?done=created")
    assert "The campaign was saved" in page.locator("main").inner_text()
    table = ctx.campaigns().store().get("black-history-month-2026").table  # type: ignore[union-attr]
    assert table["tasks"][-1] == {
        "id": "book-the-black-history-walk",
        "name": "Book the Black history walk",
        "owner": "Ben Okafor",
        "due": "-3w",
    }
    assert table["assets"][-1]["publish"] == "end+2d"

    # Run the work on the year's page: the new task done, the new item published with a link.
    page.goto(f"{base}/campaigns/black-history-month-2026/2026")
    row = "#task-2026-book-the-black-history-walk"
    assert "Thu 10 Sep 2026" in page.locator(row).inner_text()  # three weeks before 1 October
    page.click(f"{row} button:has-text('Mark done')")
    page.wait_for_url(f"**/campaigns/black-history-month-2026/2026{row}")
    assert "done" in page.locator(row).inner_text()
    asset = "#asset-2026-photos-from-the-walk"
    page.click(f"{asset} summary:has-text('Update')")
    page.select_option(f"{asset} select[name=status]", "published")
    page.fill(f"{asset} input[name=url]", "https://intranet.example.nhs.uk/bhm-walk")
    page.click(f"{asset} button:has-text('Save')")
    page.wait_for_url(f"**{asset}")
    link = page.locator(f"{asset} a[href='https://intranet.example.nhs.uk/bhm-walk']")
    assert link.inner_text() == "Photos from the walk"
    page.context.close()

    # A viewer sees every change, and none of the controls.
    viewer = _signed_in(browser, base, VIEWER, width=375)
    viewer.goto(f"{base}/campaigns/black-history-month-2026/2026")
    text = viewer.locator("main").inner_text()
    assert "done" in viewer.locator(row).inner_text()
    assert (
        viewer.locator(f"{asset} a[href='https://intranet.example.nhs.uk/bhm-walk']").count() == 1
    )
    assert "Mark done" not in text and "Edit the campaign" not in text
    assert viewer.locator("form[action$='/progress']").count() == 0
    history = viewer.locator("#history ~ ol").inner_text()
    assert f"{EDITOR} · 2026: set 'Photos from the walk' to published" in history
    assert f"{EDITOR} · 2026: marked the task 'Book the Black history walk' done" in history
    # And the server refuses what the page does not offer.
    assert viewer.goto(f"{base}/campaigns/new").status == 403
    csrf = viewer.locator("header input[name=csrf_token]").get_attribute("value")
    refused = viewer.request.post(
        f"{base}/campaigns/black-history-month-2026/progress",
        form={"csrf_token": csrf, "instance": "2026", "task": "agree-plan", "state": "done"},
    )
    assert refused.status == 403
    assert viewer.goto(f"{base}/campaigns/black-history-month-2026/edit").status == 403
    viewer.context.close()
    done = {
        t.task.id
        for i in ctx.campaigns().plan(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).instances
        if i.campaign.id == "black-history-month-2026"
        for t in i.tasks
        if t.done
    }
    assert done == {"book-the-black-history-walk"}


def _tab_to(page: Any, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def test_a_campaign_made_with_the_keyboard_alone(
    browser: Any, site: tuple[str, AppContext]
) -> None:
    base, ctx = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/signin")
    _tab_to(page, "#email")
    page.keyboard.type(EDITOR)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/campaigns")
    _tab_to(page, "a.button[href='/campaigns/new']")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/campaigns/new")
    _tab_to(page, "#observance")
    page.keyboard.type("Eid")  # a closed list box picks the option its typed letters start
    assert page.locator("#observance").input_value() == "eid-al-fitr"
    _tab_to(page, "input[name=template]")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    assert page.locator("#template-faith-festival").is_checked()
    _tab_to(page, "#year")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026")
    _tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**template=faith-festival**")
    _tab_to(page, "#title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Eid al-Fitr: greeting and guidance")
    _tab_to(page, "#task-0-due-amount")
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Enter")  # Enter in a field saves the campaign
    page.wait_for_url("**/campaigns/eid-al-fitr-2026?done=created")
    context.close()
    stored = ctx.campaigns().store().get("eid-al-fitr-2026")
    assert stored is not None
    assert stored.table["title"] == "Eid al-Fitr: greeting and guidance"
    assert stored.table["tasks"][0]["due"] == "-7w"


def _problem_page(page: Any, base: str) -> None:
    page.goto(
        f"{base}/campaigns/new?observance=international-womens-day&template=awareness-day"
        "&runs=year&year=2026"
    )
    page.fill("#title", "")
    page.fill("#task-0-due-amount", "")
    page.fill("#asset-0-url", "not a link")
    page.click("form.editor .form-end button:has-text('Save campaign')")
    page.wait_for_selector(".error-summary")


def test_every_new_page_passes_axe_in_every_state(
    browser: Any, site: tuple[str, AppContext]
) -> None:
    """Pages as an editor and a viewer meet them: plans, the chooser and the editor (with their
    problems shown), a stored campaign with its history, one year of it, deleting, My work."""
    base, ctx = site
    service = ctx.campaigns()
    service.create(
        {"id": "eid-2026", "title": "Eid al-Fitr greeting", "observance": "eid-al-fitr",
         "years": [2026], "owners": [{"name": "Asha Khan", "email": EDITOR}],
         "assets": [{"id": "greeting", "kind": "social", "title": "Eid Mubarak",
                     "publish": "start"}],
         "tasks": [{"id": "guidance", "name": "Guidance for managers", "due": "-14d"}]},
        by=EDITOR,
    )  # fmt: skip
    service.comment("eid-2026", "Ask the network about the photo", by=EDITOR, instance="2026")
    SHOTS.mkdir(exist_ok=True)
    pages: list[tuple[str, str, str | None]] = [
        ("plan-quarter", EDITOR, "/campaigns"),
        ("plan-month-viewer", VIEWER, "/campaigns?view=month&period=2026-03"),
        (
            "plan-jump-error",
            EDITOR,
            "/campaigns?view=month&jump-day=31&jump-month=2&jump-year=2026",
        ),
        ("chooser-errors", EDITOR, "/campaigns/new?template=&runs=year&year=20x6"),
        ("editor-errors", EDITOR, None),
        ("stored-campaign", EDITOR, "/campaigns/eid-2026"),
        ("stored-campaign-viewer", VIEWER, "/campaigns/eid-2026"),
        ("stored-year", EDITOR, "/campaigns/eid-2026/2026"),
        ("edit-stored", EDITOR, "/campaigns/eid-2026/edit"),
        ("delete", EDITOR, "/campaigns/eid-2026/delete"),
        ("my-work", EDITOR, "/my-work"),
        ("my-work-viewer", VIEWER, "/my-work"),
    ]
    found: dict[str, list[dict[str, Any]]] = {}
    for width in (1280, 375):
        pages_by_person = {
            EDITOR: _signed_in(browser, base, EDITOR, width),
            VIEWER: _signed_in(browser, base, VIEWER, width),
        }
        for name, who, path in pages:
            page = pages_by_person[who]
            if path is None:
                _problem_page(page, base)
            else:
                page.goto(base + path)
            assert page.locator("h1").count() == 1, name
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            found[f"{name}-{width}"] = _violations(page)
            if width == 375:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= 375, (name, scroll)
        # The deadlines feed address, shown once.
        editor = pages_by_person[EDITOR]
        editor.goto(f"{base}/my-work")
        editor.click("form[action='/my-work/feed'] button[value=new]")
        assert "/deadlines/edf_" in editor.locator("#feed-url").input_value()
        found[f"my-work-feed-{width}"] = _violations(editor)
        for page in pages_by_person.values():
            page.context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_the_error_summary_takes_focus_and_links_to_each_field(
    browser: Any, site: tuple[str, AppContext]
) -> None:
    base, _ = site
    page = _signed_in(browser, base, EDITOR)
    _problem_page(page, base)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = page.locator(".error-summary a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert targets == ["#title", "#task-0-due", "#asset-0-url"]
    for target in targets:
        assert page.locator(target).count() == 1  # each link leads to its field
    assert page.locator("#asset-0-url").get_attribute("aria-describedby") == (
        "asset-0-url-hint asset-0-url-error"
    )
    page.context.close()

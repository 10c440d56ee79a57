"""The signed-in pages in Welsh in headless Chromium: an invitation accepted on its Welsh page
signs the person in and lands on the Welsh plan; every Welsh private page passes axe-core's
WCAG 2.2 A/AA rules with `lang="cy"` at 1280 and 375 px wide; a task marked done and a form with
a mistake stay Welsh; signing out from a Welsh page works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import run_axe

from .conftest import invited_admin_server

pytestmark = pytest.mark.browser

PASSWORD = "three random words here"
PAGES = [
    "/cy/campaigns",
    "/cy/campaigns?view=month&period=2026-03",
    "/cy/campaigns/iwd-guest-session",
    "/cy/campaigns/iwd-guest-session/2026",
    "/cy/campaigns/new",
    "/cy/campaigns/new?observance=international-womens-day&template=awareness-day&runs=year&year=2026",
    "/cy/my-work",
    "/cy/freezes",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on the test data with an administrator invited: (address, invitation link)."""
    with invited_admin_server(tmp_path_factory.mktemp("welsh-signed-in")) as found:
        yield found


@pytest.fixture(scope="module")
def signed_in(browser: Any, site: tuple[str, str]) -> Iterator[Any]:
    """A browser context signed in through the Welsh invitation page."""
    base, link = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(link)
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert "Fe’ch gwahoddir fel Cerys Jones" in page.locator("main").inner_text()
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/cy/campaigns")
    assert page.locator("h1").inner_text() == "Cynllun ymgyrchoedd"
    assert "Cerys Jones (gweinyddwr)" in page.locator("header").inner_text()
    page.close()
    try:
        yield context
    finally:
        context.close()


def _violations(page: Any) -> list[dict[str, Any]]:
    return [
        {"id": v["id"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", PAGES)
def test_welsh_signed_in_page_passes_axe(
    signed_in: Any, site: tuple[str, str], path: str, width: int
) -> None:
    page = signed_in.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(site[0] + path)
        assert response.status == 200
        assert page.evaluate("document.documentElement.lang") == "cy"
        assert _violations(page) == []
        # Nothing scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    finally:
        page.close()


def test_work_marked_done_and_a_form_mistake_stay_welsh(
    signed_in: Any, site: tuple[str, str]
) -> None:
    base = site[0]
    page = signed_in.new_page()
    try:
        page.goto(f"{base}/cy/campaigns/iwd-guest-session/2026")
        page.click("#task-2026-room button")
        page.wait_for_url("**/cy/campaigns/iwd-guest-session/2026#task-2026-room")
        assert "wedi’i wneud" in page.locator("#task-2026-room").inner_text()
        # The history says it in Welsh too.
        assert "nododd fod y dasg ‘" in page.locator("#history + *").inner_text()
        page.goto(
            f"{base}/cy/campaigns/new?observance=international-womens-day"
            "&template=awareness-day&runs=year&year=2026"
        )
        page.fill("#title", "")
        page.locator("form.editor .form-end button[value=save]").click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "cy"
        summary = page.locator(".error-summary")
        assert "Mae problem" in summary.inner_text() and "Rhowch deitl" in summary.inner_text()
        assert _violations(page) == []
    finally:
        page.close()


def test_signing_out_from_a_welsh_page(browser: Any, site: tuple[str, str], signed_in: Any) -> None:
    """(After the invitation above set the password.)"""
    base = site[0]
    context = browser.new_context()
    page = context.new_page()
    try:
        # Sign in on the Welsh sign-in page with the password set above.
        page.goto(f"{base}/cy/signin")
        assert page.locator("h1").inner_text() == "Mewngofnodi"
        page.fill("#email", "cerys@nhs.net")
        page.fill("#password", "not it")
        page.click("main button[type=submit]")
        assert page.locator("[role=alert]").inner_text() == (
            "Nid yw’r cyfeiriad e-bost a’r cyfrinair hwnnw’n cyfateb i gyfrif yma."
        )
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/cy/campaigns")
        page.click("header button:has-text('Allgofnodi')")
        page.wait_for_url(f"{base}/cy/")
        assert "Mewngofnodi" in page.locator("header").inner_text()
        assert page.goto(f"{base}/cy/my-work").status == 401
    finally:
        context.close()


def test_the_freezes_form_says_how_to_type_a_date(signed_in: Any, site: tuple[str, str]) -> None:
    page = signed_in.new_page()
    try:
        page.goto(f"{site[0]}/cy/freezes")
        hint = page.locator("#date-format-hint")
        assert hint.is_visible()
        assert "teipiwch flwyddyn-mis-diwrnod" in hint.inner_text()
        for box in ("#polling_day", "#from", "#to"):
            assert "date-format-hint" in page.locator(box).get_attribute("aria-describedby")
        assert _violations(page) == []
    finally:
        page.close()

"""The organisation's own site in headless Chromium: a named organisation with a logo file and
contact details, axe-clean pages, the footer's links by keyboard, and the logo shown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.browser import run_axe
from support.clock import Clock
from support.serving import serving

from .conftest import NOW

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 48" width="120" height="48">'
    '<rect width="120" height="48" fill="#005eb8"/></svg>'
)
PAGES = ["/", "/calendar?month=2026-03", "/accessibility", "/about", "/no-such-page"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(HERE / "data" / "calendars", root / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", root / "campaigns")
    (root / "logo.svg").write_text(LOGO, encoding="utf-8")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n'
        '[feeds]\norganisation = "NHS Example Integrated Care Board"\n'
        '[site]\nlogo = "logo.svg"\ncontact_email = "edi@example.nhs.uk"\n'
        'contact_phone = "0161 123 4567"\n',
        encoding="utf-8",
    )
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    with serving(app) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def _violations(page: Any) -> list[dict[str, Any]]:
    return [
        {"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_site_pages_pass_axe(page: Any, server: str, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(server + path)
    assert response.status == (404 if path == "/no-such-page" else 200)
    assert _violations(page) == []
    # Nothing scrolls sideways, the logo included.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_logo_is_shown_with_its_text_alternative(page: Any, server: str) -> None:
    page.goto(server + "/")
    logo = page.locator("header img.site-logo")
    assert logo.get_attribute("alt") == "NHS Example Integrated Care Board"
    assert page.evaluate("document.querySelector('header img.site-logo').naturalWidth") == 120
    assert page.title() == (
        "Subscribe to the calendar – EDI awareness calendar – NHS Example Integrated Care Board"
    )


def test_footer_links_reach_the_statement_by_keyboard(page: Any, server: str) -> None:
    """Tabbing through a page reaches the footer's statement link; Enter opens it."""
    page.goto(server + "/clashes")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Accessibility statement":
            break
    else:
        raise AssertionError("the footer's statement link never received focus by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/accessibility")
    assert page.locator("h1").inner_text().startswith("Accessibility statement")

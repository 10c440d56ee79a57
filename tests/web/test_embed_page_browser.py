"""`/embed` in headless Chromium: the copy buttons work from the keyboard, put the snippet on
the clipboard and say "Copied" in a status line screen readers read; without JavaScript the
snippets are still there to select; axe-clean in English and Welsh at 1280 and 375 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from edicalendar.web import create_app
from support.browser import run_axe
from support.serving import serving

from .conftest import WebEnv

pytestmark = pytest.mark.browser


@pytest.fixture
def server(web_env: WebEnv) -> Iterator[str]:
    app = create_app(web_env.context(), watch_interval=None)
    with serving(app) as base:
        yield base


def test_a_copy_button_by_keyboard_copies_and_says_so(browser: Any, server: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    try:
        page = context.new_page()
        page.goto(server + "/embed")
        expected = page.input_value("#snippet-frame")
        assert expected.startswith('<iframe src="https://calendar.example.nhs.uk/embed/upcoming')
        for _ in range(60):  # Tab through the page to the first copy button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.copy") == "snippet-frame":
                break
        else:
            pytest.fail("Tab never reached the copy button")
        assert page.evaluate("document.activeElement.textContent") == "Copy the frame snippet"
        page.keyboard.press("Enter")
        status = page.locator('[data-copied-for="snippet-frame"]')
        status.filter(has_text="Copied").wait_for(timeout=5000)
        assert status.get_attribute("role") == "status"
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # The second button copies the other snippet, by Space this time.
        page.focus('button[data-copy="snippet-script"]')
        page.keyboard.press("Space")
        page.locator('[data-copied-for="snippet-script"]').filter(has_text="Copied").wait_for(
            timeout=5000
        )
        assert page.evaluate("navigator.clipboard.readText()") == page.input_value(
            "#snippet-script"
        )
    finally:
        context.close()


def test_without_javascript_the_snippets_are_there_and_the_buttons_are_not(
    browser: Any, server: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/embed")
        assert page.locator("#snippet-frame").is_visible()
        assert "embed/upcoming?n=5" in page.input_value("#snippet-frame")
        assert page.locator("button.copy").count() == 2
        assert not page.locator("button.copy").first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/embed", "/cy/embed"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_page_is_accessible_and_fits(browser: Any, server: str, path: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server + path)
        result = run_axe(page)
        violations = [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
        ]
        assert violations == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()

"""Welsh pages in headless Chromium: axe-core finds no WCAG 2.2 A/AA violation with
`lang="cy"` (English names inside marked `lang="en"`), the clash check's sentences show no
English that is not marked so, nothing scrolls sideways at 320 px, and the language switch
works by keyboard in both directions."""

from __future__ import annotations

import re
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
PAGES = [
    "/cy/",
    "/cy/?kind=all&lang=cy&eves=events",
    "/cy/calendar?month=2026-03",
    "/cy/calendar?month=2026-10&view=agenda",
    "/cy/observances/yom-kippur",
    "/cy/observances/black-history-month",
    "/cy/clashes",
    "/cy/clashes?date=2026-09-21",
    "/cy/clashes?date=2026-03-18",
    "/cy/search?q=eid",
    "/cy/search?q=xyzzy",
    "/cy/accessibility",
    "/cy/about",
    "/cy/no-such-page",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("welsh")
    shutil.copytree(HERE / "data" / "calendars", root / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", root / "campaigns")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def shipped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped calendars (eves, Ramadan, bank holidays with Welsh names)."""
    root = tmp_path_factory.mktemp("welsh-shipped")
    (root / "campaigns").mkdir()
    config = root / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{HERE.parents[1] / "calendars"}"\ncampaigns_dir = "campaigns"\n'
        'data_dir = "state"\n',
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


@pytest.mark.parametrize("path", PAGES)
def test_welsh_page_passes_axe(page: Any, server: str, path: str) -> None:
    response = page.goto(server + path)
    assert response.status == (404 if "no-such-page" in path else 200)
    assert page.evaluate("document.documentElement.lang") == "cy"
    violations = [
        {"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("path", ["/cy/", "/cy/calendar?month=2026-03", "/cy/about"])
def test_welsh_page_reflows_at_320_pixels(browser: Any, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def _tab_to_text(page: Any, text: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} never received focus by Tab")


def test_language_switch_by_keyboard(page: Any, server: str) -> None:
    """From an English page, Tab to "Cymraeg" and press Enter: the same page in Welsh; from
    there, Tab to "English" and Enter: back to English."""
    page.goto(server + "/calendar?month=2026-03")
    _tab_to_text(page, "Cymraeg")
    assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "cy"
    assert page.evaluate("document.activeElement.lang") == "cy"
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/cy/calendar?month=2026-03")
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert page.locator("h1").inner_text() == "Calendr: Mawrth 2026"
    _tab_to_text(page, "English")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/calendar?month=2026-03")
    assert page.locator("h1").inner_text() == "Calendar: March 2026"


def test_welsh_month_navigation_stays_welsh(page: Any, server: str) -> None:
    page.goto(server + "/cy/calendar?month=2026-03")
    page.get_by_role("link", name="Y mis nesaf").click()
    page.wait_for_url(server + "/cy/calendar?month=2026-04&view=month")
    assert page.locator("h1").inner_text() == "Calendr: Ebrill 2026"


@pytest.mark.parametrize(
    ("path", "button", "said"),
    [
        ("/cy/", "recommended-url", "Cafodd y cyfeiriad ei gopïo. Gludwch ef yn eich ap calendr."),
        ("/", "recommended-url", "Address copied. Paste it into your calendar app."),
        ("/cy/observances/yom-kippur", "share-url", "Cafodd y ddolen ei chopïo."),
        ("/observances/yom-kippur", "share-url", "Link copied."),
    ],
)
def test_copy_buttons_say_so_in_the_page_language(
    browser: Any, server: str, path: str, button: str, said: str
) -> None:
    """The status line the copy button fills (subscribe.js) takes its words from the page."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        tab = context.new_page()
        tab.goto(server + path)
        copy = tab.locator(f"button[data-copy={button}]")
        copy.focus()
        tab.keyboard.press("Enter")
        status = tab.locator(f"[data-copied-for={button}]")
        status.filter(has_text=said).wait_for(timeout=5000)
        assert status.inner_text() == said
        assert tab.evaluate("navigator.clipboard.readText()").startswith(server)
    finally:
        context.close()


def test_the_date_boxes_say_how_to_type_a_date(page: Any, server: str) -> None:
    """The clash check's date boxes are described by a visible hint in Welsh."""
    page.goto(f"{server}/cy/clashes")
    hint = page.locator("#date-format-hint")
    assert hint.is_visible()
    assert "2027-03-01 ar gyfer 1 Mawrth 2027" in hint.inner_text()
    for box in ("#date", "#to"):
        assert "date-format-hint" in page.locator(box).get_attribute("aria-describedby")


#: The clash check on days whose sentences the code builds: Eid al-Fitr's possible eve and
#: days, a substitute bank holiday, October's months and Navaratri summarised, and a note from
#: the data inside a Welsh sentence (Yom HaShoah 2028).
CLASH_PAGES = [
    "/cy/clashes?date=2027-03-07",
    "/cy/clashes?date=2027-03-08",
    "/cy/clashes?date=2027-03-10",
    "/cy/clashes?date=2026-12-28",
    "/cy/clashes?date=2026-10-01&to=2026-10-31",
    "/cy/clashes?date=2028-04-23",
]
#: Text in the clash table that is not inside `lang="en"`, as the browser reads it.
_UNMARKED = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("table.clashes"),
                                           NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("[lang]").lang === "cy" && node.textContent.trim()) {
      found.push(node.textContent.trim());
    }
  }
  return found;
}"""
CLASH_ENGLISH = re.compile(
    r"\b(expected|evening|sunset|may|possible|days?|runs|calendar|bank holiday|gives?|of)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", CLASH_PAGES)
def test_welsh_clash_check_is_welsh_and_passes_axe(
    page: Any, shipped_server: str, path: str
) -> None:
    """Every sentence of the table is Welsh where it is not marked English, and axe finds
    nothing on the page."""
    assert page.goto(shipped_server + path).status == 200
    shown = page.evaluate(_UNMARKED)
    assert any("diwrnod" in text or "gŵyl banc" in text for text in shown), shown
    english = [text for text in shown if CLASH_ENGLISH.search(text)]
    assert english == []
    violations = [
        {"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]
    assert violations == []

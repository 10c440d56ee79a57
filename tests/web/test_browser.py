"""The pages in real headless Chromium: rendering, keyboard use, axe-core WCAG 2.2 A/AA checks
and 400% zoom (320 CSS px), against the app served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edicalendar.accounts.directory import Client
from edicalendar.calendar.freezes import FreezeKind
from edicalendar.context import AppContext
from edicalendar.model import Role
from edicalendar.reminders.freeze_book import FreezeRequest
from edicalendar.web import create_app
from support.browser import run_axe
from support.clock import Clock
from support.serving import serving

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
EMAIL = "admin@nhs.net"
PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
SHOTS = Path("/tmp/edicalendar-web-screenshots")

#: One address per page type; campaign pages need the sign-in cookie (set by the fixture).
#: The sign-in and invitation pages are seen signed out (signed in, /signin moves on).
SIGNED_OUT = {"signin", "invitation"}
PAGES = {
    "subscribe": "/",
    "subscribe-built": "/?category=race&category=religion-belief&eves=events&busy=1&alarm=2",
    "subscribe-bad-query": "/?category=nonsense",
    "calendar-month": "/calendar?month=2026-03",
    "calendar-agenda": "/calendar?month=2026-10&view=agenda",
    "calendar-filtered": "/calendar?month=2026-09&category=religion_belief",
    "observance": "/observances/yom-kippur",
    "clashes-form": "/clashes",
    "clashes-answer": "/clashes?date=2026-09-21",
    "clashes-error": "/clashes?date=2026-02-30",
    "not-found": "/no-such-page",
    "signin": "/signin",
    "invitation": "/invitation?token={invitation}",
    "campaigns": "/campaigns",
    "campaign": "/campaigns/iwd-guest-session",
    "freezes": "/freezes",
    "campaigns-month": "/campaigns?view=month&period=2026-10",
    "campaign-year": "/campaigns/iwd-guest-session/2026",
    "campaign-new": "/campaigns/new?observance=eid-al-fitr",
    "campaign-editor": (
        "/campaigns/new?observance=eid-al-fitr&template=faith-festival&runs=year&year=2026"
    ),
    "my-work": "/my-work",
    "search": "/search",
    "search-results": "/search?q=eid",
    "search-nothing": "/search?q=xyzzy",
    "search-refused": "/search?q=" + "x" * 101,
    "accessibility": "/accessibility",
    "about": "/about",
}
#: Pages only a signed-in person sees.
PRIVATE = {
    "campaigns",
    "campaign",
    "freezes",
    "campaigns-month",
    "campaign-year",
    "campaign-new",
    "campaign-editor",
    "my-work",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the test data, served by uvicorn in a thread on a free loopback port."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(HERE / "data" / "calendars", root / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", root / "campaigns")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    previous = os.environ.pop("EDICALENDAR_TOKEN", None)
    ctx = AppContext(config_path=config, now=Clock(NOW))
    accounts = ctx.accounts()
    token = accounts.add(EMAIL, name="Asha Khan", role=Role.ADMIN, by="tests").token
    accounts.accept_invitation(token, PASSWORD, Client("127.0.0.1"))
    # A public pre-election period over International Women's Day and a private freeze, so
    # the calendar, observance, date-check and freezes pages all show one.
    book = ctx.freezes()
    book.add(
        FreezeRequest(
            FreezeKind.MAYORAL_ELECTION,
            "Greater Manchester mayoral election",
            start=dt.date(2026, 3, 2),
            end=dt.date(2026, 3, 10),
            area="Greater Manchester",
            source="https://www.england.nhs.uk/long-read/pre-election-guidance-for-nhs-organisations-spring-2023/",
        ),
        by="tests",
    )
    book.add(
        FreezeRequest(FreezeKind.ORGANISATION, "Inspection report embargo", dt.date(2026, 3, 16)),
        by="tests",
    )
    app = create_app(ctx, watch_interval=None)
    _ACCOUNTS[:] = [accounts]
    try:
        with serving(app) as base:
            yield base
    finally:
        if previous is not None:
            os.environ["EDICALENDAR_TOKEN"] = previous


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page, signed in to the private campaign pages."""
    # bypass_csp: the pages forbid all script, which would also block injecting axe-core.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    signed_in = context.new_page()
    _sign_in(signed_in, server)
    try:
        yield signed_in
    finally:
        context.close()


def _sign_in(page: Any, server: str) -> None:
    page.goto(f"{server}/signin")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server}/campaigns")


def _address(server: str, name: str) -> str:
    """The page's address; an invitation page needs a fresh invitation each time."""
    path = PAGES[name]
    if "{invitation}" in path:
        invitation = _ACCOUNTS[0].invite(EMAIL, by="tests")
        path = path.format(invitation=invitation.token)
    return server + path


#: The accounts service of the running server (set by the `server` fixture).
_ACCOUNTS: list[Any] = []


def _axe_violations(page: Any) -> list[dict[str, Any]]:
    result = run_axe(page)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_and_passes_axe(page: Any, browser: Any, server: str, name: str) -> None:
    """Each page type renders its heading and axe-core finds no WCAG 2.2 A/AA violations."""
    if name in SIGNED_OUT:
        page = browser.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=True
        ).new_page()
    response = page.goto(_address(server, name))
    expected = {
        "clashes-error": 400,
        "not-found": 404,
        "subscribe-bad-query": 400,
        "search-refused": 400,
    }.get(name, 200)
    assert response.status == expected
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    violations = _axe_violations(page)
    if name in SIGNED_OUT:
        page.context.close()
    assert violations == []


def test_axe_check_fails_on_a_deliberately_broken_page(page: Any) -> None:
    """The same check reports missing lang, an image without alt and low contrast."""
    page.set_content(
        "<!DOCTYPE html><html><head><title>Broken</title></head><body><main>"
        "<h1>Broken page</h1><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
        "<p style='color:#bbbbbb;background:#ffffff'>Faint text nobody can read</p>"
        "</main></body></html>"
    )
    found = {v["id"] for v in _axe_violations(page)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= found


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus (at most `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus by Tab")


def test_skip_link_is_first_and_moves_focus_to_main(page: Any, server: str) -> None:
    """The first Tab reaches a visible skip link; Enter moves focus to the main content."""
    page.goto(f"{server}/calendar")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
    assert '"x":0' in box  # on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_following_the_skip_link_does_not_paint_the_page(page: Any, server: str) -> None:
    """Focus on <main> after the skip link leaves its background and outline alone (it used
    to turn the whole page yellow)."""
    page.goto(f"{server}/calendar?month=2026-03")
    before = page.evaluate("getComputedStyle(document.getElementById('main')).backgroundColor")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.getElementById('main'));"
        " return [s.backgroundColor, s.outlineStyle, s.boxShadow]; })()"
    )
    assert style == [before, "none", "none"]


def test_search_from_the_header_by_keyboard(page: Any, server: str) -> None:
    """Tab to the header's search box, type a spelling the data lists as another name with a
    typo, press Enter: the results page lists the observance and keeps the words in the box."""
    page.goto(f"{server}/calendar?month=2026-03")
    _tab_to(page, "#site-search", limit=12)
    page.keyboard.type("Id al-Fitre")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Id+al-Fitre")
    first = page.locator(".search-results li").first
    assert first.locator("h3 a").inner_text() == "Eid al-Fitr"
    assert page.input_value("#site-search") == "Id al-Fitre"
    # Tab on reaches the first result's link, and Enter opens it.
    _tab_to(page, ".search-results a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/observances/eid-al-fitr")
    assert page.locator("h1").inner_text() == "Eid al-Fitr"


_SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[A-Za-z]{4,}/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rows = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (rows.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_word_in_a_table_splits_at_1280_pixels(
    page: Any, browser: Any, server: str, name: str
) -> None:
    """At 1280 px no word in a table cell breaks across two lines ("estimate/d") and nothing
    scrolls sideways."""
    if name in SIGNED_OUT:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(_address(server, name))
    assert page.evaluate(_SPLIT_WORDS) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    if name in SIGNED_OUT:
        page.context.close()


def test_the_split_word_check_finds_a_split_word(page: Any) -> None:
    """The check above reports a word broken across lines when a cell allows it."""
    page.set_content(
        "<main><table style='width:12rem'><tr><td style='overflow-wrap:anywhere'>"
        "Communications officer</td><td>estimated estimated estimated</td></tr></table></main>"
    )
    assert "Communications" in page.evaluate(_SPLIT_WORDS)


def test_month_navigation_stays_on_one_row_at_375_pixels(browser: Any, server: str) -> None:
    """At 375 px the three month links share one row and the month heading is one line."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{server}/calendar?month=2026-09")
        tops = page.evaluate(
            "[...document.querySelectorAll('.month-nav li')]"
            ".map(li => li.getBoundingClientRect().top)"
        )
        assert len(tops) == 3 and len(set(tops)) == 1, tops
        lines = page.evaluate(
            "(() => { const h = document.querySelector('h1'); const s = getComputedStyle(h);"
            " return Math.round(h.getBoundingClientRect().height / parseFloat(s.lineHeight)); })()"
        )
        assert lines == 1
    finally:
        context.close()


def test_month_navigation_by_keyboard(page: Any, server: str) -> None:
    """Tab to "Next month" and press Enter: the next month's grid shows, filters kept."""
    page.goto(f"{server}/calendar?month=2026-09&category=religion_belief")
    _tab_to(page, "a[rel=next]")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar?month=2026-10**")
    assert page.locator("caption").inner_text().startswith("October 2026")
    assert "category=religion_belief" in page.url
    _tab_to(page, "a[rel=prev]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar?month=2026-09**")
    assert "Yom Kippur" in page.locator("table").inner_text()


def test_category_filter_by_keyboard(page: Any, server: str) -> None:
    """Tab to a category, Space ticks it, Tab to Show and Enter: only that category is listed."""
    page.goto(f"{server}/calendar?month=2026-10&view=agenda")
    assert "Black History Month" in page.locator("main").inner_text()
    _tab_to(page, "form.filters input[value=religion_belief]")
    page.keyboard.press("Space")
    _tab_to(page, "form.filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**category=religion_belief**")
    text = page.locator("main").inner_text()
    assert "Black History Month" not in text
    assert page.locator("form.filters input[value=religion_belief]").is_checked()


def test_date_check_by_keyboard(page: Any, server: str) -> None:
    """Type a date in the labelled field and press Enter: the answer lists Yom Kippur."""
    page.goto(f"{server}/clashes")
    _tab_to(page, "#date")
    # The date field takes digits in the browser locale's order (day/month or month/day).
    digits = page.evaluate(
        "new Intl.DateTimeFormat(navigator.language, {year: 'numeric', month: '2-digit', "
        "day: '2-digit'}).formatToParts(new Date(2026, 8, 21))"
        ".filter(p => p.type !== 'literal').map(p => p.value).join('')"
    )
    page.keyboard.type(digits)
    page.keyboard.press("Enter")
    page.wait_for_url("**date=2026-09-21**", timeout=5000)
    assert "Yom Kippur" in page.locator("table").inner_text()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_reflows_at_320_css_pixels(browser: Any, server: str, name: str) -> None:
    """At 320 CSS px (1280 px at 400% zoom) the page needs no horizontal scrolling."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        if name in PRIVATE:
            _sign_in(page, server)
        page.goto(_address(server, name))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (name, width)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-320.png"), full_page=True)
    finally:
        context.close()


def test_builder_by_keyboard_gives_one_address_and_an_outlook_link(page: Any, server: str) -> None:
    """Race and faith, with eves, busy on rest days: chosen with Tab, Space and arrow keys,
    sent with Enter. The page shows one address, and "Add to Outlook" opens Outlook on the
    web's subscribe-from-web form with that address and the calendar's name."""
    from urllib.parse import parse_qs, urlsplit

    page.goto(f"{server}/")
    _tab_to(page, "#category-race")
    page.keyboard.press("Space")
    _tab_to(page, "#category-religion-belief")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=eves]:checked")
    page.keyboard.press("ArrowDown")  # radio group: the next choice, "a separate event"
    assert page.locator("#eves-events").is_checked()
    _tab_to(page, "#opt-busy")
    page.keyboard.press("Space")
    _tab_to(page, "#builder-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**busy=1**")
    address = page.locator("#built-url").input_value()
    assert address == (
        f"{server}/feeds/all.ics?category=race&category=religion-belief&eves=events&busy=1"
    )
    outlook = urlsplit(page.locator("#built a.button").get_attribute("href"))
    assert (outlook.scheme, outlook.netloc, outlook.path) == (
        "https",
        "outlook.office.com",
        "/calendar/0/addfromweb",
    )
    form = parse_qs(outlook.query)
    assert form["url"] == [address]
    assert form["name"] == ["EDI calendar: Race, Religion or belief; with eves, rest days busy"]
    assert page.locator("#built .preview li").count() > 0
    feed = page.request.get(address)
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"TRANSP:OPAQUE" in feed.body() and b" begins at sunset" in feed.body()


def test_builder_updates_the_address_as_choices_change(page: Any, server: str) -> None:
    """With script on, ticking a box updates the address, links and preview at once."""
    page.goto(f"{server}/?category=race")
    assert page.locator("#built-url").input_value().endswith("all.ics?category=race")
    page.locator("#opt-expected").check()
    page.wait_for_function(
        "document.getElementById('built-url').value.endsWith('category=race&expected=1')",
        timeout=10000,
    )
    assert "expected=1" in page.url
    assert "expected%3D1" in page.locator("#built a.button").get_attribute("href")


def test_copy_button_puts_the_address_on_the_clipboard(browser: Any, server: str) -> None:
    """The copy button copies the recommended feed's address and says so in a live region."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        tab = context.new_page()
        tab.goto(f"{server}/")
        button = tab.locator("button[data-copy=recommended-url]")
        assert button.is_visible()
        button.focus()
        tab.keyboard.press("Enter")
        status = tab.locator("[data-copied-for=recommended-url]")
        status.filter(has_text="Address copied").wait_for(timeout=5000)
        assert tab.evaluate("navigator.clipboard.readText()") == f"{server}/feeds/all.ics"
        assert status.get_attribute("role") == "status"
    finally:
        context.close()


def test_add_this_event_downloads_the_feed_event(page: Any, server: str) -> None:
    """The observance page's "Add this event" gives a one-event calendar whose UID is the
    one the feeds carry."""
    page.goto(f"{server}/observances/yom-kippur")
    link = page.locator("a", has_text="Add this event").first
    single = page.request.get(server + link.get_attribute("href"))
    assert single.status == 200
    body = single.body()
    assert body.count(b"BEGIN:VEVENT") == 1
    uid = next(line for line in body.split(b"\r\n") if line.startswith(b"UID:"))
    assert page.request.get(f"{server}/feeds/all.ics").body().count(uid + b"\r\n") == 1
    assert page.locator("#share-url").input_value() == f"{server}/observances/yom-kippur"


def test_an_admin_records_and_ends_a_freeze_by_keyboard(page: Any, server: str) -> None:
    """Choose the kind, type the reason and polling day, submit with Enter: the freeze is
    listed with its computed first day; End now removes it from the list."""
    page.goto(f"{server}/freezes")
    _tab_to(page, "#kind")
    page.select_option("#kind", "pcc-election")
    _tab_to(page, "#reason")
    page.keyboard.type("Police and crime commissioner election 2028")
    page.fill("#polling_day", "2028-05-04")
    page.fill("#area", "Greater Manchester")
    _tab_to(page, "form.freeze-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/freezes?added=**")
    notice = page.locator("p.notice").inner_text()
    assert "Recorded freeze" in notice and "Police and crime commissioner election 2028" in notice
    entry = page.locator("li.freeze", has_text="commissioner election 2028")
    # 25 working days before Thursday 4 May 2028, with the early May bank holiday (1 May),
    # Easter Monday (17 April) and Good Friday (14 April) skipped, counted on a calendar:
    # Monday 27 March 2028.
    assert "Mon 27 Mar 2028 to Thu 4 May 2028" in entry.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "freezes-recorded.png"), full_page=True)
    assert _axe_violations(page) == []
    entry.locator("button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/freezes?ended=**")
    assert page.locator("li.freeze", has_text="commissioner election 2028").count() == 0
    assert "commissioner election 2028" in page.locator("#earlier ~ table").inner_text()

"""Printing the pages in real headless Chromium, on the shipped calendars: the month view on one
A4 landscape page with no navigation or forms, statuses and eves kept as words, agendas and the
date check in dark text on white; and the month navigation reached in few Tab presses."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.clock import Clock
from support.paths import REPO_ROOT
from support.serving import serving

pytestmark = pytest.mark.browser

#: Wednesday 10 February 2027: "today" falls inside the February grid.
NOW = dt.datetime(2027, 2, 10, 10, 0, tzinfo=dt.UTC)
#: A4 landscape in PostScript points (297 x 210 mm).
A4_LANDSCAPE = (841.89, 595.28)
#: What print media must hide: navigation, the header search, every form, button and skip link.
HIDDEN_IN_PRINT = "nav, form, button, .skip-link, .site-search, input, select"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("print")
    config = root / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n'
        f'campaigns_dir = "{root / "campaigns"}"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    (root / "campaigns").mkdir()
    previous = os.environ.pop("EDICALENDAR_TOKEN", None)
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    try:
        with serving(app) as base:
            yield base
    finally:
        if previous is not None:
            os.environ["EDICALENDAR_TOKEN"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _printed(page: Any, url: str) -> bytes:
    page.goto(url)
    pdf: bytes = page.pdf(format="A4", landscape=True)
    return pdf


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (not the browser's own idea of it)."""
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _visible_in_print(page: Any, selector: str, media: str = "print") -> list[str]:
    """The elements matching `selector` that take up room in `media`."""
    page.emulate_media(media=media)
    shown: list[str] = page.evaluate(
        """(s) => [...document.querySelectorAll(s)]
            .filter(e => e.getClientRects().length > 0
                && getComputedStyle(e).visibility !== 'hidden')
            .map(e => e.outerHTML.slice(0, 80))""",
        selector,
    )
    page.emulate_media(media="screen")
    return shown


def test_february_2027_prints_on_one_a4_landscape_page(
    page: Any, server: str, tmp_path: Path
) -> None:
    """The month view prints as one A4 landscape page that keeps statuses and eves in words."""
    pdf = _printed(page, f"{server}/calendar?month=2027-02")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_LANDSCAPE[0], abs=2)
    assert float(box.height) == pytest.approx(A4_LANDSCAPE[1], abs=2)
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    # International Day of Women and Girls in Science is 11 February (UN resolution 70/212);
    # Ramadan 1448 is expected to begin on 8 February 2027, with a margin of a day.
    for expected in (
        "February 2027",
        "International Day of Women and Girls in Science",
        "estimated ±1 day",
        "begins the evening before",
        "provisional",
        "Dates marked provisional or estimated may change",
    ):
        assert expected in text, expected
    for left_out in ("Previous month", "Next month", "Categories", "Search observances", "Show"):
        assert left_out not in text, left_out


def test_print_media_hides_navigation_and_forms_and_darkens_the_header(
    page: Any, server: str
) -> None:
    """In print media there is no navigation, form, button or skip link; the header's text is
    dark on white, not the screen's white on blue."""
    page.goto(f"{server}/calendar?month=2027-02")
    assert len(_visible_in_print(page, HIDDEN_IN_PRINT, media="screen")) > 10
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).color") == (
        "rgb(255, 255, 255)"
    )
    assert _visible_in_print(page, HIDDEN_IN_PRINT) == []
    page.emulate_media(media="print")
    header = page.evaluate(
        """(() => { const h = document.querySelector('.site-header');
            const a = document.querySelector('.site-name a');
            return [getComputedStyle(h).backgroundColor, getComputedStyle(a).color]; })()"""
    )
    assert header[0] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert header[1] == "rgb(0, 0, 0)"


@pytest.mark.slow
def test_every_month_of_2027_prints_on_one_page(page: Any, server: str) -> None:
    """The fullest months (March and October carry the most observances) fit one page too."""
    counts = {
        month: len(
            pypdf.PdfReader(
                io.BytesIO(_printed(page, f"{server}/calendar?month=2027-{month:02d}"))
            ).pages
        )
        for month in range(1, 13)
    }
    assert set(counts.values()) == {1}, counts


@pytest.mark.parametrize(
    "path",
    [
        "/calendar?month=2027-03&view=agenda",
        "/observances/eid-al-fitr",
        "/clashes?date=2027-03-01&to=2027-03-14",
    ],
)
def test_agenda_observance_and_date_check_print_without_controls(
    page: Any, server: str, tmp_path: Path, path: str
) -> None:
    """Agendas, an observance and the date check print on A4 landscape without navigation,
    forms or 'add this event' links, keeping their status words."""
    pdf = _printed(page, server + path)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=2)
    assert _visible_in_print(page, HIDDEN_IN_PRINT) == []
    text = _pdf_text(pdf, tmp_path)
    assert "estimated" in text or "expected" in text
    for left_out in ("Add this event", "Copy link", "Search observances", "Next month"):
        assert left_out not in text, left_out


def test_next_month_comes_before_the_filters_and_the_grid(page: Any, server: str) -> None:
    """From the top of February's calendar, Tab reaches "Next month" straight after the header:
    nothing inside the page's main content takes focus before the month links."""
    page.goto(f"{server}/calendar?month=2027-02")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return [e.closest('main') !== null, e.textContent.trim().slice(0, 30)]; })()"
            )
        )
        if page.evaluate("document.activeElement.matches('a[rel=next]')"):
            break
    else:
        raise AssertionError(f"Next month never received focus: {stops}")
    in_main = [label for inside, label in stops if inside]
    assert in_main == ["Previous month: January 2027", "This month", "Next month: March 2027"]
    assert len(stops) <= 12, stops


def test_month_picker_by_keyboard(page: Any, server: str) -> None:
    """Choose a month and year in the picker and press Go: that month shows, the view and
    categories kept."""
    page.goto(f"{server}/calendar?month=2027-02&view=agenda&category=religion_belief")
    page.focus("#pick-month")
    page.select_option("#pick-month", "10")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2031")
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar?**year=2031**")
    assert page.locator("h1").inner_text() == "Calendar: October 2031"
    assert "view=agenda" in page.url and "category=religion_belief" in page.url
    assert page.locator("#pick-month").input_value() == "10"
    assert page.locator("#pick-year").input_value() == "2031"
    # Next month from the picked month goes on from it, as plain links do.
    assert "month=2031-11" in (page.locator("a[rel=next]").get_attribute("href") or "")


def test_month_heading_and_navigation_at_375_pixels(browser: Any, server: str) -> None:
    """At 375 px the heading is one line, the month links share one row and the picker fits."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{server}/calendar?month=2027-02")
        tops = page.evaluate(
            "[...document.querySelectorAll('.month-nav li')]"
            ".map(li => li.getBoundingClientRect().top)"
        )
        assert len(set(tops)) == 1, tops
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        picker = page.evaluate(
            "document.querySelector('.month-picker').getBoundingClientRect().right"
        )
        assert picker <= 375
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/observances/eid-al-fitr", "/clashes?date=2027-03-01&to=2027-03-14"]
)
def test_dates_in_table_cells_stay_on_one_line_at_1280_pixels(
    page: Any, server: str, path: str
) -> None:
    """ "Wed 14 Feb 2029" is one line in its cell, not "Wed 14" over "Feb 2029"."""
    page.goto(server + path)
    split = page.evaluate(
        "[...document.querySelectorAll('main td time')]"
        ".filter(t => t.getClientRects().length > 1).map(t => t.textContent)"
    )
    assert page.evaluate("document.querySelectorAll('main td time').length") > 3
    assert split == []


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("path", ["/", "/cy/"])
def test_the_subscribe_page_prints_as_a_handout_with_every_address(
    page: Any, server: str, tmp_path: Path, path: str
) -> None:
    """Two A4 pages: every feed's address as text (the copy box without its button), the QR
    code of the recommended feed, the steps for each app open, no builder and no buttons."""
    page.goto(server + path)
    addresses = page.eval_on_selector_all("input.url", "inputs => inputs.map(i => i.value)")
    assert len(addresses) > 10
    pdf = _printed(page, server + path)
    assert _pages(pdf) <= 2
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    for address in addresses:
        assert address in text, address
    english = path == "/"
    for shown in (
        ("On a phone: point the camera", "Outlook on the web", "Subscribe from web", "Thunderbird")
        if english
        else ("Ar ffôn:", "Thunderbird", "Subscribe from web")
    ):
        assert shown in text, shown
    if english:
        for hidden in ("Choose what you see", "Make my calendar address", "Add to Outlook.com",
                       "Copy address"):  # fmt: skip
            assert hidden not in text, hidden
    visible = _visible_in_print(page, "nav, form, button, .skip-link, .site-search, .actions")
    assert visible == []


def test_search_results_print_compactly_and_completely(
    page: Any, server: str, tmp_path: Path
) -> None:
    page.goto(server + "/search?q=awareness")
    names = page.eval_on_selector_all(".search-results h3", "hs => hs.map(h => h.textContent)")
    assert len(names) >= 50
    pdf = _printed(page, server + "/search?q=awareness")
    assert _pages(pdf) <= -(-len(names) // 25)  # at least 25 results a page
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    for name in names:
        assert " ".join(name.split()) in text, name
    assert "Name, other name, tradition or category" not in text  # the search form

"""The static export's subscribe page: correct subscribe links for every feed, instructions for
each client, and accessibility (structure checked directly, WCAG rules checked by axe-core in
headless Chromium)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from edicalendar.feeds.links import feed_links
from edicalendar.web.export import export_site
from support.browser import launch_chromium, run_axe

CONFIG = '[feeds]\nbase_url = "https://calendar.example.nhs.uk/edi/"\n'


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[str] = []
        self.labels: set[str] = set()
        self.inputs: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag in ("h1", "h2", "h3"):
            self.headings.append(tag)
        if tag == "label" and found.get("for"):
            self.labels.add(str(found["for"]))
        if tag == "input":
            self.inputs.add(str(found.get("id")))
        if tag == "a":
            self.links.append(str(found.get("href")))


def test_feed_links_are_https_webcal_and_google() -> None:
    """Each feed gets https, webcal (same host and path) and Google "add by URL" links."""
    links = feed_links("https://calendar.example.nhs.uk/edi/", "sexual-orientation")
    assert links.https == "https://calendar.example.nhs.uk/edi/feeds/sexual-orientation.ics"
    assert links.webcal == "webcal://calendar.example.nhs.uk/edi/feeds/sexual-orientation.ics"
    # Google reads the webcal address from `cid` (reference/ical-interop.md T5).
    google = urlsplit(links.google)
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/r",
    )
    assert parse_qs(google.query) == {"cid": [links.webcal]}
    assert len(links.google) < 256


def test_google_link_keeps_a_feed_query_string_inside_cid() -> None:
    """A feed address with its own query string stays whole inside Google's `cid`."""
    links = feed_links("https://calendar.example.nhs.uk", "all.ics?category=race&eves=1&x")
    query = parse_qs(urlsplit(links.google).query, keep_blank_values=True)
    assert query == {"cid": [links.webcal]}


def test_exported_and_served_pages_share_one_template(make_context, tmp_path: Path) -> None:
    """index.html is the served subscribe page: the same steps, headings and links."""
    from edicalendar.web.render import render_text
    from edicalendar.web.views import freeze_feed_offer, subscribe_context

    ctx = make_context(CONFIG)
    export_site(ctx.feeds(), tmp_path / "site")
    exported = (tmp_path / "site" / "index.html").read_text("utf-8")
    specs = ctx.feeds().specs()
    settings = ctx.loaded.settings.feeds
    served = render_text(
        "subscribe.html",
        title="Subscribe to the calendar",
        builder=None,
        **subscribe_context(specs, ctx.catalog, settings.base_url, settings),
        freeze_feed=freeze_feed_offer(settings.base_url),
    )
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(exported)[0] == main.search(served)[0]  # type: ignore[index]
    assert (tmp_path / "site" / "static" / "site.css").is_file()
    assert (tmp_path / "site" / "static" / "subscribe.js").is_file()


@pytest.fixture
def page(make_context, tmp_path: Path) -> Path:
    """An exported site with an https base URL; returns its index.html."""
    export_site(make_context(CONFIG).feeds(), tmp_path / "site")
    return tmp_path / "site" / "index.html"


def test_page_structure_is_accessible(page: Path) -> None:
    """lang, one h1, ordered headings, a label for every input, links for every feed."""
    outline = _Outline()
    text = page.read_text("utf-8")
    outline.feed(text)
    assert outline.lang == "en-GB"
    assert outline.headings.count("h1") == 1 and outline.headings[0] == "h1"
    assert outline.inputs and outline.inputs <= outline.labels
    for name in ("all", "awareness", "religion-belief"):
        assert f"webcal://calendar.example.nhs.uk/edi/feeds/{name}.ics" in outline.links
        assert f"https://calendar.example.nhs.uk/edi/feeds/{name}.ics" in outline.links
    # "faith festivals" carries what "religion or belief" does: one of them is offered.
    assert "https://calendar.example.nhs.uk/edi/feeds/faith.ics" not in outline.links
    for client in (
        "Outlook on the web",
        "Outlook for Windows",
        "Google Calendar",
        "Apple Calendar",
        "Thunderbird",
    ):
        assert re.search(rf'<details id="[a-z-]+">\s*<summary>[^<]*{client}', text), client


@pytest.mark.browser
def test_page_passes_axe_in_chromium(page: Path) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation (contrast, labels, landmarks) on the page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri())
            result = run_axe(tab)
        finally:
            browser.close()
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    assert len(result["passes"]) > 10

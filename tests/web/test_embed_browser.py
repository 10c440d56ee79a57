"""The widget in real Chromium, framed by an intranet page served from another origin.

Three servers on 127.0.0.1: the calendar (real uvicorn), an "intranet" whose origin is in
`[web] embed_origins`, and another site whose origin is not. The intranet frames the widget
both with the plain `<iframe>` snippet and with `static/embed.js` (which must size the frame
to the list); the other site's frame is refused by the browser itself, by the widget's
`frame-ancestors`. The intranet's own scripts read the API (CORS), the other site's cannot.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.browser import run_axe
from support.clock import Clock
from support.net import free_port
from support.serving import serving
from support.sites import copy_site

from .conftest import NOW

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/edicalendar-web-screenshots")

HOST_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Intranet</title></head>
<body style="margin:0;font-family:sans-serif">
<main style="display:flex;gap:24px;padding:16px">
<section style="flex:1"><h1>Trust news</h1><p>Our news column.</p></section>
<aside style="width:320px">
<iframe id="plain" src="{calendar}/embed/upcoming?n=3" title="Coming up in the EDI calendar"
 width="320" height="300" style="border:1px solid #ccc"></iframe>
<script src="{calendar}/static/embed.js" data-n="5" data-category="religion_belief race"
 data-heading="Faith and heritage" async></script>
</aside>
</main>
<script>
fetch("{calendar}/api/occurrences?from=2026-03-01&to=2026-03-31")
  .then(function (r) {{ return r.json(); }})
  .then(function (body) {{ document.title = "read " + body.occurrences.length; }})
  .catch(function () {{ document.title = "refused"; }});
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    intranet_port, other_port = free_port(), free_port()
    intranet, other = f"http://127.0.0.1:{intranet_port}", f"http://127.0.0.1:{other_port}"
    root = tmp_path_factory.mktemp("embed")
    config = copy_site(
        root / "calendar",
        f'\n[web]\nembed_origins = ["{intranet}"]\napi_origins = ["{intranet}"]\n',
    )
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    servers = []
    with serving(app) as calendar:
        for port, name in ((intranet_port, "intranet"), (other_port, "other")):
            folder = root / name
            folder.mkdir()
            (folder / "index.html").write_text(
                HOST_PAGE.format(calendar=calendar), encoding="utf-8"
            )
            handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
            server = ThreadingHTTPServer(("127.0.0.1", port), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        try:
            yield {"calendar": calendar, "intranet": intranet, "other": other}
        finally:
            for server in servers:
                server.shutdown()
                server.server_close()


def _open(browser: Any, url: str, width: int = 1280) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(url)
    return context, page, console


def _widget_frames(page: Any, calendar: str) -> list[Any]:
    return [f for f in page.frames if f.url.startswith(f"{calendar}/embed/upcoming")]


def test_an_allowed_intranet_frames_the_widget_and_reads_the_api(
    browser: Any, sites: dict[str, str]
) -> None:
    context, page, console = _open(browser, sites["intranet"] + "/index.html")
    try:
        page.wait_for_function("document.title.startsWith('read') || document.title === 'refused'")
        assert page.title().startswith("read "), console
        page.wait_for_function("document.querySelectorAll('iframe').length === 2")
        frames = _widget_frames(page, sites["calendar"])
        assert len(frames) == 2
        for frame in frames:
            frame.wait_for_selector("h1")
        plain, scripted = sorted(frames, key=lambda f: "category" in f.url)
        assert plain.locator("h1").inner_text() == "Coming up"
        assert plain.locator("li").count() == 3
        assert "International Women's Day" in plain.locator("li").first.inner_text()
        assert scripted.locator("h1").inner_text() == "Faith and heritage"
        assert "estimated ±1 day" in scripted.locator("body").inner_text()
        # embed.js sizes its frame to the widget's own height (reported by embed-frame.js).
        frame_box = page.locator("iframe").nth(1)
        page.wait_for_function(
            "Math.abs(document.querySelectorAll('iframe')[1].getBoundingClientRect().height"
            " - 360) > 1"
        )
        inner = scripted.evaluate(
            "Math.ceil(document.documentElement.getBoundingClientRect().height)"
        )
        assert abs(frame_box.bounding_box()["height"] - inner) <= 2
        # A link leaves for the calendar in a new tab.
        assert plain.locator("li a").first.get_attribute("target") == "_blank"
        assert not [m for m in console if "frame-ancestors" in m]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "embed-in-intranet-1280.png"), full_page=True)
    finally:
        context.close()


def test_another_origin_cannot_frame_the_widget_or_read_the_api(
    browser: Any, sites: dict[str, str]
) -> None:
    context, page, console = _open(browser, sites["other"] + "/index.html")
    try:
        page.wait_for_function("document.title.startsWith('read') || document.title === 'refused'")
        assert page.title() == "refused"
        page.wait_for_function("document.querySelectorAll('iframe').length === 2")
        page.wait_for_timeout(500)
        assert len(page.frames) == 3
        for frame in page.frames[1:]:
            # The browser put its error page in the refused frame: nothing of the widget shows.
            assert frame.url == "chrome-error://chromewebdata/"
            assert "Coming up" not in frame.evaluate("document.body.innerText")
        # Chromium says why (once per page): the widget's frame-ancestors lists the intranet.
        refusals = [m for m in console if "violates" in m and "frame-ancestors" in m]
        assert refusals, console
        assert sites["intranet"] in refusals[0]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "embed-refused-1280.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_widget_on_its_own_is_compact_and_accessible(
    browser: Any, sites: dict[str, str], width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(sites["calendar"] + "/embed/upcoming?n=5")
        result = run_axe(page)
        assert [v["id"] for v in result["violations"]] == []
        # Nothing wider than the viewport at 375 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Every link is reachable by keyboard, and shows where focus is.
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.tagName")
        assert focused == "A"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"embed-widget-{width}.png"), full_page=True)
    finally:
        context.close()

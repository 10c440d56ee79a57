"""Text from data files and config is escaped on every page; unsafe links are never linked."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from edicalendar.web import create_app
from support.net import LOCAL_BASE_URL

HOSTILE_PAGES = (
    "/observances/hostile-text",
    "/calendar?month=2026-06",
    "/calendar?month=2026-06&view=agenda",
    "/calendar?month=2026-06&category=sexual_orientation",
    "/clashes?date=2026-06-15",
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _ours(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The site's own script file and QR code images, which no data text can produce."""
    src = dict(attrs).get("src") or ""
    if tag == "script":
        return src in ("/static/subscribe.js", "static/subscribe.js")
    return tag == "img" and src.startswith("data:image/svg+xml;charset=utf-8,%3Csvg")


def _assert_inert(html: str, where: str) -> None:
    """No element a browser would run: no script or img but the site's own, no on* handler,
    no javascript: link."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe") or _ours(tag, attrs), (where, tag)
        for name, value in attrs:
            assert not name.startswith("on"), (where, tag, name)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (where, value)


def test_observance_text_is_escaped_everywhere(client: TestClient) -> None:
    """Name, description, guidance, url and sources holding markup and quotes come out inert."""
    for path in HOSTILE_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_inert(response.text, path)
        assert (
            "Pride &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; &#34;Friends&#34;"
            in (response.text)
        ), path


def test_observance_page_escapes_links_and_prose_sources(client: TestClient) -> None:
    """Quotes in a link stay inside its attribute; a source written as prose (markup and a
    `javascript:` word included) is printed as text, never as a link."""
    html = client.get("/observances/hostile-text").text
    assert 'href="https://example.org/pride?a=1&amp;b=&#39;q&#39;"' in html
    assert 'href="https://example.org/?a=1&amp;b=&#39;q&#39;"' in html
    assert (
        "<li>Leaflet &lt;b&gt;&#34;Pride&#34;&lt;/b&gt; javascript:alert(&#39;source&#39;)</li>"
        in html
    )
    assert "&lt;img src=x onerror=alert(1)&gt; guidance" in html


def test_pages_never_link_a_script_address(app: FastAPI) -> None:
    """Data loaded before links were checked (or built by code) still cannot put a
    `javascript:` link on a page: the page drops the link and shows the text."""
    from dataclasses import replace

    from edicalendar.web.render import render_text

    obs = app.state.live.snapshot.catalog.observances["hostile-text"]
    hostile = replace(obs, url="javascript:alert('url')", sources=("javascript:alert('s')",))
    html = render_text(
        "observance.html",
        title=hostile.name,
        obs=hostile,
        upcoming=[],
        warnings=[],
        years_ahead=3,
        feeds=[],
        share_url="https://calendar.example.nhs.uk/observances/hostile-text",
    )
    _assert_inert(html, "observance.html")
    assert "Organiser&#39;s page" not in html
    assert "<li>javascript:alert(&#39;s&#39;)</li>" in html


def test_feed_titles_from_config_are_escaped(web_env: Any) -> None:
    """A custom feed whose title and description hold markup is escaped on the subscribe page."""
    with web_env.config.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[feeds.custom]]\nname = "hostile"\n'
            'title = "<script>alert(\'t\')</script> \\"quoted\\""\n'
            'description = "<b onmouseover=alert(1)>bold</b>"\ncategories = ["sex"]\n'
        )
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        html = client.get("/").text
    _assert_inert(html, "/")
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &#34;quoted&#34;" in html
    assert "&lt;b onmouseover=alert(1)&gt;bold&lt;/b&gt;" in html


def test_query_values_are_escaped_in_error_pages(client: TestClient) -> None:
    """A hostile query value echoed in an error message is escaped."""
    for path in (
        "/calendar?month=<script>alert(1)</script>",
        "/calendar?category=<script>x</script>",
        '/clashes?date="><script>alert(1)</script>',
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        _assert_inert(response.text, path)
        assert "&lt;script&gt;" in response.text, path

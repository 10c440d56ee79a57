"""The organisation's own pages and what puts the site's details in front of every page: the
accessibility statement (`/accessibility`), the about page with the data licence, sources and
API limits (`/about`, `/licence`), the logo file and `/favicon.ico`, and the :class:`SiteContext`
middleware that sets :data:`~edicalendar.web.site.site_info` for each request.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from edicalendar.config import Settings
from edicalendar.i18n import N_
from edicalendar.web.pages import live_data
from edicalendar.web.render import error_page, page
from edicalendar.web.site import (
    CODE_LICENCE_URL,
    DATA_LICENCE,
    DATA_LICENCE_URL,
    LOGO_PATH,
    TESTED_ON,
    SiteInfo,
    page_path,
    site_info,
    snapshot_site,
)

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.web.feedserve import ASGIApp, Receive, Scope, Send
    from edicalendar.web.live import LiveData, Snapshot


class SiteContext:
    """ASGI middleware: set :data:`site_info` and :data:`page_path` for each request."""

    def __init__(self, app: ASGIApp, live: LiveData) -> None:
        self.app = app
        self.live = live
        self._cached: tuple[Snapshot, SiteInfo] | None = None

    def current(self) -> SiteInfo:
        snapshot = self.live.snapshot
        cached = self._cached
        if cached is None or cached[0] is not snapshot:
            cached = self._cached = (snapshot, snapshot_site(snapshot))
        return cached[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        site_token = site_info.set(self.current())
        path_token = page_path.set(str(scope["path"]) + (f"?{query}" if query else ""))
        try:
            await self.app(scope, receive, send)
        finally:
            page_path.reset(path_token)
            site_info.reset(site_token)


@dataclass(frozen=True)
class Limit:
    """One limit the server enforces, as the about page lists it."""

    what: str
    limit: str


def api_limits(settings: Settings) -> Sequence[Limit]:
    """Every limit a script using the API or feeds can meet, with the numbers in force."""
    from edicalendar.calendar.search import MAX_QUERY_CHARS
    from edicalendar.web.feedserve import MAX_QUERY_BYTES
    from edicalendar.web.limits import MAX_BODY_BYTES
    from edicalendar.web.views import MAX_WINDOW_DAYS

    accounts = settings.accounts
    minutes = f"{accounts.signin_window_minutes:g}"
    return (
        Limit(
            N_("Request body (any form or API call)"),
            f"{MAX_BODY_BYTES // 1024} KB; larger is refused with 413 before it is read, and "
            "a body without a Content-Length is refused with 411",
        ),
        Limit(
            N_("Query string (pages, API and feeds)"),
            f"{MAX_QUERY_BYTES:,} bytes; longer is refused with 400",
        ),
        Limit(
            N_("Date range of one request (/api/occurrences, /api/clashes, the date check)"),
            f"{MAX_WINDOW_DAYS:,} days (ten years); longer is refused with 400",
        ),
        Limit(N_("Search query (/api/search, /search)"), f"{MAX_QUERY_CHARS} characters"),
        Limit(
            N_("Failed sign-ins"),
            f"{accounts.signin_failures_per_account} per account and "
            f"{accounts.signin_failures_per_address} per client address in {minutes} minutes; "
            "then sign-in is refused with 429 until the failures are that old",
        ),
        Limit(
            N_("How often to fetch a feed"),
            f"Feeds say to refresh every {settings.feeds.refresh} (REFRESH-INTERVAL); "
            "revalidate with If-None-Match to get 304 Not Modified",
        ),
    )


router = APIRouter(include_in_schema=False)


def _snapshot(request: Request) -> Snapshot:
    return live_data(request).snapshot


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility_page(request: Request) -> HTMLResponse:
    return page("accessibility.html", current="/accessibility", **accessibility_context())


def accessibility_context() -> dict[str, Any]:
    return {"title": "Accessibility statement", "tested_on": TESTED_ON}


@router.get("/about", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    snapshot = _snapshot(request)
    return page(
        "about.html",
        current="/about",
        **about_context(snapshot.ctx.loaded.settings, snapshot.catalog),
    )


def source_hosts(catalog: Catalog) -> list[tuple[str, int]]:
    """The websites the catalog's observances cite, with how many observances cite each,
    most cited first."""
    counts: dict[str, int] = {}
    for observance in catalog.observances.values():
        hosts = set()
        for source in observance.sources:
            host = urlsplit(source).hostname if "://" in source else None
            if host:
                hosts.add(host.removeprefix("www."))
        for host in hosts:
            counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def about_context(settings: Settings, catalog: Catalog) -> dict[str, Any]:
    return {
        "title": "About this calendar",
        "source_hosts": source_hosts(catalog),
        "limits": api_limits(settings),
        "data_licence": DATA_LICENCE,
        "data_licence_url": DATA_LICENCE_URL,
        "code_licence_url": CODE_LICENCE_URL,
    }


@router.get("/licence")
def licence_page() -> RedirectResponse:
    """The licence is a section of the about page; this address is what people guess."""
    return RedirectResponse("/about#licence", status_code=308)


@router.get(LOGO_PATH, response_model=None)
def logo(request: Request) -> Response:
    """The logo file `site.logo` names, from the organisation's own folder."""
    path = _snapshot(request).ctx.loaded.logo_file
    if path is None or not path.is_file():
        return error_page(404, "This site has no logo file.")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(
        path.read_bytes(),
        media_type=media_type,
        headers={
            "Cache-Control": "public, max-age=3600",
            # An SVG opened on its own must not run script or load anything.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        },
    )


_FAVICON = (resources.files("edicalendar.web") / "static" / "favicon.ico").read_bytes()


@router.get("/favicon.ico", response_model=None)
def favicon() -> Response:
    """Browsers and feed readers ask for /favicon.ico whatever the page says."""
    return Response(
        _FAVICON,
        media_type="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )

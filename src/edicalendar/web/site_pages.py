"""The organisation's own pages and what puts the site's details in front of every page: the
accessibility statement (`/accessibility`), the about page with the data licence, sources and
API limits (`/about`, `/licence`), the logo file and `/favicon.ico`, and the :class:`SiteContext`
middleware that sets :data:`~edicalendar.web.site.site_info` for each request.
"""

from __future__ import annotations

import mimetypes
from importlib import resources
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from edicalendar.web.about import about_context, accessibility_context
from edicalendar.web.pages import live_data
from edicalendar.web.render import error_page, page
from edicalendar.web.site import (
    LOGO_PATH,
    SiteInfo,
    page_path,
    site_info,
    snapshot_site,
)

if TYPE_CHECKING:
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


router = APIRouter(include_in_schema=False)


def _snapshot(request: Request) -> Snapshot:
    return live_data(request).snapshot


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility_page(request: Request) -> HTMLResponse:
    return page("accessibility.html", current="/accessibility", **accessibility_context())


@router.get("/about", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    snapshot = _snapshot(request)
    return page(
        "about.html",
        current="/about",
        **about_context(snapshot.ctx.loaded.settings, snapshot.catalog),
    )


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

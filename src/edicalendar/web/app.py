"""Build the web application: pages, JSON API, private campaign routes and the feed fast path.

:func:`create_app` loads and checks the data once (failing fast on invalid files) and returns
a FastAPI app whose outer layers run before any routing or authentication, in this order: the
body cap (:mod:`.limits`), the `Host` check (:mod:`.hosts`), then the feed layer that answers
`/feeds/*.ics` without touching the routing stack; feeds are prepared in the background once it
starts (or on their first request), so the server answers at once. Errors become HTML pages (or
JSON under `/api/`) that say what was wrong; tracebacks never reach a browser.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.staticfiles import StaticFiles

from edicalendar import __version__
from edicalendar.context import AppContext
from edicalendar.errors import UsageError
from edicalendar.web import (
    api,
    docs,
    embed,
    freeze_pages,
    pages,
    print_pages,
    private,
    search_pages,
    signin,
    site,
    site_pages,
)
from edicalendar.web.api_edge import ApiEdge
from edicalendar.web.auth import AccessRefused, Identify, WebAccess
from edicalendar.web.deferred import CAMPAIGN_PREFIXES, CAMPAIGN_ROUTERS, DeferredRoutes
from edicalendar.web.feedserve import (
    MAX_QUERY_BYTES,
    ASGIApp,
    FeedResponse,
    FeedRouter,
    FeedSource,
    Receive,
    Scope,
    Send,
)
from edicalendar.web.freezefeed import FreezeFeedCache, FreezeFeedFront
from edicalendar.web.head import HeadAsGet
from edicalendar.web.headers import SecurityHeaders
from edicalendar.web.hosts import HostCheck, HostPolicy, host_allowed, host_policy
from edicalendar.web.language import Language
from edicalendar.web.limits import BodyLimit
from edicalendar.web.live import LiveData
from edicalendar.web.problems import (
    PROBLEM_JSON,
    ProblemError,
    problem_body,
    problem_response,
    use_problem_media_type,
    wants_problem,
)
from edicalendar.web.render import error_page, error_text

log = logging.getLogger("edicalendar.web")


def _wants_json(request: Request) -> bool:
    return wants_problem(request.url.path)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    """The errors in the file format's words (`tasks.0.due: cannot read ...`), and as a list."""
    from edicalendar.campaigns.schema import clean_loc, error_message

    parts = []
    problems = []
    for error in exc.errors():
        loc = [
            str(p)
            for p in clean_loc(tuple(error.get("loc", ())))
            if p not in ("query", "path", "body")
        ]
        where = ".".join(loc) or "request"
        given = error.get("input")
        in_body = tuple(error.get("loc", ()))[:1] == ("body",)
        message = error_message(error) if "msg" in error else "invalid"
        shown = f" {str(given)[:40]!r}" if isinstance(given, str | int) and not in_body else ""
        parts.append(f"{where}:{shown} {message}")
        problems.append({"field": where if loc else None, "message": message})
    return "; ".join(parts), problems


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    """A value FastAPI could not read: 400 for the address (query, path, headers), 422 for
    a body, the same statuses the routes give for the same mistakes (:mod:`.problems`)."""
    assert isinstance(exc, RequestValidationError)
    message, problems = _validation_message(exc)
    in_body = any(tuple(e.get("loc", ()))[:1] == ("body",) for e in exc.errors())
    status = 422 if in_body else 400
    if _wants_json(request):
        return problem_response(request, status, message, problems=problems)
    return error_page(status, message)


async def _on_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccessRefused)
    return private.refusal(request, exc)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if _wants_json(request):
        problems = exc.problems if isinstance(exc, ProblemError) else ()
        detail = str(exc.detail)
        if exc.status_code == 404 and not isinstance(exc, ProblemError):
            detail = "There is nothing at this address; the API is described at /docs."
        return problem_response(
            request, exc.status_code, detail, problems=problems, headers=headers
        )
    message = exc.detail if exc.status_code != 404 else "There is no page at this address."
    response = error_page(exc.status_code, str(message))
    response.headers.update(headers)
    return response


async def _on_usage_error(request: Request, exc: Exception) -> Response:
    """A request edicalendar refuses on purpose deep inside (dates outside its years, an
    unknown campaign): its status and message, never a 500."""
    assert isinstance(exc, UsageError)
    if _wants_json(request):
        return problem_response(request, exc.http_status, str(exc))
    return error_page(exc.http_status, str(exc))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    message = "The server could not answer this request. The error has been logged."
    if _wants_json(request):
        return problem_response(request, 500, message)
    return error_page(500, message)


class WebApp(FastAPI):
    """FastAPI with the feed fast path in front of all of it, middleware included.

    Calendar clients poll feeds constantly; answering them before Starlette's middleware and
    routing run roughly doubles the revalidations one process can serve (see
    docs/performance.md).
    """

    front: ASGIApp | None = None
    #: The data the app serves (set by :func:`create_app`), read by the HTTP fast path.
    live: LiveData | None = None
    #: Whether a raw `Host` header value (None: absent) is one this server answers for (set
    #: by :func:`create_app`): the HTTP fast path asks it too, so it refuses what
    #: :class:`~edicalendar.web.hosts.HostCheck` refuses by passing the request on.
    answers_host: Callable[[bytes | None], bool] | None = None
    #: The routes imported on first use (set by :func:`create_app`).
    deferred: DeferredRoutes | None = None

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route, the deferred ones included (reading them loads them)."""
        if self.deferred is not None:
            self.deferred.load()
        return self.router.routes

    def prepared_feed(self, raw_path: bytes) -> FeedResponse | None:
        """The prepared response for an exact feed path (b"/feeds/all.ics"), or None; never
        blocks. The HTTP fast path (:mod:`edicalendar.web.fastpath`) answers from this."""
        if self.live is None:
            return None
        return self.live.snapshot.feeds.by_path.get(raw_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None:
            await super().__call__(scope, receive, send)
        else:
            await self.front(scope, receive, send)

    async def behind_front(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The whole FastAPI stack, for everything the fast path passes on."""
        await super().__call__(scope, receive, send)


def create_app(
    ctx: AppContext,
    *,
    watch_interval: float | None = 2.0,
    prepare_feeds: Literal["now", "background"] = "now",
) -> FastAPI:
    """The edicalendar web app for `ctx`; loads data now and raises on invalid files.

    With `watch_interval` set, the app polls the data files while it runs (between start-up and
    shutdown) and reloads them on change; tests pass None and call `app.state.live` directly.
    `prepare_feeds="background"` (what `serve` uses) renders the feeds in a thread once the
    server has started, so it answers at once; "now" renders them before returning.
    """
    live = LiveData(ctx)
    if prepare_feeds == "now":
        live.warm()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if watch_interval is not None:
            live.start(watch_interval)
        elif prepare_feeds == "background":
            live.start_warming()
        try:
            yield
        finally:
            live.stop()

    app = WebApp(
        title="edicalendar",
        summary="The EDI awareness calendar: observances, dates, clashes and campaign plans.",
        version=__version__,
        lifespan=lifespan,
        # Our own /docs (web.docs): pinned files with integrity hashes, under a CSP. ReDoc and
        # the OAuth2 redirect page load unpinned scripts from a CDN: not served (/redoc leads
        # to /docs, see web.docs).
        docs_url=None,
        redoc_url=None,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = use_problem_media_type(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.live = live
    app.live = live
    #: The reminder clock when `serve` runs one in this process (read by /healthz).
    app.state.clock = None
    #: Where the clock runs when not here ("supervisor" under `serve --workers N`).
    app.state.clock_elsewhere = None
    access = WebAccess(ctx)
    app.state.access = access
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(docs.router)
    app.include_router(search_pages.router)
    app.include_router(print_pages.router)
    app.include_router(site_pages.router)
    app.include_router(embed.router)
    app.include_router(signin.router)
    # The campaign pages, editor and API, in their place in the order, are imported on the
    # first request under their addresses (web.deferred): nothing answered first needs them.
    app.deferred = DeferredRoutes(app, CAMPAIGN_ROUTERS, CAMPAIGN_PREFIXES)
    app.router.routes.append(app.deferred)
    app.include_router(freeze_pages.public_router)
    app.include_router(freeze_pages.router)
    app.mount("/static", StaticFiles(packages=[("edicalendar.web", "static")]), name="static")
    app.add_exception_handler(AccessRefused, _on_refused)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(UsageError, _on_usage_error)
    app.add_exception_handler(Exception, _on_unexpected)

    # The answers prepared here name the organisation as every page does.
    site_token = site.site_info.set(site.snapshot_site(live.snapshot))
    not_found = error_text(404, "There is no feed with that name.").encode()
    unavailable = error_text(
        503, "This feed cannot be prepared just now. Your calendar will try again by itself."
    ).encode()
    too_long_html = error_text(400, f"The query string is longer than {MAX_QUERY_BYTES} bytes.")
    too_long_json = problem_body(400, f"The query string is longer than {MAX_QUERY_BYTES} bytes.")
    site.site_info.reset(site_token)

    def feeds() -> FeedSource:
        return live.snapshot.feeds

    def too_long(path: str) -> tuple[bytes, bytes]:
        if wants_problem(path):
            return too_long_json, PROBLEM_JSON.encode()
        return too_long_html.encode(), b"text/html; charset=utf-8"

    # (settings, their policy): recomputed only when a reload swaps the settings
    # (feeds.base_url may change). The settings are held so their identity stays theirs.
    cached: list[tuple[object, HostPolicy]] = []

    def policy() -> HostPolicy:
        settings = live.snapshot.ctx.loaded.settings
        if not cached or cached[0][0] is not settings:
            cached[:] = [(settings, host_policy(settings))]
        return cached[0][1]

    def embed_origins() -> list[str]:
        return live.snapshot.ctx.loaded.settings.web.embed_origins

    app.add_middleware(Identify, access=access)
    app.add_middleware(site_pages.SiteContext, live=live)
    app.add_middleware(ApiEdge, origins=lambda: live.snapshot.ctx.loaded.settings.web.api_origins)
    app.add_middleware(SecurityHeaders, embed_origins=embed_origins)
    app.add_middleware(HeadAsGet)
    # Outermost: every layer inside sees the page's address without its /cy prefix.
    app.add_middleware(Language)

    def bad_query(message: str) -> bytes:
        return error_text(
            400,
            f"That feed address has a mistake: {message}.",
            "Build the address again on the subscribe page, or remove the part after the ?.",
            ("/#builder", "Choose what you see"),
        ).encode()

    feed_router = FeedRouter(
        app.behind_front,
        feeds=feeds,
        not_found=lambda: not_found,
        too_long=too_long,
        unavailable=lambda: unavailable,
        bad_query=bad_query,
    )
    # freezes.ics follows the database, not the data files: answered beside the other feeds,
    # behind the host check and the body limit like every other request.
    freeze_feed = FreezeFeedCache(lambda: live.snapshot.ctx)
    app.state.freeze_feed = freeze_feed
    freeze_front = FreezeFeedFront(
        feed_router,
        freeze_feed,
        not_found=lambda: not_found,
        too_long=too_long,
        bad_query=bad_query,
    )
    app.front = BodyLimit(HostCheck(freeze_front, policy, refusal), refusal)
    app.answers_host = lambda value: host_allowed(policy(), value)
    return app


def refusal(path: str, status: int, message: str) -> tuple[bytes, bytes]:
    """A refusal made before routing: (body, content type), JSON under /api/, else HTML."""
    if wants_problem(path):
        return problem_body(status, message, instance=path), PROBLEM_JSON.encode()
    return error_text(status, message).encode(), b"text/html; charset=utf-8"

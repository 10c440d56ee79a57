"""Serving `/feeds/freezes.ics`, which follows the database rather than the data files.

Freezes are recorded with `edicalendar freeze add` (any process) or on the admin page, so the
freezes feed cannot be prepared once per data version like the observance feeds. It is rebuilt
when the freezes table changes (its count and newest change are read at most every few seconds)
or the date moves, and answered through the same feed router as every other feed, so its
ETag, Last-Modified, 304s and headers follow the same rules. Building happens in a worker
thread, never on the event loop.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping

from starlette.concurrency import run_in_threadpool

from edicalendar.context import AppContext
from edicalendar.feeds.specs import FREEZE_FEED_NAME
from edicalendar.web.feedserve import ASGIApp, FeedResponse, FeedRouter, Receive, Scope, Send

FREEZE_PATH = f"/feeds/{FREEZE_FEED_NAME}.ics"
#: How often the freezes table is asked whether it changed.
CHECK_SECONDS = 5.0


class FreezeFeedCache:
    """The prepared freezes feed, rebuilt when the recorded freezes or the date change."""

    def __init__(
        self,
        context: Callable[[], AppContext],
        *,
        check_seconds: float = CHECK_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`context` gives the current AppContext (settings follow the server's reloads)."""
        self.context = context
        self.check_seconds = check_seconds
        self.monotonic = monotonic
        self._lock = threading.Lock()
        self._response: FeedResponse | None = None
        self._version: tuple[object, ...] | None = None
        self._checked = 0.0

    def invalidate(self) -> None:
        """Look at the freezes table again on the next request (a freeze was just changed)."""
        with self._lock:
            self._checked = 0.0
            self._version = None

    def current(self) -> FeedResponse:
        """The freezes feed as it should be now (blocking: call from a worker thread)."""
        from edicalendar.feeds.freeze_feed import build_freeze_feed
        from edicalendar.feeds.ical import etag
        from edicalendar.feeds.tracking import first_published
        from edicalendar.web.feedserve import prepare_feed

        with self._lock:
            moment = self.monotonic()
            if self._response is not None and moment - self._checked < self.check_seconds:
                return self._response
            ctx = self.context()
            book = ctx.freezes()
            today: dt.date = ctx.today()
            version = (*book.version(), today, ctx.loaded.settings.feeds)
            if self._response is None or version != self._version:
                now = ctx.now()
                body = build_freeze_feed(
                    book.all(),
                    ctx.loaded.settings,
                    now=now,
                    today=today,
                    database=ctx.database,
                )
                since = first_published(ctx.database, FREEZE_FEED_NAME, body, now)
                self._response = prepare_feed(FREEZE_FEED_NAME, body, etag(body), since)
                self._version = version
            self._checked = moment
            return self._response


class _One(Mapping[str, FeedResponse]):
    """The single feed the freezes router serves, looked up like any set of feeds."""

    def __init__(self, response: FeedResponse) -> None:
        self.response = response

    def __getitem__(self, name: str) -> FeedResponse:
        if name != FREEZE_FEED_NAME:
            raise KeyError(name)
        return self.response

    def __iter__(self) -> Iterator[str]:
        return iter((FREEZE_FEED_NAME,))

    def __len__(self) -> int:
        return 1

    def ready(self, name: str) -> FeedResponse | None:
        return self.get(name)

    def prepare(self, name: str) -> FeedResponse | None:
        return self.get(name)

    def ready_query(self, name: str, query: bytes) -> FeedResponse | None:
        return None

    def prepare_query(self, name: str, query: bytes) -> FeedResponse | None:
        """Refused: freezes are not observances, so no choice or option applies to them (and
        an address with a query is never silently the plain feed)."""
        from edicalendar.errors import QueryError

        raise QueryError(
            f"{FREEZE_FEED_NAME}.ics takes no choices or options; "
            f"subscribe to {FREEZE_PATH} without anything after the ?"
        )


class FreezeFeedFront:
    """ASGI wrapper: answers `/feeds/freezes.ics` from the cache, everything else goes on."""

    def __init__(
        self,
        app: ASGIApp,
        cache: FreezeFeedCache,
        *,
        not_found: Callable[[], bytes],
        too_long: Callable[[str], tuple[bytes, bytes]],
        bad_query: Callable[[str], bytes] = lambda message: message.encode(),
    ) -> None:
        self.app = app
        self.cache = cache
        self.not_found = not_found
        self.too_long = too_long
        self.bad_query = bad_query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != FREEZE_PATH:
            await self.app(scope, receive, send)
            return
        response = await run_in_threadpool(self.cache.current)
        router = FeedRouter(
            self.app,
            feeds=lambda: _One(response),
            not_found=self.not_found,
            too_long=self.too_long,
            bad_query=self.bad_query,
        )
        await router(scope, receive, send)

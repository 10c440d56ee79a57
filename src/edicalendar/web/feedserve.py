"""Serve the iCalendar feeds over HTTP through a thin ASGI path in front of the web app.

Calendar clients poll feeds far more often than people open pages, so `/feeds/{name}.ics` never
reaches FastAPI's routing and validation: a small ASGI wrapper answers from prepared bytes and
headers (strong ETag from the body, Last-Modified from the feed's own newest LAST-MODIFIED,
Cache-Control) and turns revalidations into 304s (reference/ical-interop.md T6-T9). Feed names
are looked up in a dictionary, never joined to a path, so nothing can traverse the file system.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FEED_PREFIX = "/feeds/"
#: Same shape as `FeedDefinition.name` in config: nothing that could name a parent folder.
FEED_PATH = re.compile(r"^/feeds/([a-z0-9][a-z0-9-]{0,63})\.ics\Z")
#: Longest query string any page or API route accepts; longer ones get a 400 before routing.
MAX_QUERY_BYTES = 2048
#: Clients revalidate hourly at most; a 304 costs almost nothing, so keep this short.
CACHE_CONTROL = b"public, max-age=3600"


@dataclass(frozen=True, slots=True)
class FeedResponse:
    """One feed's body and its precomputed response headers."""

    name: str
    body: bytes
    etag: str
    last_modified: dt.datetime
    headers: tuple[tuple[bytes, bytes], ...]
    not_modified_headers: tuple[tuple[bytes, bytes], ...]


def prepare_feed(name: str, body: bytes, etag: str, last_modified: dt.datetime) -> FeedResponse:
    """Precompute everything a GET, HEAD or 304 for this feed needs.

    `etag` and `last_modified` must come from the content (T7): a hash of the body and the
    feed's newest LAST-MODIFIED, never the clock, so restarts do not invalidate client caches.
    """
    modified = last_modified.astimezone(dt.UTC).replace(microsecond=0)
    validators = [
        (b"etag", etag.encode("ascii")),
        (b"last-modified", format_datetime(modified, usegmt=True).encode("ascii")),
        (b"cache-control", CACHE_CONTROL),
        # Calendar clients fetch server-side and ignore CORS; it lets a web page preview a feed.
        (b"access-control-allow-origin", b"*"),
        (b"x-content-type-options", b"nosniff"),
    ]
    headers = [
        (b"content-type", b"text/calendar; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        # inline, not attachment: browsers then hand the file to the calendar app (T9).
        (b"content-disposition", f'inline; filename="{name}.ics"'.encode("ascii")),
        *validators,
    ]
    return FeedResponse(name, body, etag, modified, tuple(headers), tuple(validators))


def _etags(header: str) -> Iterable[str]:
    for part in header.split(","):
        tag = part.strip()
        # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
        yield tag[2:] if tag.startswith("W/") else tag


def is_not_modified(
    feed: FeedResponse, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """True when the client's copy is current (RFC 9110 13.2.2: If-None-Match wins)."""
    if if_none_match is not None:
        return any(tag in ("*", feed.etag) for tag in _etags(if_none_match))
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return feed.last_modified <= since
    return False


class FeedRouter:
    """ASGI wrapper: answers `/feeds/...` from `feeds()` and passes everything else to `app`.

    `feeds` is called per request so a data reload swaps the whole dictionary atomically.
    `not_found` renders the HTML 404 page (prepared once). Long query strings are refused here
    too, before any routing, so a 10 kB query never reaches validation.
    """

    def __init__(
        self,
        app: ASGIApp,
        feeds: Callable[[], Mapping[str, FeedResponse]],
        not_found: Callable[[], bytes],
        too_long: Callable[[str], tuple[bytes, bytes]],
    ) -> None:
        self.app = app
        self.feeds = feeds
        self.not_found = not_found
        self.too_long = too_long

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            body, content_type = self.too_long(path)
            await send_simple(send, 400, body, content_type)
            return
        if not path.startswith(FEED_PREFIX):
            await self.app(scope, receive, send)
            return
        match = FEED_PATH.match(path)
        feed = self.feeds().get(match.group(1)) if match else None
        if feed is None:
            await send_simple(send, 404, self.not_found(), b"text/html; charset=utf-8")
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [(b"allow", b"GET, HEAD"), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if_none_match = if_modified_since = None
        for key, value in scope["headers"]:
            if key == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif key == b"if-modified-since":
                if_modified_since = value.decode("latin-1")
        if (if_none_match or if_modified_since) and is_not_modified(
            feed, if_none_match, if_modified_since
        ):
            await send(
                {"type": "http.response.start", "status": 304, "headers": feed.not_modified_headers}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": feed.headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else feed.body})


async def send_simple(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """A whole response from an ASGI layer in front of the app (feeds, refusals)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"x-content-type-options", b"nosniff"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

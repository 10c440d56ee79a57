"""Serve the iCalendar feeds over HTTP through a thin ASGI path in front of the web app.

Calendar clients poll feeds far more often than people open pages, so `/feeds/{name}.ics` never
reaches FastAPI's routing and validation: a small ASGI wrapper answers from prepared bytes and
headers (strong ETag from the body, Last-Modified from when these bytes were first published,
Cache-Control) and turns revalidations into 304s (reference/ical-interop.md T6-T9). Feed names
are looked up in a dictionary, never joined to a path, so nothing can traverse the file system.
Each :class:`FeedResponse` also carries its header block as bytes, so the HTTP-level fast path
(:mod:`edicalendar.web.fastpath`) answers without building any header at request time.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, BinaryIO, Protocol

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
#: When a feed cannot be built just now: calendar clients retry on their next poll anyway.
RETRY_AFTER = ((b"retry-after", b"60"),)

log = logging.getLogger("edicalendar.web")


@dataclass(frozen=True, slots=True)
class FeedResponse:
    """One feed's body and its precomputed response headers."""

    name: str
    body: bytes
    etag: str
    last_modified: dt.datetime
    headers: tuple[tuple[bytes, bytes], ...]
    not_modified_headers: tuple[tuple[bytes, bytes], ...]
    #: `headers` and `not_modified_headers` as HTTP/1.1 header lines, each ending CRLF.
    header_block: bytes
    not_modified_block: bytes
    #: If-None-Match values that match as sent by clients: the ETag, its weak form, and *.
    matching_tags: frozenset[bytes]
    #: For a large body, an unlinked temporary file holding it, so the HTTP fast path can send
    #: it with sendfile(2) instead of copying it through the process (None: small body).
    body_file: BinaryIO | None = None

    def answers_not_modified(
        self, if_none_match: bytes | None, if_modified_since: bytes | None
    ) -> bool:
        """Whether these request validators earn a 304 (RFC 9110 13.2.2)."""
        if if_none_match is not None and if_none_match in self.matching_tags:
            return True
        return is_not_modified(
            self,
            None if if_none_match is None else if_none_match.decode("latin-1"),
            None if if_modified_since is None else if_modified_since.decode("latin-1"),
        )


class FeedSource(Protocol):
    """Where the router finds feeds: `ready` never blocks; `prepare` may build (in a thread)."""

    def ready(self, name: str) -> FeedResponse | None:
        """The feed when its response is prepared, else None."""

    def prepare(self, name: str) -> FeedResponse | None:
        """The feed, building it now if need be; None when no feed has this name."""

    def ready_query(self, name: str, query: bytes) -> FeedResponse | None:
        """The feed for this query as sent when prepared, else None."""

    def prepare_query(self, name: str, query: bytes) -> FeedResponse | None:
        """The feed narrowed by `query`, built now if need be; QueryError for a bad query."""


def _block(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


def prepare_feed(
    name: str,
    body: bytes,
    etag: str,
    last_modified: dt.datetime,
    *,
    spool_from: int | None = None,
) -> FeedResponse:
    """Precompute everything a GET, HEAD or 304 for this feed needs.

    `etag` and `last_modified` must come from the content (T7): a hash of the body and the
    feed's newest LAST-MODIFIED, never the clock, so restarts do not invalidate client caches.
    A body of `spool_from` bytes or more is also written to a temporary file (`body_file`).
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
    tag = etag.encode("ascii")
    spool = None
    if spool_from is not None and len(body) >= spool_from:
        # Kept open for the life of the response (closed when it is garbage-collected).
        spool = tempfile.TemporaryFile(prefix=f"edicalendar-{name}-")  # noqa: SIM115
        spool.write(body)
        spool.flush()
    return FeedResponse(
        name,
        body,
        etag,
        modified,
        tuple(headers),
        tuple(validators),
        _block(headers),
        _block(validators),
        frozenset({tag, b"W/" + tag, b"*"}),
        spool,
    )


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

    `feeds` is called per request so a data reload swaps the whole set atomically; a feed not
    prepared yet is built in a worker thread, never on the event loop, and a failure to build it
    (the database unreachable, say) is a 503 with Retry-After. `not_found` renders the HTML 404
    page (prepared once). Long query strings are refused here too, before any routing,
    so a 10 kB query never reaches validation.
    """

    def __init__(
        self,
        app: ASGIApp,
        feeds: Callable[[], FeedSource],
        not_found: Callable[[], bytes],
        too_long: Callable[[str], tuple[bytes, bytes]],
        unavailable: Callable[[], bytes] = lambda: b"feed temporarily unavailable",
        bad_query: Callable[[str], bytes] = lambda message: message.encode(),
    ) -> None:
        self.app = app
        self.feeds = feeds
        self.not_found = not_found
        self.too_long = too_long
        self.unavailable = unavailable
        self.bad_query = bad_query

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
        feed = None
        if match is not None:
            source = self.feeds()
            name = match.group(1)
            query: bytes = scope.get("query_string", b"")
            feed = source.ready_query(name, query) if query else source.ready(name)
            if feed is None:
                from starlette.concurrency import run_in_threadpool

                from edicalendar.errors import QueryError

                try:
                    if query:
                        feed = await run_in_threadpool(source.prepare_query, name, query)
                    else:
                        feed = await run_in_threadpool(source.prepare, name)
                except QueryError as exc:
                    # Never ignored: a mistyped option would silently subscribe to everything.
                    await send_simple(
                        send, 400, self.bad_query(str(exc)), b"text/html; charset=utf-8"
                    )
                    return
                except Exception:  # the feed cannot be built now; the cause is logged
                    log.exception("could not prepare the feed %s", name)
                    await send_simple(
                        send, 503, self.unavailable(), b"text/html; charset=utf-8", RETRY_AFTER
                    )
                    return
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
                if_none_match = value
            elif key == b"if-modified-since":
                if_modified_since = value
        if (if_none_match or if_modified_since) and feed.answers_not_modified(
            if_none_match, if_modified_since
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

"""Validators for the JSON API: ETags, `If-None-Match`, `Cache-Control` and 304 answers.

The calendar's answers (observances, occurrences, clashes, search, the widget) depend only on
the data version (the data files' fingerprint), the date, the release and the address asked
for, so their ETag is derived from exactly those and checked before anything is computed:
a 304 costs no expansion. The tag is weak (`W/"..."`): the same answer is sent gzipped or
not, and a strong tag would have to differ between those bytes (RFC 9110 8.8.1).
`If-None-Match` uses the weak comparison RFC 9110 13.1.2 prescribes, so a client that sends
the tag back with or without `W/` is answered 304. Answers read from the database (freezes)
take a tag from their bytes instead, which changes exactly when they do.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from edicalendar import __version__
from edicalendar.web.live import Snapshot

#: Public calendar data: caches may keep it five minutes, then revalidate with the ETag.
PUBLIC_CACHE = "public, max-age=300"
#: What depends on who asks: only the asker's browser may keep it, and it must revalidate.
PRIVATE_CACHE = "private, no-cache"

_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|\Z)')


def data_etag(request: Request, snapshot: Snapshot) -> str:
    """A weak ETag for a calendar answer: the data version, the date, the release and the
    address (host, path and query) it answers."""
    query = sorted(request.query_params.multi_items())
    today = snapshot.ctx.today().isoformat()
    address = (str(request.base_url), request.url.path, query)
    key = repr((__version__, snapshot.fingerprint, today, address))
    return 'W/"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'


def body_etag(body: bytes) -> str:
    """A weak ETag from an answer's bytes (before any content coding)."""
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an `If-None-Match` value matches `tag` by weak comparison (`*` matches any).

    A malformed header matches nothing, so the client simply gets the full answer.
    """
    if if_none_match is None:
        return False
    value = if_none_match.strip()
    if value == "*":
        return True
    opaque = tag.removeprefix("W/")
    position = 0
    while position < len(value):
        found = _TAG.match(value, position)
        if found is None or found.end() == position:
            return False
        if found.group(2) == opaque:
            return True
        position = found.end()
    return False


def conditional(
    request: Request,
    tag: str,
    answer: Callable[[], Response],
    cache_control: str = PUBLIC_CACHE,
) -> Response:
    """`answer()` with `tag` and `cache_control`, or a bodiless 304 when the client's
    `If-None-Match` already holds that tag (then `answer` is never called)."""
    headers = {"ETag": tag, "Cache-Control": cache_control}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    response = answer()
    if response.status_code == 200:
        response.headers.update(headers)
    return response


def tagged_by_body(
    request: Request, response: Response, cache_control: str = PRIVATE_CACHE
) -> Response:
    """`response` with an ETag from its bytes, or a 304 when the client already holds them."""
    tag = body_etag(bytes(response.body))
    headers = {"ETag": tag, "Cache-Control": cache_control}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response

"""Security headers for every page and API answer (feeds are answered before this layer).

A strict Content-Security-Policy is possible because the pages use only the site's own
stylesheet and script files (the subscribe page's copy buttons and builder), never inline
script. The interactive API docs at /docs get their own policy, which allows the site's own files
(Swagger UI is bundled in the package) and nothing else (:mod:`edicalendar.web.docs`).

Every page refuses to be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), so no
other site can overlay it to trick a click, except the "coming up" widget under `/embed/`,
which is made to be framed: its `frame-ancestors` is this site plus the origins listed in
`[web] embed_origins` (read from the settings in force), and it sends no X-Frame-Options,
which cannot express a list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from edicalendar.web.docs import DOCS_CSP
from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send
from edicalendar.web.site import PAGE_CSP

_CSP = PAGE_CSP

_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
#: Where framing is allowed (for the configured origins only).
EMBED_PREFIX = "/embed/"


def embed_csp(origins: Sequence[str]) -> bytes:
    """The widget's policy: the pages' own, framed only by this site and `origins`."""
    ancestors = " ".join(["'self'", *origins]).encode("ascii")
    return _CSP.replace(b"frame-ancestors 'none'", b"frame-ancestors " + ancestors)


class SecurityHeaders:
    """ASGI middleware adding CSP and friends to each response start."""

    def __init__(
        self, app: ASGIApp, embed_origins: Callable[[], Sequence[str]] = lambda: ()
    ) -> None:
        self.app = app
        self.embed_origins = embed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        fixed: tuple[tuple[bytes, bytes], ...] = _HEADERS
        if path.startswith(EMBED_PREFIX):
            csp = embed_csp(self.embed_origins())
            fixed = tuple(h for h in _HEADERS if h[0] != b"x-frame-options")
        else:
            csp = DOCS_CSP if path == "/docs" else _CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in fixed if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", csp))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

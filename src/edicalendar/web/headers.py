"""Security headers for every page and API answer (feeds are answered before this layer).

A strict Content-Security-Policy is possible because the pages use only the site's own
stylesheet and script files (the subscribe page's copy buttons and builder), never inline
script. The interactive API docs at /docs get their own policy, which allows the site's own files
(Swagger UI is bundled in the package) and nothing else (:mod:`edicalendar.web.docs`).
"""

from __future__ import annotations

from edicalendar.web.docs import DOCS_CSP
from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send
from edicalendar.web.site import PAGE_CSP

_CSP = PAGE_CSP

_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """ASGI middleware adding CSP and friends to each response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] == "/docs" else _CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in _HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", csp))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""Security headers for every page and API answer (feeds are answered before this layer).

A strict Content-Security-Policy is possible because the pages use no script and only the
site's own stylesheet; the interactive API docs at /docs load their own assets and are exempt.
"""

from __future__ import annotations

from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send

_CSP = (
    b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
_DOCS = ("/docs", "/redoc", "/openapi.json")


class SecurityHeaders:
    """ASGI middleware adding CSP and friends to each response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = not str(scope["path"]).startswith(_DOCS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in _HEADERS if h[0] not in names]
                if csp and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", _CSP))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

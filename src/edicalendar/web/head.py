"""HEAD wherever GET is: every page and API answer, headers only (RFC 9110 9.3.2).

FastAPI routes declared with `get` refuse HEAD with 405, which breaks link checkers, uptime
probes and `curl -I`. This middleware runs a HEAD request as the GET it mirrors and drops the
body on the way out, so the status, Content-Type, Content-Length and validators are exactly
GET's. Static files already answer HEAD themselves and pass straight through; feeds are answered
before this layer.
"""

from __future__ import annotations

from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send

_SELF_ANSWERED = ("/static/",)


class HeadAsGet:
    """ASGI middleware: HEAD becomes GET inside, and the body never leaves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "HEAD"
            or str(scope["path"]).startswith(_SELF_ANSWERED)
        ):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)

"""The request body cap: the outermost layer of the web app, before routing and authentication.

No route takes more than a few kilobytes (a sign-in form, a task update), so a body declared
larger than :data:`MAX_BODY_BYTES` is refused with 413 before a byte of it is read, and the
connection is closed so the server does not read (and discard) the rest either: a 50 MB upload
costs the server nothing and `/healthz` stays fast. A body without a declared length (chunked
transfer coding) is refused with 411; browsers, scripts and the shipped nginx always send one.
What arrives is still counted, so no route can be sent more than the cap whatever it declares.
"""

from __future__ import annotations

from collections.abc import Callable

from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send, send_simple

#: The largest request body any route accepts (the shipped nginx caps bodies at 64k too).
MAX_BODY_BYTES = 64 * 1024

#: Renders the refusal for a path: (status, message) -> (body, content type).
Refusal = Callable[[str, int, str], tuple[bytes, bytes]]


class BodyLimit:
    """ASGI middleware enforcing :data:`MAX_BODY_BYTES` on every HTTP request."""

    def __init__(self, app: ASGIApp, refusal: Refusal, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.refusal = refusal
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: list[bytes] = []
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared.append(value)
            elif name == b"transfer-encoding":
                chunked = True
        path = str(scope["path"])
        if chunked:
            await self._refuse(
                send, path, 411, "Send the request body with a Content-Length header."
            )
            return
        if declared:
            size = int(declared[0]) if declared[0].isdigit() else self.limit + 1
            if size > self.limit:
                await self._refuse(
                    send,
                    path,
                    413,
                    f"The request body is larger than {self.limit:,} bytes, more than any form "
                    "or API call here takes.",
                )
                return
        await self.app(scope, _counted(receive, self.limit), send)

    async def _refuse(self, send: Send, path: str, status: int, message: str) -> None:
        body, content_type = self.refusal(path, status, message)
        # The unread body is still on its way: close rather than read it to find the next
        # request on this connection.
        await send_simple(send, status, body, content_type, ((b"connection", b"close"),))


def _counted(receive: Receive, limit: int) -> Receive:
    """`receive` that reports a disconnect once more than `limit` body bytes have arrived."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                return {"type": "http.disconnect"}
        return message

    return counted

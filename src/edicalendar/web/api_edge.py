"""What the JSON API adds at its edge: CORS for configured origins and gzip for JSON.

Only `/api/*` answers pass through here; pages, static files and the feeds do not (feeds are
answered before the framework and keep their byte-for-byte bodies and strong ETags).

- CORS: an intranet page on an origin listed in `[web] api_origins` may read the public API
  from its own scripts. Starlette's CORSMiddleware answers preflights (`OPTIONS` with
  `Access-Control-Request-Method`): 200 with the allowed methods and headers for a listed
  origin, 400 for any other. Credentials are never allowed (the public API needs none), and
  `ETag`, `Link` and `Content-Disposition` are exposed so a script can revalidate and page.
  Every answer says `Vary: Origin`, so a shared cache never hands one origin's answer to
  another. The list is read from the settings in force, so a reload takes it up.
- gzip: JSON, problem details and CSV answers of 1 kB or more are gzipped for a client whose
  `Accept-Encoding` accepts gzip (a `q=0` refuses it), with `Vary: Accept-Encoding`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send

_API = "/api/"
#: Methods a page elsewhere may use: the public API only reads.
CORS_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = ("Accept", "Accept-Language", "Content-Language", "If-None-Match")
EXPOSED = ("ETag", "Link", "Content-Disposition")
#: Smallest body worth compressing.
GZIP_MINIMUM = 1024


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an `Accept-Encoding` value accepts gzip (RFC 9110 12.5.3): listed, or covered
    by `*`, with a q-value above zero."""
    chosen: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen[name] = q
    if "gzip" in chosen:
        return chosen["gzip"] > 0
    if "x-gzip" in chosen:
        return chosen["x-gzip"] > 0
    return chosen.get("*", 0.0) > 0


class ApiEdge:
    """ASGI middleware: CORS and gzip for `/api/*`, everything else passed straight on."""

    def __init__(self, app: ASGIApp, origins: Callable[[], Sequence[str]]) -> None:
        self.app = app
        self.origins = origins
        self._gzip = GZipMiddleware(app, minimum_size=GZIP_MINIMUM)
        #: (the origins it was made for, the CORS layer): remade when the settings change.
        self._cors: tuple[tuple[str, ...], ASGIApp] | None = None

    def _cors_app(self) -> ASGIApp:
        origins = tuple(self.origins())
        if self._cors is None or self._cors[0] != origins:
            self._cors = (
                origins,
                CORSMiddleware(
                    self._gzip,
                    allow_origins=origins,
                    allow_methods=CORS_METHODS,
                    allow_headers=CORS_HEADERS,
                    allow_credentials=False,
                    expose_headers=EXPOSED,
                    max_age=600,
                ),
            )
        return self._cors[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(_API):
            await self.app(scope, receive, send)
            return
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name != b"accept-encoding" or accepts_gzip(value.decode("latin-1"))
        ]

        async def vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                _vary(MutableHeaders(scope=message), "Origin", "Accept-Encoding")
            await send(message)

        await self._cors_app()({**scope, "headers": headers}, receive, vary)


def _vary(headers: MutableHeaders, *names: str) -> None:
    """Name each of `names` in `Vary` once (the CORS layer may have named Origin already)."""
    present = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    for name in names:
        if name.lower() not in present:
            headers.add_vary_header(name)
            present.add(name.lower())

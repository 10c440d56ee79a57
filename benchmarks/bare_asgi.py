"""A bare ASGI app that answers every request 304 with the headers a feed revalidation carries.

The yardstick for how fast uvicorn itself can answer a revalidation: no routing, no lookup, no
comparison, just the two ASGI messages. `bench_web.py` runs it with the same uvicorn, workers and
protocol settings as `edicalendar serve`:

    python -m uvicorn bare_asgi:app --app-dir benchmarks --workers 2 --no-access-log
"""

from __future__ import annotations

from typing import Any

HEADERS = [
    (b"etag", b'"72c440309ec09c04c02e68c74d285135307a5668"'),
    (b"last-modified", b"Tue, 01 Dec 2026 08:31:57 GMT"),
    (b"cache-control", b"public, max-age=3600"),
    (b"access-control-allow-origin", b"*"),
    (b"x-content-type-options", b"nosniff"),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 304, "headers": HEADERS})
    await send({"type": "http.response.body", "body": b""})

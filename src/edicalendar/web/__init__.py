"""The edicalendar web server: subscribe page, calendar views, campaign plan, JSON API, feeds.

Owns the FastAPI app (`app`), the live data snapshot it serves and reloads (`live`), the feed
fast path (`feedserve`), page rendering and templates (`render`, `views`, `pages`), the JSON API
(`api`), private routes and access (`private`, `auth`) and the static export (`export`). Build
the ASGI app with :func:`create_app`; `edicalendar serve` runs it under uvicorn beside the
reminder clock. It is an entry layer: it may use every area, and no area imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edicalendar.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `export` and the `serve --workers` supervisor, which use parts
    # of this package, never load FastAPI for nothing.
    if name == "create_app":
        from edicalendar.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

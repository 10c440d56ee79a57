"""The edicalendar web server: subscribe page, calendar views, campaign plan, JSON API, feeds.

Owns the FastAPI app (`app`), the live data snapshot it serves and reloads (`live`), the feed
fast path (`feedserve`), page rendering and templates (`render`, `views`, `pages`), the JSON API
(`api`), private routes and access (`private`, `auth`) and the static export (`export`). Build
the ASGI app with :func:`create_app`; `edicalendar serve` runs it under uvicorn beside the
reminder clock. It is an entry layer: it may use every area, and no area imports it.
"""

from edicalendar.web.app import create_app

__all__ = ["create_app"]

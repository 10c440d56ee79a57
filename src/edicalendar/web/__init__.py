"""The edicalendar web server: subscribe page, calendar views, campaign plan, JSON API, feeds.

Build the ASGI app with :func:`create_app`; `edicalendar serve` runs it under uvicorn beside
the reminder clock.
"""

from edicalendar.web.app import create_app

__all__ = ["create_app"]

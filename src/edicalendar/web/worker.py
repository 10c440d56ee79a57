"""The app factory each `edicalendar serve --workers N` process imports.

uvicorn starts worker processes from an import string, so the settings file travels in an
environment variable set by the supervising `serve` command, as does whether the reminder
clock runs there (it runs once, in the supervisor, never once per worker).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.context import AppContext

if TYPE_CHECKING:
    from fastapi import FastAPI

CONFIG_ENV = "EDICALENDAR_SERVE_CONFIG"
CLOCK_ENV = "EDICALENDAR_SERVE_CLOCK"
FACTORY = "edicalendar.web.worker:app_from_environment"


def app_from_environment() -> FastAPI:
    """Build the web app from the config named by the supervisor."""
    # Imported here: the supervisor reads this module's names without loading the web stack.
    from edicalendar.web.app import create_app

    config = os.environ.get(CONFIG_ENV) or None
    app = create_app(
        AppContext(config_path=Path(config) if config else None), prepare_feeds="background"
    )
    app.state.clock_elsewhere = os.environ.get(CLOCK_ENV) or None
    return app

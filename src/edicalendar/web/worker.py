"""The app factory each `edicalendar serve --workers N` process imports.

uvicorn starts worker processes from an import string, so the settings file travels in an
environment variable set by the supervising `serve` command, as does whether the reminder
clock runs there (it runs once, in the supervisor, never once per worker).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.context import AppContext

if TYPE_CHECKING:
    from fastapi import FastAPI

CONFIG_ENV = "EDICALENDAR_SERVE_CONFIG"
CLOCK_ENV = "EDICALENDAR_SERVE_CLOCK"
FACTORY = "edicalendar.web.worker:app_from_environment"


def pause_collector() -> bool:
    """Pause Python's cyclic garbage collector while a server process starts; whether it was on.

    Start-up makes about 150,000 objects the collector tracks, nearly all living as long as the
    server (modules, checked data, the app and its routes), and it scanned them again and
    again as they were made: about a fifth of the CPU to the first answer, to find some 1,800
    objects (about 1%) of garbage.
    """
    was_on = gc.isenabled()
    gc.disable()
    return was_on


def resume_collector(was_on: bool) -> None:
    """Freeze what start-up made (later collections never scan it again, so requests do not
    pay for it either), then switch the collector back on if it was on."""
    gc.freeze()
    if was_on:
        gc.enable()


def app_from_environment() -> FastAPI:
    """Build the web app from the config named by the supervisor."""
    paused = pause_collector()
    # Imported here: the supervisor reads this module's names without loading the web stack.
    from edicalendar.web.app import create_app

    config = os.environ.get(CONFIG_ENV) or None
    app = create_app(
        AppContext(config_path=Path(config) if config else None), prepare_feeds="background"
    )
    resume_collector(paused)
    app.state.clock_elsewhere = os.environ.get(CLOCK_ENV) or None
    return app

"""What every command needs, loaded lazily: settings, the catalog, the database, the clock.

The CLI and the web server build one :class:`AppContext`; each part is loaded on first use so a
command that needs only the calendar never opens the database, and `--help` loads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.config import LoadedSettings
    from edicalendar.storage.engine import Database


def system_now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass
class AppContext:
    """Lazily loaded settings, catalog and database for one command or server process."""

    config_path: Path | None = None
    now: Callable[[], dt.datetime] = field(default=system_now)

    @cached_property
    def loaded(self) -> LoadedSettings:
        from edicalendar.config import load_settings

        return load_settings(self.config_path)

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.loaded.settings.reminders.timezone)

    def today(self) -> dt.date:
        """Today's date in the configured time zone (Europe/London by default)."""
        return self.now().astimezone(self.timezone).date()

    @cached_property
    def catalog(self) -> Catalog:
        from edicalendar.calendar.catalog import load_catalog

        return load_catalog(self.loaded.calendars_dir)

    @cached_property
    def database(self) -> Database:
        from edicalendar.storage.engine import open_database

        return open_database(self.loaded.database_url)

"""What a command or a server process needs, loaded lazily: settings, calendar, database, clock.

The CLI and the web server each build one :class:`AppContext` and get the areas' services from
it (:meth:`AppContext.campaigns`, :meth:`AppContext.feeds`); each part is loaded on first use,
so a command that needs only the calendar never opens the database and `--help` loads nothing.
Only the entry layers (`edicalendar.cli`, `edicalendar.web`) import this module: the areas
below them take what they need as arguments (an import-linter contract checks this).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from edicalendar.accounts.directory import Accounts
    from edicalendar.calendar.cache import CompiledCache
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.calendar.freezes import FreezeCalendar
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.campaigns.files import CampaignSet
    from edicalendar.campaigns.schema import CampaignDefaults
    from edicalendar.campaigns.service import CampaignService
    from edicalendar.config import LoadedSettings
    from edicalendar.feeds.build import FeedPublisher
    from edicalendar.feeds.ical import VeventCache
    from edicalendar.reminders.dispatch import Dispatcher
    from edicalendar.reminders.freeze_book import FreezeBook
    from edicalendar.reminders.scheduler import ReminderClock
    from edicalendar.storage.engine import Database
    from edicalendar.storage.reads import Reads, SqliteReader


def system_now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass
class AppContext:
    """Lazily loaded settings, catalog and database for one command or server process."""

    config_path: Path | None = None
    now: Callable[[], dt.datetime] = field(default=system_now)
    #: Take the database in place as a new reminder ledger if it is not the one the data
    #: folder knows (`edicalendar remind --new-ledger`); otherwise such a database is refused.
    new_ledger: bool = False
    #: Set by commands that only read (`upcoming`, `campaigns`, `ledger`, a reminder
    #: simulation...): a database not made yet is read as empty (nothing recorded) instead of
    #: being created, so looking never makes a data folder or a ledger.
    read_only: bool = False

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
    def compiled_cache(self) -> CompiledCache | None:
        """Where compiled calendars and bank holidays are kept between runs (None: off)."""
        from edicalendar.calendar.cache import CompiledCache

        folder = self.loaded.cache_dir
        return CompiledCache(folder) if folder is not None else None

    @cached_property
    def full_catalog(self) -> Catalog:
        """Every calendar file, optional calendars included (for `check` and imports)."""
        from edicalendar.calendar.catalog import load_catalog

        conventions = self.loaded.settings.conventions.as_conventions()
        catalog = load_catalog(self.loaded.calendars_dir, cache=self.compiled_cache)
        return catalog.with_conventions(conventions)

    @cached_property
    def catalog(self) -> Catalog:
        """The calendars this organisation uses: the default ones plus the optional calendars
        switched on in `[calendars] enabled`. Everything downstream reads this one."""
        from edicalendar.errors import ConfigError, Problem

        names = self.loaded.settings.calendars.enabled
        try:
            return self.full_catalog.enabled(names)
        except ValueError as exc:
            line = None
            if self.loaded.path is not None:
                from edicalendar.config import setting_line

                line = setting_line(self.loaded.path, ("calendars", "enabled"))
            raise ConfigError(
                [Problem(self.config_display, line, None, "calendars.enabled", str(exc))]
            ) from None

    @cached_property
    def database(self) -> Database:
        """The database, checked to be the ledger this data folder last used."""
        from edicalendar.storage.engine import open_database

        return open_database(
            self.loaded.database_url,
            marker_dir=self.loaded.data_dir,
            adopt_at=self.now() if self.new_ledger else None,
            read_only=self.read_only,
        )

    def close(self) -> None:
        """Close the database if this context opened it (a command ends)."""
        database = self.__dict__.pop("database", None)
        if database is not None:
            database.close()

    @cached_property
    def workdays(self) -> WorkingDays:
        from edicalendar.calendar.workdays import WorkingDays

        return WorkingDays(self.loaded.settings.nation, cache=self.compiled_cache)

    @property
    def config_display(self) -> str:
        """How messages name the settings file."""
        return str(self.loaded.path) if self.loaded.path else "config"

    def campaign_defaults(self) -> CampaignDefaults:
        """What campaigns inherit from `[reminders]`: lead times and the time reminders go."""
        from edicalendar.campaigns.schema import CampaignDefaults

        reminders = self.loaded.settings.reminders
        return CampaignDefaults(
            lead_times=tuple(reminders.lead_times),
            send_time=dt.time.fromisoformat(reminders.send_time),
        )

    def reads(self) -> Reads:
        """Where recorded progress, stored campaigns and freezes are read from. A command that
        only looks reads a plain SQLite file with the standard library (`storage.reads`), so it
        never imports SQLAlchemy; otherwise, and whenever that reader cannot stand in for a
        full open (PostgreSQL, an older schema, a ledger its marker does not name), the
        database itself."""
        if self.read_only and "database" not in self.__dict__:
            reader = self._sqlite_reader
            if reader is not None:
                return reader
        return self.database

    @cached_property
    def _sqlite_reader(self) -> SqliteReader | None:
        from edicalendar.storage.reads import sqlite_reader

        return sqlite_reader(self.loaded.database_url)

    def reads_if_present(self) -> Reads | None:
        """:meth:`reads` when the database exists (or is a server, such as PostgreSQL), else
        None: so reading campaigns never creates an SQLite file that would be empty anyway."""
        if "database" in self.__dict__:
            return self.database
        from edicalendar.storage.reads import sqlite_file

        plain = sqlite_file(self.loaded.database_url)
        if plain is not None:
            return self.reads() if plain.exists() else None
        from sqlalchemy.engine import make_url

        url = make_url(self.loaded.database_url)
        if url.get_backend_name() == "sqlite":
            path = url.database
            if not path or path == ":memory:" or not Path(path).exists():
                return None
        return self.reads()

    def _catalog_or_none(self) -> Catalog | None:
        from edicalendar.errors import CatalogError

        try:
            return self.catalog
        except CatalogError:
            return None

    def load_campaign_files(self, check_years: Iterable[int]) -> CampaignSet:
        """The campaign files, checked against this calendar and config (read afresh each call).

        A calendar that fails to load leaves only the campaigns' own shape checked (its
        problems are reported by `check` on their own).
        """
        from edicalendar.campaigns.files import load_campaigns

        settings = self.loaded.settings
        return load_campaigns(
            self.loaded.campaigns_dir,
            self._catalog_or_none(),
            destinations=settings.destinations.keys(),
            nation=settings.nation,
            check_years=check_years,
            defaults=self.campaign_defaults(),
            workdays=self.workdays,
        )

    def check_stored(
        self,
        tables: list[tuple[dict[str, Any], int | None]],
        files: CampaignSet,
        years: Iterable[int],
    ) -> CampaignSet:
        """`files` joined by campaign tables stored in (or bound for) the database, checked as
        campaign files are checked."""
        from edicalendar.campaigns.files import check_stored

        settings = self.loaded.settings
        return check_stored(
            [(t, r or 0) for t, r in tables],
            files,
            self._catalog_or_none(),
            destinations=settings.destinations.keys(),
            nation=settings.nation,
            check_years=years,
            defaults=self.campaign_defaults(),
            workdays=self.workdays,
            memo=self._checked_tables,
        )

    @cached_property
    def _checked_tables(self) -> dict[str, Any]:
        """Each stored table's own check, kept for this context's calendar and settings (a
        server checks the same tables on every request; a changed table is a new key)."""
        return {}

    def load_campaigns(
        self, check_years: Iterable[int], *, files: CampaignSet | None = None
    ) -> CampaignSet:
        """Every campaign, file and database alike, checked for `check_years`: the one place
        the two sources join. `files` is an already loaded set of the files (the web server's
        snapshot); the database's campaigns are read afresh on every call, so every process
        sees the same plan."""
        from edicalendar.campaigns.store import stored_tables

        years = tuple(check_years)
        found = files if files is not None else self.load_campaign_files(years)
        recorded = self.reads_if_present()
        if recorded is None:
            return found
        stored = stored_tables(recorded)
        if not stored:
            return found
        return self.check_stored(list(stored), found, years)

    def campaigns(self, files: CampaignSet | None = None) -> CampaignService:
        """The campaign service: files re-read on every load (or a loaded `files` set), and
        the database's campaigns read afresh."""
        from edicalendar.campaigns.files import CampaignSet
        from edicalendar.campaigns.service import CampaignService

        def load(years: Iterable[int]) -> CampaignSet:
            return self.load_campaigns(years, files=files)

        def check(
            tables: list[tuple[dict[str, Any], int | None]], years: Iterable[int]
        ) -> CampaignSet:
            return self.check_stored(tables, CampaignSet(), years)

        return CampaignService(
            catalog=self._catalog_or_none(),
            load=load,
            database=lambda: self.database,
            workdays=self.workdays,
            today=self.today,
            now=self.now,
            check=check,
            reads=self.reads,
        )

    def dispatcher(self, report: Callable[[str], None] | None = None) -> Dispatcher:
        """The reminder bot for this installation; raises ConfigError when misconfigured."""
        import logging

        from edicalendar.calendar.catalog_watch import CatalogWatch
        from edicalendar.reminders.wiring import build_dispatcher

        # A long-running bot follows calendar edits (a date just confirmed); a bad edit is
        # reported and the last good calendar kept. The first load must succeed, as before.
        self.catalog  # noqa: B018 - checks the files and `[calendars] enabled` once, as before
        watch = CatalogWatch(
            self.loaded.calendars_dir,
            self.loaded.settings.conventions.as_conventions(),
            enabled=self.loaded.settings.calendars.enabled,
            report=report or logging.getLogger("edicalendar.reminders").warning,
            cache=self.compiled_cache,
        )
        return build_dispatcher(
            settings=self.loaded.settings,
            database=self.database,
            campaigns=self.campaigns(),
            catalog=watch,
            now=self.now,
            config_path=self.config_display,
            report=report,
            workdays=self.workdays,
        )

    def start_clock(self, *, blocking: bool = False) -> ReminderClock:
        """Take the instance lock and start the reminder clock (see reminders.scheduler)."""
        from edicalendar.reminders.scheduler import start_clock

        return start_clock(
            self.dispatcher(),
            tick_seconds=self.loaded.settings.reminders.tick_seconds,
            sqlite_path=self.database.sqlite_path,
            blocking=blocking,
        )

    def accounts(self) -> Accounts:
        """People, roles, sessions and API tokens of this installation."""
        from edicalendar.accounts.directory import Accounts

        return Accounts(self.database, self.loaded.settings.accounts, now=self.now)

    def freezes(self) -> FreezeBook:
        """The communication freezes of this installation (recorded in the database)."""
        from edicalendar.reminders.freeze_book import FreezeBook

        settings = self.loaded.settings
        return FreezeBook(
            self.database,
            settings.freezes,
            nation=settings.nation,
            timezone=self.timezone,
            now=self.now,
        )

    def freeze_calendar(self) -> FreezeCalendar:
        """Every recorded freeze as of today, for the campaign plan's flags."""
        from edicalendar.calendar.freezes import FreezeCalendar
        from edicalendar.reminders.freeze_rows import recorded_freezes

        return FreezeCalendar(tuple(recorded_freezes(self.reads())), self.today())

    def feeds(self, vevents: VeventCache | None = None) -> FeedPublisher:
        """The feed publisher for this installation's calendar, settings and database;
        `vevents` shares serialised events with an earlier publisher."""
        from edicalendar.feeds.build import FeedPublisher

        return FeedPublisher(
            self.catalog,
            self.loaded.settings,
            now=self.now,
            today=self.today,
            database=lambda: self.database,
            config_path=self.config_display,
            vevents=vevents,
        )

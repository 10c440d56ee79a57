"""The data a running server shows, reloaded when the files change and kept when an edit is bad.

A :class:`Snapshot` is everything one version of the data files gives: the catalog (with its
shared index of occurrences, expanded a year at a time on first use), the campaigns, the feed
list and the feeds' prepared responses (:class:`~edicalendar.web.feedtable.FeedTable`). It is
never changed, only replaced whole. :class:`LiveData` holds the current snapshot, polls the data
files' modification times, and swaps in a new snapshot only when it loads cleanly; an invalid
edit is logged and reported by `/healthz` while the last good data keeps being served. When the
date moves the feeds' window, the watcher prepares the new window's feeds, then swaps them in.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.calendar.catalog_watch import files_fingerprint
from edicalendar.calendar.filters import EVERYTHING, ObservanceFilter
from edicalendar.context import AppContext
from edicalendar.errors import EdicalendarError, InvalidDataError
from edicalendar.web.feedtable import FeedTable

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.calendar.occurrences import Expansion
    from edicalendar.campaigns.files import CampaignSet
    from edicalendar.feeds.build import FeedPublisher
    from edicalendar.feeds.ical import VeventCache
    from edicalendar.feeds.specs import FeedSpec
    from edicalendar.model import Campaign

log = logging.getLogger("edicalendar.web")


@dataclass(frozen=True)
class DataCheck:
    """What a clean load of the data files gave: the context and everything checked in it."""

    ctx: AppContext
    publisher: FeedPublisher
    specs: list[FeedSpec]
    #: The campaign files (the database's campaigns are read per request, never checked here).
    campaign_files: CampaignSet


def check_data(ctx: AppContext, vevents: VeventCache | None = None) -> DataCheck:
    """Load and check the calendar, the campaigns and the feed definitions of `ctx`.

    Raises the first :class:`EdicalendarError` (every problem of a file listed); this is what
    `serve` runs before it opens the port, and what a reload must pass to be taken up.
    """
    ctx.catalog  # noqa: B018 - load now so a bad file fails here, not mid-request
    # Any problem in any campaign file refuses the whole edit, like a calendar problem. The
    # database's campaigns are not part of a snapshot: every request reads them afresh.
    this_year = ctx.today().year
    files = ctx.load_campaign_files((this_year, this_year + 1))
    files.require()
    publisher = ctx.feeds(vevents)
    return DataCheck(ctx, publisher, publisher.specs(), files)


@dataclass(frozen=True)
class Snapshot:
    """One consistent version of the data: never mutated, replaced whole on reload."""

    ctx: AppContext
    feeds: FeedTable
    specs: Sequence[FeedSpec]
    #: The campaign files as loaded (database campaigns are read per request).
    campaign_files: CampaignSet
    loaded_at: dt.datetime
    fingerprint: tuple[tuple[str, int, int], ...]

    @property
    def catalog(self) -> Catalog:
        return self.ctx.catalog

    def occurrences(
        self, start: dt.date, end: dt.date, only: ObservanceFilter = EVERYTHING
    ) -> Expansion:
        """Occurrences passing `only` that overlap `start`..`end`, read from the shared index
        (each year computed once per data version), in date order, with warnings."""
        return self.catalog.index.expand(start, end, only)

    @property
    def campaigns(self) -> Mapping[str, Campaign]:
        """The campaigns from files in this snapshot."""
        return self.campaign_files.campaigns


@dataclass
class ReloadProblem:
    """Why the newest edit was not taken up, for logs and `/healthz`."""

    at: dt.datetime
    messages: list[str] = field(default_factory=list)


class LiveData:
    """The current snapshot plus a watcher that reloads it when the data files change."""

    def __init__(self, base: AppContext) -> None:
        from edicalendar.feeds.ical import VeventCache

        self.base = base
        self.problem: ReloadProblem | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Serialised events shared across data versions: an edit re-serialises what changed.
        self.vevents = VeventCache()
        # The first load must succeed: a server that starts on broken data would serve nothing.
        self.snapshot = self._build(self._watched_paths(), first=True)

    def _watched_paths(self) -> list[Path]:
        loaded = self.base.loaded
        paths = [loaded.calendars_dir, loaded.campaigns_dir]
        if loaded.path is not None:
            paths.append(loaded.path)
        return paths

    def _fresh_context(self, first: bool) -> AppContext:
        from edicalendar.config import load_settings

        ctx = AppContext(config_path=self.base.config_path, now=self.base.now)
        # The settings file is read again (feed definitions, public address); where the data
        # lives, the database, the address and the token take effect at the next restart.
        loaded = self.base.loaded if first else load_settings(self.base.config_path)
        ctx.__dict__["loaded"] = loaded
        ctx.__dict__["database"] = self.base.database
        if first and "catalog" in self.base.__dict__:
            ctx.__dict__["catalog"] = self.base.catalog  # already loaded and checked
        return ctx

    def _build(self, paths: Sequence[Path], *, first: bool = False) -> Snapshot:
        fingerprint = files_fingerprint(paths)
        checked = check_data(self._fresh_context(first), self.vevents)
        table = self._table(checked.publisher, checked.specs)
        return Snapshot(
            checked.ctx, table, checked.specs, checked.campaign_files, self.base.now(), fingerprint
        )

    def _table(self, publisher: FeedPublisher, specs: Sequence[FeedSpec]) -> FeedTable:
        return FeedTable(
            publisher,
            specs,
            publisher.window(),
            database=lambda: self.base.database,
            now=self.base.now,
            report=lambda message: log.warning("%s", message),
        )

    def warm(self) -> None:
        """Prepare every feed of the current snapshot now (the server answers meanwhile)."""
        table = self.snapshot.feeds
        table.warm()
        if table is self.snapshot.feeds:
            self.vevents.retain_used()

    def refresh_window(self) -> bool:
        """When the date has moved the feeds' window, prepare the new window's feeds and swap
        them in; True when it did. Clients keep getting the old feeds until the new are ready."""
        with self._lock:
            snapshot = self.snapshot
            publisher = snapshot.feeds.publisher
            window = publisher.window()
            if window == snapshot.feeds.window:
                return False
            table = self._table(publisher, snapshot.specs)
            table.warm()
            self.snapshot = replace(snapshot, feeds=table)
            self.vevents.retain_used()
            log.info("feeds moved to the window %s to %s", *window)
            return True

    def reload_if_changed(self) -> bool:
        """Reload when any data file changed; True when a new snapshot was taken up."""
        with self._lock:
            paths = self._watched_paths()
            if files_fingerprint(paths) == self.snapshot.fingerprint:
                return False
            try:
                snapshot = self._build(paths)
                # Prepared before the swap, so no subscriber waits for the new data's feeds.
                snapshot.feeds.warm()
            except InvalidDataError as exc:
                messages = [str(p) for p in exc.problems]
                self._refuse(paths, messages)
                return False
            except EdicalendarError as exc:
                self._refuse(paths, [str(exc)])
                return False
            except Exception as exc:
                # Whatever else a bad edit trips over (a feed that cannot be built, say), the
                # server keeps the last good data, /healthz says so, and the same files are not
                # retried on every poll.
                log.exception("data reload failed")
                self._refuse(
                    paths, [f"could not load the edited files: {type(exc).__name__}: {exc}"]
                )
                return False
            self.snapshot = snapshot
            self.problem = None
            self.vevents.retain_used()
            log.info(
                "data reloaded: %d observances, %d feeds",
                len(snapshot.catalog),
                len(snapshot.feeds),
            )
            return True

    def _refuse(self, paths: Sequence[Path], messages: list[str]) -> None:
        for message in messages:
            log.error("data not reloaded: %s", message)
        log.error("still serving the data loaded at %s", self.snapshot.loaded_at.isoformat())
        self.problem = ReloadProblem(self.base.now(), messages)
        # Remember the bad files' fingerprint so the same bad edit is not retried every poll.
        self.snapshot = replace(self.snapshot, fingerprint=files_fingerprint(paths))

    def start(self, interval: float = 2.0) -> None:
        """Prepare the feeds, then poll the data files every `interval` seconds, in a daemon
        thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._watch, args=(interval,), name="edicalendar-reload", daemon=True
        )
        self._thread.start()

    def start_warming(self) -> None:
        """Prepare the feeds in a daemon thread, without watching the files."""
        thread = threading.Thread(target=self._warm_logged, name="edicalendar-feeds", daemon=True)
        thread.start()

    def _warm_logged(self) -> None:
        try:
            self.warm()
        except Exception:  # requests still build what they ask for; the error is logged
            log.exception("preparing the feeds failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _watch(self, interval: float) -> None:
        self._warm_logged()
        while not self._stop.wait(interval):
            try:
                if not self.reload_if_changed():
                    self.refresh_window()
            except Exception:  # the watcher must outlive any surprise; the error is logged
                log.exception("data reload failed")

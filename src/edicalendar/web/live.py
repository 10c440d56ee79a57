"""The data a running server shows, reloaded when the files change and kept when an edit is bad.

A :class:`Snapshot` is everything one version of the data files gives: the catalog, the feed
list and every feed's prepared bytes. :class:`LiveData` holds the current snapshot, polls the
data files' modification times, and swaps in a new snapshot only when it loads cleanly; an
invalid edit is logged and reported by `/healthz` while the last good data keeps being served.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.context import AppContext
from edicalendar.errors import EdicalendarError, InvalidDataError
from edicalendar.web.feedserve import FeedResponse, prepare_feed

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.feeds.specs import FeedSpec
    from edicalendar.model import Campaign

log = logging.getLogger("edicalendar.web")


def _campaigns(ctx: AppContext) -> dict[str, Campaign]:
    # Any problem in any campaign file refuses the whole edit, like a calendar problem.
    return ctx.campaigns().load().require()


def _prepared(ctx: AppContext, name: str, body: bytes) -> FeedResponse:
    from edicalendar.feeds.ical import etag
    from edicalendar.feeds.tracking import first_published

    # When these exact bytes were first published: it also moves when an event leaves the
    # feed, so If-Modified-Since never earns a stale 304.
    since = first_published(ctx.database, name, body, ctx.now())
    return prepare_feed(name, body, etag(body), since)


@dataclass(frozen=True)
class Snapshot:
    """One consistent version of the data: never mutated, replaced whole on reload."""

    ctx: AppContext
    feeds: Mapping[str, FeedResponse]
    specs: Sequence[FeedSpec]
    campaigns: Mapping[str, Campaign]
    loaded_at: dt.datetime
    fingerprint: tuple[tuple[str, int, int], ...]

    @property
    def catalog(self) -> Catalog:
        return self.ctx.catalog


@dataclass
class ReloadProblem:
    """Why the newest edit was not taken up, for logs and `/healthz`."""

    at: dt.datetime
    messages: list[str] = field(default_factory=list)


def data_fingerprint(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of every data file under `paths`, sorted; cheap to compare."""
    found: list[tuple[str, int, int]] = []
    for root in paths:
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = sorted(root.rglob("*.toml"))
        else:
            continue
        for path in candidates:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))


class LiveData:
    """The current snapshot plus a watcher that reloads it when the data files change."""

    def __init__(self, base: AppContext) -> None:
        self.base = base
        self.problem: ReloadProblem | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
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
        return ctx

    def _build(self, paths: Sequence[Path], *, first: bool = False) -> Snapshot:
        fingerprint = data_fingerprint(paths)
        ctx = self._fresh_context(first)
        ctx.catalog  # noqa: B018 - load now so a bad file fails here, not mid-request
        campaigns = _campaigns(ctx)
        publisher = ctx.feeds()
        specs = publisher.specs()
        built = publisher.build(specs)
        for message in built.warnings:
            log.warning("%s", message)
        now = self.base.now()
        feeds = {name: _prepared(ctx, name, body) for name, body in built.bodies.items()}
        return Snapshot(ctx, feeds, specs, campaigns, now, fingerprint)

    def reload_if_changed(self) -> bool:
        """Reload when any data file changed; True when a new snapshot was taken up."""
        with self._lock:
            paths = self._watched_paths()
            if data_fingerprint(paths) == self.snapshot.fingerprint:
                return False
            try:
                snapshot = self._build(paths)
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
        self.snapshot = Snapshot(
            self.snapshot.ctx,
            self.snapshot.feeds,
            self.snapshot.specs,
            self.snapshot.campaigns,
            self.snapshot.loaded_at,
            data_fingerprint(paths),
        )

    def start(self, interval: float = 2.0) -> None:
        """Poll the data files every `interval` seconds in a daemon thread."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._watch, args=(interval,), name="edicalendar-reload", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _watch(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.reload_if_changed()
            except Exception:  # the watcher must outlive any surprise; the error is logged
                log.exception("data reload failed")

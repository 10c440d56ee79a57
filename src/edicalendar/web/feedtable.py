"""The served feeds of one data version and one window, prepared once and then only read.

A :class:`FeedTable` knows every feed the installation publishes and prepares a feed's response
(bytes, ETag, Last-Modified, header blocks) the first time anyone asks for it, or ahead of any
request when :meth:`FeedTable.warm` runs in the background after start-up, so `serve` answers
before it has rendered a single feed. Prepared responses are kept by name and by request path:
the fast paths find them with one dictionary lookup and never wait. Only a feed nobody has
prepared yet is built, once, however many requests ask for it at the same moment.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from edicalendar.web.feedserve import FEED_PREFIX, FeedResponse, prepare_feed

#: Feeds this long or longer are also spooled to a file, which the HTTP fast path sends with
#: sendfile(2): copying megabytes through Python costs three times the CPU nginx spends.
SENDFILE_MIN = 1 << 20

#: How many feeds built from a query (`all.ics?category=race&eves=events`) are kept prepared;
#: beyond that the one prepared longest ago is dropped first, so odd queries cannot grow memory.
MAX_QUERY_FEEDS = 256

if TYPE_CHECKING:
    from edicalendar.feeds.build import FeedPublisher
    from edicalendar.feeds.query import Tradition
    from edicalendar.feeds.specs import FeedSpec
    from edicalendar.storage.engine import Database


class FeedTable(Mapping[str, FeedResponse]):
    """Every feed by name; reading an entry prepares it if it is not prepared yet."""

    def __init__(
        self,
        publisher: FeedPublisher,
        specs: Sequence[FeedSpec],
        window: tuple[dt.date, dt.date],
        *,
        database: Callable[[], Database],
        now: Callable[[], dt.datetime],
        report: Callable[[str], None],
    ) -> None:
        self.publisher = publisher
        self.window = window
        self._specs = {spec.name: spec for spec in specs}
        self._database = database
        self._now = now
        self._report = report
        self._ready: dict[str, FeedResponse] = {}
        #: Prepared responses by exact request path (b"/feeds/all.ics"), for the HTTP fast path.
        self.by_path: dict[bytes, FeedResponse] = {}
        self._condition = threading.Condition()
        self._building = False
        #: Feeds built from a query, by normalised key ("all?category=race"), most recent last.
        self._queries: OrderedDict[str, FeedResponse] = OrderedDict()
        #: The request paths (with their query, as sent) that reached each query feed.
        self._query_paths: dict[str, set[bytes]] = {}
        self._traditions: list[Tradition] | None = None

    # --- Mapping -------------------------------------------------------------------------

    def __getitem__(self, name: str) -> FeedResponse:
        found = self.prepare(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    # --- FeedSource ----------------------------------------------------------------------

    def ready(self, name: str) -> FeedResponse | None:
        """The feed's response if prepared; never blocks."""
        return self._ready.get(name)

    def prepare(self, name: str) -> FeedResponse | None:
        """The feed's response, built now if need be; None when no feed has this name."""
        found = self._ready.get(name)
        if found is not None:
            return found
        spec = self._specs.get(name)
        if spec is None:
            return None
        self._build([spec])
        return self._ready.get(name)

    # --- feeds built from a query --------------------------------------------------------

    @property
    def traditions(self) -> list[Tradition]:
        """The traditions a query may choose (the catalog's faith calendars)."""
        if self._traditions is None:
            from edicalendar.feeds.query import traditions

            self._traditions = traditions(self.publisher.catalog)
        return self._traditions

    def ready_query(self, name: str, query: bytes) -> FeedResponse | None:
        """The prepared feed for this exact path and query as sent, or None; never blocks."""
        return self.by_path.get(f"{FEED_PREFIX}{name}.ics?".encode() + query)

    def prepare_query(self, name: str, query: bytes) -> FeedResponse | None:
        """The feed `name` narrowed and written as `query` says, built now if need be.

        None when no feed has this name; a :class:`~edicalendar.errors.QueryError` (to answer
        400) for an unknown parameter or value. Equivalent queries share one prepared feed.
        """
        from edicalendar.feeds.query import parse_query_string, query_spec

        spec = self._specs.get(name)
        if spec is None:
            return None
        chosen = self.traditions
        parsed = parse_query_string(query, [t.name for t in chosen])
        if parsed.empty:
            return self.prepare(name)
        base = self.prepare(name)
        assert base is not None
        key = f"{name}?{parsed.canonical()}"
        path = f"{FEED_PREFIX}{name}.ics?".encode() + query
        with self._condition:
            found = self._queries.get(key)
            if found is not None:
                self._queries.move_to_end(key)
                self._remember(key, path, found)
                return found
        narrowed = query_spec(spec, parsed, {t.name: t.label for t in chosen})
        with self._condition:
            while self._building:
                self._condition.wait()
            found = self._queries.get(key)
            if found is not None:  # built by a request that came in at the same moment
                self._remember(key, path, found)
                return found
            self._building = True
        try:
            built = self.publisher.build([narrowed], *self.window)
        finally:
            with self._condition:
                self._building = False
                self._condition.notify_all()
        from edicalendar.feeds.ical import etag

        body = built.bodies[name]
        # Every change to a narrowed feed is a change to the feed it narrows, so the latter's
        # first-published time is a safe Last-Modified (and keeps no row per query).
        response = prepare_feed(name, body, etag(body), base.last_modified, spool_from=SENDFILE_MIN)
        with self._condition:
            self._queries[key] = response
            self._remember(key, path, response)
            while len(self._queries) > MAX_QUERY_FEEDS:
                dropped, _ = self._queries.popitem(last=False)
                for old in self._query_paths.pop(dropped, set()):
                    self.by_path.pop(old, None)
        return response

    def _remember(self, key: str, path: bytes, response: FeedResponse) -> None:
        paths = self._query_paths.setdefault(key, set())
        if path not in paths and len(paths) < 8:  # a few spellings each, not unbounded
            paths.add(path)
            self.by_path[path] = response

    def warm(self) -> None:
        """Prepare every feed not prepared yet in one build (the window expanded once, change
        tracking read once); each feed is served as soon as it is rendered."""
        self._build(list(self._specs.values()))

    @property
    def complete(self) -> bool:
        """Every feed is prepared."""
        return len(self._ready) == len(self._specs)

    def _build(self, wanted: list[FeedSpec]) -> None:
        with self._condition:
            while self._building and any(s.name not in self._ready for s in wanted):
                self._condition.wait()
            missing = [s for s in wanted if s.name not in self._ready]
            if not missing:
                return
            self._building = True
        try:
            built = self.publisher.build(missing, *self.window, on_feed=self._add)
            for message in built.warnings:
                self._report(message)
        finally:
            with self._condition:
                self._building = False
                self._condition.notify_all()

    def _add(self, name: str, body: bytes) -> None:
        from edicalendar.feeds.ical import etag
        from edicalendar.feeds.tracking import first_published

        # When these exact bytes were first published: it also moves when an event leaves the
        # feed, so If-Modified-Since never earns a stale 304.
        since = first_published(self._database(), name, body, self._now())
        response = prepare_feed(name, body, etag(body), since, spool_from=SENDFILE_MIN)
        with self._condition:
            self._ready[name] = response
            self.by_path[f"{FEED_PREFIX}{name}.ics".encode()] = response
            self._condition.notify_all()

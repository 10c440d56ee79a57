"""Every occurrence of a catalog, expanded once per year on first use and indexed by date.

A catalog never changes, so neither do its occurrences: an :class:`OccurrenceIndex` expands
each Gregorian year once (every observance, overrides applied) and keeps it, so the pages, the
API, the feeds, the clash check and the reminder planner all read the same objects and a request
costs what its answer costs, not what the calendar costs. Within a year, occurrences are kept by
length class (up to 1, 2, 4 ... 512 days) and sorted by start, so a window is found with two
binary searches per class; whole months and long spans never make a one-day query scan the year.
At most :data:`MAX_YEARS` years stay cached (least recently used first out), so a crawler walking
the centuries cannot grow the memory without bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from edicalendar import __version__
from edicalendar.calendar.conventions import DEFAULT, Conventions
from edicalendar.calendar.expansion import (
    LOOKBACK_YEARS,
    Expansion,
    Skipped,
    check_years,
    occurrences_in_year,
    sort_key,
    year_warnings,
)
from edicalendar.calendar.filters import EVERYTHING, ObservanceFilter
from edicalendar.errors import UnsupportedYearError
from edicalendar.model import Observance, Occurrence

if TYPE_CHECKING:
    from edicalendar.calendar.cache import CompiledCache

#: Years kept expanded at once; a server's working set is a few years around today.
MAX_YEARS = 64
#: Distinct filters whose selected observance ids are remembered.
MAX_FILTERS = 256
#: Windows kept as listed (the pages and the API ask for the same months and years again).
MAX_WINDOWS = 64
_T = TypeVar("_T")
#: A year's ranks stay below 2**32, so `year << 32 | rank` orders occurrences across years.
_RANK_BITS = 32

#: Length classes: an occurrence of `days` days goes in the first class whose bound is >= days.
_CLASS_BOUNDS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


@dataclass(frozen=True)
class _LengthClass:
    """Occurrences of one length class, sorted by first day (as ordinals, for bisect), each with
    its place in the year's listing order."""

    bound: int
    starts: list[int]
    items: list[Occurrence]
    ranks: list[int]


@dataclass(frozen=True)
class _Year:
    """One Gregorian year of the catalog: occurrences starting in it, and what failed."""

    by_observance: dict[str, tuple[Occurrence, ...]]
    classes: tuple[_LengthClass, ...]
    #: Observance id -> why the rule cannot date this year.
    errors: dict[str, UnsupportedYearError]
    #: Observance id -> why it has no occurrence this year (before `since`, or not computable).
    skipped: dict[str, Skipped]
    count: int
    #: `id()` of every occurrence held here -> its place in the year's listing order
    #: (:func:`sort_key`, then catalog order); derived values are only kept for these.
    rank: dict[int, int]
    #: Values derived from one occurrence (its JSON, its feed event), by kind then `id()`.
    derived: dict[str, dict[int, Any]] = field(default_factory=dict)


#: One year of a catalog: occurrences by observance, why some cannot be dated, what is skipped.
_Expanded = tuple[
    dict[str, tuple[Occurrence, ...]], dict[str, UnsupportedYearError], dict[str, Skipped]
]


def _expand_year(
    observances: Iterable[Observance], year: int, conventions: Conventions
) -> _Expanded:
    by_observance: dict[str, tuple[Occurrence, ...]] = {}
    errors: dict[str, UnsupportedYearError] = {}
    skipped: dict[str, Skipped] = {}
    for observance in observances:
        if observance.since is not None and year < observance.since:
            message = f"{observance.id}: not held in {year}; it began in {observance.since}"
            skipped[observance.id] = Skipped(
                observance.id, observance.name, year, "before_since", message
            )
            continue
        try:
            found = occurrences_in_year(observance, year, conventions)
        except UnsupportedYearError as exc:
            errors[observance.id] = exc.with_traceback(None)
            skipped[observance.id] = Skipped(
                observance.id, observance.name, year, "not_computable", str(exc)
            )
            continue
        by_observance[observance.id] = tuple(found)
    return by_observance, errors, skipped


def _assemble_year(
    by_observance: dict[str, tuple[Occurrence, ...]],
    errors: dict[str, UnsupportedYearError],
    skipped: dict[str, Skipped],
    position: Mapping[str, int],
) -> _Year:
    buckets: list[list[Occurrence]] = [[] for _ in _CLASS_BOUNDS]
    count = 0
    for found in by_observance.values():
        for occurrence in found:
            days = (occurrence.end - occurrence.start).days + 1
            slot = next((i for i, b in enumerate(_CLASS_BOUNDS) if days <= b), -1)
            buckets[slot].append(occurrence)
            count += 1
    # Ranked once here, so a window is put in order by comparing integers, not tuples.
    listed = [o for found in by_observance.values() for o in found]
    listed.sort(key=lambda o: (*sort_key(o), position.get(o.observance_id, 0)))
    rank = {id(o): number for number, o in enumerate(listed)}
    classes = []
    for bound, bucket in zip(_CLASS_BOUNDS, buckets, strict=True):
        if bucket:
            bucket.sort(key=lambda o: o.start)
            starts = [o.start.toordinal() for o in bucket]
            classes.append(_LengthClass(bound, starts, bucket, [rank[id(o)] for o in bucket]))
    return _Year(by_observance, tuple(classes), errors, skipped, count, rank)


class YearStore:
    """Expanded years of one compiled catalog kept on disk, so a short command (`upcoming`,
    `clashes`) reads a year back instead of computing every observance in it again.

    An entry is keyed on the calendar files' contents (the catalog's compiled key), the
    observances asked for, the conventions, the year, and the code and tables that compute
    dates (this package's calendar modules and the date libraries, by file size and time), so
    an edited file, an upgrade or a different `[conventions]` setting computes afresh.
    """

    KIND = "occurrences"
    _FORMAT = b"occurrences-1"

    def __init__(self, cache: CompiledCache, compiled_key: bytes) -> None:
        self.cache = cache
        self.compiled_key = compiled_key

    def key(self, observances: Iterable[str], conventions: Conventions, year: int) -> bytes:
        digest = hashlib.sha256(self._FORMAT + _code_fingerprint() + self.compiled_key)
        digest.update("\0".join(observances).encode())
        digest.update(f"\0{conventions!r}\0{year}".encode())
        return digest.digest()

    def get(self, key: bytes) -> _Expanded | None:
        found = self.cache.get(self.KIND, key)
        if not isinstance(found, tuple) or len(found) != 3:
            return None
        by_observance, failed, skipped = found
        errors = {obs_id: UnsupportedYearError(*args) for obs_id, args in failed.items()}
        return by_observance, errors, skipped

    def put(self, key: bytes, expanded: _Expanded) -> None:
        by_observance, errors, skipped = expanded
        # An exception does not survive pickling with its own arguments: keep those.
        failed = {
            obs_id: (e.observance, e.year, e.first, e.last, e.why) for obs_id, e in errors.items()
        }
        self.cache.put(self.KIND, key, (by_observance, failed, skipped))


@cache
def _code_fingerprint() -> bytes:
    """What computes dates, by file: this package's calendar code and model, and the date
    libraries' modules (their path, size and modification time; nothing is read)."""
    here = Path(__file__).resolve().parent
    paths = [*sorted(here.rglob("*.py")), here.parent / "model.py"]
    for name in ("hijridate", "pyluach", "ephem", "holidays", "dateutil", "convertdate"):
        spec = find_spec(name)
        if spec is not None and spec.origin is not None:
            paths.append(Path(spec.origin))
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    return digest.digest()


_WindowKey = tuple[dt.date, dt.date, ObservanceFilter]
#: A window as listed: its occurrences in order, its warnings and the years skipped.
_Window = tuple[tuple[Occurrence, ...], tuple[str, ...], tuple[Skipped, ...]]


class OccurrenceIndex:
    """The occurrences of a catalog's observances (by id, in catalog order) dated by one set of
    conventions, computed a year at a time and shared by every reader.

    Safe to use from several threads: a year is built once under a lock, then only read.
    """

    def __init__(
        self,
        observances: Mapping[str, Observance],
        conventions: Conventions = DEFAULT,
        *,
        max_years: int = MAX_YEARS,
        max_windows: int = MAX_WINDOWS,
        store: YearStore | None = None,
    ) -> None:
        """`store` keeps expanded years between runs (see :class:`YearStore`)."""
        self.observances = observances
        self.store = store
        self.conventions = conventions
        self.max_years = max_years
        self.max_windows = max_windows
        self._position = {obs_id: i for i, obs_id in enumerate(observances)}
        self._years: OrderedDict[int, _Year] = OrderedDict()
        self._selected: OrderedDict[ObservanceFilter, frozenset[str]] = OrderedDict()
        self._windows: OrderedDict[_WindowKey, _Window] = OrderedDict()
        self._lock = threading.Lock()

    # --- years ---------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is not None:
            # Evicted by another thread just now: still ours to read.
            with suppress(KeyError):
                self._years.move_to_end(year)
            return found
        with self._lock:
            found = self._years.get(year)
            if found is None:
                found = _assemble_year(*self._expanded(year), self._position)
                self._years[year] = found
                while len(self._years) > self.max_years:
                    self._years.popitem(last=False)
            else:
                self._years.move_to_end(year)
        return found

    def _expanded(self, year: int) -> _Expanded:
        if self.store is None:
            return _expand_year(self.observances.values(), year, self.conventions)
        key = self.store.key(self.observances, self.conventions, year)
        found = self.store.get(key)
        if found is None:
            found = _expand_year(self.observances.values(), year, self.conventions)
            self.store.put(key, found)
        return found

    def cached_years(self) -> list[int]:
        """The years expanded so far (oldest use first)."""
        return list(self._years)

    def in_year(self, observance: Observance, year: int) -> list[Occurrence]:
        """Every occurrence of `observance` starting in `year` (as
        :func:`~edicalendar.calendar.occurrences.occurrences_in_year`, which it raises like).

        Read from the expanded year when there is one; a single observance in a year nobody
        has asked for is computed on its own rather than expanding the whole catalog.
        """
        cached = self._years.get(year)
        if cached is None or self.observances.get(observance.id) is not observance:
            return occurrences_in_year(observance, year, self.conventions)
        failed = cached.errors.get(observance.id)
        if failed is not None:  # a fresh exception: a shared one would collect tracebacks
            raise UnsupportedYearError(
                failed.observance, failed.year, failed.first, failed.last, failed.why
            )
        return list(cached.by_observance.get(observance.id, ()))

    def derived(self, occurrence: Occurrence, kind: str, make: Callable[[Occurrence], _T]) -> _T:
        """`make(occurrence)`, computed once and kept while the occurrence's year stays expanded.

        For what every request would otherwise rebuild from the same immutable occurrence (its
        JSON record, its feed event). `kind` names the derivation; an occurrence not read from
        this index is simply passed to `make`.
        """
        year = self._years.get(occurrence.year)
        if year is None or id(occurrence) not in year.rank:
            return make(occurrence)
        memo = year.derived.setdefault(kind, {})
        found = memo.get(id(occurrence))
        if found is None:
            found = memo[id(occurrence)] = make(occurrence)
        return found

    # --- filters -------------------------------------------------------------------------

    def _selected_ids(self, only: ObservanceFilter) -> frozenset[str]:
        found = self._selected.get(only)
        if found is None:
            found = frozenset(o.id for o in self.observances.values() if only.selects(o))
            with self._lock:
                self._selected[only] = found
                while len(self._selected) > MAX_FILTERS:
                    self._selected.popitem(last=False)
        return found

    # --- windows -------------------------------------------------------------------------

    def expand(
        self,
        start: dt.date,
        end: dt.date,
        only: ObservanceFilter = EVERYTHING,
    ) -> Expansion:
        """Occurrences of observances passing `only` that overlap `start`..`end` (inclusive),
        in :func:`sort_key` order, with a warning for each year a rule cannot date and every
        year without an occurrence listed as skipped (as a straight expansion gives them)."""
        if end < start:
            raise ValueError(f"window ends ({end}) before it starts ({start})")
        key = (start, end, only)
        kept = self._windows.get(key)
        if kept is None:
            kept = self._listed(start, end, only)
            with self._lock:
                self._windows[key] = kept
                while len(self._windows) > self.max_windows:
                    self._windows.popitem(last=False)
        found, warnings, skipped = kept
        # Fresh lists: a caller may sort or extend its own without touching the next one's.
        return Expansion(list(found), list(warnings), list(skipped))

    def _listed(self, start: dt.date, end: dt.date, only: ObservanceFilter) -> _Window:
        check_years(start, end)
        years = range(start.year - LOOKBACK_YEARS, end.year + 1)
        selected = None if only == EVERYTHING else self._selected_ids(only)
        if only.observances and selected is not None and len(selected) <= 16:
            ranked = self._by_observance(selected, years, start, end)
        else:
            ranked = self._by_date(selected, years, start, end)
        # A year's occurrences all start in it, so (year, rank in year) is the listing order.
        ranked.sort()
        found = tuple(occurrence for _, occurrence in ranked)
        skipped = tuple(self._skipped(selected, years, start.year))
        return found, tuple(year_warnings(list(skipped))), skipped

    def _by_date(
        self, selected: Collection[str] | None, years: range, start: dt.date, end: dt.date
    ) -> list[tuple[int, Occurrence]]:
        first, last = start.toordinal(), end.toordinal()
        found: list[tuple[int, Occurrence]] = []
        for year in years:
            base = year << _RANK_BITS
            for length in self._year(year).classes:
                low = bisect_left(length.starts, first - length.bound + 1)
                high = bisect_right(length.starts, last)
                for index in range(low, high):
                    occurrence = length.items[index]
                    if occurrence.end >= start and (
                        selected is None or occurrence.observance_id in selected
                    ):
                        found.append((base + length.ranks[index], occurrence))
        return found

    def _by_observance(
        self, selected: Iterable[str], years: range, start: dt.date, end: dt.date
    ) -> list[tuple[int, Occurrence]]:
        found: list[tuple[int, Occurrence]] = []
        for year in years:
            expanded = self._year(year)
            base = year << _RANK_BITS
            for observance_id in selected:
                for occurrence in expanded.by_observance.get(observance_id, ()):
                    if occurrence.end >= start and occurrence.start <= end:
                        found.append((base + expanded.rank[id(occurrence)], occurrence))
        return found

    def _skipped(
        self, selected: Collection[str] | None, years: range, first_year: int
    ) -> list[Skipped]:
        # A look-back year only adds spans reaching in; its gaps are not this window's.
        found: list[tuple[int, int, Skipped]] = []
        for year in years:
            if year < first_year:
                continue
            for observance_id, skipped in self._year(year).skipped.items():
                if selected is None or observance_id in selected:
                    found.append((self._position.get(observance_id, 0), year, skipped))
        found.sort(key=lambda item: (item[0], item[1]))
        return [skipped for _, _, skipped in found]

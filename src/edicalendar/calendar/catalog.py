"""Load and validate the observance data in `calendars/*.toml` into a :class:`Catalog`.

Each file is one calendar (its stem is the calendar's name) holding `[[observance]]` tables in
the vocabulary of DESIGN 4.2 (checked by :mod:`~edicalendar.calendar.validation`). Validation
collects every problem in every file before failing, and each problem names
`path:line: observance-id: field`. The result is a set of frozen
:class:`~edicalendar.model.Observance` objects; nothing here computes dates. Given a
:class:`~edicalendar.calendar.cache.CompiledCache`, a catalog whose files have not changed
(byte for byte) is read back compiled instead of validated again, and after an edit only the
files that changed are validated again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edicalendar import __version__, model
from edicalendar.calendar.conventions import DEFAULT as DEFAULT_CONVENTIONS
from edicalendar.calendar.conventions import Conventions
from edicalendar.errors import CatalogError, Problem

if TYPE_CHECKING:
    from edicalendar.calendar.cache import CompiledCache
    from edicalendar.calendar.index import OccurrenceIndex
    from edicalendar.calendar.search import SearchIndex

#: Bumped whenever the compiled form of a catalog changes shape, or what validation accepts
#: changes (a compiled copy skips validation), together with the package version.
_COMPILED_FORMAT = b"catalog-5"


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """One calendar file: its name (the file stem), title, description, path, and whether it is
    optional (off until switched on in config)."""

    name: str
    title: str
    description: str
    path: str
    optional: bool = False


@dataclass(frozen=True)
class Catalog:
    """Every observance from every calendar file, by id, in file then table order.

    A catalog loaded from files holds every calendar. :meth:`enabled` gives the catalog an
    organisation uses: the default calendars plus the optional ones it switched on; what is left
    out stays in `switched_off` so messages and imports can say where an observance lives.
    Never changed once made, so its occurrences are computed once: :attr:`index` expands each
    year on first use for everyone who reads this catalog.
    """

    observances: Mapping[str, model.Observance]
    calendars: Mapping[str, CalendarInfo]
    #: Which community's dates to show where traditions differ (from config; defaults stated
    #: in :mod:`edicalendar.calendar.conventions`).
    conventions: Conventions = DEFAULT_CONVENTIONS

    def with_conventions(self, conventions: Conventions) -> Catalog:
        """This catalog dating festivals by `conventions`."""
        return replace(self, conventions=conventions)

    #: Observances of optional calendars that are not switched on, by id.
    switched_off: Mapping[str, model.Observance] = field(default_factory=dict)
    #: Optional calendars that are not switched on, by name.
    switched_off_calendars: Mapping[str, CalendarInfo] = field(default_factory=dict)
    #: Where expanded years are kept between runs, and the key of the files this catalog was
    #: compiled from (set by :func:`load_files` given a cache; never pickled).
    year_cache: CompiledCache | None = field(default=None, compare=False, repr=False)
    compiled_key: bytes = field(default=b"", compare=False, repr=False)

    def get(self, observance_id: str) -> model.Observance | None:
        return self.observances.get(observance_id)

    def __len__(self) -> int:
        return len(self.observances)

    @cached_property
    def index(self) -> OccurrenceIndex:
        """The occurrences of this catalog by its conventions, expanded a year at a time and
        shared (a catalog made by :meth:`with_conventions` or :meth:`enabled` has its own)."""
        from edicalendar.calendar.index import OccurrenceIndex, YearStore

        store = None
        if self.year_cache is not None and self.compiled_key:
            store = YearStore(self.year_cache, self.compiled_key)
        return OccurrenceIndex(self.observances, self.conventions, store=store)

    @cached_property
    def search(self) -> SearchIndex:
        """The observances' names, other names, traditions and categories, folded once for
        searching (:mod:`edicalendar.calendar.search`)."""
        from edicalendar.calendar.search import SearchIndex

        titles = {name: info.title for name, info in self.calendars.items()}
        return SearchIndex(self.observances.values(), titles)

    def __getstate__(self) -> dict[str, Any]:
        # The index and the search are derived (the index holds a lock): a copy or a pickle
        # starts without them, and the cache it was read from is not part of it.
        dropped = ("index", "search", "year_cache", "compiled_key")
        return {k: v for k, v in self.__dict__.items() if k not in dropped}

    @property
    def optional_calendars(self) -> list[str]:
        """Names of every optional calendar, switched on or not, in file order."""
        names = [c.name for c in self.calendars.values() if c.optional]
        return names + [n for n in self.switched_off_calendars if n not in names]

    def enabled(self, switched_on: Iterable[str]) -> Catalog:
        """The catalog with only the default calendars and the optional ones in `switched_on`.

        An observance of a switched-off calendar stays in when it is also listed in a calendar
        that is on (`also_in`). Unknown names raise ValueError naming the optional calendars.
        """
        wanted = set(switched_on)
        every = {**self.calendars, **self.switched_off_calendars}
        unknown = sorted(wanted - set(every))
        if unknown:
            raise ValueError(
                f"unknown calendar {', '.join(map(repr, unknown))}; optional calendars are: "
                + (", ".join(self.optional_calendars) or "none")
            )
        on = {name for name, info in every.items() if not info.optional or name in wanted}
        observances: dict[str, model.Observance] = {}
        switched_off: dict[str, model.Observance] = {}
        for observance in (*self.observances.values(), *self.switched_off.values()):
            if observance.calendar in on or on & set(observance.also_in):
                observances[observance.id] = observance
            else:
                switched_off[observance.id] = observance
        order = {name: index for index, name in enumerate(every)}
        ordered = sorted(observances.values(), key=lambda o: (order[o.calendar], o.line or 0))
        return Catalog(
            observances={o.id: o for o in ordered},
            calendars={n: i for n, i in every.items() if n in on},
            switched_off=switched_off,
            switched_off_calendars={n: i for n, i in every.items() if n not in on},
            conventions=self.conventions,
            year_cache=self.year_cache,
            compiled_key=self.compiled_key,
        )

    def where(self, observance_id: str) -> str | None:
        """The optional calendar holding a switched-off observance, if it is one."""
        observance = self.switched_off.get(observance_id)
        return observance.calendar if observance else None


def calendar_files(directory: Path) -> list[Path]:
    """The calendar files in a directory, sorted by name so loading order is stable."""
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


def load_catalog(
    directory: Path, *, display_root: Path | None = None, cache: CompiledCache | None = None
) -> Catalog:
    """Load every `*.toml` in `directory`; raise :class:`CatalogError` listing all problems.

    With `cache`, files identical to a previous valid load are not validated again.
    """
    if not directory.is_dir():
        raise CatalogError([Problem(str(directory), None, None, None, "calendar folder not found")])
    return load_files(calendar_files(directory), display_root=display_root, cache=cache)


def load_files(
    paths: Iterable[Path], *, display_root: Path | None = None, cache: CompiledCache | None = None
) -> Catalog:
    """Load the given calendar files (see :func:`load_catalog`)."""
    files = [(path, _display(path, display_root)) for path in paths]
    if cache is None:
        return _validate(files, {})
    contents: dict[Path, bytes] = {}
    key = hashlib.sha256(_COMPILED_FORMAT + __version__.encode())
    for path, display in files:
        try:
            contents[path] = path.read_bytes()
        except OSError:
            return _validate(files, {})  # reported, with the reason, by the validation
        for part in (display.encode(), contents[path]):
            key.update(len(part).to_bytes(8, "big") + part)
    found = cache.get("catalog", key.digest())
    if not isinstance(found, Catalog):
        found = _validate(files, contents, _CheckedFiles(cache))
        cache.put("catalog", key.digest(), found)
    return replace(found, year_cache=cache, compiled_key=key.digest())


class _CheckedFiles:
    """Each calendar file's validated header and observances from the last load, keyed on its
    name, displayed path and bytes: after an edit, only the files that changed are validated
    again (the checks across files always run). A file with any problem is never kept."""

    _KEY = hashlib.sha256(b"calendar-files\0" + _COMPILED_FORMAT + __version__.encode()).digest()

    def __init__(self, cache: CompiledCache) -> None:
        self.cache = cache
        stored = cache.get("calendar-files", self._KEY)
        self.before: dict[bytes, Any] = stored if isinstance(stored, dict) else {}
        self.now: dict[bytes, Any] = {}

    @staticmethod
    def key(path: Path, display: str, content: bytes) -> bytes:
        digest = hashlib.sha256()
        for part in (path.stem.encode(), display.encode(), content):
            digest.update(len(part).to_bytes(8, "big") + part)
        return digest.digest()

    def save(self) -> None:
        # Keys are content hashes, so the same keys mean the same entries.
        if self.now.keys() != self.before.keys():
            self.cache.put("calendar-files", self._KEY, self.now)


def _validate(
    files: list[tuple[Path, str]],
    contents: Mapping[Path, bytes],
    checked: _CheckedFiles | None = None,
) -> Catalog:
    from edicalendar.calendar.validation import load_file

    problems: list[Problem] = []
    observances: dict[str, model.Observance] = {}
    calendars: dict[str, CalendarInfo] = {}
    for path, display in files:
        content = contents.get(path)
        file_key = None
        loaded = None
        if checked is not None and content is not None:
            file_key = checked.key(path, display, content)
            loaded = checked.before.get(file_key)
        if loaded is None:
            problems_before = len(problems)
            loaded = load_file(path, display, problems, content)
            if loaded is None:
                continue
            if len(problems) > problems_before:
                file_key = None  # never kept: it is validated again until it is right
        if checked is not None and file_key is not None:
            checked.now[file_key] = loaded
        header, entries = loaded
        info = CalendarInfo(path.stem, header.title, header.description, display, header.optional)
        calendars[info.name] = info
        for obs in entries:
            first = observances.get(obs.id)
            if first is not None:
                problems.append(
                    Problem(
                        obs.path,
                        obs.line,
                        obs.id,
                        "id",
                        f"duplicate id; already defined at {first.path}:{first.line}",
                    )
                )
                continue
            observances[obs.id] = obs
    for obs in observances.values():
        for name in obs.also_in:
            if name == obs.calendar or name not in calendars:
                what = "its own calendar" if name == obs.calendar else "no such calendar"
                problems.append(
                    Problem(
                        obs.path,
                        obs.line,
                        obs.id,
                        "also_in",
                        f"{name!r} is {what}; use the names of other calendar files: "
                        + ", ".join(n for n in calendars if n != obs.calendar),
                    )
                )
    if checked is not None:
        checked.save()
    if problems:
        raise CatalogError(problems)
    return Catalog(observances=observances, calendars=calendars)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

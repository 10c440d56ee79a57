"""A calendar that follows its files: reloaded when they change, the last good one kept.

A long-running process (the reminder clock inside `edicalendar serve`) must see a date that
`edicalendar dates confirm` or an editor has just recorded, or it would go on announcing the
old one. :class:`CatalogWatch` checks the files' sizes and modification times on every call
and reloads only when they changed; an edit that does not load is reported once and the last
good calendar stays in use, as the web server does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.conventions import DEFAULT, Conventions
from edicalendar.errors import CatalogError

if TYPE_CHECKING:
    from edicalendar.calendar.cache import CompiledCache

Fingerprint = tuple[tuple[str, int, int], ...]


def files_fingerprint(paths: Sequence[Path]) -> Fingerprint:
    """(path, mtime_ns, size) of every `*.toml` under `paths` (or each file), sorted."""
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


class CatalogWatch:
    """Call it for the current catalog of `directory`: the default calendars and the optional
    ones `enabled`, dated by `conventions` (as AppContext.catalog builds it)."""

    def __init__(
        self,
        directory: Path,
        conventions: Conventions = DEFAULT,
        *,
        enabled: Iterable[str] = (),
        report: Callable[[str], None] | None = None,
        cache: CompiledCache | None = None,
    ) -> None:
        self.directory = directory
        self.conventions = conventions
        #: The optional calendars switched on (`[calendars] enabled`).
        self.enabled = tuple(enabled)
        self.report = report or (lambda _text: None)
        #: Where compiled calendars are kept between runs (as AppContext.full_catalog uses).
        self.cache = cache
        self._fingerprint: Fingerprint | None = None
        self._catalog: Catalog | None = None

    def __call__(self) -> Catalog:
        fingerprint = files_fingerprint([self.directory])
        if self._catalog is not None and fingerprint == self._fingerprint:
            return self._catalog
        try:
            full = load_catalog(self.directory, cache=self.cache).with_conventions(self.conventions)
            catalog = full.enabled(self.enabled)
        except (CatalogError, ValueError) as exc:
            if self._catalog is None:
                raise
            if fingerprint != self._fingerprint:
                self.report(f"calendar edit not used (the last good calendar stays): {exc}")
            self._fingerprint = fingerprint
            return self._catalog
        self._catalog, self._fingerprint = catalog, fingerprint
        return catalog

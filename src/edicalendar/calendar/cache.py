"""Compiled data kept on disk between runs, keyed on exactly what it was compiled from.

Validating every calendar file with pydantic costs more than everything else a short command
does, yet the files rarely change. A :class:`CompiledCache` stores the compiled result (a
validated catalog, a nation's bank holidays) as a pickle named by a SHA-256 key of its inputs
(file names and bytes, the package version), so the same inputs give the same file and any
change gives a new one; nothing is ever invalidated by time. The newest few entries of each
kind are kept.

The cache is a convenience, never a source of truth: a missing, unreadable or corrupt entry is
compiled again, and a folder that cannot be written is simply not used. Because a pickle can
run code when read, entries are only read from a folder this user owns and nobody else may
write to, and only from files this user owns.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import stat
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("edicalendar.cache")

#: Entries of one kind kept at once (older ones are removed when a new one is written).
KEEP_PER_KIND = 8
#: Where the cache lives when neither the environment nor the settings name a folder.
CACHE_ENV = "EDICALENDAR_CACHE_DIR"


def default_cache_dir() -> Path:
    """`$EDICALENDAR_CACHE_DIR`, else `$XDG_CACHE_HOME/edicalendar`, else `~/.cache/edicalendar`."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "edicalendar"


class CompiledCache:
    """Pickled values by (kind, key) in one folder; every failure means "compile it again"."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, kind: str, key: bytes) -> Path:
        return self.directory / f"{kind}-{key.hex()[:40]}.pickle"

    def _trusted_folder(self) -> bool:
        try:
            info = self.directory.stat()
        except OSError:
            return False
        return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)

    def get(self, kind: str, key: bytes) -> Any:
        """The value stored under `key`, or None when there is none that can be trusted."""
        path = self._path(kind, key)
        try:
            with path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                    return None
                if not self._trusted_folder():
                    return None
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as exc:  # unreadable or written by another version: compile again
            log.debug("ignoring cache entry %s: %s", path, exc)
            return None

    def put(self, kind: str, key: bytes, value: Any) -> None:
        """Store `value` under `key` (atomically), then drop the oldest entries of `kind`."""
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._trusted_folder():
                log.debug("not writing the cache: %s is not private to this user", self.directory)
                return
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{kind}-")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._path(kind, key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self._prune(kind)
        except (OSError, pickle.PicklingError) as exc:
            log.debug("not writing the cache in %s: %s", self.directory, exc)

    def _prune(self, kind: str) -> None:
        entries = []
        for path in self.directory.glob(f"{kind}-*.pickle"):
            with contextlib.suppress(OSError):
                entries.append((path.stat().st_mtime_ns, path))
        entries.sort(reverse=True)
        for _, path in entries[KEEP_PER_KIND:]:
            with contextlib.suppress(OSError):
                path.unlink()

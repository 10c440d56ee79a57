"""Writing a file so that readers never see half of it: a temporary file, then one rename.

Feeds, the static site and imported calendar files are all written through :func:`write_atomic`:
a web server, a CDN sync or `edicalendar serve` reading the file sees the old bytes or the new,
never a mixture, and a failed check leaves the old file untouched. Renaming is only for regular
files: a device, a FIFO or a terminal (`-o /dev/null`, `-o /dev/stdout`) is written directly, so
the command never replaces a device node with a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from edicalendar.errors import OutputError

#: Permission bits of a newly created file (an existing file keeps its own).
NEW_FILE_MODE = 0o644


def write_atomic(
    path: Path,
    body: bytes,
    *,
    check: Callable[[Path], None] | None = None,
    skip_identical: bool = True,
    new_file_mode: int = NEW_FILE_MODE,
) -> bool:
    """Put `body` at `path` in one rename; False when the file already held exactly `body`.

    `check`, when given, is called with the temporary file's path just before the rename; an
    exception from it aborts the write (the temporary file is removed, `path` is unchanged).
    A new file gets `new_file_mode`; an existing one keeps its own permissions.
    Raises :class:`OutputError` when the folder or file cannot be written.
    """
    try:
        mode = path.stat().st_mode if path.exists() else None
        if mode is not None and not stat.S_ISREG(mode):
            # /dev/null, a FIFO, a terminal: there is nothing to replace atomically.
            with path.open("wb") as stream:
                stream.write(body)
            return True
        if skip_identical and mode is not None and path.read_bytes() == body:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    temp_path = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_path, stat.S_IMODE(mode) if mode is not None else new_file_mode)
        if check is not None:
            check(temp_path)
        os.replace(temp_path, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise
    _sync_directory(path.parent)
    return True


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX).
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)

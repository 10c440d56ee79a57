"""Where the settings file, the data folders and the database are found, without the settings.

:func:`edicalendar.config.load_settings` resolves these from the command line's `--config`,
the working folder, the environment and the file it finds; the rules live here, in a module
that imports neither pydantic nor the settings models, so that an idle `remind` tick
(:mod:`edicalendar.cli.idle_tick`) can find its record and prove that nothing the settings are
made from has changed (:func:`settings_sources`) before deciding whether to load them at all.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

DEFAULT_CONFIG_NAME = "edicalendar.toml"
#: The data folder without a config file, when a folder of that name is in the working folder.
DEFAULT_DATA_DIR = Path("edicalendar-data")
DATABASE_NAME = "edicalendar.db"
#: Environment variables that decide where settings and data are looked for, besides the
#: `EDICALENDAR_*` ones (all of which count): the home folder and the per-user folders.
_LOCATION_ENVIRONMENT = ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "LOCALAPPDATA", "USERPROFILE")
#: What the working folder may hold that the settings pick up when present.
_WORKING_FOLDER_ENTRIES = (DEFAULT_CONFIG_NAME, str(DEFAULT_DATA_DIR), "calendars", "campaigns")


def find_config(path: Path | None) -> Path | None:
    """The settings file: `path` (`--config`), else ./edicalendar.toml when present, else None."""
    if path is not None:
        return path
    candidate = Path.cwd() / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def shipped_dir(name: str) -> Path:
    """The copy of `calendars` or `campaigns` shipped with the package (or the source tree)."""
    from importlib import resources

    packaged = Path(str(resources.files("edicalendar"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def user_data_dir() -> Path:
    """This person's data folder for edicalendar: $XDG_DATA_HOME/edicalendar (by default
    ~/.local/share/edicalendar); ~/Library/Application Support/edicalendar on macOS;
    %LOCALAPPDATA%\\edicalendar on Windows."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "edicalendar"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "edicalendar"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return root / "edicalendar"


def default_data_dir() -> Path:
    """Where the database goes without a config file or EDICALENDAR_DATA_DIR: the per-user data
    folder, so running from another folder finds the same database and litters none. A folder
    `./edicalendar-data` that an earlier release made here is still used, so nothing is lost."""
    earlier = Path.cwd() / DEFAULT_DATA_DIR
    return earlier if earlier.is_dir() else user_data_dir()


def data_dir_for(config: Path | None, configured: Path) -> Path:
    """The data folder: $EDICALENDAR_DATA_DIR, else `data.data_dir` of the settings file at
    `config` (relative to it), else :func:`default_data_dir` when there is no settings file."""
    # Containers and service managers point the data folder elsewhere without a config file.
    named = os.environ.get("EDICALENDAR_DATA_DIR")
    data_dir = Path(named or configured)
    if config is None and not named:
        data_dir = default_data_dir()
    base = config.parent if config is not None else Path.cwd()
    return data_dir if data_dir.is_absolute() else base / data_dir


def database_url_for(configured: str | None, data_dir: Path) -> str:
    """The database: `data.database_url`, else $EDICALENDAR_DATABASE_URL, else SQLite in the
    data folder."""
    url = configured or os.environ.get("EDICALENDAR_DATABASE_URL")
    return url or f"sqlite:///{(data_dir / DATABASE_NAME).as_posix()}"


def _kind(path: Path) -> str:
    """What is at `path`: a folder, a file or nothing (the settings care about no more; a
    folder's own times change whenever a file in it does)."""
    return "dir" if path.is_dir() else "file" if path.exists() else "missing"


def _signature(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "missing"
    # The change time and inode too: a file replaced or rewritten within the same second, at
    # the same size, with its modification time put back, still differs.
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def settings_sources(config: Path | None, extra: list[str] | tuple[str, ...] = ()) -> str:
    """A hash of everything the settings are made from apart from the file's contents: the
    `--config` given (`config`, None without one) and the working folder it is read from, the
    settings file found (its size, times and inode), what the working folder holds that the
    settings pick up, every `EDICALENDAR_*` environment variable and the ones that locate the
    home and per-user folders, the package (version and place) and the Python running it, and
    the `extra` files the settings name (a logo). The same value means the same settings."""
    from edicalendar import __version__

    cwd = Path.cwd()
    found = find_config(config)
    parts = [
        f"version={__version__}",
        f"package={Path(__file__).parent}",
        f"python={sys.version}:{sys.platform}",
        f"cwd={cwd}",
        f"argument={config}",
        f"config={found if found is None else cwd / found}",
    ]
    if found is not None:
        parts.append(f"config-file={_signature(found)}")
    parts += [f"working:{name}={_kind(cwd / name)}" for name in _WORKING_FOLDER_ENTRIES]
    parts += [f"extra:{name}={_kind(Path(name))}" for name in extra]
    edicalendar = (name for name in os.environ if name.startswith("EDICALENDAR_"))
    names = sorted({*_LOCATION_ENVIRONMENT, *edicalendar})
    parts += [f"env:{name}={os.environ.get(name)!r}" for name in names]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()

"""The idle tick: `edicalendar remind` with nothing to do, answered without loading the bot.

Run from cron every minute, most ticks find nothing due, yet a full tick loads the campaigns,
plans, opens the ledger through SQLAlchemy and builds every channel. So after each full tick on
SQLite, `remind` records (:class:`IdleCheck`) what the plan was made from (the settings file and
the data files' sizes and times, the values of the environment variables the settings name, the
package version, the last change to the campaigns kept in the database) and until when it
holds (half the look-ahead before `planned_until`). The next tick compares those, checks that
the database is still the ledger its marker names (same id, no older serial, no rows lost), and
asks the ledger one question with the standard library's `sqlite3`: is any delivery due, past
its `not_after`, held by a freeze, or left `sending` by a process that died? Only when
everything matches and the answer is no does it print the summary of an empty tick, having
sent and written nothing. Any doubt, and every tick on PostgreSQL, runs the full tick.

The record also keeps what the check needs from the settings (the database, the settings file,
the data folders, the environment variables the settings name) beside a hash of everything the
settings are made from short of the file's contents (:func:`edicalendar.locations.
settings_sources`: the `--config` given, the working folder, the settings file's size, times
and inode, every `EDICALENDAR_*` variable, the home and per-user folders...). While that hash
is unchanged the settings are too, so :func:`recorded_check` answers from the record without
loading the settings at all (pydantic and the settings models cost more than the rest of the
tick); any difference, and the settings are loaded and checked as above.

Skipping the planner is safe because every reminder due before `planned_until` is already in
the ledger, and any tick that sends re-plans first (so a task marked done meanwhile is still
superseded before anything goes out).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edicalendar import __version__
from edicalendar.locations import (
    DEFAULT_DATA_DIR,
    data_dir_for,
    database_url_for,
    find_config,
    settings_sources,
)
from edicalendar.storage.reads import sqlite_file

if TYPE_CHECKING:
    from edicalendar.config import LoadedSettings

#: What an empty tick prints (the same line as `TickSummary().line()`).
IDLE_SUMMARY = "0 sent, 0 failed, 0 expired"
#: The record beside the database; deleting it only costs one full tick.
STAMP_NAME = "remind-idle.json"
#: 2: the record keeps the settings it was made with (`settings`), so an idle tick can answer
#: without loading them; a record of format 1 makes the next tick run in full and write a new one.
_FORMAT = 2

#: The ledger's identity as `storage.identity` and `storage.state` keep it (kept equal by
#: tests/reminders/test_idle.py): the marker file beside the database, and its `meta` keys.
_MARKER_SUFFIX = ".ledger-id"
_LEDGER_ID_KEY = "ledger.id"
_LEDGER_SERIAL_KEY = "ledger.serial"
_ROWS_KEY = "reminders.rows"
_IDENTITY = "SELECT key, value FROM meta WHERE key IN (?, ?, ?)"

#: `DeliveryState` values (kept equal by tests/reminders/test_idle.py).
_OPEN = ("pending", "retry_wait")
_SENDING = "sending"
_HELD = "held"
#: Work a full tick would do now: claim a due row, expire an open one, recover a lease; or
#: release a row a communication freeze held (its freeze may have ended: while any row is
#: held, every tick runs in full, so the release is never late).
_WORK = f"""
SELECT 1 FROM deliveries WHERE
  (state IN {_OPEN!r} AND due_at <= :now
   AND (next_attempt_at IS NULL OR next_attempt_at <= :now))
  OR (state IN {_OPEN!r} AND not_after < :now)
  OR (state = '{_SENDING}' AND lease_until < :now)
  OR state = '{_HELD}'
LIMIT 1
"""


#: The last change to a campaign kept in the database (made in the browser, edited, imported,
#: deleted): every one is a row of this append-only record.
_LAST_CAMPAIGN_CHANGE = "SELECT MAX(id) FROM campaign_changes"


def _stamp_text(moment: dt.datetime) -> str:
    # The ledger's own timestamp format (storage.timestamps.utc_text), compared as text.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class PlanSources:
    """Where a plan's inputs are read from, as the settings resolve them: the settings file,
    the calendar and campaign folders, and the environment variables the settings name (the
    API token's, the SMTP password's, each webhook's)."""

    config: Path | None
    calendars_dir: Path
    campaigns_dir: Path
    environment: tuple[str, ...]

    @classmethod
    def of(cls, loaded: LoadedSettings) -> PlanSources:
        settings = loaded.settings
        names = {settings.web.token_env, *(n for n in [settings.email.password_env] if n)}
        names.update(d.url_env for d in settings.destinations.values() if d.url_env)
        return cls(loaded.path, loaded.calendars_dir, loaded.campaigns_dir, tuple(sorted(names)))

    def fingerprint(self) -> str:
        """A hash of everything a plan is made from, short of reading the files' contents:
        the package version, each file's size and time, and the values of the named
        environment variables and of every `EDICALENDAR_*` one."""
        digest = hashlib.sha256(f"{_FORMAT}:{__version__}\0".encode())
        paths = [self.config] if self.config is not None else []
        paths += _files(self.calendars_dir) + _files(self.campaigns_dir)
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                digest.update(f"{path}:missing\0".encode())
                continue
            digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\0".encode())
        names = {*self.environment, *(n for n in os.environ if n.startswith("EDICALENDAR_"))}
        for name in sorted(names):
            digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
        return digest.hexdigest()

    def as_record(self) -> dict[str, Any]:
        return {
            "config": None if self.config is None else str(self.config),
            "calendars": str(self.calendars_dir),
            "campaigns": str(self.campaigns_dir),
            "environment": list(self.environment),
        }

    @classmethod
    def from_record(cls, kept: dict[str, Any]) -> PlanSources:
        config = kept["config"]
        names = kept["environment"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise TypeError("environment")
        return cls(
            None if config is None else Path(str(config)),
            Path(str(kept["calendars"])),
            Path(str(kept["campaigns"])),
            tuple(names),
        )


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(folder.rglob("*.toml"))


def inputs_fingerprint(loaded: LoadedSettings) -> str:
    """A hash of everything a plan is made from, short of reading the files' contents."""
    return PlanSources.of(loaded).fingerprint()


def _recorded_database(config: Path | None) -> Path | None:
    """The SQLite database the settings name, found without loading them: only its place is
    read from the settings file (`data.data_dir`, `data.database_url`), by the same rules
    (:mod:`edicalendar.locations`). None when that cannot be told so simply; the record found
    there is trusted only if it names this database and the same settings sources."""
    data: Any = {}
    if config is not None:
        from edicalendar.tomlsource import TomlSource

        read = TomlSource.read(config)
        if not isinstance(read, TomlSource):
            return None
        data = read.data.get("data", {})
    if not isinstance(data, dict):
        return None
    data_dir, url = data.get("data_dir", str(DEFAULT_DATA_DIR)), data.get("database_url")
    if not isinstance(data_dir, str) or not isinstance(url, str | None):
        return None
    return sqlite_file(database_url_for(url, data_dir_for(config, Path(data_dir))))


def recorded_check(config: Path | None) -> tuple[IdleCheck, PlanSources] | None:
    """The idle check for `edicalendar [--config config] remind` and what its plan was made
    from, taken from the record the last full tick left, without loading the settings; None
    when the record does not prove the settings unchanged (then load them: `for_settings`)."""
    database = _recorded_database(find_config(config))
    if database is None:
        return None
    check = IdleCheck(database, database.with_name(STAMP_NAME))
    try:
        recorded: dict[str, Any] = json.loads(check.stamp.read_text(encoding="utf-8"))
        kept = recorded["settings"]
        if recorded.get("format") != _FORMAT or kept.get("database") != str(database):
            return None
        extra = kept["extra"]
        if not isinstance(extra, list) or not all(isinstance(p, str) for p in extra):
            return None
        if kept.get("sources") != settings_sources(config, extra):
            return None
        return check, PlanSources.from_record(kept)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class IdleCheck:
    """Whether a tick at some moment would find nothing to do, for one SQLite installation."""

    database: Path
    stamp: Path

    @classmethod
    def for_settings(cls, loaded: LoadedSettings) -> IdleCheck | None:
        """The check for this installation; None when the ledger is not a plain SQLite file."""
        database = sqlite_file(loaded.database_url)
        if database is None:
            return None
        return cls(database, database.with_name(STAMP_NAME))

    def holds(self, loaded: LoadedSettings | PlanSources, now: dt.datetime) -> bool:
        """True when a full tick at `now` would plan nothing new and send nothing (`loaded`:
        the settings, or what :func:`recorded_check` found they name)."""
        try:
            recorded: dict[str, Any] = json.loads(self.stamp.read_text(encoding="utf-8"))
            if recorded.get("format") != _FORMAT:
                return False
            if recorded.get("inputs") != self.inputs(loaded):
                return False
            if _stamp_text(now) >= str(recorded["plan_holds_until"]):
                return False
            return not self._work_waiting(now)
        except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
            return False

    def inputs(self, loaded: LoadedSettings | PlanSources) -> str:
        """What the plan is made from: :meth:`PlanSources.fingerprint` and the last change to
        the database's campaigns (a campaign made in the browser needs planning like a new
        file)."""
        sources = loaded if isinstance(loaded, PlanSources) else PlanSources.of(loaded)
        return f"{sources.fingerprint()}:{self._last_campaign_change()}"

    def settings_record(
        self, loaded: LoadedSettings, config: Path | None, sources: str
    ) -> dict[str, Any] | None:
        """What the record keeps of the settings `loaded` from `config` (the `--config` given):
        enough for :func:`recorded_check`, under `sources`, the :func:`settings_sources` taken
        before they were loaded. None when the settings sources changed meanwhile, or the
        settings name files whose presence they check (a logo) that are gone."""
        extra = [str(loaded.logo_file)] if loaded.logo_file is not None else []
        if any(not Path(path).is_file() for path in extra):
            return None
        if settings_sources(config) != sources:
            return None
        return {
            "sources": settings_sources(config, extra),
            "database": str(self.database),
            "extra": extra,
            **PlanSources.of(loaded).as_record(),
        }

    def _last_campaign_change(self) -> int:
        if not self.database.is_file():
            return 0
        with contextlib.closing(sqlite3.connect(self.database, timeout=5)) as conn:
            try:
                row = conn.execute(_LAST_CAMPAIGN_CHANGE).fetchone()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):  # a database from before campaigns were stored
                    return 0
                return -1  # locked or unreadable: the full tick says why; no record matches
            except sqlite3.Error:
                # A damaged file: the full tick opens it and gives the storage advice.
                return -1
        return int(row[0] or 0)

    def _work_waiting(self, now: dt.datetime) -> bool:
        if not self.database.is_file():
            return True
        with contextlib.closing(sqlite3.connect(self.database, timeout=5)) as conn:
            if not self._same_ledger(conn):
                return True  # the full tick says what is wrong with it, and sends nothing
            return conn.execute(_WORK, {"now": _stamp_text(now)}).fetchone() is not None

    def _same_ledger(self, conn: sqlite3.Connection) -> bool:
        """Whether the database is still the ledger its marker names, at the marker's serial
        or later, holding every row it recorded: the checks a full open makes
        (`storage.identity`, `Ledger.lost_rows`), so a swapped, rolled-back or emptied ledger
        is refused at the next tick, not only at the next one with work."""
        marker = self.database.with_name(self.database.name + _MARKER_SUFFIX)
        values: dict[str, str] = {}
        for line in marker.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and not line.lstrip().startswith("#"):
                values[key.strip()] = value.strip()
        stored = dict(conn.execute(_IDENTITY, (_LEDGER_ID_KEY, _LEDGER_SERIAL_KEY, _ROWS_KEY)))
        if not values.get("ledger") or stored.get(_LEDGER_ID_KEY) != values["ledger"]:
            return False
        if int(stored.get(_LEDGER_SERIAL_KEY, "0")) < int(values.get("serial", "0")):
            return False
        held = conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        return bool(held >= int(stored.get(_ROWS_KEY, "0")))

    def record(
        self,
        inputs: str,
        planned_until: dt.datetime | None,
        lookahead: dt.timedelta,
        now: dt.datetime | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        """After a full tick at `now`: the plan made from `inputs` holds until half the
        look-ahead before `planned_until` (nothing is recorded when there is no plan yet);
        `settings` (:meth:`settings_record`) lets the next tick skip loading the settings."""
        if planned_until is None:
            with contextlib.suppress(OSError):
                self.stamp.unlink()
            return
        from edicalendar.atomicfile import write_atomic

        text = json.dumps(
            {
                "format": _FORMAT,
                "inputs": inputs,
                "plan_holds_until": _stamp_text(planned_until - lookahead / 2),
                **({"settings": settings} if settings is not None else {}),
            }
        )
        with contextlib.suppress(OSError):
            write_atomic(self.stamp, text.encode("utf-8"))
        if now is not None:
            self.ran(now)  # the file's time is the last tick's, never later

    def ran(self, now: dt.datetime) -> None:
        """An idle tick ran at `now`: the record's modification time says so (nothing else
        is written), so `edicalendar health` sees a bot that ticks with nothing to do."""
        with contextlib.suppress(OSError):
            os.utime(self.stamp, (now.timestamp(), now.timestamp()))

    def forget(self) -> None:
        """Drop the record, so the next tick runs in full."""
        with contextlib.suppress(OSError):
            self.stamp.unlink()


def last_idle_tick(database: Path) -> dt.datetime | None:
    """When an idle tick last ran on the SQLite `database` (None: never, or not recorded)."""
    try:
        return dt.datetime.fromtimestamp(database.with_name(STAMP_NAME).stat().st_mtime, dt.UTC)
    except OSError:
        return None

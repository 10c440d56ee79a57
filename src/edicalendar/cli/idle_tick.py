"""`edicalendar remind` as cron runs it, answered before the rest of the command line loads.

Most ticks find nothing due (:mod:`edicalendar.reminders.idle`). For the plain form cron and
systemd timers use, `edicalendar [--config FILE] remind`, :func:`quick_idle_tick` makes the
same check the `remind` command makes first (settings, the instance lock, the idle record)
without importing Typer or the command definitions, and prints the same line. While the
record proves the settings unchanged (:func:`edicalendar.reminders.idle.recorded_check`), it
does not load the settings either: the check reads only the record, the files' times, the
environment and the ledger. Whenever it
cannot answer (work is due, the record does not hold, PostgreSQL, any error), it steps aside
and the command runs in full, which reports problems as it always has.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edicalendar.config import LoadedSettings
    from edicalendar.reminders.idle import PlanSources
    from edicalendar.reminders.instance_lock import InstanceLock


def remind_lock(database: Path) -> InstanceLock | None:
    """The instance lock for a `remind` tick on the SQLite `database`, or None when the
    previous `remind` still holds it (this run then says so and steps aside)."""
    from edicalendar.errors import InstanceLockedError
    from edicalendar.reminders.instance_lock import InstanceLock, lock_path_for

    try:
        return InstanceLock(lock_path_for(database), role="remind").acquire()
    except InstanceLockedError as busy:
        if busy.role != "remind":
            raise
        # A tick that outlasts the cron interval (a slow destination): this run steps aside,
        # as a systemd timer does for a service still running, instead of failing.
        sys.stdout.write(
            f"0 sent, 0 failed, 0 expired (skipped: the previous `edicalendar remind`, "
            f"pid {busy.pid}, has been sending since {busy.since} and is still running)\n"
        )
        return None


def _plain_remind(argv: list[str]) -> tuple[bool, Path | None]:
    """(True, config file or None) when `argv` is `[--config FILE] remind` and nothing more."""
    words = list(argv)
    config: Path | None = None
    if words[:1] == ["--config"] and len(words) >= 2:
        config, words = Path(words[1]), words[2:]
    elif words and words[0].startswith("--config="):
        config, words = Path(words[0].partition("=")[2]), words[1:]
    if words != ["remind"] or (config is not None and not config.is_file()):
        return False, None
    return True, config


def quick_idle_tick(argv: list[str]) -> bool:
    """True when `argv` is a plain `remind` that found nothing to do and printed so (the lock
    held by a running tick counts: it says so, as `remind` does); False to run in full."""
    plain, config = _plain_remind(argv)
    if not plain:
        return False
    from edicalendar.reminders.idle import IDLE_SUMMARY, IdleCheck, recorded_check

    try:
        found = recorded_check(config)
        if found is not None:
            from edicalendar.context import system_now

            idle, sources = found
            now: Callable[[], dt.datetime] = system_now
            made_from: LoadedSettings | PlanSources = sources
        else:
            # The settings may have changed: load them and check as the command does.
            from edicalendar.context import AppContext

            app_ctx = AppContext(config_path=config)
            made_from = app_ctx.loaded
            loaded_check = IdleCheck.for_settings(made_from)
            if loaded_check is None:
                return False
            idle, now = loaded_check, app_ctx.now
        lock = remind_lock(idle.database)
    except Exception:  # the full command meets it again and says what is wrong
        return False
    if lock is None:
        return True  # the previous tick is still running, and this run has said so
    try:
        moment = now()
        if not idle.holds(made_from, moment):
            return False
        idle.ran(moment)
    finally:
        lock.release()
    sys.stdout.write(IDLE_SUMMARY + "\n")
    return True

"""Runs `edicalendar ARGS...` in this process and dies (SIGKILL) at a chosen point, for the
date-change notice crash tests. Not a test module.

    python notice_crash.py after-detect|after-sync -- --config FILE remind --record --at TIME

`after-detect` dies as soon as the planning pass has recorded the date changes it found (and
before any notice reaches the ledger); `after-sync` dies once the notices are in the ledger,
before anything is sent.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _die_after(owner: Any, name: str) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
        return result  # pragma: no cover - never reached

    setattr(owner, name, wrapped)


def main() -> None:
    point, separator, *args = sys.argv[1:]
    assert separator == "--"
    if point == "after-detect":
        from edicalendar.reminders.date_tracking import DateTracker

        _die_after(DateTracker, "detect")
    elif point == "after-sync":
        from edicalendar.reminders.ledger import Ledger

        _die_after(Ledger, "sync")
    else:
        raise SystemExit(f"unknown crash point {point!r}")
    from edicalendar.cli import main as cli

    raise SystemExit(cli(args))


if __name__ == "__main__":
    main()

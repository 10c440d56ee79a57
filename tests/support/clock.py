"""The injected clock: what tests pass as `now` to AppContext, the planner and the dispatcher.

It returns the same instant until a test moves it, so every timestamp a test sees is one it
chose (SEQUENCE bumps, LAST-MODIFIED, backoff, grace windows, DST nights).
"""

from __future__ import annotations

import datetime as dt


class Clock:
    """A settable clock: `clock()` is the current instant; `set` and `advance` move it."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, seconds: float = 0, **delta: float) -> None:
        """Move forward by `seconds` and/or timedelta keywords (`days=1`, `hours=5`)."""
        self.moment += dt.timedelta(seconds=seconds, **delta)


def utc(*parts: int) -> dt.datetime:
    """`utc(2026, 3, 29, 1, 30)`: an aware UTC datetime."""
    return dt.datetime(*parts, tzinfo=dt.UTC)  # type: ignore[misc,arg-type]

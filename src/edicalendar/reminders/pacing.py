"""When the next message may go: rate limits, retry backoff and pauses, on the monotonic clock.

Inside a process every wait is measured on the monotonic clock, which a wall-clock change (NTP
stepping the clock, a VM resumed) cannot stretch or cut short; the ledger keeps the same times
in UTC for other processes and for after a restart. :class:`Pacing` holds the monotonic side:
a deadline per retrying delivery and per paused channel group, consulted when claiming, so a
retry goes when its backoff has really elapsed even if the wall clock jumped meanwhile.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Monotonic deadlines are forgotten this long after they pass (the row went, or another
#: worker took it): enough for any claim to have happened, small enough not to pile up.
FORGET_AFTER = 3600.0


class TokenBucket:
    """`rate` messages a second with a burst of one; 0 means no limit. Monotonic time."""

    def __init__(
        self,
        rate: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = 1.0
        self._stamp = monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait (sleeping) until a message may go, and take its token."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self._monotonic()
            self._tokens = min(1.0, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1.0:
                wait = (1.0 - self._tokens) / self.rate
                self._sleep(wait)
                self._stamp = self._monotonic()
                self._tokens = 1.0
            self._tokens -= 1.0


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (1-based): uniform(0, min(cap, base·2^n))."""
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, attempt - 1)))


def whole_seconds_after(moment: dt.datetime, delay: float) -> dt.datetime:
    """`moment + delay` rounded up to the whole second, as the ledger stores it (never early)."""
    return moment + dt.timedelta(seconds=int(delay) + (0 if delay == int(delay) else 1))


@dataclass(frozen=True, slots=True)
class Deadline:
    """One wait, on both clocks: monotonic for this process, UTC for the ledger."""

    monotonic: float
    wall: dt.datetime
    group: str
    reason: str = ""


class Pacing:
    """Monotonic deadlines of this process's retries and pauses (thread-safe)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._retries: dict[str, Deadline] = {}
        self._pauses: dict[str, Deadline] = {}
        self._lock = threading.Lock()

    # --- retries of one delivery ---------------------------------------------------------------

    def retry(self, key: str, group: str, delay: float, wall: dt.datetime) -> None:
        """Delivery `key` (of channel group `group`) may be tried again `delay` seconds from now
        (`wall` in the ledger)."""
        with self._lock:
            self._retries[key] = Deadline(self.monotonic() + delay, wall, group)

    def forget(self, keys: Iterable[str]) -> None:
        """These deliveries were claimed again or settled: their deadlines no longer apply."""
        with self._lock:
            for key in keys:
                self._retries.pop(key, None)

    def early(self, group: str, now: dt.datetime) -> set[str]:
        """Keys the ledger shows due at wall time `now` whose backoff has not really elapsed
        (the wall clock jumped forward): not to be claimed yet."""
        moment = self.monotonic()
        with self._lock:
            return {
                key
                for key, d in self._retries.items()
                if d.group == group and d.wall <= now and d.monotonic > moment
            }

    def overdue(self, group: str, now: dt.datetime) -> set[str]:
        """Keys whose backoff has really elapsed though the ledger's wall time says later (the
        wall clock jumped back): to be claimed now, by key."""
        moment = self.monotonic()
        with self._lock:
            return {
                key
                for key, d in self._retries.items()
                if d.group == group and d.wall > now and d.monotonic <= moment
            }

    # --- pauses of a whole channel group -------------------------------------------------------

    def pause(self, group: str, delay: float, wall: dt.datetime, reason: str) -> Deadline:
        """Send nothing to `group` for `delay` seconds (never shortening a longer pause)."""
        deadline = Deadline(self.monotonic() + delay, wall, group, reason)
        with self._lock:
            current = self._pauses.get(group)
            if current is None or current.monotonic < deadline.monotonic:
                self._pauses[group] = deadline
            return self._pauses[group]

    def paused_for(self, group: str) -> float:
        """Seconds `group` stays paused by this process (0 when it is not)."""
        with self._lock:
            current = self._pauses.get(group)
        if current is None:
            return 0.0
        return max(0.0, current.monotonic - self.monotonic())

    def knows_pause(self, group: str) -> bool:
        """True when this process set the group's latest pause (its own clock then decides)."""
        with self._lock:
            return group in self._pauses

    def resume(self, group: str) -> None:
        with self._lock:
            self._pauses.pop(group, None)

    # --- waking up -----------------------------------------------------------------------------

    def next_deadline(self, group: str) -> float | None:
        """The earliest monotonic instant at which something of `group` becomes sendable."""
        moment = self.monotonic()
        with self._lock:
            self._retries = {
                k: d for k, d in self._retries.items() if d.monotonic > moment - FORGET_AFTER
            }
            times = [d.monotonic for d in self._retries.values() if d.group == group]
            pause = self._pauses.get(group)
        if pause is not None and pause.monotonic > moment:
            return pause.monotonic  # nothing of the group goes before the pause ends
        future = [t for t in times if t > moment]
        return min(future) if future else None

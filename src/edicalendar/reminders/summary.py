"""What a tick, or one lane's pass, did: counters, alerts and the one-line summary.

Commands print :meth:`TickSummary.line` ("3 sent, 0 failed, 1 expired"); lanes count into one
summary from several threads at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class TickSummary:
    """What one tick (or one lane's pass) did; `line()` is the one-line summary commands print."""

    planned: int = 0
    sent: int = 0
    accepted: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    skipped: int = 0
    superseded: int = 0
    possible_duplicates: int = 0
    #: Held back by a communication freeze, and released again once no freeze holds them.
    held: int = 0
    released: int = 0
    alerts: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, name: str, by: int = 1) -> None:
        """Add `by` to counter `name` (lanes count from several threads)."""
        with self._lock:
            setattr(self, name, getattr(self, name) + by)

    def add_alert(self, text: str) -> None:
        with self._lock:
            self.alerts.append(text)

    @property
    def busy(self) -> bool:
        """Something was planned, sent, or failed."""
        return bool(self.planned or self.sent or self.accepted or self.failed or self.retrying)

    def line(self) -> str:
        delivered = self.sent + self.accepted
        parts = [f"{delivered} sent", f"{self.failed} failed", f"{self.expired} expired"]
        if self.retrying:
            parts.append(f"{self.retrying} retrying")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.superseded:
            parts.append(f"{self.superseded} cancelled")
        if self.held:
            parts.append(f"{self.held} held by a communication freeze")
        if self.released:
            parts.append(f"{self.released} released from a freeze")
        if self.possible_duplicates:
            parts.append(f"{self.possible_duplicates} possible duplicates")
        return ", ".join(parts)

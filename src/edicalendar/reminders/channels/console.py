"""The console channel: reminders printed to standard output.

It is always available under the name `console`, so the shipped examples work before anyone
configures Slack, Teams or email, and `edicalendar remind` in a terminal shows what would go out.
"""

from __future__ import annotations

import sys
from typing import TextIO

from edicalendar.reminders.channels.base import (
    NOT_SENT,
    Outbound,
    Outcome,
    SendResult,
    group_for,
    publishable,
)
from edicalendar.text import terminal


class ConsoleChannel:
    """Prints each reminder as a short block of text."""

    kind = "console"

    def __init__(self, name: str = "console", stream: TextIO | None = None) -> None:
        self.name = name
        self.group = group_for(self.kind, name)
        self.rate_per_second = 0.0
        self._stream = stream

    def send(self, item: Outbound) -> SendResult:
        if not item.on_send():
            return SendResult(Outcome.RETRY, NOT_SENT, not_sent=True)
        stream = self._stream or sys.stdout
        lines = [f"[{item.destination}] {item.message.title}", item.message.body]
        lines += [f"  {link.label}: {link.url}" for link in publishable(item.message.links)]
        # Campaign text is shown on a terminal: control characters are printed as escapes.
        stream.write(terminal("\n".join(lines)) + "\n\n")
        stream.flush()
        return SendResult(Outcome.SENT, "printed")

    def fingerprint(self) -> str:
        return self.name

    def close_idle(self) -> None:
        pass

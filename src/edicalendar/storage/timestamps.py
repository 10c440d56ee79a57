"""How instants are stored: UTC ISO 8601 text to the second, which sorts as it reads."""

from __future__ import annotations

import contextlib
import datetime as dt


def utc_text(moment: dt.datetime) -> str:
    """A timezone-aware instant as sortable UTC text (`2026-03-08T09:00:00Z`)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware UTC instant")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: str) -> dt.datetime:
    """Inverse of :func:`utc_text`."""
    if len(value) == 20 and value[4::3] == "--T::Z" and value[:4].isdigit():
        # The stored shape exactly: fromisoformat reads it many times faster than strptime.
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(value[:19]).replace(tzinfo=dt.UTC)
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)

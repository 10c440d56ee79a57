"""Golden feeds: the fixture calendar for 2026, rendered on a fresh database, byte for byte.

The golden files were written once and reviewed line by line against
`reference/ical-interop.md` (CRLF, folding, exclusive DTEND, escaping, TRANSP, no VALARM).
After an intended change, rewrite them with `EDICALENDAR_WRITE_GOLDEN=1 pytest
tests/feeds/test_golden.py` and review the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from support.feeds import build_all, build_spec

DEFAULT_NAMES = [
    "all",
    "age",
    "disability",
    "gender-reassignment",
    "marriage-civil-partnership",
    "pregnancy-maternity",
    "race",
    "religion-belief",
    "sex",
    "sexual-orientation",
    "health-wellbeing",
    "general-edi",
    "faith",
    "awareness",
]


def test_default_feed_names_are_stable(make_context) -> None:
    """The default feed names (subscribed URLs) are exactly the documented set, in order."""
    ctx = make_context()
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert list(build_all(ctx, start, end)) == DEFAULT_NAMES


@pytest.mark.parametrize("name", DEFAULT_NAMES)
def test_feed_matches_golden_file(make_context, window, golden_dir: Path, name: str) -> None:
    """Each default feed of the fixture calendar equals its reviewed golden file byte for byte."""
    ctx = make_context()
    feeds = build_all(ctx, *window)
    _compare(feeds[name], golden_dir / f"{name}.ics")


def test_stateless_feed_matches_golden_file(make_context, window, golden_dir: Path) -> None:
    """Without the database every event has SEQUENCE:0 and the fixed stateless DTSTAMP."""
    ctx = make_context()
    body = build_spec(ctx, ctx.feeds().find("all"), *window, stateless=True)
    _compare(body, golden_dir / "all-stateless.ics")
    assert b"DTSTAMP:20260101T000000Z\r\n" in body
    assert b"LAST-MODIFIED" not in body
    assert not (Path(ctx.loaded.data_dir) / "edicalendar.db").exists()


def _compare(body: bytes, golden: Path) -> None:
    if os.environ.get("EDICALENDAR_WRITE_GOLDEN"):
        golden.write_bytes(body)
        pytest.fail(f"rewrote {golden.name}; review the diff, then run without the variable")
    assert body == golden.read_bytes()

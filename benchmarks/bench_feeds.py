"""Benchmark the feeds: build every default feed for the default window, and compare our
serialisation with serialising the same events straight through `icalendar`.

Run from the repository root (results go in docs/performance.md, "Feeds"):

    .venv/bin/python benchmarks/bench_feeds.py [--calendars DIR] [--repeat N]

It uses a throwaway SQLite database in a temporary folder and a fixed clock, so runs compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from icalendar import Calendar, Event

from edicalendar.calendar.occurrences import expand
from edicalendar.context import AppContext
from edicalendar.feeds.build import OBSERVANCE_SCOPE, render_feed
from edicalendar.feeds.events import TrackedEvent, occurrence_events
from edicalendar.feeds.ical import render_tracked
from edicalendar.feeds.tracking import FeedState

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def build_all(ctx: AppContext) -> dict[str, bytes]:
    """Every default feed, as `edicalendar export` builds them."""
    return ctx.feeds().build().bodies


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` runs of `action`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def interleaved(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Time several actions in turn, `repeat` rounds, so load on the machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            times[name].extend(timed(action, 1))
    return times


def straight_icalendar(tracked: list[TrackedEvent], title: str) -> bytes:
    """The same calendar and event properties, written directly with `icalendar`."""
    calendar = Calendar()
    calendar.add("prodid", "-//edicalendar//edicalendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    for item in tracked:
        event = item.event
        vevent = Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", item.modified)
        vevent.add("last-modified", item.modified)
        vevent.add("sequence", item.sequence)
        vevent.add("dtstart", event.start)
        vevent.add("dtend", event.end + dt.timedelta(days=1))
        vevent.add("summary", event.summary)
        vevent.add("description", event.description)
        if event.url:
            vevent.add("url", event.url)
        vevent.add("categories", list(event.categories))
        vevent.add("transp", "TRANSPARENT")
        vevent.add("x-microsoft-cdo-busystatus", "FREE")
        vevent.add("x-microsoft-cdo-alldayevent", "TRUE")
        vevent.add("class", "PUBLIC")
        vevent.add("status", event.status)
        calendar.add_component(vevent)
    body: bytes = calendar.to_ical()
    return body


def row(label: str, times: list[float], note: str = "") -> str:
    return (
        f"| {label:<50} | {statistics.median(times) * 1000:9.1f} | "
        f"{min(times) * 1000:9.1f} | {note} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calendars", type=Path, default=Path("calendars"))
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as folder:

        def context(data: str = "data") -> AppContext:
            config = Path(folder) / f"{data}.toml"
            config.write_text(
                f'[data]\ncalendars_dir = "{args.calendars.resolve().as_posix()}"\n'
                f'data_dir = "{Path(folder).as_posix()}/{data}"\n',
                encoding="utf-8",
            )
            return AppContext(config_path=config, now=lambda: NOW)

        ctx = context()
        catalog_load = timed(lambda: context().catalog, 1)
        start, end = ctx.feeds().window()
        cold = timed(lambda: build_all(context()), 1)
        # Rule dates are cached per process now: this isolates the feeds' own first-run cost.
        fresh_db = timed(lambda: build_all(context("fresh")), 1)
        feeds = build_all(ctx)
        warm = timed(lambda: build_all(ctx), args.repeat)
        expansion = timed(
            lambda: occurrence_events(expand(ctx.catalog, start, end).occurrences), args.repeat
        )

        events = occurrence_events(expand(ctx.catalog, start, end).occurrences)
        state = FeedState(ctx.database)
        tracked = state.sync(
            OBSERVANCE_SCOPE, events, NOW, cancelled_days=60, responsible=lambda _row: False
        )
        tracked.sort(key=lambda t: (t.event.start, t.event.end, t.event.summary, t.event.uid))
        settings = ctx.loaded.settings
        compared = interleaved(
            {
                "straight": lambda: straight_icalendar(tracked, "All"),
                "ours": lambda: render_tracked("All", "", tracked, settings),
                "ours_tracked": lambda: render_feed(
                    "All", "", events, state=state, now=NOW, settings=settings
                ),
            },
            args.repeat,
        )
        straight, ours, ours_tracked = (
            compared["straight"],
            compared["ours"],
            compared["ours_tracked"],
        )

    total_bytes = sum(len(body) for body in feeds.values())
    print(f"calendars: {args.calendars} ({len(ctx.catalog)} observances); window {start}..{end}")
    print(
        f"{len(feeds)} feeds, {sum(b.count(b'BEGIN:VEVENT') for b in feeds.values())} VEVENTs, "
        f"{total_bytes:,} bytes; largest {max(len(b) for b in feeds.values()):,} bytes; "
        f"'all' has {len(events)} events"
    )
    print()
    print(f"| {'step':<50} | median ms |    min ms | note |")
    print(f"|{'-' * 52}|{'-' * 11}|{'-' * 11}|------|")
    print(row("load catalog (once per process)", catalog_load))
    print(row("expand window + make FeedEvents", expansion))
    print(row("build_all, first run (computes dates, records UIDs)", cold, "target < 1000"))
    print(row("build_all, new database, dates already computed", fresh_db))
    print(row("build_all, unchanged data (steady state)", warm, "target < 1000"))
    print(row("'all': straight icalendar serialisation", straight, "baseline"))
    # Ratios use the fastest run of each: the least disturbed by other work on the machine.
    ratio = min(ours) / min(straight)
    print(row("'all': our render_tracked", ours, f"{ratio:.2f}x baseline (target < 1.3x)"))
    ratio_tracked = min(ours_tracked) / min(straight)
    print(
        row(
            "'all': render_feed with state (+ DB read)",
            ours_tracked,
            f"{ratio_tracked:.2f}x baseline",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

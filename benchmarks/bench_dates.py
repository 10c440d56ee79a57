"""Benchmark the date engine: every observance for 2000-2075 in a warm process.

Measures, in one run: loading the calendar files; computing every occurrence of every
observance for 2000-2075 three ways (engine cold, warm process with only one-time tables kept,
every cache warm); the `holidays` package computing a comparable set (UK, India, Saudi Arabia
and Israel, 2000-2075); and `edicalendar --help` wall time as a fresh subprocess. Medians.

    PYTHONPATH=src python benchmarks/bench_dates.py [--calendars DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YEARS = range(2000, 2076)
#: Countries whose `holidays` tables make a comparable load: Gregorian and Easter rules (UK),
#: Hindu, Sikh and Islamic festivals (India), Hijri (Saudi Arabia) and Hebrew (Israel).
HOLIDAYS_COUNTRIES = ("GB", "IN", "SA", "IL")


def _median_seconds(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _clear_engine_caches(*, keep_tables: bool) -> int:
    """Empty functools caches in edicalendar's modules; return how many were emptied.

    With `keep_tables`, unbounded caches (`functools.cache`: one-time tables such as the
    new-moon list) are kept and only per-date caches (`lru_cache` with a size) are emptied,
    which is the state of a long-running process asked for dates it has not computed yet.
    """
    cleared = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("edicalendar"):
            continue
        for value in vars(module).values():
            if not callable(getattr(value, "cache_clear", None)):
                continue
            if keep_tables and value.cache_info().maxsize is None:
                continue
            value.cache_clear()
            cleared += 1
    return cleared


def bench_engine(calendars: Path, repeat: int) -> dict[str, Any]:
    from edicalendar.calendar.catalog import load_catalog
    from edicalendar.calendar.occurrences import occurrences_in_year
    from edicalendar.errors import UnsupportedYearError
    from edicalendar.model import Observance

    load_seconds, catalog = _median_seconds(lambda: load_catalog(calendars), repeat)
    observances = list(load_catalog(calendars).observances.values())
    del catalog

    def expand_all() -> int:
        count = 0
        for obs in observances:
            for year in YEARS:
                with contextlib.suppress(UnsupportedYearError):  # counted by the snapshots
                    count += len(occurrences_in_year(obs, year))
        return count

    # Imports are not what is measured; lunisolar is optional in older checkouts.
    for rules in ("gregorian", "hebrew", "islamic", "lunisolar"):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"edicalendar.calendar.rules.{rules}")

    def cold() -> int:
        _clear_engine_caches(keep_tables=False)
        return expand_all()

    def warm() -> int:
        _clear_engine_caches(keep_tables=True)
        return expand_all()

    cold_seconds, occurrences = _median_seconds(cold, max(3, repeat // 2))
    compute_seconds, _ = _median_seconds(warm, repeat)
    cached_seconds, _ = _median_seconds(expand_all, repeat)
    by_kind: dict[str, float] = {}
    for kind in sorted({type(obs.rule).__name__ for obs in observances}):
        chosen = [obs for obs in observances if type(obs.rule).__name__ == kind]

        def warm_kind(chosen: list[Observance] = chosen) -> int:
            _clear_engine_caches(keep_tables=True)
            count = 0
            for obs in chosen:
                for year in YEARS:
                    with contextlib.suppress(UnsupportedYearError):
                        count += len(occurrences_in_year(obs, year))
            return count

        by_kind[f"{kind} ({len(chosen)})"], _ = _median_seconds(warm_kind, repeat)
    return {
        "observances": len(observances),
        "occurrences": occurrences if isinstance(occurrences, int) else -1,
        "load_seconds": load_seconds,
        "cold_seconds": cold_seconds,
        "compute_seconds": compute_seconds,
        "cached_seconds": cached_seconds,
        "by_kind": by_kind,
    }


def bench_holidays(repeat: int) -> dict[str, float | int]:
    import warnings

    import holidays

    # Some Indian festival tables stop at 2035; holidays warns and leaves those years out.
    warnings.filterwarnings("ignore", message="Requested Holidays are available only")

    def build() -> int:
        total = 0
        for country in HOLIDAYS_COUNTRIES:
            table = holidays.country_holidays(country, years=YEARS)
            total += len(table)
        return total

    build()  # warm: imports of each country module
    seconds, dates = _median_seconds(build, repeat)
    return {"holidays_seconds": seconds, "holidays_dates": dates if isinstance(dates, int) else -1}


def bench_help(runs: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "edicalendar", "--help"],
            env=env,
            capture_output=True,
            check=True,
            timeout=60,
        )
        times.append(time.perf_counter() - started)
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True, timeout=60)
        bare.append(time.perf_counter() - started)
    return {
        "help_median_seconds": statistics.median(times),
        "help_max_seconds": max(times),
        "python_startup_seconds": statistics.median(bare),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calendars", type=Path, default=ROOT / "calendars")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    engine = bench_engine(args.calendars, args.repeat)
    other = bench_holidays(args.repeat)
    cli = bench_help(args.repeat)
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    print(f"calendars: {args.calendars}")
    print(f"load {engine['observances']} observances: {engine['load_seconds'] * 1000:.1f} ms")
    print(
        f"compute {engine['occurrences']} occurrences 2000-2075, engine cold (every cache "
        f"emptied): {engine['cold_seconds'] * 1000:.1f} ms"
    )
    print(
        f"same, warm process (one-time tables kept, per-date caches emptied): "
        f"{engine['compute_seconds'] * 1000:.1f} ms"
    )
    print(f"same, every cache warm: {engine['cached_seconds'] * 1000:.1f} ms")
    for kind, seconds in engine["by_kind"].items():
        print(f"  warm process, {kind} observances: {seconds * 1000:.1f} ms")
    print(
        f"holidays {'+'.join(HOLIDAYS_COUNTRIES)} 2000-2075 ({other['holidays_dates']} dates): "
        f"{other['holidays_seconds'] * 1000:.1f} ms"
    )
    print(
        f"edicalendar --help: median {cli['help_median_seconds'] * 1000:.0f} ms, "
        f"max {cli['help_max_seconds'] * 1000:.0f} ms over {args.repeat} runs "
        f"(bare python start {cli['python_startup_seconds'] * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`export` of every default feed against building the single "all" feed, at 1x, 10x and 50x.

Each event is serialised once however many feeds carry it, so exporting all fourteen default
feeds (plus the subscribe page and host files) should cost little more than the one feed that
carries every event. Two ways, in interleaved rounds:

- **in one process**: `export_site` against `build_one("all")`, each on a fresh publisher (no
  serialised event kept from an earlier run) over a database that already holds the change
  tracking (as a cron export finds it);
- **as commands**: `edicalendar export DIR` against `edicalendar feed --name all -o FILE`, each a
  fresh process, CPU from its resource usage; first on a new database, then again (steady).

    .venv/bin/python benchmarks/bench_export.py --scales 1 10 50 --rounds 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, load_average
from synthetic import write_scaled

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _config(folder: Path, calendars: Path, data: str) -> Path:
    config = folder / f"{data}.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{calendars.as_posix()}"\n'
        f'campaigns_dir = "{(ROOT / "campaigns").as_posix()}"\n'
        f'data_dir = "{(folder / data).as_posix()}"\n',
        encoding="utf-8",
    )
    return config


def in_process(config: Path, site: Path, rounds: int) -> dict[str, list[float]]:
    from edicalendar.context import AppContext
    from edicalendar.web.export import export_site

    def context() -> AppContext:
        return AppContext(config_path=config, now=lambda: NOW)

    export_site(context().feeds(), site)  # records the change tracking; warms the rule caches
    times: dict[str, list[float]] = {"export (14 feeds + page)": [], "'all' feed": []}
    for _ in range(rounds):
        ctx = context()
        ctx.catalog.index.expand(dt.date(2025, 1, 1), dt.date(2028, 12, 31))  # same for both
        start = time.process_time()
        export_site(ctx.feeds(), site)
        times["export (14 feeds + page)"].append(time.process_time() - start)
        ctx = context()
        ctx.catalog.index.expand(dt.date(2025, 1, 1), dt.date(2028, 12, 31))
        publisher = ctx.feeds()
        start = time.process_time()
        publisher.build_one(publisher.find("all"))
        times["'all' feed"].append(time.process_time() - start)
    return times


def _child_cpu(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def as_commands(folder: Path, calendars: Path, rounds: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "EDICALENDAR_CACHE_DIR": str(folder / "cache")}  # fmt: skip
    times: dict[str, list[float]] = {}
    base = [sys.executable, "-m", "edicalendar", "--config"]
    for number in range(rounds):
        for kind in ("new database", "steady"):
            for what in ("export", "feed all"):
                data = f"{what.replace(' ', '-')}-{number}"
                config = _config(folder, calendars, data)
                if kind == "new database":
                    shutil.rmtree(folder / data, ignore_errors=True)
                if what == "export":
                    command = [*base, str(config), "export", str(folder / f"site-{data}")]
                else:
                    command = [*base, str(config), "feed", "--name", "all", "-o",
                               str(folder / f"{data}.ics")]  # fmt: skip
                times.setdefault(f"{what}, {kind}", []).append(_child_cpu(command, env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-export-"))
    os.environ.setdefault("EDICALENDAR_CACHE_DIR", str(root / "cache"))
    print(f"load average {load_average()} at start; CPU seconds, median (min) of {args.rounds}")
    try:
        for scale in args.scales:
            calendars = root / f"calendars-x{scale}"
            write_scaled(calendars, scale)
            inside = in_process(_config(root, calendars, f"inproc-{scale}"),
                                root / f"site-{scale}", args.rounds)  # fmt: skip
            commands = as_commands(root, calendars, args.rounds)
            print(f"\n{scale}x (load average {load_average()})")
            for label, times in (("in one process", inside), ("as commands", commands)):
                medians = {name: statistics.median(values) for name, values in times.items()}
                for name, values in times.items():
                    print(f"  {label:15} {name:32} {medians[name]:8.3f} ({min(values):.3f})")
                pairs = [("export (14 feeds + page)", "'all' feed")] if label[0] == "i" else [
                    ("export, new database", "feed all, new database"),
                    ("export, steady", "feed all, steady"),
                ]  # fmt: skip
                for export, single in pairs:
                    ratios = [e / s for e, s in zip(times[export], times[single], strict=True)]
                    print(f"  {label:15} ratio {export} / {single}: "
                          f"{statistics.median(ratios):.2f} (rounds: "
                          f"{', '.join(f'{r:.2f}' for r in ratios)})")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nload average {load_average()} at end")


if __name__ == "__main__":
    main()

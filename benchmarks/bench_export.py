"""`export` of every default feed against building the single "all" feed, at 1x, 10x and 50x.

Each event is serialised once however many feeds carry it, so exporting all fourteen default
feeds (plus the subscribe page and host files) should cost little more than the one feed that
carries every event. Two ways, in interleaved rounds:

- **in one process**: `export_site` against `build_one("all")`, each on a fresh publisher (no
  serialised event kept from an earlier run) over a database that already holds the change
  tracking (as a cron export finds it);
- **as commands**: `edicalendar export DIR` against `edicalendar feed --name all -o FILE`, each a
  fresh process, CPU from its resource usage; first on a new database, then again (steady).
  One untimed `feed` fills the compiled cache first, so no round pays for compiling the
  calendar (a first start after an edit, timed by `bench_startup.py`).

`--src OTHER/src` measures another checkout in the same run: each round runs every tree in
turn (in one process means a fresh child process per tree and round, whose first export warms
it as above), so a burst of load touches both alike.

    .venv/bin/python benchmarks/bench_export.py --scales 1 10 50 --rounds 5 [--src OTHER/src]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


def as_commands(folder: Path, calendars: Path, number: int, source: Path) -> dict[str, list[float]]:
    """Round `number` of the commands with the code in `source`."""
    env = {**os.environ, "PYTHONPATH": str(source),
           "EDICALENDAR_CACHE_DIR": str(folder / "cache")}  # fmt: skip
    times: dict[str, list[float]] = {}
    base = [sys.executable, "-m", "edicalendar", "--config"]
    if number == 0:
        # Untimed: the first command of a run would otherwise also fill the compiled cache
        # (the checked calendar and the expanded years), a cost the later rounds never see.
        warm = _config(folder, calendars, "warm-up")
        subprocess.run([*base, str(warm), "feed", "--name", "all", "-o", str(folder / "warm.ics")],
                       env=env, check=True, capture_output=True)  # fmt: skip
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


def in_child(config: Path, site: Path, source: Path) -> dict[str, list[float]]:
    """One in-process round in a fresh interpreter running the code in `source`."""
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{Path(__file__).parent}"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(config), str(site)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _merge(into: dict[str, list[float]], more: dict[str, list[float]]) -> None:
    for name, values in more.items():
        into.setdefault(name, []).extend(values)


def _report(label: str, times: dict[str, list[float]]) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--src", type=Path, action="append", default=[])
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(in_process(args.child[0], args.child[1], 1)))
        return
    sources = [ROOT / "src", *(path.resolve() for path in args.src)]
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-export-"))
    os.environ.setdefault("EDICALENDAR_CACHE_DIR", str(root / "cache"))
    print(f"load average {load_average()} at start; CPU seconds, median (min) of {args.rounds}")
    try:
        for scale in args.scales:
            calendars = root / f"calendars-x{scale}"
            write_scaled(calendars, scale)
            inside: dict[Path, dict[str, list[float]]] = {source: {} for source in sources}
            commands: dict[Path, dict[str, list[float]]] = {source: {} for source in sources}
            for number in range(args.rounds):
                for index, source in enumerate(sources):
                    tag = f"{scale}-{index}"
                    config = _config(root, calendars, f"inproc-{tag}")
                    _merge(inside[source], in_child(config, root / f"site-{tag}", source))
                    folder = root / f"commands-{tag}"
                    folder.mkdir(exist_ok=True)
                    _merge(commands[source], as_commands(folder, calendars, number, source))
            print(f"\n{scale}x (load average {load_average()})")
            for source in sources:
                print(f" source: {source}")
                _report("in one process", inside[source])
                _report("as commands", commands[source])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nload average {load_average()} at end")


if __name__ == "__main__":
    main()

"""Whole-process CPU of the read-only commands and an idle `remind` tick, beside `python -c pass`.

Each command runs as a fresh `python -m edicalendar ...` process on the shipped calendars and
campaigns, from an empty folder with its own settings file, data folder and compiled-calendar
cache (warmed by one run first, as it is after the first command a person runs). Every command
runs twice over: before any database exists (a new user) and with one (after a full reminder
tick and a task marked done), where the read-only commands read the SQLite file with the
standard library. The CPU (user + system) each child used is read from
`resource.getrusage(RUSAGE_CHILDREN)`; rounds are interleaved, so a burst of load from other
jobs touches every command alike, and the best and the median of `--repeat` rounds are printed
with the load average. `--src DIR` adds another checkout's `src/` to the same run, for a
before/after comparison. Results go in docs/performance.md.

    .venv/bin/python benchmarks/bench_cli_startup.py --repeat 5 [--src OTHER/src] [--only ledger]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, load_average

#: (label, argv after `python`): every command that only reads, in `--help` order.
COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass", ["-c", "pass"]),
    ("--help", ["--help"]),
    ("--version", ["--version"]),
    ("check", ["check"]),
    ("calendars", ["calendars"]),
    ("occurrences 2027 (table)", ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31"]),
    (
        "occurrences 2027 -f json",
        ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31", "-f", "json"],
    ),
    (
        "occurrences 2027 -f csv",
        ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31", "-f", "csv"],
    ),
    ("upcoming", ["upcoming"]),
    ("upcoming -f json", ["upcoming", "-f", "json"]),
    ("upcoming -f csv", ["upcoming", "-f", "csv"]),
    ("clashes 2027-03-10", ["clashes", "2027-03-10"]),
    ("clashes 2027-03-10 -f json", ["clashes", "2027-03-10", "-f", "json"]),
    ("clashes 2027-03-10 -f csv", ["clashes", "2027-03-10", "-f", "csv"]),
    ("campaigns", ["campaigns"]),
    ("campaigns -f json", ["campaigns", "-f", "json"]),
    ("campaign show black-history-month", ["campaign", "show", "black-history-month"]),
    ("dates due", ["dates", "due"]),
    ("freeze list", ["freeze", "list"]),
    ("ledger", ["ledger"]),
    ("health", ["health"]),
]
#: The idle tick: `edicalendar remind` as cron runs it, when a full tick has planned and
#: nothing is due.
IDLE = "remind (idle tick)"
IDLE_SUMMARY = "0 sent, 0 failed, 0 expired"


def cpu_of(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """CPU seconds (user + system) of one child process, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # `health` exits 3 when no tick ran lately: still a measurement; anything else is a fault.
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


class Site:
    """One settings file, data folder and cache for one source tree and one database state."""

    def __init__(self, root: Path, source: Path, name: str, with_database: bool) -> None:
        self.folder = root / name
        self.folder.mkdir(parents=True)
        self.config = self.folder / "edicalendar.toml"
        self.config.write_text(
            f'[data]\ncalendars_dir = "{(ROOT / "calendars").as_posix()}"\n'
            f'campaigns_dir = "{(ROOT / "campaigns").as_posix()}"\ndata_dir = "state"\n',
            encoding="utf-8",
        )
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(source),
            "HOME": str(self.folder),
            "XDG_DATA_HOME": str(self.folder / "user-data"),
            "EDICALENDAR_CACHE_DIR": str(self.folder / "cache"),
        }
        self.run(["check"])  # warms the compiled-calendar cache
        if with_database:
            self.run(["remind"])
            self.run(["campaign", "done", "black-history-month", "draft-blog", "--by", "Bench"])
            self.idle()  # the first tick after a change plans again

    def run(self, words: list[str]) -> tuple[float, str]:
        argv = (
            words
            if words[0] == "-c"
            else ["-m", "edicalendar", "--config", str(self.config), *words]
        )
        return cpu_of(argv, self.folder, self.env)

    def idle(self) -> float:
        used, out = self.run(["remind"])
        if not out.strip().endswith(IDLE_SUMMARY):
            raise RuntimeError(f"the tick was not idle: {out!r}")
        return used


def _chosen(label: str, only: list[str]) -> bool:
    return not only or label == COMMANDS[0][0] or any(part in label for part in only)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, action="append", default=[])
    parser.add_argument(
        "--only", nargs="+", default=[], help="measure only commands whose label holds one of these"
    )
    args = parser.parse_args()
    chosen = [(label, words) for label, words in COMMANDS if _chosen(label, args.only)]
    sources = [ROOT / "src", *args.src]
    states = {"no database": False, "with database": True}
    results: dict[tuple[int, str, str], list[float]] = {}
    print(f"load average {load_average()} at start", flush=True)
    with tempfile.TemporaryDirectory(prefix="edicalendar-bench-cli-") as folder:
        sites = {
            (index, state): Site(Path(folder), source, f"{index}-{state.replace(' ', '-')}", db)
            for index, source in enumerate(sources)
            for state, db in states.items()
        }
        for _ in range(args.repeat):
            for label, words in chosen:
                for (index, state), site in sites.items():
                    results.setdefault((index, state, label), []).append(site.run(words)[0])
            for (index, state), site in sites.items():
                if states[state] and _chosen(IDLE, args.only):
                    results.setdefault((index, state, IDLE), []).append(site.idle())
    labels = [label for label, _ in chosen] + ([IDLE] if _chosen(IDLE, args.only) else [])
    width = max(map(len, labels)) + 2
    for index, source in enumerate(sources):
        print(f"\nsource: {source}   CPU seconds, best / median of {args.repeat}")
        print(f"{'command':{width}}" + "".join(f"{state:>22}" for state in states))
        for label in labels:
            cells = []
            for state in states:
                values = results.get((index, state, label))
                cells.append(
                    f"{min(values):.3f} / {statistics.median(values):.3f}" if values else "-"
                )
            print(f"{label:{width}}" + "".join(f"{cell:>22}" for cell in cells))
    print(f"\nload average {load_average()} at end")


if __name__ == "__main__":
    main()

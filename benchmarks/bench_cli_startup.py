"""Whole-process CPU of the commands people wait for, beside `python -c pass`.

Each command runs as a fresh `python -m edicalendar ...` process on the shipped data, from an
empty folder with its own per-user data folder; the CPU (user + system) the child used is read
from `resource.getrusage(RUSAGE_CHILDREN)`, the best of `--repeat` runs. Results go in
docs/performance.md.

    .venv/bin/python benchmarks/bench_cli_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
COMMANDS = [
    ["-c", "pass"],
    ["-m", "edicalendar", "--help"],
    ["-m", "edicalendar", "--version"],
    ["-m", "edicalendar", "upcoming"],
    ["-m", "edicalendar", "clashes", "2026-10-01"],
    ["-m", "edicalendar", "check"],
    ["-m", "edicalendar", "occurrences", "--from", "2026-01-01", "--to", "2026-12-31"],
    ["-m", "edicalendar", "campaigns"],
]


def cpu_of(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(SRC),
            "XDG_DATA_HOME": str(work / "user-data"),
            "HOME": str(work),
        }
        for argv in COMMANDS:
            best = min(cpu_of(argv, work, env) for _ in range(args.repeat))
            shown = " ".join(argv) if argv[0] == "-c" else " ".join(["edicalendar", *argv[2:]])
            print(f"{shown:<60} {best:6.3f} s CPU")


if __name__ == "__main__":
    main()

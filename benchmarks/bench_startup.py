"""Start-up and idle costs at 1x, 10x and 50x: `serve` ready, an idle `remind`, the CLI.

For each calendar size (written by `synthetic.py`) and each source tree (`--src` adds another
checkout's `src/`, measured in the same run for comparison), in interleaved rounds:

- **serve ready**: seconds from starting `edicalendar serve --no-scheduler` to its first 200
  for /healthz (and the CPU seconds the server had used by then), for /calendar, and for
  /feeds/all.ics; with an empty cache folder (the very first start), with the compiled cache
  warm (the usual restart), and after one calendar file was edited (the other files' checked
  contents are read back);
- **--workers 2**: the resident memory of the supervising process, beside one worker's;
- **idle remind**: CPU seconds of `edicalendar remind` when nothing is due (after one full tick
  has run), the tick cron runs every minute;
- **occurrences --format json**: CPU seconds for a year of occurrences as JSON.

CPU comes from the child's resource usage (user + system), which other jobs on a shared machine
disturb far less than wall time; ready times are wall time, so read them with the load average
printed beside them.

    .venv/bin/python benchmarks/bench_startup.py --scales 1 10 50 --rounds 3 [--src DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, fetch, free_port, load_average, tree_cpu_seconds
from synthetic import write_scaled

PATHS = ("/healthz", "/calendar", "/feeds/all.ics")


def _env(source: Path, cache: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(source), "EDICALENDAR_CACHE_DIR": str(cache)}
    env.pop("EDICALENDAR_TOKEN", None)
    return env


def _site(root: Path, scale: int, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    shutil.copytree(root / f"calendars-x{scale}", folder / "calendars")
    config = folder / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\n'
        f'campaigns_dir = "{(ROOT / "campaigns").as_posix()}"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    return config


def _edit_one_file(calendars: Path) -> None:
    """Change one calendar file's bytes (a comment at its end), as an edit would."""
    path = sorted(calendars.glob("*.toml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def _child_cpu(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used, done.stdout


def serve_ready(config: Path, env: dict[str, str], workers: int = 1) -> dict[str, float]:
    """Seconds to the first 200 of each path (and memory with workers), then stop the server."""
    port = free_port()
    command = [sys.executable, "-m", "edicalendar", "--config", str(config), "serve", "--port",
               str(port), "--no-scheduler", "--workers", str(workers)]  # fmt: skip
    start = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=config.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    found: dict[str, float] = {}
    try:
        for path in PATHS:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                try:
                    if fetch(f"http://127.0.0.1:{port}{path}")[0] == 200:
                        found[path] = time.monotonic() - start
                        if path == PATHS[0]:
                            found[f"{path} CPU"] = tree_cpu_seconds(process.pid)
                        break
                except OSError:
                    pass
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited with {process.returncode}")
                time.sleep(0.01)
        if workers > 1:
            found["supervisor MiB"] = _rss_mib(process.pid)
            children = _children(process.pid)
            found["worker MiB"] = max((_rss_mib(c) for c in children), default=0.0)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return found


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        found.extend(int(c) for c in text.split())
    return found


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def idle_remind(config: Path, env: dict[str, str], repeat: int) -> float:
    """Median CPU seconds of `remind` as cron runs it with nothing due, after a full tick."""
    command = [sys.executable, "-m", "edicalendar", "--config", str(config), "remind"]
    _child_cpu(command, env, config.parent)  # the full tick that plans
    times = []
    for _ in range(repeat):
        used, out = _child_cpu(command, env, config.parent)
        assert out.strip().endswith("0 sent, 0 failed, 0 expired"), out
        times.append(used)
    return statistics.median(times)


def occurrences_json(config: Path, env: dict[str, str]) -> float:
    command = [sys.executable, "-m", "edicalendar", "--config", str(config), "occurrences",
               "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json"]  # fmt: skip
    return _child_cpu(command, env, config.parent)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, action="append", default=[])
    args = parser.parse_args()
    sources = [ROOT / "src", *args.src]
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-start-"))
    for scale in args.scales:
        write_scaled(root / f"calendars-x{scale}", scale)
    rows: dict[tuple[int, str, str], list[float]] = {}

    def note(scale: int, source: Path, what: str, value: float) -> None:
        rows.setdefault((scale, str(source), what), []).append(value)

    print(f"load average {load_average()} at start", flush=True)
    for scale in args.scales:
        for round_number in range(args.rounds):
            for index, source in enumerate(sources):
                name = f"x{scale}-{index}-{round_number}"
                cache = root / f"cache-{name}"
                env = _env(source, cache)
                config = _site(root, scale, name)
                for path, seconds in serve_ready(config, env).items():
                    note(scale, source, f"serve, empty cache: {path} s", seconds)
                for path, seconds in serve_ready(config, env).items():
                    note(scale, source, f"serve, warm cache: {path} s", seconds)
                _edit_one_file(config.parent / "calendars")
                for path, seconds in serve_ready(config, env).items():
                    note(scale, source, f"serve, one file edited: {path} s", seconds)
                # Feeds go on preparing in the background once a server answers: let the
                # last one finish, so the next measurement has the machine to itself.
                time.sleep(0.5)
                for what, value in serve_ready(config, env, workers=2).items():
                    if "MiB" in what:
                        note(scale, source, f"serve --workers 2: {what}", value)
                note(scale, source, "idle remind CPU s", idle_remind(config, env, args.idle_repeat))
                note(
                    scale, source, "occurrences --format json CPU s", occurrences_json(config, env)
                )
        print(f"{scale}x done; load average {load_average()}", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    width = max(len(what) for _, _, what in rows)
    for source in sources:
        print(f"\nsource: {source}")
        print(f"{'what':{width}} " + " ".join(f"{f'{s}x':>16}" for s in args.scales))
        for what in dict.fromkeys(w for _, src, w in rows if src == str(source)):
            cells = []
            for scale in args.scales:
                values = rows.get((scale, str(source), what), [])
                cells.append(
                    f"{statistics.median(values):7.2f} ({min(values):.2f}-{max(values):.2f})"
                    if values
                    else "-"
                )
            print(f"{what:{width}} " + " ".join(f"{c:>16}" for c in cells))
    print(f"\nload average {load_average()} at end (median (min-max) of {args.rounds} rounds)")


if __name__ == "__main__":
    main()

"""Feed serving throughput: edicalendar serve against nginx and Radicale, in one run, on loopback.

Builds a calendar of synthetic observances (about 330 events in the default feed window), starts
`edicalendar serve` on it, nginx serving the same `all.ics` bytes as a static file, and Radicale
serving the same calendar, then measures full GETs and 304 revalidations per second with wrk
(or a bounded Python load generator when wrk is missing). Results are printed as a table and
as ratios to nginx. Needs: `apt-get install -y wrk nginx`, and Radicale in a separate venv
(`python3 -m venv /tmp/radicale-venv && /tmp/radicale-venv/bin/pip install radicale`).

    PYTHONPATH=src python benchmarks/bench_web.py [--seconds 5] [--connections 32]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RADICALE = Path(os.environ.get("RADICALE_VENV", "/tmp/radicale-venv")) / "bin" / "radicale"
BASIC = "Basic " + base64.b64encode(b"bench:bench").decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, headers: dict[str, str] | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return (
                response.status,
                response.read(),
                {k.lower(): v for k, v in response.headers.items()},
            )
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}


# --- the calendar ----------------------------------------------------------------------------


def write_calendar(folder: Path, observances: int) -> None:
    """`observances` fixed-date observances spread over the year, with realistic text lengths."""
    folder.mkdir(parents=True)
    lines = ['[calendar]\ntitle = "Benchmark"\ndescription = "Synthetic observances."\n']
    categories = ["race", "religion_belief", "sex", "disability", "age", "general_edi"]
    for index in range(observances):
        month, day = index % 12 + 1, index * 7 % 28 + 1
        lines.append(
            f'[[observance]]\nid = "bench-day-{index:03d}"\n'
            f'name = "Benchmark awareness day {index:03d}"\n'
            f'categories = ["{categories[index % len(categories)]}"]\n'
            f'rule = {{ kind = "fixed", month = {month}, day = {day} }}\n'
            f'description = "{"A day for colleagues to learn, reflect and take part. " * 6}"\n'
            f'url = "https://example.org/days/{index:03d}"\n'
            f'sources = ["https://example.org/sources/{index:03d}"]\n'
        )
    (folder / "bench.toml").write_text("\n".join(lines), encoding="utf-8")


# --- servers ---------------------------------------------------------------------------------


@contextmanager
def edicalendar_server(root: Path, workers: int) -> Iterator[str]:
    port = free_port()
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("EDICALENDAR_TOKEN", None)
    command = [sys.executable, "-m", "edicalendar", "--config", str(config), "serve",
               "--port", str(port), "--no-scheduler", "--workers", str(workers)]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}/feeds/all.ics"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def nginx_server(root: Path, body: bytes, workers: int) -> Iterator[str]:
    port = free_port()
    www = root / "www" / "feeds"
    www.mkdir(parents=True)
    (www / "all.ics").write_bytes(body)
    for path in (root, root / "www", www, www / "all.ics"):
        path.chmod(0o755)  # nginx workers run as an unprivileged user
    conf = root / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes {workers};\npid {root}/nginx.pid;\n"
        f"error_log {root}/nginx-error.log;\nevents {{ worker_connections 1024; }}\n"
        "http {\n  access_log off;\n  sendfile on;\n  keepalive_requests 1000000;\n"
        f"  client_body_temp_path {root}/tmp;\n  proxy_temp_path {root}/tmp;\n"
        f"  fastcgi_temp_path {root}/tmp;\n  uwsgi_temp_path {root}/tmp;\n"
        f"  scgi_temp_path {root}/tmp;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {root}/www;\n"
        "    location /feeds/ { types { } default_type 'text/calendar; charset=utf-8'; }\n"
        "  }\n}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/feeds/all.ics")
        yield f"http://127.0.0.1:{port}/feeds/all.ics"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def radicale_server(root: Path, body: bytes) -> Iterator[str]:
    port = free_port()
    root.mkdir(parents=True)
    conf = root / "radicale.conf"
    conf.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n"
        f"[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = {root}/collections\n"
        "[logging]\nlevel = warning\n",
        encoding="utf-8",
    )
    process = subprocess.Popen([str(RADICALE), "--config", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/bench/calendar.ics/"
    try:
        wait_for(f"http://127.0.0.1:{port}/.web/")
        # Upload the whole calendar as one collection, as `curl -T feed.ics URL` would.
        request = urllib.request.Request(
            url, data=body, method="PUT",
            headers={"Content-Type": "text/calendar", "Authorization": BASIC},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=60):
            pass
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- load ------------------------------------------------------------------------------------


@dataclass
class Result:
    requests_per_second: float
    status: int


def measure(url: str, seconds: float, connections: int, headers: dict[str, str]) -> Result:
    status, _, _ = fetch(url, headers)
    if shutil.which("wrk"):
        command = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", url]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not match:
            raise RuntimeError(f"could not read wrk output:\n{out}")
        return Result(float(match.group(1)), status)
    return Result(_python_load(url, seconds, min(connections, 8), headers), status)


def _python_load(url: str, seconds: float, threads: int, headers: dict[str, str]) -> float:
    """A bounded fallback: keep-alive GETs from a few threads for `seconds`."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", parts.path, headers=headers)
            connection.getresponse().read()
            counts[slot] += 1
        connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; median kept")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--observances", type=int, default=110)
    parser.add_argument("--workers", type=int, default=2, help="serve --workers and nginx's")
    parser.add_argument("--no-radicale", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-"))
    root.chmod(0o755)
    write_calendar(root / "calendars", args.observances)
    samples: dict[str, dict[str, list[float]]] = {}
    statuses: dict[str, int] = {}
    try:
        with ExitStack() as stack:
            ours = stack.enter_context(edicalendar_server(root, args.workers))
            status, body, _head = fetch(ours)
            assert status == 200, status
            print(f"feed: {len(body):,} bytes, {body.count(b'BEGIN:VEVENT')} events", flush=True)
            nginx = stack.enter_context(nginx_server(root / "nginx", body, args.workers))
            targets = {
                "edicalendar serve": (ours, {}, args.connections),
                "nginx (static file)": (nginx, {}, args.connections),
            }
            if not args.no_radicale and RADICALE.exists():
                radicale = stack.enter_context(radicale_server(root / "radicale", body))
                # Radicale is thousands of times slower: a few connections measure it fine.
                targets["Radicale"] = (radicale, {"Authorization": BASIC}, 4)
            for _ in range(args.rounds):
                # Interleaved so that load from anything else on the machine hits all alike.
                for name, (url, headers, connections) in targets.items():
                    etag = fetch(url, headers)[2].get("etag", '"none"')
                    kinds = {"full": headers, "304": {**headers, "If-None-Match": etag}}
                    for kind, sent in kinds.items():
                        result = measure(url, args.seconds, connections, sent)
                        samples.setdefault(name, {}).setdefault(kind, []).append(
                            result.requests_per_second
                        )
                        statuses[f"{name} {kind}"] = result.status
    finally:
        shutil.rmtree(root, ignore_errors=True)
    medians = {n: {k: statistics.median(v) for k, v in r.items()} for n, r in samples.items()}
    base = medians["nginx (static file)"]
    heading = ("server", "full GET/s", "304/s", "full vs nginx", "304 vs nginx")
    print("\n{:24} {:>12} {:>12} {:>14} {:>13}".format(*heading))
    for name, rates in medians.items():
        # Radicale never answers 304: show the status it gave instead.
        answered = statuses[f"{name} 304"]
        note = "" if answered == 304 else f" ({answered})"
        print(
            f"{name:24} {rates['full']:12,.0f} {rates['304']:12,.0f} "
            f"{rates['full'] / base['full']:14.3g} {rates['304'] / base['304']:13.3g}{note}"
        )
    print(json.dumps({"samples": samples, "statuses": statuses}))


if __name__ == "__main__":
    main()

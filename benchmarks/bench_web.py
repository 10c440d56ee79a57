"""Feed serving: edicalendar serve against nginx and a bare uvicorn app, in one run, on loopback.

For each calendar size (1x, 10x, 50x the shipped calendars, written by `synthetic.py`) it starts
`edicalendar serve --workers N`, nginx with N workers serving the same `all.ics` bytes as a
static file, and a bare uvicorn app (N workers, same protocol settings) that answers every
request 304, then measures full GETs and If-None-Match revalidations with wrk in interleaved
rounds, so load from anything else on the machine hits every server alike. Besides requests a
second it reports each server's CPU time per request (its whole process tree, from /proc) and
the load average before and after. Radicale can join with `--radicale` (in its own venv).
`--query` adds a feed built from a query (`all.ics?category=race&eves=events&busy=1`) served by
the same edicalendar server, beside nginx serving that feed's bytes as a second static file.

Needs wrk and nginx (Debian: `apt-get install -y wrk nginx-light`); without wrk a bounded Python
load generator is used, which is far too slow to load these servers and only shows they work.

    .venv/bin/python benchmarks/bench_web.py --scales 1 10 50 --seconds 5 --rounds 3
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
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

from benchlib import ROOT, fetch, free_port, load_average, tree_cpu_seconds, wait_for, wait_idle
from synthetic import write_scaled

RADICALE = Path(os.environ.get("RADICALE_VENV", "/tmp/radicale-venv")) / "bin" / "radicale"
BASIC = "Basic " + base64.b64encode(b"bench:bench").decode()


@dataclass
class Server:
    name: str
    url: str
    pid: int
    headers: dict[str, str]
    connections: int
    kinds: tuple[str, ...] = ("full", "304")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("EDICALENDAR_TOKEN", None)
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@contextmanager
def edicalendar_server(root: Path, workers: int) -> Iterator[Server]:
    port = free_port()
    config = root / "edicalendar.toml"
    command = [sys.executable, "-m", "edicalendar", "--config", str(config), "serve",
               "--port", str(port), "--no-scheduler", "--workers", str(workers)]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/feeds/all.ics"
        wait_for(url, seconds=600)
        wait_idle(process.pid)  # every worker has prepared every feed in the background
        yield Server(f"edicalendar serve --workers {workers}", url, process.pid, {}, 32)
    finally:
        _stop(process)


@contextmanager
def bare_uvicorn(root: Path, workers: int) -> Iterator[Server]:
    """The bare 304 app under uvicorn with serve's settings (httptools, no access log)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bare_asgi:app", "--app-dir",
               str(ROOT / "benchmarks"), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-access-log", "--no-server-header",
               "--http", "httptools", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/feeds/all.ics"
        wait_for(url, status=304)
        name = f"bare uvicorn 304 app --workers {workers}"
        yield Server(name, url, process.pid, {}, 32, kinds=("304",))
    finally:
        _stop(process)


@contextmanager
def nginx_server(
    root: Path, body: bytes, workers: int, extra: dict[str, bytes] | None = None
) -> Iterator[Server]:
    port = free_port()
    www = root / "www" / "feeds"
    www.mkdir(parents=True)
    (www / "all.ics").write_bytes(body)
    for name, content in (extra or {}).items():
        (www / name).write_bytes(content)
        (www / name).chmod(0o755)
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
        url = f"http://127.0.0.1:{port}/feeds/all.ics"
        wait_for(url)
        yield Server(f"nginx, static file, {workers} workers", url, process.pid, {}, 32)
    finally:
        _stop(process)


@contextmanager
def radicale_server(root: Path, body: bytes) -> Iterator[Server]:
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
        # Radicale is thousands of times slower: a few connections measure it fine.
        yield Server("Radicale", url, process.pid, {"Authorization": BASIC}, 4)
    finally:
        _stop(process)


# --- load ------------------------------------------------------------------------------------


@dataclass
class Result:
    requests_per_second: float
    cpu_us_per_request: float
    status: int


def measure(server: Server, seconds: float, headers: dict[str, str]) -> Result:
    status, _, _ = fetch(server.url, headers)
    before = tree_cpu_seconds(server.pid)
    if shutil.which("wrk"):
        command = ["wrk", "-t2", f"-c{server.connections}", f"-d{int(seconds)}s", server.url]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120).stdout
        rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
        total = re.search(r"(\d+) requests in", out)
        if not rate or not total:
            raise RuntimeError(f"could not read wrk output:\n{out}")
        per_second, count = float(rate.group(1)), int(total.group(1))
    else:
        per_second, count = _python_load(server.url, seconds, 4, headers)
    cpu = tree_cpu_seconds(server.pid) - before
    return Result(per_second, cpu / max(count, 1) * 1e6, status)


def _python_load(
    url: str, seconds: float, threads: int, headers: dict[str, str]
) -> tuple[float, int]:
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
    return sum(counts) / seconds, sum(counts)


def _write_site(root: Path, scale: int) -> None:
    write_scaled(root / "calendars", scale)
    (root / "edicalendar.toml").write_text(
        '[data]\ncalendars_dir = "calendars"\n'
        f'campaigns_dir = "{(ROOT / "campaigns").as_posix()}"\ndata_dir = "state"\n',
        encoding="utf-8",
    )


def bench_scale(scale: int, args: argparse.Namespace, root: Path) -> dict[str, object]:
    site = root / f"x{scale}"
    _write_site(site, scale)
    samples: dict[str, dict[str, list[Result]]] = {}
    ratios: dict[str, dict[str, list[float]]] = {}
    load_before = load_average()
    with ExitStack() as stack:
        ours = stack.enter_context(edicalendar_server(site, args.workers))
        status, body, _ = fetch(ours.url)
        assert status == 200, status
        events = body.count(b"BEGIN:VEVENT")
        print(f"\n{scale}x: all.ics {len(body):,} bytes, {events} events; load {load_before}",
              flush=True)  # fmt: skip
        extra: dict[str, bytes] = {}
        queried: list[Server] = []
        if args.query:
            status, query_body, _ = fetch(f"{ours.url}?{args.query}")
            assert status == 200, status
            extra["query.ics"] = query_body
            name = f"{ours.name}, ?{args.query}"
            queried.append(Server(name, f"{ours.url}?{args.query}", ours.pid, {}, 32))
            print(f"query feed: {len(query_body):,} bytes, "
                  f"{query_body.count(b'BEGIN:VEVENT')} events", flush=True)  # fmt: skip
        nginx = stack.enter_context(nginx_server(site / "nginx", body, args.workers, extra))
        servers = [ours, *queried, nginx]
        if args.query:
            copy = nginx.url.replace("all.ics", "query.ics")
            servers.append(Server(f"{nginx.name}, query feed's bytes", copy, nginx.pid, {}, 32))
        servers.append(stack.enter_context(bare_uvicorn(site, args.workers)))
        if args.radicale and RADICALE.exists():
            servers.append(stack.enter_context(radicale_server(site / "radicale", body)))
        for _ in range(args.rounds):
            this_round: dict[str, dict[str, Result]] = {}
            for server in servers:
                tag = fetch(server.url, server.headers)[2].get("etag", '"none"')
                sent = {"full": server.headers, "304": {**server.headers, "If-None-Match": tag}}
                for kind in server.kinds:
                    result = measure(server, args.seconds, sent[kind])
                    samples.setdefault(server.name, {}).setdefault(kind, []).append(result)
                    this_round.setdefault(server.name, {})[kind] = result
            base = this_round[nginx.name]
            for name, kinds in this_round.items():
                for kind, result in kinds.items():
                    ratio = result.requests_per_second / base[kind].requests_per_second
                    ratios.setdefault(name, {}).setdefault(kind, []).append(ratio)
    load_after = load_average()
    print(f"{'server':44} {'kind':>5} {'req/s':>10} {'vs nginx':>9} {'per-round ratios':>24} "
          f"{'CPU us/req':>10}")  # fmt: skip
    table: dict[str, object] = {}
    for name, kinds in samples.items():
        for kind, results in kinds.items():
            rate = statistics.median(r.requests_per_second for r in results)
            cpu = statistics.median(r.cpu_us_per_request for r in results)
            per_round = ", ".join(f"{x:.2f}" for x in ratios[name][kind])
            ratio = statistics.median(ratios[name][kind])
            note = "" if results[-1].status in (200, 304) else f" (status {results[-1].status})"
            print(f"{name:44} {kind:>5} {rate:10,.0f} {ratio:9.2f} {per_round:>24} "
                  f"{cpu:10.1f}{note}")  # fmt: skip
            table[f"{name} {kind}"] = {"rps": rate, "ratio": ratio, "ratios": ratios[name][kind],
                                       "cpu_us": cpu}  # fmt: skip
    print(f"load average after: {load_after}")
    return {"scale": scale, "bytes": len(body), "events": events, "load_before": load_before,
            "load_after": load_after, "results": table}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=int, default=5, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; median kept")
    parser.add_argument("--workers", type=int, default=2, help="processes for every server")
    parser.add_argument("--radicale", action="store_true", help="add Radicale (in its venv)")
    parser.add_argument("--query", default="", help="also a feed built from this query")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="edicalendar-bench-"))
    root.chmod(0o755)
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; wrk -t2 -c32 "
          f"{args.seconds}s x {args.rounds} interleaved rounds", flush=True)  # fmt: skip
    try:
        report = [bench_scale(scale, args, root) for scale in args.scales]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

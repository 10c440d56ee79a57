"""The shipped deployment files do what their comments say, checked without Docker or systemd.

- `deploy/nginx-edicalendar.conf` passes `nginx -t` on Debian 12's nginx (1.22, which refused
  `http2 on;`), and as a real proxy in front of a real `edicalendar serve` it keeps the port the
  browser used, caps bodies, and leaves a forged Host for the server to refuse.
- The Dockerfile's command, run as written with the image's environment in a network namespace
  of its own (so 0.0.0.0 is no one else's), listens on exactly the address its comments name,
  and refuses to listen at all until it is told its public address.
- The systemd unit keeps the server on loopback.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from support.net import free_port
from support.paths import REPO_ROOT, inherited_env
from support.server import start_server, stop_server
from support.smtp import make_self_signed

DEPLOY = REPO_ROOT / "deploy"
NGINX = Path(os.environ.get("EDICALENDAR_TEST_NGINX") or REPO_ROOT / ".cache/nginx/usr/sbin/nginx")


def _nginx() -> Path:
    if not NGINX.is_file():
        pytest.fail(
            f"no nginx at {NGINX}: run `bash scripts/test.sh` once (it unpacks Debian's nginx), "
            "or deselect with -m 'not nginx'"
        )
    return NGINX


def _site_config(folder: Path, *, https_port: int = 443, http_port: int = 80,
                 upstream: int = 8000) -> Path:  # fmt: skip
    """The shipped site config inside a minimal nginx.conf, with a test certificate and, when
    asked, other ports (everything else exactly as shipped)."""
    pair = make_self_signed(folder)
    site = (DEPLOY / "nginx-edicalendar.conf").read_text(encoding="utf-8")
    site = site.replace(
        "/etc/letsencrypt/live/calendar.example.nhs.uk/fullchain.pem", str(pair.cert)
    ).replace("/etc/letsencrypt/live/calendar.example.nhs.uk/privkey.pem", str(pair.key))
    site = site.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        f"  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


@pytest.mark.nginx
def test_the_nginx_config_passes_nginx_t(tmp_path: Path) -> None:
    version = subprocess.run([str(_nginx()), "-v"], capture_output=True, text=True, timeout=30)
    assert "nginx/1.22" in version.stderr  # Debian 12's
    main = _site_config(tmp_path)
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(main), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture
def proxied(web_env: object, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """nginx with the shipped config on 127.0.0.1 (TLS), in front of `edicalendar serve`."""
    config = web_env.config  # type: ignore[attr-defined]
    text = config.read_text(encoding="utf-8").replace(
        'base_url = "https://calendar.example.nhs.uk"', ""
    )
    config.write_text(
        text + '\n[web]\nallowed_hosts = ["calendar.example.nhs.uk"]\n'
        'trusted_proxies = ["127.0.0.1"]\n',
        encoding="utf-8",
    )
    server, upstream = start_server(config, web_env.root, "--no-scheduler")  # type: ignore[attr-defined]
    https_port = free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    main = _site_config(folder, https_port=https_port, http_port=free_port(), upstream=upstream)
    nginx = subprocess.Popen(
        [str(_nginx()), "-p", str(folder), "-c", str(main), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(
                    f"https://127.0.0.1:{https_port}/healthz", verify=folder / "cert.pem", timeout=2
                )
                break
            except requests.ConnectionError:
                assert nginx.poll() is None, nginx.communicate()[1]
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield https_port, folder / "cert.pem"
    finally:
        nginx.send_signal(signal.SIGQUIT)
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
        stop_server(server)


@pytest.mark.nginx
def test_behind_the_shipped_proxy_the_port_survives_and_bodies_are_capped(
    proxied: tuple[int, Path],
) -> None:
    """On a port other than 443 the browser's Host (with its port) reaches the server, so a
    redirect and the subscribe links keep that port; $host dropped it."""
    port, cert = proxied
    base = f"https://127.0.0.1:{port}"
    host = {"Host": f"calendar.example.nhs.uk:{port}"}
    moved = requests.get(f"{base}/calendar/", headers=host, verify=cert, allow_redirects=False,
                         timeout=10)  # fmt: skip
    assert moved.status_code == 307
    assert moved.headers["location"] == f"https://calendar.example.nhs.uk:{port}/calendar"
    page = requests.get(f"{base}/", headers=host, verify=cert, timeout=10).text
    assert f'href="webcal://calendar.example.nhs.uk:{port}/feeds/all.ics"' in page
    forged = requests.get(f"{base}/", headers={"Host": "evil.example"}, verify=cert, timeout=10)
    assert forged.status_code == 400 and "evil.example" not in forged.text
    big = requests.post(f"{base}/signin", data=b"x" * 100_000, headers=host, verify=cert,
                        timeout=10)  # fmt: skip
    assert big.status_code == 413


def _dockerfile() -> tuple[list[str], dict[str, str], str]:
    """The image's CMD, its ENV and the address its comments say it listens on."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    command = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    block = re.search(r"^ENV (.*?)(?:\n\n|\nRUN)", text, re.M | re.S).group(1)  # type: ignore[union-attr]
    env = dict(pair.split("=", 1) for pair in shlex.split(block.replace("\\\n", " ")))
    said = re.search(r"^# The server listens on (\S+) ", text, re.M).group(1)  # type: ignore[union-attr]
    return command, env, said


def _listening(pid: int) -> set[str]:
    """host:port of every listening TCP socket in the network namespace of `pid`."""
    found = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if state != "0A":  # LISTEN
                continue
            address, port = local.split(":")
            if width == 8:
                host = ".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0))
            else:
                host = "::" if int(address, 16) == 0 else address
            found.add(f"{host}:{int(port, 16)}")
    return found


def _run_image_command(
    tmp_path: Path, extra_env: dict[str, str]
) -> tuple[int | None, set[str], str]:
    """Run the image's CMD with its ENV in a network namespace of its own; (exit code or None
    while still running, the sockets it listens on, what it printed on standard error)."""
    command, image_env, _ = _dockerfile()
    workdir = tmp_path / "srv"
    workdir.mkdir()
    shutil.copytree(REPO_ROOT / "calendars", workdir / "calendars")
    shutil.copytree(REPO_ROOT / "campaigns", workdir / "campaigns")
    env = inherited_env(
        **{**image_env, "EDICALENDAR_DATA_DIR": str(tmp_path / "data"), **extra_env}
    )
    for name in ("EDICALENDAR_BASE_URL", "EDICALENDAR_ALLOWED_HOSTS", "EDICALENDAR_TOKEN"):
        if name not in extra_env:
            env.pop(name, None)
    executable = Path(sys.executable).with_name(command[0])
    prefix = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "-r", "--net"]
    process = subprocess.Popen(
        [*prefix, str(executable), *command[1:]],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sockets: set[str] = set()
    ours = os.readlink("/proc/self/ns/net")
    try:
        # Generous: loading the shipped calendars takes seconds, far more on a loaded machine.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if os.readlink(f"/proc/{process.pid}/ns/net") == ours:
                    time.sleep(0.02)  # unshare has not made the new namespace yet
                    continue
                sockets = _listening(process.pid)
            except FileNotFoundError:  # it has just exited
                continue
            if sockets:
                time.sleep(0.5)  # anything else it would open comes with the first socket
                sockets = _listening(process.pid)
                break
            time.sleep(0.1)
        code = process.poll()
    finally:
        if process.poll() is None:
            process.terminate()
        _, err = process.communicate(timeout=20)
    return code, sockets, err


def test_the_container_command_binds_only_what_its_docs_say(tmp_path: Path) -> None:
    _, _, said = _dockerfile()
    assert said == "0.0.0.0:8000"
    code, sockets, err = _run_image_command(
        tmp_path, {"EDICALENDAR_BASE_URL": "https://calendar.example.nhs.uk"}
    )
    assert code is None, err
    assert sockets == {said}


def test_the_container_command_refuses_without_a_public_address(tmp_path: Path) -> None:
    code, sockets, err = _run_image_command(tmp_path, {})
    assert code == 1, err
    assert sockets == set()
    assert "listening on 0.0.0.0 needs the address people use to reach this server" in err


def test_the_systemd_unit_keeps_the_server_on_loopback() -> None:
    unit = (DEPLOY / "edicalendar.service").read_text(encoding="utf-8")
    start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1).split()  # type: ignore[union-attr]
    assert start[start.index("--host") + 1] == "127.0.0.1"

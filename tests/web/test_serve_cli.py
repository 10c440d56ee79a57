"""`edicalendar serve`: starts on the data, prints the URL, runs the clock, fails cleanly."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import time
from typing import Any

import pytest

from edicalendar.cli import main
from edicalendar.cli.serve_command import exposure_warning
from support.net import free_port
from support.server import get, start_server, stop_server

#: The (deprecated, admin) shared token of servers whose /healthz detail a test reads.
TOKEN = "serve-test-token-0123456789"


def _get(url: str) -> tuple[int, bytes, Any]:
    return get(url, {"Authorization": f"Bearer {TOKEN}"})


def _start(web_env: Any, *args: str, token: str = "") -> tuple[subprocess.Popen[str], int]:
    return start_server(web_env.config, web_env.root, *args, env={"EDICALENDAR_TOKEN": token})


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    return stop_server(process)


def test_serve_prints_the_url_and_answers_every_route(web_env: Any) -> None:
    """A real process serves pages, feeds and the API on 127.0.0.1 and prints where."""
    process, port = _start(web_env, "--no-scheduler", token=TOKEN)
    try:
        for path in ("/", "/calendar", "/observances/yom-kippur", "/clashes?date=2026-09-21",
                     "/api/observances", "/docs", "/static/site.css"):  # fmt: skip
            status, _, _ = _get(f"http://127.0.0.1:{port}{path}")
            assert status == 200, path
        status, body, headers = _get(f"http://127.0.0.1:{port}/feeds/all.ics")
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert body.startswith(b"BEGIN:VCALENDAR")
        health = json.loads(_get(f"http://127.0.0.1:{port}/healthz")[1])
        assert health["scheduler"]["running"] is False
    finally:
        out, _ = _stop(process)
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_says_how_to_add_the_first_admin_while_nobody_can_sign_in(web_env: Any) -> None:
    process, _ = _start(web_env, "--no-scheduler")
    out, _ = _stop(process)
    assert "Nobody can sign in yet" in out
    command = f"edicalendar --config {web_env.config} users add you@example.nhs.uk"
    assert f'{command} --name "Your Name" --role admin' in out


def test_serve_warns_about_the_old_shared_token(web_env: Any) -> None:
    """A short token is ignored with a warning rather than silently; a long one is deprecated."""
    process, _ = _start(web_env, "--no-scheduler", token="short")
    _, err = _stop(process)
    assert "EDICALENDAR_TOKEN is set but shorter than 16 characters, so it is ignored" in err
    process, _ = _start(web_env, "--no-scheduler", token="a-long-shared-token-0123456789")
    out, err = _stop(process)
    assert "EDICALENDAR_TOKEN is deprecated" in err
    assert "Nobody can sign in yet" not in out


def test_serve_runs_the_reminder_clock_beside_the_web_server(web_env: Any) -> None:
    """Without --no-scheduler /healthz shows the clock running with a first tick recorded."""
    process, port = _start(web_env, token=TOKEN)
    try:
        deadline = time.monotonic() + 20
        scheduler: dict[str, Any] = {}
        while time.monotonic() < deadline:
            scheduler = json.loads(_get(f"http://127.0.0.1:{port}/healthz")[1])["scheduler"]
            if scheduler["last_tick"]:
                break
            time.sleep(0.1)
        assert scheduler["running"] is True
        assert scheduler["last_tick"] is not None
    finally:
        _stop(process)


def test_serve_refuses_invalid_data_before_listening(web_env: Any, capsys: Any) -> None:
    """Broken calendar files stop `serve` with exit 1 and the file:line of each problem."""
    path = web_env.calendars / "test-days.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("month = 10 }", "month = 13 }"))
    code = main(["--config", str(web_env.config), "serve", "--port", str(free_port())])
    assert code == 1
    err = capsys.readouterr().err
    assert "test-days.toml:" in err and "black-history-month" in err


def test_serve_reports_a_port_in_use(web_env: Any, capsys: Any) -> None:
    """A port already taken gives exit 3 and a message naming the address, not a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code = main(
            ["--config", str(web_env.config), "serve", "--port", str(port), "--no-scheduler"]
        )
    assert code == 3
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    # The cause and the fix, in one line (it once read "...: 3").
    assert "another program" in err and "choose another --port" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    # Every job run is an APScheduler INFO line; serve keeps only its warnings.
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)


@pytest.mark.parametrize(
    ("host", "private_on", "warns"),
    [
        ("0.0.0.0", True, True),
        ("192.0.2.10", True, True),
        ("0.0.0.0", False, False),
        ("127.0.0.1", True, False),
        ("::1", True, False),
    ],
)
def test_listening_beyond_loopback_with_private_routes_warns(
    host: str, private_on: bool, warns: bool
) -> None:
    """Only a non-loopback bind with private routes on asks for TLS termination in front."""
    warning = exposure_warning(host, private_on)
    assert (warning is not None) == warns
    if warning:
        assert host in warning and "TLS" in warning


def test_serve_with_workers_answers_from_every_process(web_env: Any) -> None:
    """--workers 2 serves the same feed bytes from worker processes; the clock stays single."""
    process, port = _start(web_env, "--workers", "2", token=TOKEN)
    try:
        tags = set()
        for _ in range(20):
            _, _, headers = _get(f"http://127.0.0.1:{port}/feeds/all.ics")
            tags.add(headers["ETag"])
        assert len(tags) == 1  # every worker built identical bytes
        scheduler = json.loads(_get(f"http://127.0.0.1:{port}/healthz")[1])["scheduler"]
        assert scheduler["runs_in"] == "supervisor"
    finally:
        out, _ = _stop(process)
    assert f"http://127.0.0.1:{port}/" in out

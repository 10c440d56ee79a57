"""`edicalendar serve`: the web server and the reminder clock in one process.

The data is loaded before the port opens, so invalid files stop the command with exit 1 and
the usual `file:line: field: message` list. Listening beyond this machine needs the public
address (`feeds.base_url`) or the trusted-host list (`web.allowed_hosts`), else exit 1. While
serving, edits to the data files are picked up within a few seconds; an invalid edit is logged
and the last good data keeps being served.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated, Any

import typer

from edicalendar.cli.root import app, context

log = logging.getLogger("edicalendar.web")


def exposure_warning(host: str, private_on: bool) -> str | None:
    """The warning for listening beyond this machine with the private routes on, if any."""
    from edicalendar.web.hosts import is_loopback

    if is_loopback(host) or not private_on:
        return None
    return (
        f"listening on {host} with private routes on: put TLS termination (a reverse proxy "
        "with https) in front, or passwords and session cookies cross the network in clear text"
    )


def uvicorn_options(trusted_proxies: list[str], host: str, port: int) -> dict[str, Any]:
    """How `serve` runs uvicorn: quiet, and believing forwarded headers only from the proxies
    in `[web] trusted_proxies` (so the sign-in cookie is Secure behind TLS and sign-in limits
    count each client's own address)."""
    return {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,
        "server_header": False,
        "proxy_headers": bool(trusted_proxies),
        "forwarded_allow_ips": list(trusted_proxies) or None,
    }


def first_admin_hint(config: object) -> str:
    """What `serve` prints while nobody can sign in: how to add the first administrator."""
    prefix = f"edicalendar --config {config}" if config else "edicalendar"
    return (
        "Nobody can sign in yet, so the campaign pages are off. Add the first administrator "
        "(it prints an invitation link to open in a browser):\n"
        f'  {prefix} users add you@example.nhs.uk --name "Your Name" --role admin\n'
        "or set up single sign-on in [accounts.oidc] (docs/accounts.md).\n"
    )


def check_bindable(host: str, port: int) -> None:
    """Refuse at once, naming the cause and the fix, when `host:port` cannot be listened on."""
    import errno
    import socket

    from edicalendar.errors import EdicalendarError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise EdicalendarError(
            f"cannot listen on {host}:{port}: {host!r} is not an address of this machine "
            f"({exc.strerror or exc}); use --host 127.0.0.1 or an address it has"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fix = "another program (perhaps another `edicalendar serve`) is listening there"
                fix += "; stop it, or choose another --port"
            elif exc.errno == errno.EACCES:
                fix = "ports below 1024 need privileges; choose --port 8000 or above"
            else:
                fix = f"{exc.strerror or exc}; use --host 127.0.0.1 or an address this machine has"
            raise EdicalendarError(f"cannot listen on {host}:{port}: {fix}") from None


def _display_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _has_httptools() -> bool:
    from importlib.util import find_spec

    return find_spec("httptools") is not None


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Port (default 8000).")
    ] = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Web only: do not run the reminder clock.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Web server processes (default 1); the reminder clock always runs once.",
        ),
    ] = 1,
) -> None:
    """Run the web server (subscribe page, calendar, API, feeds) and the reminder clock."""
    from edicalendar.web.worker import pause_collector, resume_collector

    paused_collector = pause_collector()
    import uvicorn

    from edicalendar.errors import ConfigError, EdicalendarError
    from edicalendar.web.auth import legacy_token_warning
    from edicalendar.web.hosts import exposure_problem

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The scheduler logs every job run at INFO ("Running job...", "executed successfully"):
    # two lines a minute that bury what matters. Its warnings and errors still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app_ctx = context(ctx)
    settings = app_ctx.loaded.settings
    bind_host = host or settings.web.host
    bind_port = settings.web.port if port is None else port
    problem = exposure_problem(bind_host, settings)
    if problem is not None:
        raise ConfigError.single(app_ctx.config_display, "--host", problem)
    check_bindable(bind_host, bind_port)
    if workers > 1:
        # Each worker process builds its own app from the same config; this process only
        # checks the data (so bad files stop the command here), supervises them and runs the
        # clock. It keeps no app of its own.
        from edicalendar.web.auth import WebAccess
        from edicalendar.web.live import check_data

        feed_count = len(check_data(app_ctx).specs)
        web_app = None
        private_on = WebAccess(app_ctx).is_set_up()
    else:
        from edicalendar.web import create_app

        web_app = create_app(app_ctx, prepare_feeds="background")
        feed_count = len(web_app.state.live.snapshot.feeds)
        private_on = web_app.state.access.is_set_up()
    warning = exposure_warning(bind_host, private_on)
    if warning is not None:
        log.warning("%s", warning)
    legacy = legacy_token_warning(settings.web.token_env)
    if legacy is not None:
        log.warning("%s", legacy)
    clock = None
    if not no_scheduler:
        clock = app_ctx.start_clock()
        if web_app is not None:
            web_app.state.clock = clock
    options = uvicorn_options(settings.web.trusted_proxies, bind_host, bind_port)
    if _has_httptools():
        from edicalendar.web.fastpath import PROTOCOL

        # Prepared feeds are answered as soon as their headers are parsed (web/fastpath.py).
        options["http"] = PROTOCOL
    if web_app is None:
        from edicalendar.web import worker

        os.environ[worker.CONFIG_ENV] = str(app_ctx.config_path or "")
        os.environ[worker.CLOCK_ENV] = "" if clock is None else "supervisor"
        config = uvicorn.Config(worker.FACTORY, factory=True, workers=workers, **options)
    else:
        config = uvicorn.Config(web_app, **options)
    resume_collector(paused_collector)
    server = uvicorn.Server(config)
    summary = f"{len(app_ctx.catalog)} observances, {feed_count} feeds"
    sys.stdout.write(
        f"Serving the EDI calendar ({summary}) at http://{_display_host(bind_host)}:{bind_port}/ "
        f"- open it in a browser; Ctrl+C stops.\n"
    )
    if not private_on:
        sys.stdout.write(first_admin_hint(app_ctx.config_path))
    sys.stdout.flush()
    try:
        if web_app is None:
            from uvicorn.supervisors import Multiprocess

            sock = config.bind_socket()
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run()
            if not server.started:
                raise SystemExit("the server did not start; see the log above")
    except (OSError, SystemExit) as exc:
        # uvicorn logs a failed bind and exits; turn that into the CLI's runtime-failure code.
        raise EdicalendarError(f"cannot listen on {bind_host}:{bind_port}: {exc}") from None
    finally:
        if clock is not None:
            clock.shutdown(wait=False)
    sys.stdout.write("stopped\n")

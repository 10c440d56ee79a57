"""Which host names the server answers for, so a request's `Host` header cannot speak for it.

The subscribe page builds feed links (and Starlette builds redirects) from the address a request
came in on when `feeds.base_url` is left at its default. A request saying `Host: evil.example`
must not get `webcal://evil.example/feeds/all.ics`, and a cache in front must not keep such a
page for others. So every request's `Host` is checked before routing (:class:`HostCheck`)
against :func:`host_policy`: the loopback names, the host of `feeds.base_url` when it is set,
and `web.allowed_hosts` (the trusted-host list; `".example.nhs.uk"` allows its subdomains,
`"*"` allows any name). Listening beyond loopback with neither set is refused at start-up
(:func:`exposure_problem`), because every other name would then be refused.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from edicalendar.config import FeedSettings, Settings
from edicalendar.web.feedserve import ASGIApp, Receive, Scope, Send, send_simple

log = logging.getLogger("edicalendar.web")

#: A Host header: a DNS name or IPv4 address, or an IPv6 address in brackets, and a port.
_HOST = re.compile(r"(?P<name>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?\Z")
#: Distinct refused names logged; beyond this a scan of names is not repeated in the log.
_LOGGED_LIMIT = 50


def is_loopback(host: str) -> bool:
    """Whether a host name or address (a bind address or a Host name) is this machine only."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class HostPolicy:
    """The names accepted in `Host`: exact names, subdomain suffixes, or any."""

    names: frozenset[str]
    suffixes: tuple[str, ...] = ()
    any_host: bool = False

    def allows(self, name: str) -> bool:
        if self.any_host or is_loopback(name):
            return True
        name = name.lower().rstrip(".")
        return name in self.names or name.endswith(self.suffixes)


def configured_base_url(feeds: FeedSettings) -> str | None:
    """`feeds.base_url` when it was set, None when it is the built-in default."""
    default = FeedSettings.model_fields["base_url"].default
    return None if feeds.base_url == default else feeds.base_url


def host_policy(settings: Settings) -> HostPolicy:
    """The names this installation answers for (see the module docstring)."""
    from urllib.parse import urlsplit

    names: set[str] = set()
    suffixes: list[str] = []
    base = configured_base_url(settings.feeds)
    if base is not None:
        host = urlsplit(base).hostname
        if host:
            names.add(host.lower())
    any_host = False
    for entry in settings.web.allowed_hosts:
        value = entry.lower().rstrip(".")
        if value == "*":
            any_host = True
        elif value.startswith("."):
            suffixes.append(value)
            names.add(value[1:])
        else:
            names.add(value.strip("[]"))
    return HostPolicy(frozenset(names), tuple(suffixes), any_host)


def exposure_problem(bind_host: str, settings: Settings) -> str | None:
    """Why the server may not listen on `bind_host` with these settings, or None."""
    if is_loopback(bind_host):
        return None
    if configured_base_url(settings.feeds) is not None or settings.web.allowed_hosts:
        return None
    return (
        f"listening on {bind_host} needs the address people use to reach this server: set "
        "feeds.base_url to it (for example https://calendar.example.nhs.uk) or list the host "
        "names it answers for in web.allowed_hosts, in edicalendar.toml or as "
        "EDICALENDAR_BASE_URL / EDICALENDAR_ALLOWED_HOSTS; until then only this machine "
        "(--host 127.0.0.1) can be served"
    )


def host_name(value: bytes) -> str:
    """The name (without port) in a `Host` header's value; "" when it is malformed."""
    match = _HOST.match(value.decode("latin-1"))
    return match.group("name").strip("[]") if match else ""


def request_host(scope: Scope) -> str | None:
    """The `Host` header's name (without port); "" when it is malformed, None when absent."""
    for key, value in scope["headers"]:
        if key == b"host":
            return host_name(value)
    return None


def host_allowed(policy: HostPolicy, value: bytes | None) -> bool:
    """Whether a request whose `Host` header is `value` (None: no header) may be answered."""
    if value is None:
        return True
    name = host_name(value)
    return bool(name) and policy.allows(name)


#: Renders the refusal for a path: (status, message) -> (body, content type).
Refusal = Callable[[str, int, str], tuple[bytes, bytes]]


class HostCheck:
    """ASGI middleware answering 400 to a request whose `Host` the policy does not allow."""

    def __init__(self, app: ASGIApp, policy: Callable[[], HostPolicy], refusal: Refusal) -> None:
        self.app = app
        self.policy = policy
        self.refusal = refusal
        self._logged: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = request_host(scope)
        if name is None or (name and self.policy().allows(name)):
            await self.app(scope, receive, send)
            return
        self._log(name)
        body, content_type = self.refusal(
            str(scope.get("path", "/")), 400, "This server does not answer for that host name."
        )
        await send_simple(send, 400, body, content_type)

    def _log(self, name: str) -> None:
        if name in self._logged or len(self._logged) >= _LOGGED_LIMIT:
            return
        self._logged.add(name)
        log.warning(
            "refused a request for host %r: if people reach this server by that name, set "
            "feeds.base_url or add it to web.allowed_hosts",
            name[:100],
        )

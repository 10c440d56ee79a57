"""Download an import source over http(s) within limits, with revalidation between runs.

Only `http` and `https` URLs are fetched. Every hop, the first included, is resolved here and
refused when any address is loopback, private, link-local or otherwise not public, unless the
caller allows private addresses (`--allow-private`); redirects are followed by hand for that
reason. Link-local and cloud metadata addresses (169.254.169.254, fd00:ec2::254, ...) are
never fetched, `--allow-private` or not. The same rule is applied again to the address each
connection actually reached, before a byte of the request is sent, so a name that resolves
differently the second time (DNS rebinding) gains nothing. Connect and read timeouts are
always set, the body is capped while it streams (and by
`Content-Length` before), and a total deadline stops a server that drips bytes. The ETag and
Last-Modified of each URL are kept in the data folder so the next run sends a conditional GET
and a 304 reuses the stored copy.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from edicalendar.errors import FetchError, UnsafeSourceError
from edicalendar.importers.source import MAX_SOURCE_BYTES

USER_AGENT = "edicalendar-import (+https://github.com/edicalendar/edicalendar)"
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Timeouts in seconds and the byte cap; defaults suit a calendar file on a slow link."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_seconds: float = 120.0
    max_bytes: int = MAX_SOURCE_BYTES
    #: Allow every loopback, private and link-local address (`--allow-private`).
    allow_private: bool = False
    #: "host:port" origins allowed although private, every other private hop still refused
    #: (a source on the local network that must not redirect elsewhere inside it).
    private_origins: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A downloaded body and what the server said about it."""

    url: str
    body: bytes
    content_type: str
    #: True when the server answered 304 and the stored copy was used.
    not_modified: bool = False


_SECRET_PARAM = re.compile(r"(key|token|secret|sig|signature|password|passwd|auth)", re.I)
# Google Calendar's secret address: /calendar/ical/<id>/private-<hex>/basic.ics
_SECRET_PATH = re.compile(r"/private-[0-9a-f]{8,}/", re.I)


def redact(url: str) -> str:
    """The URL without user name, password, secret query values or secret path parts.

    It appears in messages and is written into calendar data as the source, so nothing that
    grants access to a private calendar may survive.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an impossible port or a broken IPv6 literal: keep nothing after it
        return url.split("://", 1)[0] + "://(an address that is not valid)"
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{port}" if port else host
    query = "&".join(
        f"{name}=REDACTED" if _SECRET_PARAM.search(name) else f"{name}={value}" if value else name
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    path = _SECRET_PATH.sub("/private-REDACTED/", parts.path)
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def is_url(source: str) -> bool:
    """Whether SOURCE names a URL (any scheme) rather than a local file."""
    return "://" in source[:16]


#: Addresses that are never fetched, whatever is allowed: instance metadata services (AWS,
#: GCP, Azure, OpenStack at 169.254.169.254; AWS's IPv6 fd00:ec2::254; ECS task metadata at
#: 169.254.170.2; Alibaba's 100.100.100.200; Azure's wire server 168.63.129.16) hand out
#: credentials to anything on the machine that asks.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16",
              "fd00:ec2::254", "fd00:ec2::23")
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Any:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), or the address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_problem(address_text: str, *, private_ok: bool) -> str | None:
    """Why `address_text` may not be fetched from, or None. `private_ok` (--allow-private, or a
    trusted origin) allows loopback and private networks, never link-local or metadata."""
    address = _embedded_ipv4(ipaddress.ip_address(address_text.split("%", 1)[0]))
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address, which is never fetched"
    if address.is_link_local:
        return "a link-local address, which is never fetched"
    if address.is_unspecified or address.is_multicast:
        return "not an address a calendar can be fetched from"
    if isinstance(address, ipaddress.IPv4Address) and address.is_reserved:
        return "a reserved address, which is never fetched"
    if isinstance(address, ipaddress.IPv4Address) and address == ipaddress.IPv4Address(
        "255.255.255.255"
    ):
        return "the broadcast address"
    if not address.is_global and not private_ok:
        return (
            "a loopback, private or link-local address; refused (use --allow-private for a "
            "source on your own network)"
        )
    return None


def _origin_parts(url: str) -> tuple[Any, str, str, int]:
    shown = redact(url)
    try:
        parts = urlsplit(url)
        scheme = parts.scheme
        host = parts.hostname
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeSourceError(f"{shown}: not a valid URL ({exc})") from None
    if scheme not in ("http", "https"):
        raise UnsafeSourceError(f"{shown}: only http and https URLs can be imported")
    if not host:
        raise UnsafeSourceError(f"{shown}: the URL has no host name")
    return parts, shown, host, port


def check_address(
    url: str, allow_private: bool, private_origins: frozenset[str] = frozenset()
) -> None:
    """Refuse a URL whose scheme is not http(s) or whose host resolves to an address
    :func:`address_problem` refuses."""
    _, shown, host, port = _origin_parts(url)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise FetchError(f"{shown}: cannot resolve {host}: {reason}") from None
    private_ok = allow_private or f"{host}:{port}" in private_origins
    for info in infos:
        address = str(info[4][0])
        problem = address_problem(address, private_ok=private_ok)
        if problem is not None:
            raise UnsafeSourceError(
                f"{shown}: {host} resolves to {address.split('%', 1)[0]}, {problem}"
            )


class _Cache:
    """Validators and bodies of earlier downloads, one pair of files per URL."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.directory is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.directory / f"{key}.json", self.directory / f"{key}.body"

    def validators(self, url: str) -> dict[str, str]:
        paths = self._paths(url)
        if paths is None or not paths[0].is_file() or not paths[1].is_file():
            return {}
        try:
            stored = json.loads(paths[0].read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        headers: dict[str, str] = {}
        if isinstance(stored.get("etag"), str):
            headers["If-None-Match"] = stored["etag"]
        if isinstance(stored.get("last_modified"), str):
            headers["If-Modified-Since"] = stored["last_modified"]
        return headers

    def load(self, url: str) -> tuple[bytes, str] | None:
        paths = self._paths(url)
        if paths is None:
            return None
        try:
            stored = json.loads(paths[0].read_text("utf-8"))
            return paths[1].read_bytes(), str(stored.get("content_type", ""))
        except (OSError, ValueError):
            return None

    def store(
        self, url: str, body: bytes, etag: str | None, modified: str | None, kind: str
    ) -> None:
        paths = self._paths(url)
        if paths is None or (etag is None and modified is None):
            return
        meta, data = paths
        meta.parent.mkdir(parents=True, exist_ok=True)
        data.write_bytes(body)
        record = {"url": redact(url), "etag": etag, "last_modified": modified, "content_type": kind}
        meta.write_text(json.dumps(record, indent=2), "utf-8")


def fetch(
    url: str,
    *,
    limits: FetchLimits = FetchLimits(),
    cache_dir: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Fetched:
    """GET `url` within `limits`; `progress(received, total)` is called as bytes arrive."""
    import requests

    cache = _Cache(cache_dir)
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would bypass the address checks
    adapter = _guarded_adapter(limits)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    current = url
    deadline = time.monotonic() + limits.total_seconds
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            check_address(current, limits.allow_private, limits.private_origins)
            headers = {
                "User-Agent": USER_AGENT,
                "Accept": "text/calendar, text/csv, */*",
                # Uncompressed, so the byte cap measures what is parsed (no gzip bombs).
                "Accept-Encoding": "identity",
            }
            headers.update(cache.validators(current))
            try:
                response = session.get(
                    current,
                    headers=headers,
                    timeout=(limits.connect_timeout, limits.read_timeout),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.exceptions.ConnectTimeout:
                raise FetchError(
                    f"{redact(current)}: no connection within {limits.connect_timeout:g} s"
                ) from None
            except requests.exceptions.ReadTimeout:
                raise FetchError(
                    f"{redact(current)}: no response within {limits.read_timeout:g} s"
                ) from None
            except requests.exceptions.RequestException as exc:
                raise FetchError(f"{redact(current)}: {type(exc).__name__}: {exc}") from None
            with response:
                if response.status_code in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{redact(current)}: redirect without a Location")
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304:
                    stored = cache.load(current)
                    if stored is None:
                        raise FetchError(f"{redact(current)}: 304 Not Modified but no stored copy")
                    return Fetched(current, stored[0], stored[1], not_modified=True)
                if response.status_code != 200:
                    reason = response.reason or ""
                    raise FetchError(
                        f"{redact(current)}: the server answered {response.status_code} {reason}"
                    )
                body = _read_body(response, current, limits, deadline, progress)
                kind = response.headers.get("Content-Type", "")
                cache.store(
                    current,
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                    kind,
                )
                return Fetched(current, body, kind)
        raise FetchError(f"{redact(url)}: more than {MAX_REDIRECTS} redirects")
    finally:
        session.close()


def _read_body(
    response: object,
    url: str,
    limits: FetchLimits,
    deadline: float,
    progress: Callable[[int, int | None], None] | None,
) -> bytes:
    import requests

    assert isinstance(response, requests.Response)
    declared = response.headers.get("Content-Length")
    total = int(declared) if declared and declared.isdigit() else None
    if total is not None and total > limits.max_bytes:
        raise UnsafeSourceError(
            f"{redact(url)}: {total} bytes is over the {limits.max_bytes}-byte limit for imports"
        )
    received = bytearray()
    raw = response.raw
    try:
        while True:
            # read1 returns what one socket read gives, so the deadline is checked between
            # reads even when a server sends a byte at a time.
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            received.extend(chunk)
            if len(received) > limits.max_bytes:
                raise UnsafeSourceError(
                    f"{redact(url)}: more than {limits.max_bytes} bytes; stopped reading "
                    "(the limit for imports)"
                )
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{redact(url)}: still downloading after {limits.total_seconds:g} s; stopped"
                )
            if progress is not None:
                progress(len(received), total)
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"{redact(url)}: download failed: {exc}") from None
    except OSError as exc:  # urllib3 surfaces socket timeouts as OSError subclasses
        raise FetchError(f"{redact(url)}: download failed: {exc}") from None
    return bytes(received)


def _guarded_adapter(limits: FetchLimits) -> Any:
    """A requests adapter whose connections check the address they reached (see the module
    docstring) before the request is sent."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def guard(connection: Any, sock: socket.socket) -> None:
        peer = str(sock.getpeername()[0])
        origin = f"{connection.host}:{connection.port}"
        private_ok = limits.allow_private or origin in limits.private_origins
        problem = address_problem(peer, private_ok=private_ok)
        if problem is not None:
            sock.close()
            raise UnsafeSourceError(
                f"{connection.host}: connected to {peer.split('%', 1)[0]}, {problem}"
            )

    class Guarded(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            guard(self, sock)
            return sock

    class GuardedTLS(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            guard(self, sock)
            return sock

    class Pool(HTTPConnectionPool):
        ConnectionCls = Guarded

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedTLS

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}

    return Adapter(max_retries=0)

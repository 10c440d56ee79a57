"""Fetching sources from a real HTTP server on 127.0.0.1: statuses, limits, redirects, caching.

127.0.0.1 is itself a loopback address, so these tests say which private origin they trust
(`private_origins`, or `--allow-private` on the command line); every other private hop is
still checked and refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from edicalendar.errors import FetchError, UnsafeSourceError
from edicalendar.importers.fetch import FetchLimits, check_address, fetch
from support.cli import CliRunner

CSV = b"Name,Date\nPride Month,June 2026\n"


def _trusted(server: HTTPServer, **kwargs: Any) -> FetchLimits:
    return FetchLimits(private_origins=frozenset({f"{server.host}:{server.port}"}), **kwargs)


def test_200_then_304_uses_the_stored_copy(httpserver: HTTPServer, tmp_path: Path) -> None:
    """The first GET stores ETag and body; the second sends If-None-Match and reuses the body."""
    seen: list[str | None] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(CSV, content_type="text/csv", headers={"ETag": '"v1"'})

    httpserver.expect_request("/cal.csv").respond_with_handler(handler)
    limits = _trusted(httpserver)
    first = fetch(httpserver.url_for("/cal.csv"), limits=limits, cache_dir=tmp_path)
    second = fetch(httpserver.url_for("/cal.csv"), limits=limits, cache_dir=tmp_path)
    assert seen == [None, '"v1"']
    assert (first.body, first.not_modified) == (CSV, False)
    assert (second.body, second.not_modified) == (CSV, True)


def test_last_modified_revalidation(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Without an ETag, Last-Modified is sent back as If-Modified-Since."""
    stamp = "Wed, 25 Nov 2026 10:00:00 GMT"
    httpserver.expect_ordered_request("/a.csv").respond_with_data(
        CSV, headers={"Last-Modified": stamp}
    )
    httpserver.expect_ordered_request(
        "/a.csv", headers={"If-Modified-Since": stamp}
    ).respond_with_data(b"", status=304)
    limits = _trusted(httpserver)
    fetch(httpserver.url_for("/a.csv"), limits=limits, cache_dir=tmp_path)
    again = fetch(httpserver.url_for("/a.csv"), limits=limits, cache_dir=tmp_path)
    assert again.not_modified and again.body == CSV
    httpserver.check_assertions()


@pytest.mark.parametrize(("status", "text"), [(404, "404 NOT FOUND"), (500, "500 INTERNAL")])
def test_error_statuses(httpserver: HTTPServer, status: int, text: str) -> None:
    """404 and 500 end in a FetchError naming the URL and the status."""
    httpserver.expect_request("/x.ics").respond_with_data(b"no", status=status)
    with pytest.raises(FetchError) as caught:
        fetch(httpserver.url_for("/x.ics"), limits=_trusted(httpserver))
    assert text in str(caught.value).upper()
    assert "/x.ics" in str(caught.value)


@pytest.mark.timeout(20)
def test_slow_response_times_out(httpserver: HTTPServer) -> None:
    """A server that takes longer than the read timeout to answer is given up on."""

    def slow(request: Request) -> Response:
        time.sleep(1.6)
        return Response(CSV)

    httpserver.expect_request("/slow.csv").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no response within 1 s"):
        fetch(httpserver.url_for("/slow.csv"), limits=_trusted(httpserver, read_timeout=1.0))
    assert time.monotonic() - started < 1.5


@pytest.mark.timeout(20)
def test_dripping_body_hits_the_total_deadline(httpserver: HTTPServer) -> None:
    """A body sent a few bytes at a time (never tripping the read timeout) is cut off."""

    def drip(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.1)
                yield b"x,2026-01-01\n"

        return Response(chunks(), content_type="text/csv")

    httpserver.expect_request("/drip.csv").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(FetchError, match="still downloading after 1 s"):
        fetch(
            httpserver.url_for("/drip.csv"),
            limits=_trusted(httpserver, read_timeout=5.0, total_seconds=1.0),
        )
    assert time.monotonic() - started < 5


def test_body_over_the_cap_while_streaming(httpserver: HTTPServer) -> None:
    """A chunked body (no Content-Length) is stopped as soon as it passes 5 MB."""

    def big(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(100):
                yield b"a" * (128 * 1024)

        return Response(chunks(), content_type="text/csv")

    httpserver.expect_request("/big.csv").respond_with_handler(big)
    with pytest.raises(UnsafeSourceError, match="more than 5242880 bytes; stopped reading"):
        fetch(httpserver.url_for("/big.csv"), limits=_trusted(httpserver))


def test_declared_length_over_the_cap(httpserver: HTTPServer) -> None:
    """A Content-Length over the cap is refused before the body is read."""
    httpserver.expect_request("/big.csv").respond_with_data(b"a" * 2000)
    with pytest.raises(UnsafeSourceError, match="2000 bytes is over the 1000-byte limit"):
        fetch(httpserver.url_for("/big.csv"), limits=_trusted(httpserver, max_bytes=1000))


@pytest.mark.parametrize(
    "target",
    [
        "http://10.1.2.3/cal.ics",
        "http://192.168.0.10/cal.ics",
        "http://[::1]:8080/cal.ics",
        "http://127.0.0.1:9/cal.ics",
    ],
)
def test_redirect_to_private_address_refused(httpserver: HTTPServer, target: str) -> None:
    """A trusted origin that redirects to another private address is refused at that hop."""
    httpserver.expect_request("/moved").respond_with_data(
        b"", status=302, headers={"Location": target}
    )
    with pytest.raises(UnsafeSourceError, match="loopback, private or link-local"):
        fetch(httpserver.url_for("/moved"), limits=_trusted(httpserver))


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "a cloud metadata address"),
        ("http://100.100.100.200/latest/meta-data/", "a cloud metadata address"),
        ("http://169.254.10.20/cal.ics", "a link-local address"),
        ("http://[fe80::1]/cal.ics", "a link-local address"),
        ("http://[::ffff:169.254.169.254]/latest/", "a cloud metadata address"),
        ("http://[64:ff9b::a9fe:a9fe]/latest/", "a cloud metadata address"),
        ("http://0.0.0.0/cal.ics", "not an address a calendar can be fetched from"),
    ],
)
def test_metadata_and_link_local_never_fetched_even_with_allow_private(
    httpserver: HTTPServer,
    target: str,
    why: str,
    run_cli: CliRunner,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """--allow-private allows your own network, never link-local or cloud metadata addresses:
    not as the source, not as a redirect target."""
    with pytest.raises(UnsafeSourceError, match=why):
        fetch(target, limits=FetchLimits(allow_private=True))
    httpserver.expect_request("/moved").respond_with_data(
        b"", status=302, headers={"Location": target}
    )
    with pytest.raises(UnsafeSourceError, match=why):
        fetch(httpserver.url_for("/moved"), limits=FetchLimits(allow_private=True))
    (tmp_path / "calendars").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run_cli("import", httpserver.url_for("/moved"), "--calendar", "local",
                     "--allow-private")  # fmt: skip
    assert result.code == 1
    assert why in result.err


def test_the_address_connected_to_is_checked_too(httpserver: HTTPServer, monkeypatch: Any) -> None:
    """A name that resolves to a public address when checked but to another at connect time
    (DNS rebinding) is refused at the connection, before the request is sent."""
    import socket as socket_module

    real = socket_module.getaddrinfo
    answers = iter(
        [[(socket_module.AF_INET, socket_module.SOCK_STREAM, 6, "", ("93.184.215.14", 80))]]
    )

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            try:
                return next(answers)  # the check sees a public address...
            except StopIteration:
                return real("127.0.0.1", *args, **kwargs)  # ...the connection reaches loopback
        return real(host, *args, **kwargs)

    # Both the check and urllib3's connect call socket.getaddrinfo.
    monkeypatch.setattr(socket_module, "getaddrinfo", rebinding)
    httpserver.expect_request("/cal.csv").respond_with_data(CSV)
    url = f"http://rebind.example:{httpserver.port}/cal.csv"
    with pytest.raises(UnsafeSourceError, match=r"connected to 127\.0\.0\.1, a loopback"):
        fetch(url)
    assert httpserver.log == []


def test_redirect_followed_with_allow_private(httpserver: HTTPServer) -> None:
    """With allow_private, a redirect to another local path is followed to the body."""
    httpserver.expect_request("/moved").respond_with_data(
        b"", status=301, headers={"Location": "/cal.csv"}
    )
    httpserver.expect_request("/cal.csv").respond_with_data(CSV, content_type="text/csv")
    found = fetch(httpserver.url_for("/moved"), limits=FetchLimits(allow_private=True))
    assert found.body == CSV
    assert found.url.endswith("/cal.csv")


def test_redirect_to_file_scheme_refused(httpserver: HTTPServer) -> None:
    """A redirect to file:// is refused even when private addresses are allowed."""
    httpserver.expect_request("/moved").respond_with_data(
        b"", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(UnsafeSourceError, match="only http and https"):
        fetch(httpserver.url_for("/moved"), limits=FetchLimits(allow_private=True))


def test_loopback_refused_without_the_flag(httpserver: HTTPServer) -> None:
    """The test server itself (127.0.0.1) is refused when nothing is trusted; no request made."""
    with pytest.raises(UnsafeSourceError, match=r"127\.0\.0\.1, a loopback"):
        fetch(httpserver.url_for("/cal.csv"))
    assert httpserver.log == []


def test_localhost_name_is_checked_after_resolving() -> None:
    """A host name is resolved and checked: localhost is loopback."""
    with pytest.raises(UnsafeSourceError, match="localhost resolves to"):
        check_address("http://localhost:1/cal.ics", allow_private=False)


def test_cli_import_from_url_then_not_modified(
    httpserver: HTTPServer, workdir: Path, run_cli: CliRunner
) -> None:
    """`import URL --allow-private` writes the calendar; the next run revalidates with a 304."""

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"abc"':
            return Response(status=304)
        return Response(CSV, content_type="text/csv", headers={"ETag": '"abc"'})

    httpserver.expect_request("/edi.csv").respond_with_handler(handler)
    url = httpserver.url_for("/edi.csv")
    refused = run_cli("import", url, "--calendar", "trust")
    assert refused.code == 1 and "--allow-private" in refused.err
    first = run_cli("import", url, "--calendar", "trust", "--allow-private")
    assert first.code == 0, first.err
    assert "1 added" in first.out
    second = run_cli("import", url, "--calendar", "trust", "--allow-private")
    assert second.code == 0, second.err
    assert "not modified since the last import" in second.out
    assert "0 added, 0 updated, 1 unchanged" in second.out
    text = (workdir / "calendars" / "trust.toml").read_text()
    assert f'sources = ["{url}"]' in text


def test_cli_http_error_exit_code(
    httpserver: HTTPServer, workdir: Path, run_cli: CliRunner
) -> None:
    """A 500 from the server is a runtime failure (exit 3) and leaves the calendar alone."""
    httpserver.expect_request("/edi.ics").respond_with_data(b"oops", status=500)
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    result = run_cli(
        "import", httpserver.url_for("/edi.ics"), "--calendar", "trust", "--allow-private"
    )
    assert result.code == 3
    assert "500" in result.err
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


def test_secrets_never_reach_messages_or_data() -> None:
    """User info, secret query values and Google's private-address token are redacted."""
    from edicalendar.importers.fetch import redact

    assert redact("https://me:pw@example.org/a.ics?ical=1&token=abc") == (
        "https://example.org/a.ics?ical=1&token=REDACTED"
    )
    google = (
        "https://calendar.google.com/calendar/ical/team%40group.calendar.google.com/"
        "private-0123456789abcdef0123/basic.ics"
    )
    assert "0123456789abcdef" not in redact(google)
    assert redact("https://www.awarenessdays.com/list/?ical=1") == (
        "https://www.awarenessdays.com/list/?ical=1"
    )

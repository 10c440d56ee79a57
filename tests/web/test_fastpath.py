"""The HTTP-level feed fast path answers exactly as the ASGI path does, and only when it can.

A real uvicorn server on 127.0.0.1 runs the app with `FeedHttpProtocol` (as `serve` does); its
answers are compared with the same app's answers through the ASGI stack (TestClient), and a
counter on the ASGI feed router shows which requests the fast path took.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edicalendar.web import create_app
from edicalendar.web.fastpath import PROTOCOL
from support.net import LOCAL_BASE_URL
from support.paths import REPO_ROOT
from support.serving import serving


@dataclass
class Served:
    port: int
    app: Any
    asgi_feed_calls: list[str]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _serve(app: Any, lifespan: str = "on") -> Iterator[Served]:
    calls: list[str] = []
    front = app.front

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/feeds/"):
            calls.append(scope["path"])
        await front(scope, receive, send)

    app.front = counting
    # As `serve` runs it: the fast path, no access log, no server header.
    options = {"http": PROTOCOL, "access_log": False, "server_header": False}
    with serving(app, lifespan=lifespan, **options) as base:
        yield Served(int(base.rsplit(":", 1)[1]), app, calls)


@pytest.fixture
def served(app_factory: Any) -> Iterator[Served]:
    yield from _serve(app_factory())


def _read_answers(sock: socket.socket, count: int, head_only: bool = False) -> list[Answer]:
    """Read `count` HTTP/1.1 responses off `sock` (Content-Length framed)."""
    data = b""
    answers: list[Answer] = []
    sock.settimeout(10)
    while len(answers) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed after {len(answers)} answers")
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only or status == 304 else int(headers.get("content-length", "0"))
        while len(data) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed mid-body")
            data += chunk
        answers.append(Answer(status, headers, data[:length]))
        data = data[length:]
    return answers


def _ask(port: int, raw: bytes, count: int = 1, head_only: bool = False) -> list[Answer]:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(raw)
        return _read_answers(sock, count, head_only)


def _get(path: str, *headers: str, method: str = "GET", version: str = "1.1") -> bytes:
    lines = [f"{method} {path} HTTP/{version}", "Host: 127.0.0.1", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


def test_a_feed_is_answered_as_the_asgi_path_answers_it(served: Served) -> None:
    """Status, every header but Date, and the body equal the ASGI path's; no ASGI call."""
    (fast,) = _ask(served.port, _get("/feeds/all.ics"))
    assert served.asgi_feed_calls == []
    with TestClient(served.app, base_url=LOCAL_BASE_URL) as client:
        slow = client.get("/feeds/all.ics")
    assert fast.status == 200
    assert fast.body == slow.content
    assert "date" in fast.headers
    assert {k: v for k, v in fast.headers.items() if k != "date"} == {
        k: v for k, v in slow.headers.items() if k != "date"
    }


def test_revalidations_get_304_from_the_fast_path(served: Served) -> None:
    """The ETag alone, weak, in a list, or *; and If-Modified-Since: all 304 without a body
    and without an ASGI call. A stale tag gets the full feed."""
    (first,) = _ask(served.port, _get("/feeds/all.ics"))
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    for header in (
        f"If-None-Match: {tag}",
        f"If-None-Match: W/{tag}",
        f'If-None-Match: "old", {tag}',
        "If-None-Match: *",
        f"If-Modified-Since: {modified}",
    ):
        (answer,) = _ask(served.port, _get("/feeds/all.ics", header))
        assert answer.status == 304, header
        assert answer.headers["etag"] == tag
        assert "content-length" not in answer.headers
    (stale,) = _ask(served.port, _get("/feeds/all.ics", 'If-None-Match: "0000"'))
    assert stale.status == 200 and stale.body == first.body
    assert served.asgi_feed_calls == []


def test_head_has_gets_headers_and_no_body(served: Served) -> None:
    """HEAD on a feed: the GET's length and validators, and not one byte of body (the next
    response on the connection starts right after the header block)."""
    (get,) = _ask(served.port, _get("/feeds/all.ics"))
    raw = _get("/feeds/all.ics", method="HEAD") + _get("/feeds/faith.ics", method="HEAD")
    head, following = _ask(served.port, raw, count=2, head_only=True)
    assert head.status == 200 and head.body == b""
    for name in ("content-length", "etag", "last-modified", "content-type"):
        assert head.headers[name] == get.headers[name]
    assert following.status == 200 and following.headers["etag"] != get.headers["etag"]


def test_pipelined_requests_are_answered_in_order(served: Served) -> None:
    """A feed, a page and a feed sent in one packet come back in the order asked, on one
    connection, whichever path answers each."""
    raw = _get("/feeds/faith.ics") + _get("/api/observances") + _get("/feeds/all.ics")
    faith, page, everything = _ask(served.port, raw, count=3)
    assert faith.status == 200 and b"X-WR-CALNAME:EDI calendar: faith festivals" in faith.body
    assert page.status == 200 and page.headers["content-type"] == "application/json"
    assert everything.status == 200 and b"X-WR-CALNAME:EDI calendar: everything" in everything.body


def test_http_1_0_gets_connection_close(served: Served) -> None:
    """An HTTP/1.0 client gets `connection: close` and the connection is closed after."""
    with socket.create_connection(("127.0.0.1", served.port)) as sock:
        sock.sendall(_get("/feeds/all.ics", version="1.0"))
        (answer,) = _read_answers(sock, 1)
        assert answer.headers["connection"] == "close"
        sock.settimeout(5)
        assert sock.recv(1) == b""


def test_what_the_fast_path_cannot_answer_goes_through_asgi(served: Served) -> None:
    """A query string, a percent-encoded name, another method and an unknown feed all reach the
    ASGI router, which answers them as before."""
    (query,) = _ask(served.port, _get("/feeds/all.ics?category=religion-belief"))
    (encoded,) = _ask(served.port, _get("/feeds/%61ll.ics"))
    (post,) = _ask(served.port, _get("/feeds/all.ics", "Content-Length: 0", method="POST"))
    (unknown,) = _ask(served.port, _get("/feeds/nope.ics"))
    assert query.status == 200 and encoded.status == 200
    assert b"X-WR-CALNAME:EDI calendar: Religion or belief" in query.body
    assert b"X-WR-CALNAME:EDI calendar: everything" in encoded.body
    assert post.status == 405 and post.headers["allow"] == "GET, HEAD"
    assert unknown.status == 404
    assert len(served.asgi_feed_calls) == 4


def test_a_feed_not_prepared_yet_is_built_once_then_served_fast(app_factory: Any) -> None:
    """With background preparation not run (no lifespan), the first request builds the feed
    through the ASGI path; the next is answered by the fast path."""
    for served in _serve(app_factory(prepare_feeds="background"), lifespan="off"):
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.sendall(_get("/feeds/race.ics"))
            (first,) = _read_answers(sock, 1)
            sock.sendall(_get("/feeds/race.ics"))
            (second,) = _read_answers(sock, 1)
        assert first.status == second.status == 200
        assert first.body == second.body
        assert served.asgi_feed_calls == ["/feeds/race.ics"]


@pytest.fixture
def spooled(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """Every feed spooled to a file, as feeds of a megabyte or more are, and served."""
    from edicalendar.web import feedtable

    monkeypatch.setattr(feedtable, "SENDFILE_MIN", 1)
    yield from _serve(app_factory())


def test_a_spooled_feed_goes_out_whole_with_sendfile(spooled: Served) -> None:
    """A body sent from its file is byte for byte the prepared one, with the same headers; a
    HEAD sends none of it; requests pipelined behind it are answered after it, in order."""
    feed = spooled.app.state.live.snapshot.feeds["all"]
    assert feed.body_file is not None
    raw = _get("/feeds/all.ics") + _get("/api/observances") + _get("/feeds/faith.ics")
    everything, page, faith = _ask(spooled.port, raw, count=3)
    assert everything.status == 200 and everything.body == feed.body
    assert everything.headers["content-length"] == str(len(feed.body))
    assert page.status == 200 and page.headers["content-type"] == "application/json"
    assert faith.body == spooled.app.state.live.snapshot.feeds["faith"].body
    (head,) = _ask(spooled.port, _get("/feeds/all.ics", method="HEAD"), head_only=True)
    assert head.status == 200 and head.headers["content-length"] == str(len(feed.body))
    (http10,) = _ask(spooled.port, _get("/feeds/all.ics", version="1.0"))
    assert http10.body == feed.body and http10.headers["connection"] == "close"
    # Only the feed pipelined behind the API request waited for the ASGI path.
    assert spooled.asgi_feed_calls == ["/feeds/faith.ics"]


def test_a_client_leaving_mid_body_leaves_the_server_well(
    tmp_path: Any, web_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that reads a few bytes of a multi-megabyte feed and hangs up costs the server
    nothing: the next clients get whole feeds."""
    import datetime as dt
    import shutil
    import sys

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from synthetic import write_scaled

    from edicalendar.context import AppContext
    from support.clock import Clock

    shutil.rmtree(web_env.calendars)
    write_scaled(web_env.calendars, 10)
    shutil.rmtree(web_env.campaigns)  # they name the small test calendar's observances
    web_env.campaigns.mkdir()
    now = Clock(dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC))
    app = create_app(AppContext(config_path=web_env.config, now=now), watch_interval=None)
    feed = app.state.live.snapshot.feeds["all"]
    assert len(feed.body) > 1 << 20 and feed.body_file is not None
    for served in _serve(app):
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", served.port))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(_get("/feeds/all.ics"))
            assert sock.recv(1024).startswith(b"HTTP/1.1 200 OK")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.close()  # a reset, with most of the body unsent
        time.sleep(0.2)
        whole, again = _ask(served.port, _get("/feeds/all.ics") + _get("/feeds/all.ics"), 2)
        assert whole.body == feed.body and again.body == feed.body


def test_the_fast_path_leaves_forged_hosts_and_bodies_to_the_checks_behind(
    served: Served,
) -> None:
    """A feed request for a host name the server does not answer for, or one carrying a body,
    is not answered at header time: it goes through the ASGI stack, where the Host check
    answers 400 and the body cap 413, as for every other path."""
    forged = b"GET /feeds/all.ics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    (refused,) = _ask(served.port, forged)
    assert refused.status == 400
    assert b"evil.example" not in refused.body
    huge = _get("/feeds/all.ics", "Content-Length: 50000000", "Connection: close")
    with socket.create_connection(("127.0.0.1", served.port)) as sock:
        sock.sendall(huge)
        (too_big,) = _read_answers(sock, 1)
    assert too_big.status == 413
    assert served.asgi_feed_calls == ["/feeds/all.ics"] * 2
    (fine,) = _ask(served.port, _get("/feeds/all.ics"))
    assert fine.status == 200
    assert len(served.asgi_feed_calls) == 2  # the ordinary poll was answered at header time

"""Feed requests answered as they are parsed, before uvicorn builds an ASGI request for them.

Calendar clients poll feeds all day and nearly every poll is a revalidation, so the cost that
matters is that of one 304. uvicorn spends most of a request on its ASGI machinery: a scope, a
request-response cycle, an asyncio task, header checks on the way out. For an exact feed path
(`/feeds/all.ics`, no query) whose response is prepared, :class:`FeedHttpProtocol` decides
from precomputed bytes as soon as the request's headers are parsed: look up the path, compare
If-None-Match with the feed's accepted tags, and write the status line, uvicorn's own Date
header and the prepared header block (and body) in one call. Every other request, and any feed
request it cannot answer exactly as the ASGI path would (pipelined behind a slow request, an
upgrade, `Expect: 100-continue`, a request body, a `Host` the server does not answer for, a
feed not yet prepared), goes through uvicorn unchanged, to the body cap, the `Host` check and
:class:`~edicalendar.web.feedserve.FeedRouter`, which answers it the same way. With uvicorn's
access log on, the fast path logs the line uvicorn would have logged.

A feed of a megabyte or more goes out with sendfile(2) from a file holding its prepared bytes,
so the kernel copies it from the page cache as nginx does; smaller ones in one write.

`edicalendar serve` selects this protocol when httptools is installed (uvicorn[standard]).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_client_addr

from edicalendar.web.feedserve import FEED_PREFIX, FeedResponse

#: How uvicorn is told to use this protocol (an import string survives its worker processes).
PROTOCOL = "edicalendar.web.fastpath:FeedHttpProtocol"

_FEEDS = FEED_PREFIX.encode("ascii")
_OK = b"HTTP/1.1 200 OK\r\n"
_NOT_MODIFIED = b"HTTP/1.1 304 Not Modified\r\n"
_CLOSE = b"connection: close\r\n"

Lookup = Callable[[bytes], FeedResponse | None]


class _NoEvent:
    @staticmethod
    def set() -> None:
        return None


class _Answered:
    """Stands in for uvicorn's request-response cycle once the fast path has answered, so its
    parser callbacks (body, message complete, connection lost) see a finished response."""

    response_complete = True
    disconnected = False
    message_event = _NoEvent()


_ANSWERED: Any = _Answered()


class _Sending:
    """The cycle stand-in while a large body goes out with sendfile(2): the response is not
    complete, so uvicorn queues any pipelined request until :meth:`FeedHttpProtocol._sent`."""

    response_complete = False
    message_event = _NoEvent()

    def __init__(self, socket_fd: int, file_fd: int, length: int, keep_alive: bool) -> None:
        self.socket_fd = socket_fd
        self.file_fd = file_fd
        self.offset = 0
        self.length = length
        #: uvicorn sets this False on shutdown, and True on `disconnected`.
        self.keep_alive = keep_alive
        self.disconnected = False
        self.watching = False
        # What uvicorn's body callbacks touch on a cycle (a GET body is read and dropped).
        self.body = bytearray()
        self.more_body = True


def feed_lookup(app: Any) -> Lookup | None:
    """The app's prepared-feed lookup, looking through wrapping middleware; None if it has none."""
    return _find(app, "prepared_feed")  # type: ignore[no-any-return]


def host_check(app: Any) -> Callable[[bytes | None], bool] | None:
    """The app's check of a raw `Host` value (:attr:`WebApp.answers_host`), or None."""
    return _find(app, "answers_host")  # type: ignore[no-any-return]


def _find(app: Any, name: str) -> Any:
    """The callable attribute `name` of `app` or of the app it wraps, or None."""
    for _ in range(8):
        found = getattr(app, name, None)
        if callable(found):
            return found
        app = getattr(app, "app", None)
        if app is None:
            break
    return None


class _DefaultHeaders:
    """uvicorn's default headers (Date, refreshed each second) as one block of bytes."""

    source: object = None
    block = b""

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]]) -> bytes:
        if headers is not cls.source:
            cls.block = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
            cls.source = headers
        return cls.block


class FeedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with prepared feeds answered at header time."""

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._lookup = feed_lookup(self.app)
        self._host_allowed = host_check(self.app)
        #: The body going out with sendfile(2) just now, if any (it is also `self.cycle`).
        self._sending: _Sending | None = None

    def on_headers_complete(self) -> None:
        lookup = self._lookup
        if lookup is not None and self.url.startswith(_FEEDS):
            feed = lookup(self.url)
            if feed is not None and self._answer(feed):
                return
        # A timer armed by a fast answer earlier in this read must not cut this request short.
        self._unset_keepalive_if_required()
        super().on_headers_complete()

    def _answer(self, feed: FeedResponse) -> bool:
        """Write the whole response for `feed` now; False to leave the request to uvicorn."""
        parser = self.parser
        method = parser.get_method()
        if method != b"GET" and method != b"HEAD":
            return False
        cycle = self.cycle
        if (
            (cycle is not None and not cycle.response_complete)
            or self.pipeline
            or self.expect_100_continue
            or parser.should_upgrade()
        ):
            return False
        if_none_match = if_modified_since = host = None
        for name, value in self.headers:
            if name == b"if-none-match":
                if_none_match = value
            elif name == b"if-modified-since":
                if_modified_since = value
            elif name == b"host":
                host = value
            elif name == b"content-length" or name == b"transfer-encoding":
                return False  # a feed poll sends no body; the body cap decides on one
        if self._host_allowed is not None and not self._host_allowed(host):
            return False  # refused, as the Host check behind would refuse it
        default = _DefaultHeaders.of(self.server_state.default_headers)
        if (if_none_match or if_modified_since) and feed.answers_not_modified(
            if_none_match, if_modified_since
        ):
            status, head, body = 304, _NOT_MODIFIED + default + feed.not_modified_block, b""
        else:
            status, head = 200, _OK + default + feed.header_block
            body = feed.body if method == b"GET" else b""
        version = parser.get_http_version()
        keep_alive = version != "1.0" and parser.should_keep_alive()
        if self.access_log:  # the line uvicorn would log for this request
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(self.scope),
                method.decode("ascii"),
                self.url.decode("latin-1"),
                version,
                status,
            )
        if not keep_alive:
            head += _CLOSE
        transport = self.transport
        if body and feed.body_file is not None and self._can_sendfile():
            transport.write(head + b"\r\n")
            if not transport.get_write_buffer_size() and self._send_file(feed, keep_alive):
                return True
            transport.write(body)
        elif body:
            transport.writelines((head + b"\r\n", body))
        else:
            transport.write(head + b"\r\n")
        self.cycle = _ANSWERED
        self.server_state.total_requests += 1
        if not keep_alive:
            transport.close()
        else:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
        return True

    # --- large bodies: sendfile(2) from the prepared feed's file --------------------------

    def _can_sendfile(self) -> bool:
        # Only in the clear: with TLS the bytes must go through the transport to be encrypted.
        return self.scheme == "http" and hasattr(os, "sendfile")

    def _send_file(self, feed: FeedResponse, keep_alive: bool) -> bool:
        """Start sending `feed`'s body from its file; False if the socket cannot be had.

        A duplicate of the connection's descriptor is written with sendfile(2) and watched for
        writability on its own (the transport's buffer is empty and stays unused meanwhile), so
        the kernel copies the body from the page cache and Python never touches its bytes.
        """
        assert feed.body_file is not None
        sock = self.transport.get_extra_info("socket")
        try:
            socket_fd = os.dup(sock.fileno())
        except (AttributeError, OSError):
            return False
        sending = _Sending(socket_fd, feed.body_file.fileno(), len(feed.body), keep_alive)
        self._sending = sending
        self.cycle = sending  # type: ignore[assignment] # uvicorn reads only what it defines
        self._pump()
        return True

    def _pump(self) -> None:
        sending = self._sending
        if sending is None:
            return
        while sending.offset < sending.length:
            try:
                sent = os.sendfile(
                    sending.socket_fd,
                    sending.file_fd,
                    sending.offset,
                    sending.length - sending.offset,
                )
            except BlockingIOError:
                if not sending.watching:
                    self.loop.add_writer(sending.socket_fd, self._pump)
                    sending.watching = True
                return
            except OSError:  # the client went away mid-body
                self._stop_sending(sending)
                self.transport.close()
                return
            if sent == 0:
                break
            sending.offset += sent
        self._stop_sending(sending)
        self._sent(sending)

    def _stop_sending(self, sending: _Sending) -> None:
        self._sending = None
        if sending.watching:
            self.loop.remove_writer(sending.socket_fd)
            sending.watching = False
        if sending.socket_fd >= 0:
            os.close(sending.socket_fd)
            sending.socket_fd = -1

    def _sent(self, sending: _Sending) -> None:
        """The body is out: carry on as uvicorn does after a response."""
        self.cycle = _ANSWERED
        if sending.keep_alive and not sending.disconnected:
            self.on_response_complete()  # counts it, resumes reading, runs what was pipelined
        else:
            self.server_state.total_requests += 1
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._sending is not None:
            self._stop_sending(self._sending)
        super().connection_lost(exc)

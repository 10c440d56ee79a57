"""A loopback webhook that answers every POST `200 ok` at once, in its own process.

The dispatch benchmark posts to it so that the receiver's CPU is not charged to the dispatcher
(as it would be with a receiver thread inside the benchmark's own process, sharing its GIL).
It prints its port on the first line, then serves until killed.

    python benchmarks/webhook_sink.py
"""

from __future__ import annotations

import asyncio

_OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


class _Sink(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            self.transport.write(_OK)


async def _main() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Sink, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_main())
